"""The reminders in the database: the store the reminder job sends from, and the plan that
is kept when an ärende is registered or changed (bot/reminders holds the rules)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.reminders.schedule import ReminderSchedule, start_of_day
from bot.reminders.service import DueReminder, PlannedReminder, planned_reminders
from storage import reminder_repository as reminders
from storage.models import Case
from storage.unit_of_work import Sessions, UnitOfWork


class StoredReminders:
    """The reminder job's `ReminderStore`: each call one unit of work."""

    def __init__(self, sessions: Sessions) -> None:
        self._uow = UnitOfWork.of(sessions)

    def claim_due(
        self, now: datetime, token: str, limit: int, lease: timedelta, max_attempts: int
    ) -> tuple[Sequence[DueReminder], Mapping[int, set[str]]]:
        def claim(session: Session) -> tuple[Sequence[DueReminder], Mapping[int, set[str]]]:
            claimed = reminders.claim_due(session, now, token, limit, lease, max_attempts)
            return claimed, reminders.answered_question_keys(session, {r.case_id for r in claimed})

        return self._uow.write(claim)

    def cancel(self, reminder_ids: Sequence[int], token: str) -> None:
        self._uow.write(lambda session: reminders.cancel_claimed(session, reminder_ids, token))

    def record_sent(
        self,
        token: str,
        now: datetime,
        once: Sequence[int],
        repeats: Sequence[tuple[int, datetime]],
    ) -> None:
        def record(session: Session) -> None:
            for reminder_id, next_due in repeats:
                reminders.repeat_after_sending(session, reminder_id, token, now, next_due)
            reminders.mark_sent(session, list(once), token, now)

        self._uow.write(record)


def plan_case_reminders(
    session: Session, case: Case, schedule: ReminderSchedule, now: datetime
) -> list[PlannedReminder]:
    """Replace the ärende's reminders with those still ahead, in the caller's transaction
    (a finished ärende, or one without a last reply date, gets none)."""
    rows: list[PlannedReminder] = []
    if case.status not in reminders.FINISHED_STATUSES:
        reminded = reminders.reminded_since(session, case.id, start_of_day(now, schedule))
        rows = planned_reminders(
            case.last_reply_date, case.responsible_user_id, case.created_by_user_id,
            reminded, schedule, now,
        )  # fmt: skip
    kept = [reminders.NewReminder(r.recipient_user_id, r.kind, r.due_at) for r in rows]
    reminders.replace_case_reminders(session, case.id, kept, now)
    return rows
