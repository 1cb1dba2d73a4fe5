"""No missed reminder: an ärende registered or changed after the time of day on one of its
reminder days gets that day's reminder in the next round, once; on any other day nothing is
caught up. The deadline is Wednesday 8 April 2026, after Easter: its moments are 25 March,
1 April, 2 April (2 days before is Easter Monday, and Good Friday is off too), the day itself,
then weekly from 15 April."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.engine.reminder_store import plan_case_reminders
from bot.reminders.schedule import ReminderSchedule, is_working_day, plan
from bot.reminders.service import ReminderJob, send_all_due_reminders
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import Case, User
from tests.conftest import MovableClock
from tests.reminders import test_service
from tests.reminders.helpers import RecordingNotifier, user
from tests.reminders.test_service import (
    COORDINATOR,
    DEADLINE,
    OFFICIAL,
    SCHEDULE,
    Register,
    local,
)

# The reminder job, its recording notifier and an ärende's registration, as there.
job, notifier, register = test_service.job, test_service.notifier, test_service.register

OTHER = "telegram:1002"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


async def sent_at(
    moment: str, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier
) -> list[tuple[str, str]]:
    """Move to `moment` (Stockholm time), run a round; what it sent, (chat, text)."""
    clock.now = local(moment)
    before = len(notifier.sent)
    await send_all_due_reminders(job)
    return [(chat, text) for chat, text, _ in notifier.sent[before:]]


@pytest.mark.parametrize(
    ("registered", "when"),
    [
        ("2026-03-25 10:30", "om 14 dagar"),  # a reminder day before the deadline
        ("2026-04-01 16:45", "om 7 dagar"),
        ("2026-04-02 09:01", "om 6 dagar"),  # the 2-day moment, moved before Easter
        ("2026-04-08 13:00", "i dag"),  # the due day
    ],
)
async def test_registered_after_the_time_on_a_reminder_day_is_reminded_at_once_and_once(
    registered: str,
    when: str,
    register: Register,
    job: ReminderJob,
    clock: MovableClock,
    notifier: RecordingNotifier,
    session_factory: SessionFactory,
) -> None:
    clock.now = local(registered)
    case_id = register()
    [(chat, text)] = await sent_at(registered, job, clock, notifier)
    assert chat == OFFICIAL, "the official, not the coordinator who just registered it"
    assert "STK-2026-0001" in text and f"8 april 2026, {when}." in text
    assert await sent_at(registered[:11] + "17:00", job, clock, notifier) == []

    # Changed again the same day (planned anew): still once.
    with session_factory.begin() as session:
        plan_case_reminders(session, session.get_one(Case, case_id), SCHEDULE, clock())
    assert await sent_at(registered[:11] + "23:59", job, clock, notifier) == []


async def test_the_due_day_catch_up_is_followed_by_the_weekly_overdue_one(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier
) -> None:
    clock.now = local("2026-04-08 13:00")
    register()
    assert len(await sent_at("2026-04-08 13:00", job, clock, notifier)) == 1
    assert await sent_at("2026-04-15 08:59", job, clock, notifier) == []
    later = await sent_at("2026-04-15 09:00", job, clock, notifier)
    assert {chat for chat, _ in later} == {OFFICIAL, COORDINATOR}
    assert any("har passerat, för 7 dagar sedan" in text for _, text in later)


async def test_after_the_deadline_only_a_weekly_day_catches_up_and_then_weekly(
    register: Register, job: ReminderJob, clock: MovableClock, notifier: RecordingNotifier
) -> None:
    clock.now = local("2026-04-10 10:00")  # after the deadline, no moment of its own
    register("STK-2026-0001")
    assert await sent_at("2026-04-10 10:00", job, clock, notifier) == []
    assert len(await sent_at("2026-04-15 09:00", job, clock, notifier)) == 2

    clock.now = local("2026-04-15 14:00")  # a weekly day, after its time
    register("STK-2026-0002")
    [(chat, text)] = await sent_at("2026-04-15 14:00", job, clock, notifier)
    assert chat == OFFICIAL and "STK-2026-0002" in text and "har passerat" in text
    assert await sent_at("2026-04-21 23:00", job, clock, notifier) == []
    week = await sent_at("2026-04-22 09:00", job, clock, notifier)
    official = [text for chat, text in week if chat == OFFICIAL]
    assert len(official) == 1, "one message for both ärenden"
    assert "STK-2026-0001" in official[0] and "STK-2026-0002" in official[0]
    assert "STK-2026-0002" in "".join(text for chat, text in week if chat == COORDINATOR)


@pytest.mark.parametrize(
    "registered",
    [
        "2026-04-03 10:00",  # Good Friday, a holiday
        "2026-04-06 11:00",  # Easter Monday
        "2026-04-04 12:00",  # a Saturday
        "2026-03-26 10:00",  # a working day with no moment
        "2026-04-01 08:00",  # a reminder day, before its time: the moment itself
    ],
)
async def test_on_a_day_without_a_passed_moment_nothing_is_caught_up(
    registered: str,
    register: Register,
    job: ReminderJob,
    clock: MovableClock,
    notifier: RecordingNotifier,
) -> None:
    clock.now = local(registered)
    register()
    assert await sent_at(registered, job, clock, notifier) == []
    next_moment = next(p for p in plan(DEADLINE, clock(), SCHEDULE) if not p.catch_up)
    assert is_working_day(next_moment.due_at.astimezone(SCHEDULE.zone).date())
    at = f"{next_moment.due_at.astimezone(SCHEDULE.zone):%Y-%m-%d %H:%M}"
    assert await sent_at(at[:11] + "08:59", job, clock, notifier) == []
    assert [chat for chat, _ in await sent_at(at, job, clock, notifier)].count(OFFICIAL) == 1


async def test_a_new_responsible_after_the_time_gets_todays_reminder_the_first_not_again(
    register: Register,
    job: ReminderJob,
    clock: MovableClock,
    notifier: RecordingNotifier,
    session_factory: SessionFactory,
) -> None:
    clock.now = local("2026-03-31 12:00")
    case_id = register()
    assert await sent_at("2026-04-01 09:00", job, clock, notifier)
    clock.now = local("2026-04-01 11:00")
    with session_factory.begin() as session:
        case = session.get_one(Case, case_id)
        other = user(session, OTHER, "Olga Handläggare", clock(), "official")
        case.responsible_user_id = other.id
        repo.add_member(session, case, other, clock())
        plan_case_reminders(session, case, SCHEDULE, clock())
    [(chat, text)] = await sent_at("2026-04-01 11:00", job, clock, notifier)
    assert chat == OTHER and "om 7 dagar" in text
    # And back to the first official the same day: they had today's already.
    clock.now = local("2026-04-01 15:00")
    with session_factory.begin() as session:
        case = session.get_one(Case, case_id)
        first = session.scalars(select(User).where(User.external_id == OFFICIAL)).one()
        case.responsible_user_id = first.id
        plan_case_reminders(session, case, SCHEDULE, clock())
    assert await sent_at("2026-04-01 15:00", job, clock, notifier) == []
    next_day = await sent_at("2026-04-02 09:00", job, clock, notifier)
    assert sorted(chat for chat, _ in next_day) == sorted([OFFICIAL, COORDINATOR])


def test_the_plan_of_a_missed_moment_is_due_now_and_the_rest_stay() -> None:
    now = local("2026-04-01 16:45")
    planned = plan(DEADLINE, now, ReminderSchedule())
    assert planned[0].catch_up and planned[0].due_at == now
    assert [p.due_at.astimezone(SCHEDULE.zone).date() for p in planned[1:]] == [
        date(2026, 4, 2),
        date(2026, 4, 8),
        date(2026, 4, 15),
    ]
