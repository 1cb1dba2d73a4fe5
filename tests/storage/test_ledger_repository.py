"""The budget ledger's storage: every confirmation kept, the newest one current."""

from __future__ import annotations

import pytest

from storage import ledger_repository as ledger
from storage import repository as repo
from storage.db import SessionFactory
from storage.ledger_repository import ActivityCostRow
from tests.conftest import MovableClock


def test_the_newest_entry_is_current_and_history_is_kept(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        user = repo.get_or_create_user(session, "terminal:anna", "Anna", clock())
        first = repo.create_case(session, "STK-2019-0001", "mall-2019", user, clock())
        second = repo.create_case(session, "STK-2019-0002", "mall-2019", user, clock())
        second.granted_amount_kr = 300_000
        never = repo.create_case(session, "STK-2019-0003", "mall-2019", user, clock())
        ids = (first.id, second.id, never.id)
        ledger.record_entry(
            session, first.id, granted_kr=500_000, used_kr=194_000, remaining_kr=306_000,
            activities=[ActivityCostRow("utbildningar", 194_000)], source="read",
            user_id=user.id, now=clock(),
        )  # fmt: skip
        ledger.record_entry(
            session, first.id, granted_kr=500_000, used_kr=210_000, remaining_kr=290_000,
            source="corrected", user_id=user.id, now=clock(),
        )  # fmt: skip
        with pytest.raises(ValueError, match="unknown ledger source"):
            ledger.record_entry(
                session, first.id, granted_kr=1, used_kr=1, remaining_kr=0,
                source="guessed", user_id=user.id, now=clock(),
            )  # fmt: skip
    with session_factory() as session:
        history = ledger.history(session, ids[0])
        current = ledger.current_entry(session, ids[0])
        entries = ledger.current_entries(session, ids)
    assert [(e.used_kr, e.source) for e in history] == [(194_000, "read"), (210_000, "corrected")]
    assert history[0].activities == [{"label": "utbildningar", "value": 194_000}]
    assert current is not None and current.used_kr == 210_000
    assert set(entries) == {ids[0]} and entries[ids[0]].used_kr == 210_000
    with session_factory() as session:
        assert ledger.current_entries(session, []) == {}
