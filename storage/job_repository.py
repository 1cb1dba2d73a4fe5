"""Jobs: slow work a turn asked for (documents, a review), kept until it is done.

The engine enqueues a job inside the turn's transaction, so it exists exactly when the
turn was committed; a worker claims it, does the work after the commit, and finishes it in
the transaction that also records the work's outcome (e.g. the ärende's status). A worker
that dies leaves a claim that goes stale and is taken over. Each function takes the
caller's Session; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from storage.models import Job

MAX_ATTEMPTS = 3


def enqueue_job(
    session: Session,
    kind: str,
    requested_by_user_id: int,
    recipient: str,
    now: datetime,
    *,
    case_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> Job:
    job = Job(
        kind=kind,
        case_id=case_id,
        requested_by_user_id=requested_by_user_id,
        recipient=recipient,
        payload=payload or {},
        status="pending",
        attempts=0,
        created_at=now,
    )
    session.add(job)
    session.flush()
    return job


def claim_jobs(
    session: Session, now: datetime, token: str, stale_after: timedelta, limit: int = 10
) -> list[Job]:
    """Claim up to `limit` jobs, oldest first: pending ones, and claimed ones whose worker
    has not finished them within `stale_after` (it died). Each claim counts an attempt."""
    candidates = (
        select(Job.id)
        .where(
            or_(
                Job.status == "pending",
                (Job.status == "claimed") & (Job.claimed_at < now - stale_after),
            )
        )
        .order_by(Job.created_at, Job.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(session.scalars(candidates))
    if not ids:
        return []
    session.execute(
        update(Job)
        .where(Job.id.in_(ids))
        .values(status="claimed", claim_token=token, claimed_at=now, attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return list(session.scalars(select(Job).where(Job.id.in_(ids)).order_by(Job.id)))


def claim_these(session: Session, ids: list[int], now: datetime, token: str) -> list[Job]:
    """Claim the pending jobs among `ids` (the ones a turn just enqueued, done at once)."""
    if not ids:
        return []
    result = session.execute(
        update(Job)
        .where(Job.id.in_(ids), Job.status == "pending")
        .values(status="claimed", claim_token=token, claimed_at=now, attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return []
    session.expire_all()
    query = select(Job).where(Job.id.in_(ids), Job.claim_token == token).order_by(Job.id)
    return list(session.scalars(query))


def claim_tokens(session: Session) -> list[str]:
    """The tokens of the claims held now (to find those of instances that died)."""
    query = select(Job.claim_token).where(Job.status == "claimed", Job.claim_token.is_not(None))
    return sorted({token for token in session.scalars(query) if token})


def finish_job(session: Session, job_id: int, token: str, now: datetime) -> bool:
    """The work is done; False when the claim was taken over (another worker finishes it)."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "claimed", Job.claim_token == token)
        .values(status="done", finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def give_up_or_retry(
    session: Session, job_id: int, token: str, now: datetime, max_attempts: int = MAX_ATTEMPTS
) -> str:
    """The work failed: pending again for a later attempt, or 'failed' after the last one.
    Returns the job's new status ('' when the claim was no longer this worker's)."""
    job = session.get(Job, job_id)
    if job is None or job.status != "claimed" or job.claim_token != token:
        return ""
    job.status = "failed" if job.attempts >= max_attempts else "pending"
    job.claim_token = None
    if job.status == "failed":
        job.finished_at = now
    return job.status


def release_claims(session: Session, tokens: list[str] | None = None) -> int:
    """Make claimed jobs pending again: every one (a single instance on start, when any
    claim is that of a process that died), or those of `tokens` (instances that died).
    Returns how many."""
    query = update(Job).where(Job.status == "claimed")
    if tokens is not None:
        query = query.where(Job.claim_token.in_(tokens))
    result = session.execute(
        query.values(status="pending", claim_token=None).execution_options(
            synchronize_session=False
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def open_jobs(session: Session, case_id: int, kind: str | None = None) -> Sequence[Job]:
    """Jobs of the ärende not yet done or given up (for a status line: "being made")."""
    query = select(Job).where(Job.case_id == case_id, Job.status.in_(("pending", "claimed")))
    if kind is not None:
        query = query.where(Job.kind == kind)
    return session.scalars(query.order_by(Job.id)).all()
