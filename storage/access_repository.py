"""Roles, invite codes, the audit trail, and registering ärenden on behalf of coordinators."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from storage.fact_repository import record_registration
from storage.models import AuditEvent, Case, Invite, User
from storage.repository import add_member

ROLES = ("official", "coordinator", "admin")
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or retyped


def audit(
    session: Session,
    user: User | None,
    action: str,
    now: datetime,
    case_id: int | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditEvent(
            user_id=user.id if user else None,
            action=action,
            case_id=case_id,
            detail=detail,
            created_at=now,
        )
    )


def audit_events(session: Session, case_id: int | None = None) -> Sequence[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    return session.scalars(query).all()


def create_invite(
    session: Session, role: str, creator: User, now: datetime, valid_for: timedelta
) -> Invite:
    if role not in ROLES:
        raise ValueError(role)
    code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))
    invite = Invite(
        code=code,
        role=role,
        created_by_user_id=creator.id,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    session.flush()
    return invite


def redeem_invite(session: Session, code: str, user: User, now: datetime) -> Invite | None:
    """Use a code once: returns the invite, or None when unknown, used or expired.

    The UPDATE … WHERE used_by_user_id IS NULL makes a race between two users harmless:
    only one of them changes the row.
    """
    invite = session.scalar(select(Invite).where(Invite.code == code.strip().upper()))
    if invite is None or invite.used_by_user_id is not None:
        return None
    expires_at = invite.expires_at
    if expires_at.tzinfo is None:  # SQLite gives naive datetimes back
        expires_at = expires_at.replace(tzinfo=now.tzinfo)
    if expires_at <= now:
        return None
    result = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_by_user_id.is_(None))
        .values(used_by_user_id=user.id, used_at=now)
    )
    changed = cast(CursorResult[Any], result).rowcount
    if changed != 1:
        return None
    session.refresh(invite)
    return invite


def users_with_role(session: Session, *roles: str) -> Sequence[User]:
    return session.scalars(
        select(User).where(User.role.in_(roles), User.active.is_(True)).order_by(User.display_name)
    ).all()


def find_user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def register_case(
    session: Session,
    *,
    case_number: str,
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
    case = Case(
        case_number=case_number,
        template_id=template_id,
        committee=committee,
        granted_amount_kr=granted_amount_kr,
        decision_date=decision_date,
        last_reply_date=last_reply_date,
        recipients=recipients,
        responsible_user_id=responsible.id if responsible else None,
        perspectives=perspectives,
        created_by_user_id=coordinator.id,
        status="in_progress",
        created_at=now,
    )
    session.add(case)
    session.flush()
    record_registration(session, case, coordinator.id, now)
    for member in filter(None, (coordinator, responsible)):
        add_member(session, case, member, now)
    return case
