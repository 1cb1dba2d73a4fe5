"""A small installation for the dashboard's tests: two coordinators, two officials and
their ärenden, seeded relative to `today` (so the browser tests can run on the real clock)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.web.auth import sign_init_data
from storage import access_repository as access_repo
from storage import ledger_repository as ledger_repo
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import User

TOKEN = "123456789:AAFakeTokenForTheLocalServer_abcdefghij"
OTHER_BOT_TOKEN = "987654321:BBAnotherBotsTokenNotOurs_klmnopqrstu"
CECILIA, BO, OLLE, ANNA = 1001, 1002, 2001, 2002  # Telegram user ids


@dataclass(frozen=True)
class World:
    year: int
    mine: tuple[str, ...]  # Cecilia's ärenden
    others: tuple[str, ...]  # Bo's
    late: str
    submitted: str
    with_budget: str


def init_data(user_id: int, token: str = TOKEN, age: float = 0.0, name: str = "Test") -> str:
    """initData as Telegram signs it for a Mini App opened by `user_id`, `age` seconds ago."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": name, "language_code": "sv"}),
        "auth_date": str(int(time.time() - age)),
    }
    return sign_init_data(fields, token)


def _user(session: object, telegram_id: int, name: str, role: str, now: datetime) -> User:
    return repo.get_or_create_user(session, f"telegram:{telegram_id}", name, now, role=role)  # type: ignore[arg-type]


def seed(sessions: SessionFactory, today: date) -> World:
    now = datetime.now(UTC)
    year = today.year
    with sessions.begin() as session:
        cecilia = _user(session, CECILIA, "Cecilia Samordnare", "coordinator", now)
        bo = _user(session, BO, "Bo Samordnare", "coordinator", now)
        olle = _user(session, OLLE, "Olle Handläggare", "official", now)
        anna = _user(session, ANNA, "Anna Strateg", "official", now)

        def register(number: str, committee: str, coordinator: User, responsible: User | None,
                     deadline: date, granted: int) -> int:  # fmt: skip
            case = access_repo.register_case(
                session, case_number=number, template_id="mall-2019", committee=committee,
                granted_amount_kr=granted, decision_date=date(year, 1, 10),
                last_reply_date=deadline, recipients=["registrator@malmo.se"],
                responsible=responsible, coordinator=coordinator, now=now,
            )  # fmt: skip
            access_repo.audit(session, coordinator, "case_registered", now, case_id=case.id)
            return case.id

        budget = register(f"STK-{year}-0101", "Arbetsmarknads- och socialnämnden", cecilia,
                          olle, today + timedelta(days=30), 500_000)  # fmt: skip
        late = register(f"STK-{year}-0102", "Kulturnämnden", cecilia, anna,
                        today - timedelta(days=10), 200_000)  # fmt: skip
        done = register(f"STK-{year}-0103", "Kulturnämnden", cecilia, olle,
                        today + timedelta(days=5), 150_000)  # fmt: skip
        register(f"STK-{year}-0201", "Servicenämnden", bo, olle, today + timedelta(days=20),
                 90_000)  # fmt: skip
        for key, text in (
            ("namnd", "Arbetsmarknads- och socialnämnden"),
            ("namn", "Jämställd service i mötet med medborgarna"),
            ("maluppfyllelse", "Målen är uppfyllda. Alla 40 medarbetare har gått utbildningen."),
        ):
            repo.save_answer(session, budget, key, text, [], olle, now)
        ledger_repo.record_entry(
            session, budget, granted_kr=500_000, used_kr=194_000, remaining_kr=306_000,
            source="read", user_id=olle.id, now=now,
        )  # fmt: skip
        finished = repo.get_case(session, done)
        assert finished is not None
        finished.submitted_at = now
        del late
    return World(
        year=year,
        mine=(f"STK-{year}-0101", f"STK-{year}-0102", f"STK-{year}-0103"),
        others=(f"STK-{year}-0201",),
        late=f"STK-{year}-0102",
        submitted=f"STK-{year}-0103",
        with_budget=f"STK-{year}-0101",
    )
