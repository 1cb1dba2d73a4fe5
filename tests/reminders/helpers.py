"""Shared pieces of the reminder tests: a virtual clock, a recording notifier, ärenden."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.reminders.sender import RateLimiter
from storage.db import SessionFactory
from storage.models import Case, Reminder, User
from storage.repository import add_member, create_case, get_or_create_user


class VirtualTime:
    """Monotonic seconds that move only when someone sleeps; sleeping returns at once.

    Each task keeps its own "now" (the moment its last sleep ended), so that concurrent
    sleepers each wake at their own moment; a task that has not slept sees the latest
    moment any task has reached.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.latest = start
        self.sleeps: list[float] = []
        self.overshoot: list[float] = []  # the next sleeps wake this much late (a held-up loop)
        self._own: ContextVar[float | None] = ContextVar(f"virtual_time_{id(self)}", default=None)

    def __call__(self) -> float:
        own = self._own.get()
        return self.latest if own is None else own

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        late = self.overshoot.pop(0) if self.overshoot else 0.0
        woken = self() + max(seconds, 0.0) + late
        self._own.set(woken)
        self.latest = max(self.latest, woken)
        await asyncio.sleep(0)

    def limiter(self, per_second: float = 30.0, per_chat_interval: float = 1.0) -> RateLimiter:
        return RateLimiter(per_second, per_chat_interval, clock=self, sleep=self.sleep)


@dataclass
class RecordingNotifier:
    """Records what it was asked to send, with the virtual time; can be told to fail."""

    time: VirtualTime | None = None
    sent: list[tuple[str, str, float]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)  # raised, in order, first

    async def send(self, chat_external_id: str, text: str) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((chat_external_id, text, self.time() if self.time else 0.0))

    def to(self, chat_external_id: str) -> list[str]:
        return [text for chat, text, _ in self.sent if chat == chat_external_id]


def user(session: Session, external_id: str, name: str, now: datetime, role: str) -> User:
    found = get_or_create_user(session, external_id, name, now)
    found.role = role
    return found


def register_case(
    session: Session,
    number: str,
    coordinator: User,
    official: User | None,
    deadline: date | None,
    now: datetime,
    **fields: Any,
) -> Case:
    """An ärende as the coordinator registers it: the official responsible, a deadline."""
    case = create_case(session, number, "mall-2019", coordinator, now)
    case.responsible_user_id = official.id if official else None
    case.last_reply_date = deadline
    case.registered_at = now  # registered by the coordinator (migration 0009)
    for name, value in fields.items():
        setattr(case, name, value)
    if official is not None:
        add_member(session, case, official, now)
    session.flush()
    return case


def seed_due_reminders(
    session_factory: SessionFactory, count: int, first_chat: int = 100_000
) -> None:
    """`count` ärenden, each with its own official (telegram:<first_chat + n>) and one
    reminder due a minute ago; the ärenden are STK-9999-00000, STK-9999-00001, …"""
    now = datetime.now(UTC)
    with session_factory.begin() as session:
        coordinator = User(
            external_id="telegram:1", display_name="Samordnare", role="coordinator",
            active=True, created_at=now,
        )  # fmt: skip
        session.add(coordinator)
        session.flush()
        users = session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                dict(external_id=f"telegram:{first_chat + n}", display_name=f"Handläggare {n}",
                     role="official", active=True, created_at=now)
                for n in range(count)
            ],
        ).all()  # fmt: skip
        cases = session.scalars(
            insert(Case).returning(Case.id, sort_by_parameter_order=True),
            [
                dict(case_number=f"STK-9999-{n:05d}", template_id="mall-2019", recipients=[],
                     created_by_user_id=coordinator.id, responsible_user_id=users[n],
                     status="in_progress", last_reply_date=date.today() + timedelta(days=14),
                     created_at=now)
                for n in range(count)
            ],
        ).all()  # fmt: skip
        session.execute(
            insert(Reminder),
            [
                dict(case_id=cases[n], recipient_user_id=users[n], kind="before",
                     due_at=now - timedelta(minutes=1), status="pending", attempts=0,
                     created_at=now)
                for n in range(count)
            ],
        )  # fmt: skip
