"""The reminder job against SQLite and PostgreSQL, with time moved by the test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.engine.reminder_store import StoredReminders, plan_case_reminders
from bot.mall.template import TemplateCatalog
from bot.reminders.schedule import ReminderSchedule
from bot.reminders.sender import Outcome, TemporaryFailure, Undeliverable
from bot.reminders.service import (
    ReminderJob,
    questions_from_catalog,
    send_all_due_reminders,
)
from bot.reminders.texts import load_texts
from storage.db import SessionFactory
from storage.models import Reminder, User
from storage.reminder_repository import claim_due, reminders_of_case
from storage.repository import save_answer
from tests.conftest import MovableClock
from tests.reminders.helpers import RecordingNotifier, VirtualTime, register_case, user

SCHEDULE = ReminderSchedule()
DEADLINE = date(2026, 4, 8)  # a Wednesday after Easter
REGISTERED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
OFFICIAL = "telegram:1001"
COORDINATOR = "telegram:2001"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(REGISTERED)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier(VirtualTime())


@pytest.fixture
def job(
    session_factory: SessionFactory,
    notifier: RecordingNotifier,
    catalog: TemplateCatalog,
    clock: MovableClock,
) -> ReminderJob:
    assert notifier.time is not None
    return ReminderJob(
        store=StoredReminders(session_factory),
        notifier=notifier,
        limiter=notifier.time.limiter(),
        questions=questions_from_catalog(catalog),
        texts=load_texts(),
        schedule=SCHEDULE,
        clock=clock,
    )


Register = Callable[..., int]


@pytest.fixture
def register(session_factory: SessionFactory, clock: MovableClock) -> Register:
    """Register an ärende (official telegram:1001, coordinator telegram:2001) and plan it."""

    def register(number: str = "STK-2026-0001", deadline: date = DEADLINE, **fields: object) -> int:
        with session_factory.begin() as session:
            coordinator = user(session, COORDINATOR, "Cecilia Samordnare", clock(), "coordinator")
            official = user(session, OFFICIAL, "Olle Handläggare", clock(), "official")
            case = register_case(
                session, number, coordinator, official, deadline, clock(), **fields
            )
            plan_case_reminders(session, case, SCHEDULE, clock())
            return case.id

    return register


def local(moment: str) -> datetime:
    """'2026-03-25 09:00' in Stockholm, as UTC."""
    return datetime.fromisoformat(moment).replace(tzinfo=SCHEDULE.zone).astimezone(UTC)


def rows(session_factory: SessionFactory, case_id: int) -> list[tuple[str, str, str, str]]:
    with session_factory() as session:
        return [
            (
                f"{r.due_at.astimezone(SCHEDULE.zone):%Y-%m-%d %H:%M}",
                r.kind,
                r.status,
                session.get_one(User, r.recipient_user_id).external_id,
            )
            for r in reminders_of_case(session, case_id)
        ]


async def test_registering_plans_the_official_and_the_coordinator(
    register: Register, session_factory: SessionFactory
) -> None:
    case_id = register()
    planned = rows(session_factory, case_id)
    assert [r for r in planned if r[3] == OFFICIAL] == [
        ("2026-03-25 09:00", "before", "pending", OFFICIAL),
        ("2026-04-01 09:00", "before", "pending", OFFICIAL),
        ("2026-04-02 09:00", "before", "pending", OFFICIAL),
        ("2026-04-08 09:00", "due", "pending", OFFICIAL),
        ("2026-04-15 09:00", "overdue", "pending", OFFICIAL),
    ]
    digests = [r for r in planned if r[3] == COORDINATOR]
    assert [r[0] for r in digests] == [r[0] for r in planned if r[3] == OFFICIAL]
    assert {r[1] for r in digests} == {"digest"}


async def test_each_reminder_goes_out_on_its_day_with_what_is_missing(
    register: Register,
    job: ReminderJob,
    clock: MovableClock,
    notifier: RecordingNotifier,
    session_factory: SessionFactory,
) -> None:
    case_id = register(committee="Servicenämnden")
    with session_factory.begin() as session:
        author = session.scalars(select(User).where(User.external_id == OFFICIAL)).one()
        save_answer(session, case_id, "namnd", "Servicenämnden", [], author, clock())
        save_answer(session, case_id, "namn", "Normkreativ service", [], author, clock())

    clock.now = local("2026-03-25 08:59")
    assert (await send_all_due_reminders(job)).claimed == 0
    clock.now = local("2026-03-25 09:00")
    report = await send_all_due_reminders(job)
    assert report.claimed == 2 and report.outcomes[Outcome.SENT] == 2
    [text] = notifier.to(OFFICIAL)
    assert "STK-2026-0001 (Servicenämnden): sista svarsdag är 8 april 2026, om 14 dagar." in text
    assert "Besvarat: 2 av 8 frågor." in text
    assert "3. Utvecklingsarbetets måluppfyllelse\n" in text
    assert "1. Vid vilken nämnd" not in text
    assert "8. Underskrift" in text
    [digest] = notifier.to(COORDINATOR)
    assert "STK-2026-0001 (Servicenämnden) – ansvarig Olle Handläggare" in digest

    clock.advance(hours=1)
    assert (await send_all_due_reminders(job)).claimed == 0  # nothing sent twice
    clock.now = local("2026-04-08 09:05")
    await send_all_due_reminders(job)
    assert len(notifier.to(OFFICIAL)) == 2  # 1 and 2 April were skipped: the bot was not run
    assert "sista svarsdag är 8 april 2026, i dag." in notifier.to(OFFICIAL)[-1]


async def test_a_bot_that_was_down_sends_only_the_latest_missed_reminder(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier,
    session_factory: SessionFactory,
) -> None:  # fmt: skip
    case_id = register()
    clock.now = local("2026-04-02 15:30")  # down since before the first reminder
    report = await send_all_due_reminders(job)
    assert report.claimed == 2  # one to the official, one digest: not three each
    [text] = notifier.to(OFFICIAL)
    assert "om 6 dagar" in text  # written when sent, late, not when it fell due
    states = rows(session_factory, case_id)
    assert [s[2] for s in states if s[3] == OFFICIAL] == [
        "cancelled", "cancelled", "sent", "pending", "pending",
    ]  # fmt: skip


async def test_finished_between_two_reminders_gets_no_more(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier,
    session_factory: SessionFactory,
) -> None:  # fmt: skip
    case_id = register()
    clock.now = local("2026-03-25 09:00")
    await send_all_due_reminders(job)
    assert len(notifier.sent) == 2
    with session_factory.begin() as session:
        from storage.models import Case

        session.get_one(Case, case_id).status = "finished"  # nobody cancelled the rows
    for moment in ("2026-04-01 09:00", "2026-04-02 09:00", "2026-04-08 09:00", "2026-05-01"):
        clock.now = local(moment)
        await send_all_due_reminders(job)
    assert len(notifier.sent) == 2
    assert {s[2] for s in rows(session_factory, case_id)} == {"sent", "cancelled"}


async def test_sent_for_signature_counts_as_finished(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier
) -> None:
    register(status="sent_for_signature")
    clock.now = local("2026-04-08 09:00")
    assert (await send_all_due_reminders(job)).claimed == 0
    assert notifier.sent == []


async def test_a_moved_deadline_replaces_the_reminders(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier,
    session_factory: SessionFactory,
) -> None:  # fmt: skip
    case_id = register()
    clock.now = local("2026-03-26 10:00")
    with session_factory.begin() as session:
        from storage.models import Case

        case = session.get_one(Case, case_id)
        case.last_reply_date = date(2026, 5, 29)
        plan_case_reminders(session, case, SCHEDULE, clock())
    official = [r for r in rows(session_factory, case_id) if r[3] == OFFICIAL]
    assert [r for r in official if r[2] == "pending"] == [
        ("2026-05-15 09:00", "before", "pending", OFFICIAL),
        ("2026-05-22 09:00", "before", "pending", OFFICIAL),
        ("2026-05-27 09:00", "before", "pending", OFFICIAL),
        ("2026-05-29 09:00", "due", "pending", OFFICIAL),
        ("2026-06-05 09:00", "overdue", "pending", OFFICIAL),
    ]
    assert {r[2] for r in official if r[0] < "2026-05"} == {"cancelled"}
    clock.now = local("2026-04-08 09:00")  # the old deadline: nothing
    assert (await send_all_due_reminders(job)).claimed == 0
    clock.now = local("2026-05-15 09:00")
    await send_all_due_reminders(job)
    assert "29 maj 2026, om 14 dagar" in notifier.to(OFFICIAL)[0]


async def test_overdue_once_a_week_until_finished(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier,
    session_factory: SessionFactory,
) -> None:  # fmt: skip
    case_id = register()
    clock.now = local("2026-04-08 09:00")
    await send_all_due_reminders(job)
    sent_days = []
    for day in range(60):  # the job runs every three hours for two months
        for _ in range(8):
            clock.advance(hours=3)
            before = len(notifier.to(OFFICIAL))
            await send_all_due_reminders(job)
            if len(notifier.to(OFFICIAL)) > before:
                sent_days.append(f"{clock.now.astimezone(SCHEDULE.zone):%m-%d %H}")
        if day == 45:
            with session_factory.begin() as session:
                from storage.models import Case

                session.get_one(Case, case_id).status = "sent_for_signature"
    assert sent_days == [
        "04-15 09", "04-22 09", "04-29 09", "05-06 09", "05-13 09", "05-20 09",
    ]  # fmt: skip
    assert (
        "sista svarsdagen 8 april 2026 har passerat, för 7 dagar sedan" in notifier.to(OFFICIAL)[1]
    )
    assert len(notifier.to(COORDINATOR)) == 7  # the digest on the day and each week after


async def test_after_a_long_outage_overdue_goes_once_then_weekly_from_now(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier
) -> None:
    register()
    clock.now = local("2026-05-12 14:00")  # five weeks late
    await send_all_due_reminders(job)
    assert len(notifier.to(OFFICIAL)) == 1
    clock.now = local("2026-05-13 09:00")  # the next weekly slot
    await send_all_due_reminders(job)
    assert len(notifier.to(OFFICIAL)) == 2
    clock.now = local("2026-05-19 09:00")
    await send_all_due_reminders(job)
    assert len(notifier.to(OFFICIAL)) == 2


async def test_claims_do_not_overlap_and_a_lapsed_lease_is_claimed_again(
    register: Register, session_factory: SessionFactory, clock: MovableClock
) -> None:
    for n in range(5):
        register(f"STK-2026-{n:04d}")
    now = local("2026-03-25 09:00")
    lease = timedelta(minutes=5)
    with session_factory.begin() as session:
        first = claim_due(session, now, "a" * 32, 6, lease)
    with session_factory.begin() as session:
        second = claim_due(session, now, "b" * 32, 100, lease)
    assert len(first) == 6 and len(second) == 4
    assert not {r.id for r in first} & {r.id for r in second}
    with session_factory.begin() as session:
        assert claim_due(session, now + lease - timedelta(seconds=1), "c" * 32, 100, lease) == []
    with session_factory.begin() as session:
        again = claim_due(session, now + lease, "d" * 32, 100, lease)
    assert {r.id for r in again} == {r.id for r in first} | {r.id for r in second}
    assert {r.attempts for r in again} == {2}


async def test_undeliverable_is_cancelled_and_a_temporary_failure_retried(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier,
    session_factory: SessionFactory,
) -> None:  # fmt: skip
    case_id = register()
    clock.now = local("2026-03-25 09:00")
    notifier.failures = [Undeliverable("blocked"), TemporaryFailure("timed out")]
    report = await send_all_due_reminders(job)
    assert report.outcomes == {Outcome.UNDELIVERABLE: 1, Outcome.FAILED: 1}
    with session_factory() as session:
        statuses = sorted(
            r.status for r in reminders_of_case(session, case_id) if r.due_at <= clock()
        )
    assert statuses == ["cancelled", "claimed"]
    clock.advance(minutes=5)
    await send_all_due_reminders(job)
    assert len(notifier.sent) == 1


async def test_an_official_gets_one_message_for_several_arenden(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier
) -> None:
    for n in range(3):
        register(f"STK-2026-{n:04d}")
    clock.now = local("2026-03-25 09:00")
    report = await send_all_due_reminders(job)
    assert (report.claimed, report.messages) == (6, 2)
    [text] = notifier.to(OFFICIAL)
    assert all(f"STK-2026-{n:04d}" in text for n in range(3))
    [digest] = notifier.to(COORDINATOR)
    assert digest.count("•") == 3


async def test_an_inactive_official_is_not_reminded(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier,
    session_factory: SessionFactory,
) -> None:  # fmt: skip
    register()
    with session_factory.begin() as session:
        session.scalars(select(User).where(User.external_id == OFFICIAL)).one().active = False
    clock.now = local("2026-03-25 09:00")
    await send_all_due_reminders(job)
    assert notifier.to(OFFICIAL) == [] and len(notifier.to(COORDINATOR)) == 1
    with session_factory() as session:
        assert session.scalar(select(Reminder).where(Reminder.status == "claimed")) is None
