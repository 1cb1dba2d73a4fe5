"""The report a nämnd wrote last time on the same mall: the other ärenden with the same mall,
decided (or, without a decision date, created) before this one, with the nämnd each is for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case
from storage.repository import current_answers


@dataclass(frozen=True)
class EarlierReport:
    case_id: int
    case_number: str
    answers: dict[str, str]  # the current, non-empty answers by question key


def when(case: Case) -> date:
    """The day an ärende counts from: its decision, else the day it was started."""
    return case.decision_date or case.created_at.date()


def earlier_cases(session: Session, case: Case) -> Sequence[Case]:
    """Ärenden on the same mall that came before `case`, newest first."""
    others = session.scalars(
        select(Case).where(Case.template_id == case.template_id, Case.id != case.id)
    ).all()
    before = [c for c in others if (when(c), c.id) < (when(case), case.id)]
    return sorted(before, key=lambda c: (when(c), c.id), reverse=True)


def answers_of(session: Session, case_id: int) -> dict[str, str]:
    return {k: a.text for k, a in current_answers(session, case_id).items() if a.text.strip()}
