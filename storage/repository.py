"""Repository functions: small queries and writes, each taking the caller's Session.

The caller owns the transaction (one commit per use case).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Table, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import inbox_repository as inbox
from storage.dialects import InsertInto, for_each_database, in_session, insert_for
from storage.models import (
    Answer,
    Case,
    CaseMember,
    ConversationStateRow,
    LlmUsage,
    ProcessedUpdate,
    User,
)
from storage.text_repair import repair_json

# The reads of every turn, built once: a statement built anew costs more than its query.
_USER_BY_EXTERNAL_ID = select(User).where(User.external_id == bindparam("external_id"))
_STATE_OF_USER = select(ConversationStateRow.state).where(
    ConversationStateRow.user_id == bindparam("user_id")
)
_LATEST_VERSION = select(func.max(Answer.version)).where(
    Answer.case_id == bindparam("case_id"), Answer.question_key == bindparam("question_key")
)
_LATEST_OF_EACH = (
    select(Answer.question_key, func.max(Answer.version).label("version"))
    .where(Answer.case_id == bindparam("case_id"))
    .group_by(Answer.question_key)
    .subquery()
)
_CURRENT_ANSWERS = (
    select(Answer)
    .join(
        _LATEST_OF_EACH,
        (Answer.question_key == _LATEST_OF_EACH.c.question_key)
        & (Answer.version == _LATEST_OF_EACH.c.version),
    )
    .where(Answer.case_id == bindparam("case_id"))
)


def get_or_create_user(
    session: Session,
    external_id: str,
    display_name: str,
    now: datetime,
    role: str = "official",
    username: str | None = None,
) -> User:
    """The user, created on their first message; a changed platform username is kept up to
    date (it tells apart users with the same name)."""
    user = session.scalar(_USER_BY_EXTERNAL_ID, {"external_id": external_id})
    if user is None:
        user = User(
            external_id=external_id,
            display_name=display_name,
            username=username,
            role=role,
            active=True,
            created_at=now,
        )
        session.add(user)
        session.flush()
    else:
        if username and user.username != username:
            user.username = username
        if not user.display_name:  # added by id before they wrote (`redovisa users`)
            user.display_name = display_name
    return user


def find_user(session: Session, external_id: str) -> User | None:
    return session.scalar(select(User).where(User.external_id == external_id))


def load_state(session: Session, user_id: int) -> dict[str, Any] | None:
    state = session.scalar(_STATE_OF_USER, {"user_id": user_id})
    # Repaired as read: a state stored before the adapters refused half an emoji may hold one.
    return dict(repair_json(state)) if state is not None else None


def save_state(session: Session, user_id: int, state: dict[str, Any], now: datetime) -> None:
    """Write the user's state in one statement (an upsert), whether or not it existed."""
    statement = insert_for(session, ConversationStateRow).values(
        user_id=user_id, state=state, updated_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id"], set_={"state": state, "updated_at": now}
        )
    )


def find_case(session: Session, case_number: str) -> Case | None:
    return session.scalar(select(Case).where(Case.case_number == case_number))


def get_case(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def create_case(
    session: Session, case_number: str, template_id: str, creator: User, now: datetime
) -> Case:
    case = Case(
        case_number=case_number,
        template_id=template_id,
        recipients=[],
        created_by_user_id=creator.id,
        responsible_user_id=creator.id,
        status="in_progress",
        created_at=now,
    )
    session.add(case)
    session.flush()
    add_member(session, case, creator, now)
    return case


def add_member(session: Session, case: Case, user: User, now: datetime) -> None:
    if session.get(CaseMember, (case.id, user.id)) is None:
        session.add(CaseMember(case_id=case.id, user_id=user.id, added_at=now))
        session.flush()


def is_member(session: Session, case_id: int, user_id: int) -> bool:
    return session.get(CaseMember, (case_id, user_id)) is not None


def cases_of_user(session: Session, user_id: int) -> Sequence[Case]:
    return session.scalars(
        select(Case)
        .join(CaseMember, CaseMember.case_id == Case.id)
        .where(CaseMember.user_id == user_id)
        .order_by(Case.case_number)
    ).all()


@dataclass(frozen=True)
class CurrentAnswer:
    question_key: str
    text: str
    version: int
    parts: list[dict[str, Any]]
    author_user_id: int
    created_at: datetime


def current_answers(session: Session, case_id: int) -> dict[str, CurrentAnswer]:
    """The latest version of each answer of the ärende, by question key."""
    rows = session.scalars(_CURRENT_ANSWERS, {"case_id": case_id}).all()
    return {
        row.question_key: CurrentAnswer(
            row.question_key,
            row.text,
            row.version,
            list(row.parts),
            row.author_user_id,
            row.created_at,
        )
        for row in rows
    }


def answer_history(session: Session, case_id: int, question_key: str) -> Sequence[Answer]:
    """Every version of one answer, oldest first: the audit trail."""
    return session.scalars(
        select(Answer)
        .where(Answer.case_id == case_id, Answer.question_key == question_key)
        .order_by(Answer.version)
    ).all()


def save_answer(
    session: Session,
    case_id: int,
    question_key: str,
    text: str,
    parts: list[dict[str, Any]],
    author: User,
    now: datetime,
) -> Answer:
    """Store a new version of the answer; earlier versions stay as they were.

    Two members saving the same question at the same moment both get a version: the one
    that loses the race for a version number takes the next one.
    """
    for _attempt in range(5):
        latest = session.scalar(_LATEST_VERSION, {"case_id": case_id, "question_key": question_key})
        answer = Answer(
            case_id=case_id,
            question_key=question_key,
            version=(latest or 0) + 1,
            text=text,
            parts=parts,
            author_user_id=author.id,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(answer)
        except IntegrityError:
            continue
        return answer
    raise RuntimeError(f"could not store a version of {question_key} for ärende {case_id}")


def claim_update(
    session: Session, source: str, update_id: int, now: datetime, *, mark_handled: bool = True
) -> bool:
    """Mark an incoming update as handled; False when it was handled before.

    One statement that does nothing on a duplicate, so a redelivery racing the first
    delivery in another transaction waits for it and then finds the mark. Called inside the
    turn's transaction: the mark, and the inbox's record that the update was handled, are
    committed with the turn or not at all. `mark_handled` False: the turn records that
    itself, with its replies (`inbox_repository.keep_replies`), one statement fewer."""
    claimed = session.scalar(
        in_session(_CLAIMS, session), {"of_source": source, "of_update": update_id, "now": now}
    )
    if claimed is None:
        return False
    if mark_handled:
        inbox.mark_handled(session, source, update_id, now)
    return True


def _claim(insert: InsertInto) -> Executable:
    table: Table = ProcessedUpdate.__table__  # type: ignore[assignment]
    return (
        insert(table)
        .values(
            source=bindparam("of_source", type_=table.c.source.type),
            update_id=bindparam("of_update", type_=table.c.update_id.type),
            processed_at=bindparam("now", type_=table.c.processed_at.type),
        )
        .on_conflict_do_nothing()
        .returning(table.c.update_id)
    )


_CLAIMS = for_each_database(_claim)  # the claim's INSERT


def record_llm_usage(
    session: Session,
    case_id: int | None,
    purpose: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    now: datetime,
) -> None:
    session.add(
        LlmUsage(
            case_id=case_id,
            purpose=purpose,
            model=model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            created_at=now,
        )
    )


def llm_tokens_for_case(session: Session, case_id: int) -> int:
    total = session.scalar(
        select(
            func.coalesce(func.sum(LlmUsage.prompt_tokens + LlmUsage.completion_tokens), 0)
        ).where(LlmUsage.case_id == case_id)
    )
    return int(total or 0)


def record_review(session: Session, case_id: int, open_findings: int, now: datetime) -> None:
    """Remember how many errors and warnings the latest review of the ärende found."""
    case = session.get(Case, case_id)
    if case is not None:
        case.open_findings = open_findings
        case.reviewed_at = now
