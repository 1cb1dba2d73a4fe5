"""The reminder use cases: plan an ärende's reminders, and send what is due.

`plan_case_reminders` runs inside the caller's transaction when an ärende is registered or
its deadline, responsible official or coordinator changes. `send_due_reminders` is the
job: it claims a batch in one short transaction (so that two bot instances never send the
same reminder), writes one message per recipient, sends them within Telegram's limits and
records each as sent the moment it went out. A reminder claimed by an instance that died
is claimed again once its lease has run out.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot.mall.template import TemplateCatalog
from bot.reminders.schedule import (
    ReminderKind,
    ReminderSchedule,
    overdue_after,
    plan,
    start_of_day,
)
from bot.reminders.sender import Notifier, Outcome, Outgoing, RateLimiter, deliver_all
from bot.reminders.texts import CaseStatus, ReminderTexts, digest_line, official_section, pack
from storage.models import Case
from storage.reminder_repository import (
    FINISHED_STATUSES,
    ClaimedReminder,
    NewReminder,
    answered_question_keys,
    cancel_claimed,
    claim_due,
    mark_sent,
    reminded_since,
    repeat_after_sending,
    replace_case_reminders,
)

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)
DEFAULT_BATCH = 200


class QuestionSource(Protocol):
    """The question texts of a mall, in order (the engine's TemplateCatalog, adapted)."""

    def __call__(self, template_id: str) -> Sequence[tuple[str, str]]: ...  # (key, text)


def questions_from_catalog(catalog: TemplateCatalog) -> QuestionSource:
    """The mall's (key, text) pairs; an unknown mall has none (the reminder still goes)."""

    def questions(template_id: str) -> Sequence[tuple[str, str]]:
        if template_id not in catalog:
            log.warning("reminder for an ärende with the unknown mall %s", template_id)
            return []
        return [(q.key, q.text) for q in catalog.get(template_id).questions]

    return questions


def plan_case_reminders(
    session: Session, case: Case, schedule: ReminderSchedule, now: datetime
) -> list[NewReminder]:
    """Replace the ärende's reminders with those still ahead; the caller commits.

    The responsible official gets each planned reminder; the coordinator who registered
    the ärende gets a digest at the same moments (not when they are the responsible one).
    A finished ärende, or one without a last reply date, gets none. Today's moment, when it
    passed before the ärende was registered or changed, goes to the responsible official at
    once, unless they already had a reminder about this ärende today (so it goes once); the
    coordinator, who made the change, gets no digest of it.
    """
    rows: list[NewReminder] = []
    if case.last_reply_date is not None and case.status not in FINISHED_STATUSES:
        deadline = case.last_reply_date
        reminded = reminded_since(session, case.id, start_of_day(now, schedule))
        for planned in plan(deadline, now, schedule):
            responsible, coordinator = case.responsible_user_id, case.created_by_user_id
            if responsible is not None:
                if not planned.catch_up or responsible not in reminded:
                    rows.append(NewReminder(responsible, planned.kind, planned.due_at))
                elif planned.kind is ReminderKind.OVERDUE:  # the weekly row it stood for
                    later = overdue_after(deadline, now, schedule)
                    rows.append(NewReminder(responsible, later.kind, later.due_at))
            if coordinator != responsible:
                due_at = planned.due_at
                if planned.catch_up and planned.kind is ReminderKind.OVERDUE:
                    due_at = overdue_after(deadline, now, schedule).due_at
                elif planned.catch_up:
                    continue
                rows.append(NewReminder(coordinator, ReminderKind.DIGEST, due_at))
    replace_case_reminders(session, case.id, rows, now)
    return rows


@dataclass
class SendReport:
    claimed: int = 0
    messages: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: SendReport) -> None:
        self.claimed += other.claimed
        self.messages += other.messages
        for outcome, count in other.outcomes.items():
            self.outcomes[outcome] += count


@dataclass(frozen=True)
class ReminderJob:
    """What the job needs; built once in main() and passed to the functions below."""

    session_factory: sessionmaker[Session]
    notifier: Notifier
    questions: QuestionSource
    texts: ReminderTexts
    schedule: ReminderSchedule
    clock: Callable[[], datetime]
    batch_size: int = DEFAULT_BATCH
    lease: timedelta = DEFAULT_LEASE
    max_attempts: int = 5
    concurrency: int = 8
    # None when the notifier keeps the platform's limits itself (Telegram's does).
    limiter: RateLimiter | None = None


def _status(reminder: ClaimedReminder, questions: QuestionSource, answered: set[str]) -> CaseStatus:
    assert reminder.last_reply_date is not None  # claim_due skips ärenden without one
    mall = questions(reminder.template_id)
    return CaseStatus(
        case_number=reminder.case_number,
        committee=reminder.committee,
        deadline=reminder.last_reply_date,
        responsible_name=reminder.responsible_name,
        questions=[text for _, text in mall],
        unanswered=[i for i, (key, _) in enumerate(mall) if key not in answered],
    )


def compose(
    claimed: Sequence[ClaimedReminder],
    answered: dict[int, set[str]],
    job: ReminderJob,
    now: datetime,
) -> list[Outgoing]:
    """One message per recipient (more when it would exceed Telegram's length limit)."""
    today = now.astimezone(job.schedule.zone).date()
    groups: dict[tuple[str, bool], list[ClaimedReminder]] = defaultdict(list)
    for reminder in claimed:
        is_digest = reminder.kind == ReminderKind.DIGEST
        groups[(reminder.recipient_external_id, is_digest)].append(reminder)
    texts = job.texts
    messages: list[Outgoing] = []
    for (chat, is_digest), reminders in groups.items():
        reminders.sort(key=lambda r: (r.last_reply_date, r.case_number))
        sections = [
            (
                r.id,
                (digest_line if is_digest else official_section)(
                    texts, _status(r, job.questions, answered.get(r.case_id, set())), today
                ),
            )
            for r in reminders
        ]
        if is_digest:
            header, footer, sep = texts.digest_header, "", "\n"
        else:
            header, footer, sep = (
                texts.official_header,
                texts.official_footer,
                "\n\n",
            )
        messages.extend(_packed(chat, header, sections, footer, sep))
    return messages


def _packed(
    chat: str, header: str, sections: list[tuple[int, str]], footer: str, sep: str
) -> list[Outgoing]:
    """Pack sections into messages and remember which reminder rows each one carries."""
    messages: list[Outgoing] = []
    ids: list[int] = []
    parts: list[str] = []
    for reminder_id, section in sections:
        if parts and len(pack(header, [*parts, section], footer, sep)) > 1:
            messages.append(Outgoing(chat, pack(header, parts, footer, sep)[0], tuple(ids)))
            ids, parts = [], []
        ids.append(reminder_id)
        parts.append(section)
    if parts:
        messages.append(Outgoing(chat, pack(header, parts, footer, sep)[0], tuple(ids)))
    return messages


def _record(
    job: ReminderJob, token: str, by_id: dict[int, ClaimedReminder]
) -> Callable[[Outgoing, Outcome], None]:
    def record(message: Outgoing, outcome: Outcome) -> None:
        if outcome is Outcome.FAILED:
            return  # stays claimed; claimed again when the lease runs out
        with job.session_factory.begin() as session:
            if outcome is Outcome.UNDELIVERABLE:
                cancel_claimed(session, message.reminder_ids, token)
                return
            now = job.clock()
            once = []
            for reminder_id in message.reminder_ids:
                reminder = by_id[reminder_id]
                deadline = reminder.last_reply_date
                local_day = reminder.due_at.astimezone(job.schedule.zone).date()
                if deadline is not None and local_day > deadline:  # weekly after the deadline
                    next_due = overdue_after(deadline, max(now, reminder.due_at), job.schedule)
                    repeat_after_sending(session, reminder_id, token, now, next_due.due_at)
                else:
                    once.append(reminder_id)
            mark_sent(session, once, token, now)

    return record


async def send_due_reminders(job: ReminderJob) -> SendReport:
    """Claim one batch of due reminders, send them and record what went out."""
    now = job.clock()
    token = uuid.uuid4().hex
    with job.session_factory.begin() as session:
        claimed = claim_due(session, now, token, job.batch_size, job.lease, job.max_attempts)
        answered = answered_question_keys(session, {r.case_id for r in claimed})
    report = SendReport(claimed=len(claimed))
    if not claimed:
        return report
    messages = compose(claimed, answered, job, now)
    report.messages = len(messages)
    record = _record(job, token, {r.id: r for r in claimed})

    def count_and_record(message: Outgoing, outcome: Outcome) -> None:
        record(message, outcome)
        report.outcomes[outcome] += 1

    await deliver_all(job.notifier, job.limiter, messages, count_and_record, job.concurrency)
    log.info(
        "reminders: %d claimed, %d messages, %s", len(claimed), len(messages), dict(report.outcomes)
    )
    return report


async def send_all_due_reminders(job: ReminderJob) -> SendReport:
    """Send batches until nothing is due (the job's tick, and the catch-up after a restart)."""
    total = SendReport()
    while True:
        report = await send_due_reminders(job)
        total.add(report)
        if report.claimed == 0 or report.outcomes.get(Outcome.SENT, 0) == 0:
            return total
