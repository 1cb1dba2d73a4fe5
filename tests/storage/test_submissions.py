"""What is stored after the signature: the verified PDF, the signer, the mail, the year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage import repository as repo
from storage import submission_repository as submissions
from storage.db import SessionFactory
from storage.models import Case
from tests.conftest import MovableClock


def test_a_signed_report_makes_the_case_signed_and_the_newest_is_kept(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    signed_at = datetime(2026, 1, 14, 15, 30, tzinfo=UTC)
    with session_factory() as session, session.begin():
        user = repo.get_or_create_user(session, "terminal:anna", "Anna", clock())
        case = repo.create_case(session, "STK-2019-0001", "mall-2019", user, clock())
        submissions.record_signed_report(session, case.id, b"first", "A", signed_at, clock())
        clock.advance(minutes=1)
        submissions.record_signed_report(session, case.id, b"second", "B", signed_at, clock())
        case_id = case.id
    with session_factory() as session:
        latest = submissions.latest_signed_report(session, case_id)
        assert latest is not None and latest.content == b"second" and latest.signer == "B"
        stored = session.get(Case, case_id)
        assert stored is not None and stored.signed_at == signed_at and stored.signer == "B"


def test_a_mail_is_claimed_once_and_sent_marks_the_case_submitted(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    wait = timedelta(minutes=10)
    with session_factory() as session, session.begin():
        user = repo.get_or_create_user(session, "terminal:anna", "Anna", clock())
        case_id = repo.create_case(session, "STK-2019-0002", "mall-2019", user, clock()).id
        first, _ = submissions.claim_mail(session, "k", case_id, "<m@x>", "s", ["a@x"], clock(), wait)
        second, _ = submissions.claim_mail(session, "k", case_id, "<n@x>", "s", [], clock(), wait)
        assert (first, second) == (
            submissions.ClaimOutcome.CLAIMED, submissions.ClaimOutcome.IN_PROGRESS,
        )  # fmt: skip
        submissions.mark_mail_sent(session, "k", "smtp", None, clock())
    with session_factory() as session, session.begin():
        outcome, record = submissions.claim_mail(
            session, "k", case_id, "<o@x>", "s", [], clock() + timedelta(days=1), wait
        )
        assert outcome is submissions.ClaimOutcome.ALREADY_SENT
        assert record.message_id == "<m@x>" and record.recipients == ("a@x",)
        stored = session.get(Case, case_id)
        assert stored is not None and stored.submitted_at == clock()


def test_the_cases_of_a_year_go_by_decision_date_then_deadline_then_registration(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    with session_factory() as session, session.begin():
        user = repo.get_or_create_user(session, "terminal:anna", "Anna", clock())
        decided = repo.create_case(session, "STK-2019-0010", "mall-2019", user, clock())
        decided.decision_date = date(2019, 3, 11)
        decided.last_reply_date = date(2020, 2, 28)
        deadline = repo.create_case(session, "STK-2019-0011", "mall-2019", user, clock())
        deadline.last_reply_date = date(2019, 12, 1)
        repo.create_case(session, "STK-2026-0012", "mall-2019", user, clock())  # 2026
    with session_factory() as session:
        numbers = [c.case_number for c in submissions.cases_of_year(session, 2019)]
        assert numbers == ["STK-2019-0010", "STK-2019-0011"]
        assert [c.case_number for c in submissions.cases_of_year(session, 2020)] == []
        assert [c.case_number for c in submissions.cases_of_year(session, 2026)] == [
            "STK-2026-0012"
        ]
