"""The reminder use cases: plan an ärende's reminders, and send what is due.

`planned_reminders` says which reminders an ärende should have from now on (the engine
keeps them, bot/engine/reminder_store.py, in the transaction that registered or changed
the ärende). `send_due_reminders` is the job: it claims a batch in one short transaction
(so that two bot instances never send the same reminder), writes one message per
recipient, sends them within Telegram's limits and records each as sent the moment it
went out. A reminder claimed by an instance that died is claimed again once its lease has
run out. The database is reached only through the `ReminderStore` the job is given, and
always on a thread of its own: the event loop never waits for it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.mall.template import TemplateCatalog
from bot.reminders.schedule import (
    ReminderKind,
    ReminderSchedule,
    overdue_after,
    plan,
)
from bot.reminders.sender import Notifier, Outcome, Outgoing, RateLimiter, deliver_all
from bot.reminders.texts import CaseStatus, ReminderTexts, digest_line, official_section, pack

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


class DueReminder(Protocol):
    """A claimed reminder with what it takes to write and send it."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def case_id(self) -> int: ...
    @property
    def case_number(self) -> str: ...
    @property
    def template_id(self) -> str: ...
    @property
    def committee(self) -> str | None: ...
    @property
    def last_reply_date(self) -> date | None: ...
    @property
    def recipient_external_id(self) -> str: ...
    @property
    def responsible_name(self) -> str | None: ...


class ReminderStore(Protocol):
    """Where the reminders are kept; each call is one transaction of its own."""

    def claim_due(
        self, now: datetime, token: str, limit: int, lease: timedelta, max_attempts: int
    ) -> tuple[Sequence[DueReminder], Mapping[int, set[str]]]:
        """Claim up to `limit` due reminders under `token`, with the keys of the questions
        each one's ärende has answered."""
        ...

    def cancel(self, reminder_ids: Sequence[int], token: str) -> None:
        """Give up reminders that can never be delivered."""
        ...

    def record_sent(
        self,
        token: str,
        now: datetime,
        once: Sequence[int],
        repeats: Sequence[tuple[int, datetime]],
    ) -> None:
        """Mark `once` sent, and plan each of `repeats` again at its time."""
        ...


@dataclass(frozen=True)
class PlannedReminder:
    recipient_user_id: int
    kind: str
    due_at: datetime


def planned_reminders(
    deadline: date | None,
    responsible: int | None,
    coordinator: int,
    reminded_today: Collection[int],
    schedule: ReminderSchedule,
    now: datetime,
) -> list[PlannedReminder]:
    """The reminders an ärende with this last reply date (None, or a finished ärende: none)
    should have from `now` on; `reminded_today` are the users already reminded about it
    today.

    The responsible official gets each planned reminder; the coordinator who registered
    the ärende gets a digest at the same moments (not when they are the responsible one).
    A finished ärende, or one without a last reply date, gets none. Today's moment, when it
    passed before the ärende was registered or changed, goes to the responsible official at
    once, unless they already had a reminder about this ärende today (so it goes once); the
    coordinator, who made the change, gets no digest of it.
    """
    rows: list[PlannedReminder] = []
    if deadline is None:
        return rows
    for planned in plan(deadline, now, schedule):
        if responsible is not None:
            if not planned.catch_up or responsible not in reminded_today:
                rows.append(PlannedReminder(responsible, planned.kind, planned.due_at))
            elif planned.kind is ReminderKind.OVERDUE:  # the weekly row it stood for
                later = overdue_after(deadline, now, schedule)
                rows.append(PlannedReminder(responsible, later.kind, later.due_at))
        if coordinator != responsible:
            due_at = planned.due_at
            if planned.catch_up and planned.kind is ReminderKind.OVERDUE:
                due_at = overdue_after(deadline, now, schedule).due_at
            elif planned.catch_up:
                continue
            rows.append(PlannedReminder(coordinator, ReminderKind.DIGEST, due_at))
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

    store: ReminderStore
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


def _status(reminder: DueReminder, questions: QuestionSource, answered: set[str]) -> CaseStatus:
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
    claimed: Sequence[DueReminder],
    answered: Mapping[int, set[str]],
    job: ReminderJob,
    now: datetime,
) -> list[Outgoing]:
    """One message per recipient (more when it would exceed Telegram's length limit)."""
    today = now.astimezone(job.schedule.zone).date()
    groups: dict[tuple[str, bool], list[DueReminder]] = defaultdict(list)
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


def _record(job: ReminderJob, token: str, message: Outgoing, outcome: Outcome,
            by_id: Mapping[int, DueReminder]) -> None:  # fmt: skip
    """Record what became of one message (on a thread, never on the event loop)."""
    if outcome is Outcome.FAILED:
        return  # stays claimed; claimed again when the lease runs out
    if outcome is Outcome.UNDELIVERABLE:
        job.store.cancel(message.reminder_ids, token)
        return
    now = job.clock()
    once: list[int] = []
    repeats: list[tuple[int, datetime]] = []
    for reminder_id in message.reminder_ids:
        reminder = by_id[reminder_id]
        deadline = reminder.last_reply_date
        local_day = reminder.due_at.astimezone(job.schedule.zone).date()
        if deadline is not None and local_day > deadline:  # weekly after the deadline
            next_due = overdue_after(deadline, max(now, reminder.due_at), job.schedule)
            repeats.append((reminder_id, next_due.due_at))
        else:
            once.append(reminder_id)
    job.store.record_sent(token, now, once, repeats)


async def send_due_reminders(job: ReminderJob) -> SendReport:
    """Claim one batch of due reminders, send them and record what went out."""
    now = job.clock()
    token = uuid.uuid4().hex
    claimed, answered = await asyncio.to_thread(
        job.store.claim_due, now, token, job.batch_size, job.lease, job.max_attempts
    )
    report = SendReport(claimed=len(claimed))
    if not claimed:
        return report
    messages = compose(claimed, answered, job, now)
    report.messages = len(messages)
    by_id = {r.id: r for r in claimed}

    async def count_and_record(message: Outgoing, outcome: Outcome) -> None:
        await asyncio.to_thread(_record, job, token, message, outcome, by_id)
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
