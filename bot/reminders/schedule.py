"""When to remind: pure functions of the last reply date, the settings and the calendar.

The default schedule is 14, 7 and 2 days before the last reply date and on the day itself,
at 09:00 Europe/Stockholm. A moment that falls on a day off moves to the previous working
day, so the warning still comes before the deadline; when two moments land on the same day
only the more urgent one is kept. After the deadline one overdue reminder goes out a week,
on the weekly anniversary of the deadline, moved to the *next* working day (an overdue
reminder is late anyway, and moving it earlier could bring it within a day of the last one).

An ärende registered (or changed) after the time of day on one of its reminder days has
missed that day's moment: `plan` gives it that reminder at once (`catch_up`), due at the
moment of registration, so the next round sends it; nothing is caught up on a day with no
moment of its own (a day off has none).

Days off are Saturdays, Sundays, the Swedish public holidays (`holidays`, country SE) and
the de facto holidays the same package lists for Sweden: midsommarafton, julafton and
nyårsafton. Those three are not public holidays in law, but the offices of Malmö stad are
closed and a reminder sent on them would be read on the next working day at the earliest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

OVERDUE_INTERVAL = timedelta(days=7)


class ReminderKind(StrEnum):
    BEFORE = "before"  # some days before the last reply date
    DUE = "due"  # on the last reply date
    OVERDUE = "overdue"  # weekly after it, until the report is finished
    DIGEST = "digest"  # to the coordinator, at the same moments


class SettingsLike(Protocol):
    reminder_days_before: list[int]
    reminder_time: time
    reminder_timezone: str


@dataclass(frozen=True)
class ReminderSchedule:
    """The part of the settings that says when reminders go out."""

    days_before: tuple[int, ...] = (14, 7, 2, 0)
    time_of_day: time = time(9, 0)
    timezone: str = "Europe/Stockholm"

    def __post_init__(self) -> None:
        if any(d < 0 for d in self.days_before):
            raise ValueError("reminder_days_before: days before the deadline cannot be negative")
        try:
            ZoneInfo(self.timezone)  # an unknown zone is an error at start, not at 09:00
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"reminder_timezone: unknown time zone {self.timezone!r}") from exc

    @classmethod
    def from_settings(cls, settings: SettingsLike) -> ReminderSchedule:
        return cls(
            days_before=tuple(sorted(set(settings.reminder_days_before), reverse=True)),
            time_of_day=settings.reminder_time,
            timezone=settings.reminder_timezone,
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=64)
def _days_off(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("SE", years=year, categories=("public", "de_facto"))
    return frozenset(calendar.keys())


def is_working_day(day: date) -> bool:
    """False on weekends, Swedish public holidays and midsommar-, jul- and nyårsafton."""
    return day.weekday() < 5 and day not in _days_off(day.year)


def previous_working_day(day: date) -> date:
    """The day itself when it is a working day, else the closest working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    """The day itself when it is a working day, else the closest working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class PlannedReminder:
    """One moment at which the responsible official (and the coordinator) are reminded."""

    kind: ReminderKind
    due_at: datetime  # aware, UTC
    days_before: int  # negative after the deadline
    catch_up: bool = False  # today's moment had passed when the ärende was registered


def _at(day: date, schedule: ReminderSchedule) -> datetime:
    local = datetime.combine(day, schedule.time_of_day, tzinfo=schedule.zone)
    return local.astimezone(UTC)


def before_deadline(deadline: date, schedule: ReminderSchedule) -> list[PlannedReminder]:
    """The reminders up to and including the last reply date, earliest first.

    Each moment moves to the previous working day; a moment that then lands on the same
    day as a more urgent one is dropped.
    """
    by_day: dict[date, int] = {}
    for days in sorted(schedule.days_before, reverse=True):
        day = previous_working_day(deadline - timedelta(days=days))
        by_day[day] = min(days, by_day.get(day, days))
    return [
        PlannedReminder(
            ReminderKind.DUE if days == 0 else ReminderKind.BEFORE, _at(day, schedule), days
        )
        for day, days in sorted(by_day.items())
    ]


def _overdue_in_week(deadline: date, week: int, schedule: ReminderSchedule) -> PlannedReminder:
    day = next_working_day(deadline + OVERDUE_INTERVAL * week)
    return PlannedReminder(ReminderKind.OVERDUE, _at(day, schedule), (deadline - day).days)


def overdue_after(deadline: date, after: datetime, schedule: ReminderSchedule) -> PlannedReminder:
    """The first weekly overdue reminder strictly later than `after`."""
    week = 1
    while True:
        planned = _overdue_in_week(deadline, week, schedule)
        if planned.due_at > after:
            return planned
        week += 1


def missed_today(
    deadline: date, now: datetime, schedule: ReminderSchedule
) -> PlannedReminder | None:
    """Today's reminder when its moment has already passed (the ärende came too late for
    it), due at `now`; None when today has no moment or it is still ahead."""
    today = now.astimezone(schedule.zone).date()
    moments = before_deadline(deadline, schedule)
    if today > deadline:
        # The weekly moment that could fall on today: the last anniversary up to today,
        # moved to the next working day (a week later's cannot fall on today).
        week = max(1, (today - deadline).days // 7)
        moments = [_overdue_in_week(deadline, w, schedule) for w in (week - 1, week) if w >= 1]
    passed = [p for p in moments if p.due_at < now]
    if not passed:
        return None
    latest = max(passed, key=lambda p: p.due_at)
    if latest.due_at.astimezone(schedule.zone).date() != today:
        return None
    return PlannedReminder(latest.kind, now, latest.days_before, catch_up=True)


def plan(deadline: date, now: datetime, schedule: ReminderSchedule) -> list[PlannedReminder]:
    """Every reminder still ahead of `now` for an ärende with this last reply date.

    A moment of today that has already passed when the ärende is registered (or its deadline
    or responsible changed) comes first, due at once; earlier moments are not planned. The
    overdue reminder is always the last row, and repeats once sent: a missed overdue
    reminder of today is that row (sent now, then weekly).
    """
    missed = missed_today(deadline, now, schedule)
    if missed is not None and missed.kind is ReminderKind.OVERDUE:
        return [missed]
    ahead = [p for p in before_deadline(deadline, schedule) if p.due_at >= now]
    return [*filter(None, [missed]), *ahead, overdue_after(deadline, now, schedule)]


def start_of_day(now: datetime, schedule: ReminderSchedule) -> datetime:
    """Midnight of `now`'s day where the reminders are read, in UTC."""
    day = now.astimezone(schedule.zone).date()
    return datetime.combine(day, time(0, 0), tzinfo=schedule.zone).astimezone(UTC)


def describe(planned: Sequence[PlannedReminder], schedule: ReminderSchedule) -> list[str]:
    """The planned moments in local time, for logs and tests: '2026-03-30 09:00 before'."""
    return [f"{p.due_at.astimezone(schedule.zone):%Y-%m-%d %H:%M} {p.kind.value}" for p in planned]
