"""Repairing who belongs to an ärende: registering one an official already started, removing
a member, finding who assigned it, and which reviews the answers have overtaken."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.fact_repository import record_registration
from storage.models import Answer, AuditEvent, Case, CaseMember, User
from storage.repository import add_member

# The audit actions that make someone responsible for, or a member of, an ärende.
ASSIGNING_ACTIONS = ("responsible_set", "case_registered")


def is_registered(case: Case) -> bool:
    """A coordinator registered the ärende (an official's /ny, and the facts the official
    gives or the mall's usual values chosen, do not make it registered)."""
    return case.registered_at is not None


def register_started_case(
    session: Session,
    case: Case,
    *,
    template_id: str,
    committee: str,
    granted_amount_kr: int,
    decision_date: date,
    last_reply_date: date,
    recipients: list[str],
    responsible: User | None,
    coordinator: User,
    now: datetime,
    perspectives: list[str] | None = None,
) -> Case:
    """Give an ärende an official started the registration's facts; its answers and members
    stay, the coordinator becomes its owner and a member."""
    case.template_id = template_id
    case.committee = committee
    case.granted_amount_kr = granted_amount_kr
    case.decision_date = decision_date
    case.last_reply_date = last_reply_date
    case.recipients = recipients
    case.perspectives = perspectives
    case.created_by_user_id = coordinator.id
    if responsible is not None:
        case.responsible_user_id = responsible.id
    session.flush()
    record_registration(session, case, coordinator.id, now)
    for member in filter(None, (coordinator, responsible)):
        add_member(session, case, member, now)
    return case


def members(session: Session, case_id: int) -> Sequence[User]:
    return session.scalars(
        select(User)
        .join(CaseMember, CaseMember.user_id == User.id)
        .where(CaseMember.case_id == case_id)
        .order_by(User.id)
    ).all()


def remove_member(session: Session, case: Case, user_id: int) -> bool:
    """Take the user out of the ärende (and its responsibility); False when not a member."""
    result = session.execute(
        delete(CaseMember).where(CaseMember.case_id == case.id, CaseMember.user_id == user_id)
    )
    if not getattr(result, "rowcount", 0):
        return False
    if case.responsible_user_id == user_id:
        case.responsible_user_id = None
    session.flush()
    return True


def who_assigned(session: Session, case_id: int, user_id: int) -> User | None:
    """The user who last made `user_id` responsible for the ärende, when the audit says so."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case_id, AuditEvent.action.in_(ASSIGNING_ACTIONS))
        .order_by(AuditEvent.id.desc())
    )
    for event in events:
        detail = event.detail or {}
        named = detail.get("user_id", detail.get("responsible_user_id"))
        if named == user_id and event.user_id is not None:
            return session.get(User, event.user_id)
    return None


def last_answer_times(session: Session, case_ids: Iterable[int]) -> dict[int, datetime]:
    """When each ärende's newest answer version was written."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Answer.case_id, func.max(Answer.created_at))
        .where(Answer.case_id.in_(ids))
        .group_by(Answer.case_id)
    )
    return {case_id: when for case_id, when in rows}


def reviewed_times(session: Session, case_ids: Iterable[int]) -> dict[int, datetime]:
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Case.id, Case.reviewed_at).where(Case.id.in_(ids), Case.reviewed_at.is_not(None))
    )
    return {case_id: when for case_id, when in rows if when is not None}
