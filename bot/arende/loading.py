"""Building the model of an ärende from storage, inside the caller's unit of work.

One function per shape of request: one ärende (`load_arende`) or many (`load_arenden`, for
/oversikt, the sammanställning and the dashboard). Each reads the case, its current
answers, the budget ledger, the newest verified signed PDF, whether the report was mailed
and the given facts that have no column (given_facts.py), and applies the rules of
budget.py and bot/mall/case_status.py once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.arende.budget import Confirmation, decide_budget
from bot.arende.given_facts import TEXT_FACTS, standing_texts
from bot.arende.model import Arende, Signature
from bot.arende.signed_state import still_signed
from bot.mall.case_status import derive_status
from bot.mall.namnder import match_namnd
from bot.mall.template import TemplateCatalog
from bot.review.checks import budget_reading
from bot.review.findings import CaseFacts
from storage import arende_repository as arende_repo
from storage import repository as repo
from storage.models import BudgetLedgerEntry, Case, CaseFact, SignedReport

DOCUMENTS_MADE = "sent_for_signature"  # cases.status once the final PDF was made
COMMITTEE_KEY = "namnd"  # the question whose answer names the nämnd


def committee_of(case: Case, answers: Mapping[str, str]) -> str | None:
    """The ärende's nämnd as Malmö stad's list spells it (prompts/namnder.toml): the
    registered or given nämnd, else the one the answer to question 1 names surely; one nämnd
    is one row everywhere."""
    for written in (case.committee, answers.get(COMMITTEE_KEY)):
        if written and written.strip():
            match = match_namnd(written)
            return match.name if match is not None and match.sure else case.committee
    return None


def _registered_signature(case: Case) -> Signature | None:
    """A signature recorded on the case without its PDF kept (older data): signed, and
    nothing to compare the answers with."""
    if case.signed_at is None:
        return None
    return Signature(case.signer, case.signed_at, pdf_sha256="", answers_match=True)


def _signature(
    case: Case, signed: SignedReport | None, current: dict[str, str]
) -> Signature | None:
    if signed is None:
        return _registered_signature(case)
    return Signature(
        signer=signed.signer,
        signed_at=signed.signed_at,
        pdf_sha256=signed.sha256,
        answers_match=still_signed(signed, current),
    )


def _arende(
    case: Case,
    catalog: TemplateCatalog,
    current: dict[str, str],
    entries: list[BudgetLedgerEntry],
    signed: SignedReport | None,
    facts: dict[str, list[CaseFact]],
) -> Arende:
    template = catalog.get(case.template_id) if case.template_id in catalog else None
    answers = {key: text for key, text in current.items() if text.strip()}
    history = tuple(
        Confirmation(e.granted_kr, e.used_kr, e.confirmed_at, e.source) for e in entries
    )
    budget = decide_budget(
        history=history,
        registered_granted_kr=case.granted_amount_kr,
        reading=None
        if history or template is None
        else budget_reading(template, answers, CaseFacts(granted_amount_kr=case.granted_amount_kr)),
    )
    signature = _signature(case, signed, current)
    given = standing_texts(facts)
    keys = {q.key for q in template.questions} if template else set(answers)
    status = derive_status(
        answered=len(keys & set(answers)),
        questions=len(template.questions) if template else 0,
        documents_made=case.status == DOCUMENTS_MADE,
        signed=signature is not None,
        changed_after_signing=signature is not None and not signature.answers_match,
        submitted=case.submitted_at is not None,
    )
    return Arende(
        case_id=case.id,
        case_number=case.case_number,
        template_id=case.template_id,
        template=template,
        committee=committee_of(case, answers),
        decision_date=case.decision_date,
        last_reply_date=case.last_reply_date,
        recipients=tuple(case.recipients or ()),
        perspectives=tuple(case.perspectives) if case.perspectives is not None else None,
        responsible_user_id=case.responsible_user_id,
        registered_by_user_id=case.created_by_user_id,
        answers=answers,
        budget=budget,
        signature=signature,
        submitted_at=case.submitted_at,
        status=status,
        decided_by=given.get("decided_by"),
        report_period=given.get("report_period"),
    )


def load_arenden(session: Session, cases: Sequence[Case], catalog: TemplateCatalog) -> list[Arende]:
    """The models of `cases`, in their order, read with a few queries whatever their number."""
    ids = [case.id for case in cases]
    answers = arende_repo.current_answer_texts(session, ids)
    ledgers = arende_repo.ledger_histories(session, ids)
    signed = arende_repo.latest_signed_reports(session, ids)
    facts = arende_repo.fact_histories(session, ids, TEXT_FACTS)
    return [
        _arende(
            case, catalog, answers[case.id], ledgers[case.id], signed.get(case.id), facts[case.id]
        )
        for case in cases
    ]


def load_arende(session: Session, case: Case, catalog: TemplateCatalog) -> Arende:
    """The model of `case` as it stands in this transaction."""
    (arende,) = load_arenden(session, [case], catalog)
    return arende


def load_arenden_by_id(
    session: Session, case_ids: Sequence[int], catalog: TemplateCatalog
) -> dict[int, Arende]:
    """The models of the ärenden with these ids, by id."""
    cases = session.scalars(select(Case).where(Case.id.in_(case_ids))).all() if case_ids else []
    return {a.case_id: a for a in load_arenden(session, cases, catalog)}


def find_arende(session: Session, case_number: str, catalog: TemplateCatalog) -> Arende | None:
    case = repo.find_case(session, case_number)
    return load_arende(session, case, catalog) if case is not None else None
