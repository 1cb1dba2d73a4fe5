"""The users as an administrator sees them from the command line: who they are, their
ärenden's nämnder and when they last wrote; adding one by platform id, and locking one out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Case, CaseMember, ConversationStateRow, User


def all_users(session: Session, *, with_removed: bool = False) -> Sequence[User]:
    query = select(User).order_by(User.id)
    if not with_removed:
        query = query.where(User.active.is_(True))
    return session.scalars(query).all()


def last_activity(session: Session) -> dict[int, datetime]:
    """When each user last wrote (their conversation state is saved with every input)."""
    rows = session.execute(select(ConversationStateRow.user_id, ConversationStateRow.updated_at))
    return {user_id: when for user_id, when in rows}


def committees_of_users(session: Session) -> dict[int, list[str]]:
    """The nämnder of the ärenden each user belongs to, alphabetically, each once."""
    rows = session.execute(
        select(CaseMember.user_id, Case.committee)
        .join(Case, Case.id == CaseMember.case_id)
        .where(Case.committee.is_not(None))
        .distinct()
    )
    found: dict[int, set[str]] = defaultdict(set)
    for user_id, committee in rows:
        if committee:
            found[user_id].add(committee)
    return {user_id: sorted(names, key=str.casefold) for user_id, names in found.items()}


def find_by_username(session: Session, username: str) -> Sequence[User]:
    return session.scalars(select(User).where(func.lower(User.username) == username.lower())).all()


def add_user(session: Session, external_id: str, name: str, role: str, now: datetime) -> User:
    user = User(external_id=external_id, display_name=name, role=role, active=True, created_at=now)
    session.add(user)
    session.flush()
    return user
