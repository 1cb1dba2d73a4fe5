"""Who gets in: Telegram's initData, one-time links, sessions; and what each one sees."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from bot.mall.template import TemplateCatalog
from bot.web.app import SESSION_COOKIE, Dashboard
from bot.web.auth import NotAuthenticated, SessionSigner, verify_init_data
from storage.db import SessionFactory
from storage.repository import find_user
from tests.web.conftest import make_dashboard, swedish_today
from tests.web.world import ANNA, BO, CECILIA, OTHER_BOT_TOKEN, TOKEN, World, init_data, seed


@pytest.fixture
def world(session_factory: SessionFactory) -> World:
    """Here on SQLite and on PostgreSQL (the browser tests use SQLite)."""
    return seed(session_factory, swedish_today())


@pytest.fixture
def dashboard(
    session_factory: SessionFactory, catalog: TemplateCatalog, world: World
) -> Iterator[Dashboard]:
    board = make_dashboard(session_factory, catalog)
    yield board
    board.close()


def client(dashboard: Dashboard) -> TestClient:
    return TestClient(dashboard.app, base_url="http://127.0.0.1")


def logged_in(dashboard: Dashboard, telegram_id: int = CECILIA) -> TestClient:
    browser = client(dashboard)
    answer = browser.post("/auth/telegram", data={"init_data": init_data(telegram_id)},
                          follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303, answer.text
    return browser


def test_valid_init_data_names_the_user() -> None:
    login = verify_init_data(init_data(CECILIA), TOKEN, datetime.now(UTC))
    assert login.external_id == f"telegram:{CECILIA}"


@pytest.mark.parametrize(
    "data",
    [
        init_data(CECILIA, token=OTHER_BOT_TOKEN),  # another bot's
        init_data(CECILIA, age=3601),  # older than an hour
        init_data(CECILIA).replace("Test", "Mallory"),  # changed after signing
        init_data(CECILIA) + "&auth_date=1",  # a field twice
        "",
        "hash=abc",
    ],
    ids=["foreign", "expired", "forged", "duplicate", "empty", "hash-only"],
)
def test_bad_init_data_is_refused(data: str) -> None:
    with pytest.raises(NotAuthenticated):
        verify_init_data(data, TOKEN, datetime.now(UTC))


@pytest.mark.parametrize("age", [0, 3500])
def test_init_data_within_the_hour_is_accepted(age: int) -> None:
    verify_init_data(init_data(CECILIA, age=age), TOKEN, datetime.now(UTC))


def test_session_value_cannot_be_altered_or_outlive_its_end() -> None:
    signer = SessionSigner(b"k" * 32)
    now = datetime.now(UTC)
    value = signer.issue(7, now)
    assert signer.user_id(value, now) == 7
    assert signer.user_id(value.replace("7.", "8.", 1), now) is None
    assert signer.user_id(value, now + timedelta(minutes=31)) is None
    assert SessionSigner(b"x" * 32).user_id(value, now) is None


def test_pages_without_a_session_are_401_with_a_swedish_login_page(
    dashboard: Dashboard, world: World
) -> None:
    browser = client(dashboard)
    for path in ("/", f"/arende/{world.with_budget}", "/oversikt.xlsx"):
        answer = browser.get(path)
        assert answer.status_code == 401
        assert "Du är inte inloggad" in answer.text


@pytest.mark.parametrize(
    "data",
    [init_data(CECILIA, token=OTHER_BOT_TOKEN), init_data(CECILIA, age=7200),
     init_data(CECILIA).replace("Test", "Mallory")],
    ids=["foreign", "expired", "forged"],
)  # fmt: skip
def test_login_with_bad_init_data_is_401_and_sets_no_session(
    dashboard: Dashboard, data: str
) -> None:
    browser = client(dashboard)
    answer = browser.post("/auth/telegram", data={"init_data": data}, follow_redirects=False)
    assert answer.status_code == 401
    assert SESSION_COOKIE not in answer.cookies
    assert "Inloggningen gick inte igenom" in answer.text


def test_an_official_is_refused_with_403_in_swedish(dashboard: Dashboard) -> None:
    browser = client(dashboard)
    answer = browser.post("/auth/telegram", data={"init_data": init_data(ANNA)})
    assert answer.status_code == 403
    assert "Översikten är till för samordnare" in answer.text
    assert SESSION_COOKIE not in answer.cookies


def test_an_unknown_telegram_user_is_refused(dashboard: Dashboard) -> None:
    answer = client(dashboard).post("/auth/telegram", data={"init_data": init_data(555)})
    assert answer.status_code == 403
    assert "inte registrerad" in answer.text


def test_the_session_cookie_is_httponly_and_samesite(dashboard: Dashboard) -> None:
    answer = client(dashboard).post(
        "/auth/telegram", data={"init_data": init_data(CECILIA)}, follow_redirects=False
    )
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_a_coordinator_sees_exactly_their_own_arenden(dashboard: Dashboard, world: World) -> None:
    page = logged_in(dashboard).get("/?ar=").text
    for number in world.mine:
        assert number in page
    for number in world.others:
        assert number not in page


def test_another_coordinators_arende_is_refused(dashboard: Dashboard, world: World) -> None:
    browser = logged_in(dashboard)
    answer = browser.get(f"/arende/{world.others[0]}")
    assert answer.status_code == 404
    assert "inte ett av de ärenden du följer" in answer.text
    assert browser.get(f"/arende/{world.mine[0]}").status_code == 200
    bo = logged_in(dashboard, BO)
    assert bo.get(f"/arende/{world.others[0]}").status_code == 200
    assert bo.get(f"/arende/{world.mine[0]}").status_code == 404


def test_a_login_link_works_once(dashboard: Dashboard) -> None:
    with dashboard.settings.sessions() as session:
        user = find_user(session, f"telegram:{CECILIA}")
        assert user is not None
    path = dashboard.login_link(user.id)
    first = client(dashboard).get(path, follow_redirects=False)
    assert first.status_code == 303 and SESSION_COOKIE in first.cookies
    second = client(dashboard).get(path, follow_redirects=False)
    assert second.status_code == 401
    assert "redan använts eller gått ut" in second.text


def test_a_login_link_expires_after_ten_minutes(dashboard: Dashboard) -> None:
    start = datetime.now(UTC)
    token = dashboard.links.create(1, start)
    assert dashboard.links.redeem(token, start + timedelta(minutes=10, seconds=1)) is None
    fresh = dashboard.links.create(1, start)
    assert dashboard.links.redeem(fresh, start + timedelta(minutes=9)) == 1


def test_the_overview_file_is_the_one_oversikt_sends(dashboard: Dashboard, world: World) -> None:
    answer = logged_in(dashboard).get("/oversikt.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == set(world.mine)


def test_unknown_money_is_shown_as_unknown_never_zero(dashboard: Dashboard, world: World) -> None:
    page = logged_in(dashboard).get(f"/?sok={world.late}").text
    assert "använt: okänt" in page
    assert "använt 0 kr" not in page
    budget = logged_in(dashboard).get(f"/?sok={world.with_budget}").text.replace("\u00a0", " ")
    assert "Beviljat 500 000 kr · använt 194 000 kr (39 %)" in budget


def test_filters_status_and_search(dashboard: Dashboard, world: World) -> None:
    browser = logged_in(dashboard)
    late = browser.get("/?status=late").text
    assert world.late in late and world.submitted not in late
    search = browser.get(f"/?sok={world.submitted[-4:]}").text
    assert world.submitted in search and world.late not in search


def test_reminder_without_the_bot_says_so(dashboard: Dashboard, world: World) -> None:
    browser = logged_in(dashboard)
    page = browser.get(f"/arende/{world.with_budget}").text
    token = page.split('name="token" value="')[1].split('"')[0]
    answer = browser.post(f"/arende/{world.with_budget}/paminnelse", data={"token": token})
    assert "Påminnelser skickas genom Telegram-boten" in answer.text


def test_a_post_without_the_pages_token_changes_nothing(dashboard: Dashboard, world: World) -> None:
    answer = logged_in(dashboard).post(f"/arende/{world.with_budget}/paminnelse",
                                       data={"token": "x"})  # fmt: skip
    assert answer.status_code == 403


def test_the_sammanstallning_downloads_as_a_pdf(dashboard: Dashboard, world: World) -> None:
    answer = logged_in(dashboard).get(f"/sammanstallning.pdf?ar={world.year}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")


def test_logging_out_ends_the_session(dashboard: Dashboard) -> None:
    browser = logged_in(dashboard)
    assert browser.post("/logga-ut").status_code == 200
    assert browser.get("/").status_code == 401


def test_a_theme_can_only_give_colours() -> None:
    from bot.web.theme import parse_theme, theme_css

    theme = parse_theme(
        '{"bg_color": "#17212b", "text_color": "red;} body{display:none", '
        '"button_color": "#5288C1", "evil": "#000000"}'
    )
    assert theme == {"bg_color": "#17212b", "button_color": "#5288c1"}
    assert "display" not in theme_css(theme)
    assert parse_theme("not json") == {} and parse_theme('["#fff"]') == {}
