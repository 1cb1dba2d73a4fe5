"""What the use cases share when they hand slow work to a job (bot/engine/jobs.py): asking
for it in the turn's transaction, and keeping a job's result in the user's conversation
state under the same per-user lock a turn takes, so no message arriving meanwhile can
lose it (or have it lost)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.engine.jobs import ClaimedJob
from bot.engine.state import ConversationState
from bot.engine.turn import Turn
from storage import job_repository, locks
from storage import repository as repo


def enqueue(turn: Turn, kind: str, case_id: int | None = None, **payload: Any) -> None:
    """Ask for a slow step in this turn's transaction; `Steps.finish()` or the adapter's
    job loop does it after the commit."""
    job = job_repository.enqueue_job(
        turn.session, kind, turn.user.id, turn.user.external_id, turn.now,
        case_id=case_id, payload=payload,
    )  # fmt: skip
    turn.jobs.append(job.id)


def keep_in_state(
    session: Session, job: ClaimedJob, now: datetime, change: Callable[[ConversationState], None]
) -> None:
    """Change the state of the user who asked for `job`, as a turn of theirs would."""
    locks.lock_turn(session, job.recipient)
    stored = repo.load_state(session, job.user_id)
    state = ConversationState.model_validate(stored) if stored else ConversationState()
    change(state)
    repo.save_state(session, job.user_id, state.model_dump(mode="json"), now)
