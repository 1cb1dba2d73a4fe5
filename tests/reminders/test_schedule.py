"""When reminders go out: the default schedule around Easter, midsummer, Christmas, weekends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.config import Settings
from bot.reminders.schedule import (
    ReminderKind,
    ReminderSchedule,
    before_deadline,
    describe,
    is_working_day,
    overdue_after,
    plan,
    previous_working_day,
)

DEFAULT = ReminderSchedule()
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def moments(deadline: date) -> list[str]:
    return describe(before_deadline(deadline, DEFAULT), DEFAULT)


def test_the_defaults_come_from_the_settings() -> None:
    schedule = ReminderSchedule.from_settings(Settings())
    assert schedule == ReminderSchedule((14, 7, 2, 0), time(9, 0), "Europe/Stockholm")


def test_schedule_and_time_of_day_are_settings() -> None:
    settings = Settings.model_validate({"reminder_days_before": "3,10", "reminder_time": "08:30"})
    schedule = ReminderSchedule.from_settings(settings)
    # 10 and 3 days before Wednesday 20 May are Sundays: both move to the Friday before.
    assert describe(before_deadline(date(2026, 5, 20), schedule), schedule) == [
        "2026-05-08 08:30 before",
        "2026-05-15 08:30 before",
    ]


def test_an_ordinary_deadline() -> None:
    assert moments(date(2026, 2, 27)) == [  # a Friday in winter: 09:00 CET is 08:00 UTC
        "2026-02-13 09:00 before",
        "2026-02-20 09:00 before",
        "2026-02-25 09:00 before",
        "2026-02-27 09:00 due",
    ]
    first = before_deadline(date(2026, 2, 27), DEFAULT)[0]
    assert first.due_at == datetime(2026, 2, 13, 8, 0, tzinfo=UTC)


def test_easter_2026_moves_to_the_thursday_before_langfredag() -> None:
    # 2 days before Wednesday 8 April is Annandag påsk; Långfredag and the weekend before it.
    assert moments(date(2026, 4, 8)) == [
        "2026-03-25 09:00 before",
        "2026-04-01 09:00 before",
        "2026-04-02 09:00 before",
        "2026-04-08 09:00 due",
    ]
    # Summer time began on 29 March: 09:00 is now 07:00 UTC.
    assert before_deadline(date(2026, 4, 8), DEFAULT)[-1].due_at.hour == 7


def test_easter_2027_deadline_on_annandag_pask() -> None:
    # The day itself and 2 days before both fall back to Thursday 25 March: one reminder.
    assert moments(date(2027, 3, 29)) == [
        "2027-03-15 09:00 before",
        "2027-03-22 09:00 before",
        "2027-03-25 09:00 due",
    ]
    assert moments(date(2027, 3, 30)) == [
        "2027-03-16 09:00 before",
        "2027-03-23 09:00 before",
        "2027-03-25 09:00 before",  # Sunday 28th -> Thursday, past Långfredag
        "2027-03-30 09:00 due",
    ]


def test_midsummer_eve_is_a_day_off() -> None:
    assert not is_working_day(date(2026, 6, 19))  # midsommarafton
    assert moments(date(2026, 6, 22)) == [
        "2026-06-08 09:00 before",
        "2026-06-15 09:00 before",
        "2026-06-18 09:00 before",  # Saturday 20th -> Thursday 18th, not midsommarafton
        "2026-06-22 09:00 due",
    ]
    assert moments(date(2026, 6, 19))[-1] == "2026-06-18 09:00 due"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), False),  # julafton
        (date(2026, 12, 31), False),  # nyårsafton
        (date(2027, 1, 6), False),  # trettondedag jul
        (date(2026, 5, 14), False),  # Kristi himmelsfärdsdag
        (date(2026, 6, 5), True),  # the Friday before nationaldagen
        (date(2026, 12, 23), True),
        (date(2026, 3, 14), False),  # a Saturday
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_a_weekend_deadline_gets_its_reminder_on_friday() -> None:
    # Sunday 15 March: on the day and 2 days before both land on Friday 13th.
    assert moments(date(2026, 3, 15)) == [
        "2026-02-27 09:00 before",
        "2026-03-06 09:00 before",
        "2026-03-13 09:00 due",
    ]
    assert previous_working_day(date(2026, 3, 15)) == date(2026, 3, 13)


def test_overdue_is_weekly_and_moves_forward_over_christmas() -> None:
    deadline = date(2026, 12, 17)  # a Thursday
    first = overdue_after(deadline, LONG_AGO, DEFAULT)
    assert first.kind is ReminderKind.OVERDUE
    assert describe([first], DEFAULT) == ["2026-12-28 09:00 overdue"]  # past julafton, jul
    second = overdue_after(deadline, first.due_at, DEFAULT)
    assert describe([second], DEFAULT) == ["2027-01-04 09:00 overdue"]  # past nyårsdagen
    third = overdue_after(deadline, second.due_at, DEFAULT)
    assert describe([third], DEFAULT) == ["2027-01-07 09:00 overdue"]


def test_plan_leaves_out_what_is_past_and_ends_with_the_overdue_reminder() -> None:
    deadline = date(2026, 4, 8)
    now = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
    assert describe(plan(deadline, now, DEFAULT), DEFAULT) == [
        "2026-04-01 09:00 before",
        "2026-04-02 09:00 before",
        "2026-04-08 09:00 due",
        "2026-04-15 09:00 overdue",
    ]
    late = datetime(2026, 5, 1, tzinfo=UTC)  # registered after the deadline
    assert describe(plan(deadline, late, DEFAULT), DEFAULT) == ["2026-05-06 09:00 overdue"]


def test_a_bad_schedule_is_refused() -> None:
    with pytest.raises(ValueError):
        ReminderSchedule(days_before=(7, -1))
    with pytest.raises(ValueError):
        ReminderSchedule(timezone="Europe/Malmo")
