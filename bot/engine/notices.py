"""A message for another user's chat (a coordinator made them responsible for an ärende),
sent as a durable job of its own kind: enqueued in the turn's transaction, so it is neither
lost in a crash after the commit nor sent when the turn is rolled back, and delivered to
that user's chat by the adapter's job loop (bot/telegram/jobs.py) like any job's replies.
Delivery is at least once with at most the one message in flight doubled, as for every
job. The terminal chat, with one user, has no other chat to deliver to: there the notice
waits for a job loop."""

from __future__ import annotations

from bot.engine.jobs import ClaimedJob, Work
from bot.engine.messages import Notice, Reply, replies_from_json, replies_to_json
from bot.engine.turn import Turn
from storage import job_repository

NOTICE = "notice"


def send_later(turn: Turn, notices: list[Notice]) -> None:
    """Enqueue each notice as a job for its recipient, in the turn's transaction."""
    for notice in notices:
        job = job_repository.enqueue_job(
            turn.session, NOTICE, turn.user.id, notice.recipient_external_id, turn.now,
            payload={"replies": replies_to_json([notice.reply])},
        )  # fmt: skip
        turn.jobs_for_others.append(job.id)
    turn.notices.extend(notices)


def _replies(job: ClaimedJob) -> list[Reply]:
    return replies_from_json(list(job.payload.get("replies", [])))


def work() -> dict[str, Work]:
    return {NOTICE: Work(_replies)}
