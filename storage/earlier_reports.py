"""The report a nämnd wrote last time on the same mall: the other ärenden with the same mall,
decided (or, without a decision date, created) before this one, with the nämnd each is for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, bindparam, or_, select
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


def earlier_cases(session: Session, case: Case, before_year: int | None = None) -> Sequence[Case]:
    """Ärenden on the same mall that came before `case`, newest first; with `before_year`,
    only those the database can tell came before that year (a day's margin for the time
    zone of `created_at`: the caller still looks at each one's `when`). Without it every
    ärende on the mall is read, which grows with the years."""
    mall = {"template_id": case.template_id, "case_id": case.id}
    if before_year is None:
        others = session.scalars(_SAME_MALL, mall).all()
    else:
        bounds = {"first_day": date(before_year, 1, 1),
                  "first_moment": datetime(before_year, 1, 2, tzinfo=UTC)}  # fmt: skip
        others = session.scalars(_SAME_MALL_BEFORE, mall | bounds).all()
    before = [c for c in others if (when(c), c.id) < (when(case), case.id)]
    return sorted(before, key=lambda c: (when(c), c.id), reverse=True)


_SAME_MALL = select(Case).where(
    Case.template_id == bindparam("template_id"), Case.id != bindparam("case_id")
)
_SAME_MALL_BEFORE = _SAME_MALL.where(
    or_(
        Case.decision_date < bindparam("first_day"),
        and_(Case.decision_date.is_(None), Case.created_at < bindparam("first_moment")),
    )
)


def answers_of(session: Session, case_id: int) -> dict[str, str]:
    return {k: a.text for k, a in current_answers(session, case_id).items() if a.text.strip()}
