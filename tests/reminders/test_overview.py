"""The query behind /oversikt: each ärende, sorted by deadline, and its status."""

from __future__ import annotations

from datetime import date

from bot.arende.loading import load_arenden_by_id
from bot.mall.case_status import CaseStatus
from bot.mall.template import TemplateCatalog
from storage.db import SessionFactory
from storage.reminder_repository import OverviewRow, answered_question_keys, overview_rows
from storage.repository import save_answer
from tests.conftest import MovableClock
from tests.reminders.helpers import register_case, user


def test_states_sorted_by_deadline(session_factory: SessionFactory, clock: MovableClock) -> None:
    now = clock()
    with session_factory.begin() as session:
        cecilia = user(session, "telegram:1", "Cecilia", now, "coordinator")
        other = user(session, "telegram:2", "Other", now, "coordinator")
        olle = user(session, "telegram:3", "Olle", now, "official")
        late = register_case(session, "STK-2026-0003", cecilia, olle, date(2026, 6, 1), now)
        register_case(session, "STK-2026-0001", cecilia, None, date(2026, 3, 1), now)
        register_case(session, "STK-2026-0009", cecilia, olle, None, now)
        done = register_case(session, "STK-2026-0002", cecilia, olle, date(2026, 4, 1), now,
                             status="sent_for_signature")  # fmt: skip
        register_case(session, "STK-2026-0004", other, olle, date(2026, 1, 1), now)
        save_answer(session, late.id, "namnd", "Servicenämnden", [], olle, now)
        save_answer(session, late.id, "namn", "Arbetet", [], olle, now)
        save_answer(session, late.id, "namn", "  ", [], olle, now)  # emptied again
        save_answer(session, late.id, "budget", "100 000 kr", [], olle, now)
        save_answer(session, done.id, "namnd", "Servicenämnden", [], olle, now)
        coordinator_id = cecilia.id
    with session_factory() as session:
        rows = overview_rows(session, coordinator_id)
        everything = overview_rows(session)
        answered = answered_question_keys(session, [late.id, done.id])
    assert [(r.case_number, r.answered, r.responsible_name) for r in rows] == [
        ("STK-2026-0001", 0, None),
        ("STK-2026-0002", 1, "Olle"),
        ("STK-2026-0003", 2, "Olle"),
        ("STK-2026-0009", 0, "Olle"),  # no deadline: last
    ]
    assert [r.case_number for r in everything][0] == "STK-2026-0004"
    assert isinstance(rows[0], OverviewRow) and rows[2].last_reply_date == date(2026, 6, 1)
    assert answered == {late.id: {"namnd", "budget"}, done.id: {"namnd"}}


def test_a_signed_and_a_submitted_case_show_as_such(
    session_factory: SessionFactory, clock: MovableClock, catalog: TemplateCatalog
) -> None:
    now = clock()
    with session_factory.begin() as session:
        cecilia = user(session, "telegram:1", "Cecilia", now, "coordinator")
        olle = user(session, "telegram:3", "Olle", now, "official")
        signed = register_case(session, "STK-2026-0001", cecilia, olle, date(2026, 3, 1), now,
                               status="sent_for_signature")  # fmt: skip
        submitted = register_case(session, "STK-2026-0002", cecilia, olle, date(2026, 4, 1), now,
                                  status="sent_for_signature")  # fmt: skip
        register_case(session, "STK-2026-0003", cecilia, olle, date(2026, 5, 1), now,
                      status="sent_for_signature")  # fmt: skip
        signed.signed_at = now
        submitted.signed_at = now
        submitted.submitted_at = now
    with session_factory() as session:
        rows = overview_rows(session)
        arenden = load_arenden_by_id(session, [r.case_id for r in rows], catalog)
    # The status is the model's (bot/mall/case_status.py), not a column: a case marked as
    # sent for signature without a single answer has not been started.
    assert [(r.case_number, arenden[r.case_id].status) for r in rows] == [
        ("STK-2026-0001", CaseStatus.SIGNED),
        ("STK-2026-0002", CaseStatus.SUBMITTED),
        ("STK-2026-0003", CaseStatus.NOT_STARTED),
    ]
    assert rows[1].submitted_at == now and rows[0].submitted_at is None
