"""Is what was signed still what is stored? An answer changed after the signed PDF was
accepted makes the signature stale: the ärende is no longer "signerad", and its signed
PDF is not sent (a new document must be made and signed again). So does a fact the page
prints (a recipient, a date, the nämnd) that had a value then and another one now; a fact
the page could not print, because nobody had given it, may be given later (issue 20)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from functools import lru_cache

from sqlalchemy.orm import Session

from bot.arende.given_facts import standing
from bot.documents.verify import answers_equal, signed_answers
from storage import fact_repository as facts_repo
from storage import repository as repo
from storage import submission_repository as submissions
from storage.models import SignedReport


@lru_cache(maxsize=4096)
def _answers_in(sha256: str, content: bytes) -> tuple[tuple[str, str], ...] | None:
    """The answers attached to a signed PDF, read once per file and process."""
    answers = signed_answers(content)
    return tuple(sorted(answers.items())) if answers is not None else None


def still_signed(signed: SignedReport, current: Mapping[str, str]) -> bool:
    """Do the stored answers equal those inside the signed PDF?"""
    answers = _answers_in(signed.sha256, signed.content)
    return answers is not None and answers_equal(dict(answers), current)


# The facts the report's page prints when they are known (bot/documents/render.py).
PRINTED_FACTS = (
    "committee", "decided_by", "decision_date", "last_reply_date", "recipient", "copy_to",
    "report_period",
)  # fmt: skip


def facts_changed_since(session: Session, case_id: int, since: datetime) -> list[str]:
    """The printed facts that had a value at `since` and have another one now."""
    rows = facts_repo.fact_rows(session, case_id)
    changed = []
    for name in PRINTED_FACTS:
        given = [row for row in rows if row.name == name]
        then = standing([row for row in given if row.created_at <= since])
        now = standing(given)
        had_value = then is not None and then.value not in (None, "", [])
        if had_value and now is not None and then is not None and now.value != then.value:
            changed.append(name)
    return changed


def changed_after_signing(session: Session, case_ids: Collection[int]) -> set[int]:
    """The ärenden among `case_ids` whose newest verified signed PDF holds other answers
    than those stored now (or whose signed answers cannot be read any more), or one of
    whose printed facts changed after it was accepted. An ärende without a signed PDF is
    never among them."""
    changed = set()
    for case_id in case_ids:
        signed = submissions.latest_signed_report(session, case_id)
        if signed is None:
            continue
        current = {k: a.text for k, a in repo.current_answers(session, case_id).items()}
        if not still_signed(signed, current) or facts_changed_since(
            session, case_id, signed.received_at
        ):
            changed.add(case_id)
    return changed
