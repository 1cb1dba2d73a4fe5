"""Does the signed page still print the ärende's facts? The PDF carries the facts its page
printed (DocumentCase.printed_facts, in answers.json); when the signed PDF is to be sent
they are held against what a page made now would print. A fact the signed page printed
that now reads otherwise (the copy recipient corrected after the documents were made, and
before the manager's signature came back) means the manager signed another page than the
registrator would get; a fact the page could not print (nobody had given it) may be added.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.documents.case_record import document_case
from bot.documents.verify import signed_facts
from bot.engine.reports import snapshot_of
from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage import submission_repository as submissions
from storage.models import Case


def facts_off_the_signed_page(session: Session, case: Case, catalog: TemplateCatalog) -> list[str]:
    """The names of the facts the newest signed page printed that now read otherwise
    (none for a PDF made before the facts travelled with it)."""
    signed = submissions.latest_signed_report(session, case.id)
    if signed is None or case.template_id not in catalog:
        return []
    printed = signed_facts(signed.content)
    if not printed:
        return []
    template = catalog.get(case.template_id)
    snapshot = snapshot_of(session, case, template, repo.current_answers(session, case.id))
    now = document_case(snapshot).printed_facts()
    return [name for name, value in printed.items() if now.get(name) != value]
