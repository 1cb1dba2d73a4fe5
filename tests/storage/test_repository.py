"""Repository functions against SQLite and PostgreSQL: the audit trail, deliveries, tokens, invites."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.llm_usage import StorageUsageRecorder
from bot.review.token_usage import TokenUsage
from storage import access_repository as access_repo
from storage import repository as repo
from storage.db import SessionFactory
from storage.earlier_reports import earlier_cases
from storage.models import Case
from tests.conftest import MovableClock


def make_case(sessions: SessionFactory, clock: MovableClock) -> tuple[int, int]:
    with sessions.begin() as session:
        user = repo.get_or_create_user(session, "terminal:anna", "Anna", clock())
        case = repo.create_case(session, "STK-2018-1307", "mall-2019", user, clock())
        return user.id, case.id


def test_every_version_of_an_answer_is_kept_with_author_and_time(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    user_id, case_id = make_case(session_factory, clock)
    for text in ["första", "andra", "tredje"]:
        clock.advance(minutes=5)
        with session_factory.begin() as session:
            user = repo.find_user(session, "terminal:anna")
            assert user is not None
            repo.save_answer(session, case_id, "budget", text, [], user, clock())
    with session_factory() as session:
        history = repo.answer_history(session, case_id, "budget")
        current = repo.current_answers(session, case_id)["budget"]
    assert [(h.version, h.text) for h in history] == [(1, "första"), (2, "andra"), (3, "tredje")]
    assert all(h.author_user_id == user_id for h in history)
    assert history[0].created_at < history[2].created_at
    assert current.text == "tredje" and current.version == 3


def test_a_delivery_is_claimed_once(session_factory: SessionFactory, clock: MovableClock) -> None:
    with session_factory.begin() as session:
        assert repo.claim_update(session, "telegram", 77, clock())
    with session_factory.begin() as session:
        assert not repo.claim_update(session, "telegram", 77, clock())
        assert repo.claim_update(session, "telegram", 78, clock())


def test_token_use_is_stored_per_arende(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    _, case_id = make_case(session_factory, clock)
    record = StorageUsageRecorder(session_factory, clock)
    record(
        TokenUsage(
            purpose="phrasing", model="m", prompt_tokens=100, completion_tokens=20, case_id=case_id
        )
    )
    record(
        TokenUsage(
            purpose="consistency",
            model="m",
            prompt_tokens=300,
            completion_tokens=50,
            case_id=case_id,
        )
    )
    with session_factory() as session:
        assert repo.llm_tokens_for_case(session, case_id) == 470


def test_an_invite_code_works_once_and_not_after_it_expires(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        admin = repo.get_or_create_user(session, "telegram:1", "Admin", clock(), role="admin")
        first = repo.get_or_create_user(session, "telegram:2", "Anna", clock(), role="none")
        second = repo.get_or_create_user(session, "telegram:3", "Bo", clock(), role="none")
        code = access_repo.create_invite(
            session, "official", admin, clock(), timedelta(days=7)
        ).code
        late = access_repo.create_invite(
            session, "official", admin, clock(), timedelta(days=1)
        ).code
    with session_factory.begin() as session:
        assert access_repo.redeem_invite(session, code, session.merge(first), clock()) is not None
    with session_factory.begin() as session:
        assert access_repo.redeem_invite(session, code, session.merge(second), clock()) is None
    clock.advance(days=2)
    with session_factory.begin() as session:
        assert access_repo.redeem_invite(session, late, session.merge(second), clock()) is None


def test_a_state_stored_with_half_an_emoji_or_a_nul_is_read_back_repaired(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    """JSON keeps a lone surrogate as an escape, so an old state may hold one; it is read
    back with U+FFFD in its place (and a state without one comes back as it was)."""
    user_id, _ = make_case(session_factory, clock)
    broken = {"draft": ["början \ud83d", "noll\x00tecken"], "nested": {"ok": "hel 🙂 text"}}
    with session_factory.begin() as session:
        repo.save_state(session, user_id, broken, clock())
    with session_factory() as session:
        state = repo.load_state(session, user_id)
    assert state == {
        "draft": ["början \ufffd", "noll\ufffdtecken"],
        "nested": {"ok": "hel 🙂 text"},
    }
    whole = {"draft": ["hel 🙂 text", 'citat "med" \\ snedstreck'], "n": 3}
    with session_factory.begin() as session:
        repo.save_state(session, user_id, whole, clock())
    with session_factory() as session:
        assert repo.load_state(session, user_id) == whole


def test_the_earlier_reports_of_a_mall_are_read_without_the_ones_of_this_year(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    """Looking for last year's report reads only the ärenden that came before this year
    (each turn that asks a question looks; reading every ärende on the mall grew with the
    years)."""

    def started(number: str, at: datetime, decided: date | None = None) -> Case:
        clock.now = at
        with session_factory.begin() as session:
            user = repo.get_or_create_user(session, "terminal:anna", "Anna", clock())
            case = repo.create_case(session, number, "mall-2019", user, clock())
            case.decision_date = decided
            return case

    decided_last_year = started("SN-2019-0001", datetime(2019, 3, 1, tzinfo=UTC), date(2019, 2, 1))
    started_last_year = started("SN-2019-0002", datetime(2019, 12, 31, 22, 0, tzinfo=UTC))
    started("SN-2020-0003", datetime(2020, 2, 1, tzinfo=UTC))  # this year: not read
    decided_this_year = started("SN-2019-0004", datetime(2019, 6, 1, tzinfo=UTC), date(2020, 3, 1))
    current = started("SN-2020-0005", datetime(2020, 4, 1, tzinfo=UTC))
    with session_factory() as session:
        found = earlier_cases(session, current, before_year=2020)
        every = earlier_cases(session, current)
    assert [c.case_number for c in found] == [started_last_year.case_number,
                                              decided_last_year.case_number]  # fmt: skip
    assert len(every) == 4 and decided_this_year.case_number in {c.case_number for c in every}
