"""The dashboard in a real headless Chromium (Debian's chromium and chromium-driver) driven
by Selenium, against the real bot and the fake Bot API: log in as Telegram opens a Mini App,
see, filter and open the ärenden, send a reminder, and be refused where one must be. Every
page passes axe-core without a serious or critical violation; screenshots at 360 and
1280 px, light and dark, go to SHOTS_DIR.

Skipped, with the reason, where chromium is not installed (scripts/ensure-browser.sh
installs it); under CI=true it must run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from bot.mall.template import TemplateCatalog
from storage.db import SessionFactory
from tests.conftest import IN_CI
from tests.fakes.bot_api import FakeBotApi
from tests.web.live import WEB_URL, running_bot_and_dashboard
from tests.web.world import ANNA, BO, CECILIA, OLLE, OTHER_BOT_TOKEN, TOKEN, World, init_data

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SHOTS_DIR = Path(os.environ.get("REDOVISA_SHOTS_DIR", "/work/helpers/dashboard24-shots"))
LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#999999",
         "link_color": "#2481cc", "button_color": "#2481cc", "button_text_color": "#ffffff",
         "secondary_bg_color": "#efeff3", "destructive_text_color": "#e53935"}  # fmt: skip
DARK = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499",
        "link_color": "#6ab3f3", "button_color": "#5288c1", "button_text_color": "#ffffff",
        "secondary_bg_color": "#232e3c", "destructive_text_color": "#ec3942"}  # fmt: skip


@dataclass(frozen=True)
class Site:
    url: str  # the dashboard's local address
    api: FakeBotApi


def _browser_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is not installed (scripts/ensure-browser.sh installs it)"
    return None


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    reason = _browser_missing()
    if reason:
        if IN_CI:
            pytest.fail(reason + " (CI=true: the browser tests must run)")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=sv-SE",
    ):
        options.add_argument(argument)  # fmt: skip
    browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    browser.set_page_load_timeout(30)
    browser.set_script_timeout(30)
    yield browser
    browser.quit()


@pytest.fixture
def live_site(
    world: World, sqlite_session_factory: SessionFactory, catalog: TemplateCatalog,
    tmp_path: Path,
) -> Iterator[Site]:  # fmt: skip
    """The bot polling the fake Bot API, with the dashboard beside it."""
    url = str(sqlite_session_factory.kw["bind"].url)
    with (
        FakeBotApi(TOKEN) as api,
        running_bot_and_dashboard(api, sqlite_session_factory, catalog, url, tmp_path) as address,
    ):
        yield Site(address, api)


@pytest.fixture
def site(driver: object, live_site: Site) -> Site:
    driver.delete_all_cookies()  # type: ignore[attr-defined]
    return live_site


def open_mini_app(driver: object, address: str, data: str, theme: dict[str, str] = LIGHT) -> None:
    """Open the page as Telegram opens a Mini App: initData and theme in the fragment."""
    fragment = f"tgWebAppData={quote(data)}&tgWebAppVersion=8.0&tgWebAppThemeParams=" + quote(
        json.dumps(theme)
    )
    driver.get(f"{address}/#{fragment}")  # type: ignore[attr-defined]
    _wait_until_loaded(driver)


def _wait_until_loaded(driver: object) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(  # type: ignore[arg-type]
        lambda d: (
            d.execute_script("return document.readyState") == "complete"
            and "/auth/telegram" not in d.current_url
            or d.find_elements("css selector", "h2")
        )
    )


def notice_after_pressing(driver: object, label: str) -> str:
    """Press the button (with the keyboard) and wait for the notice of the page it leads to."""
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    button = driver.find_element("xpath", f"//button[text()='{label}']")  # type: ignore[attr-defined]
    button.send_keys(Keys.ENTER)
    left_page(driver, button)
    notice = WebDriverWait(driver, 15).until(  # type: ignore[arg-type]
        lambda d: d.find_element("css selector", "[role=status]")
    )
    return str(notice.text)


def left_page(driver: object, element: object) -> None:
    """Wait until the page `element` was on has been replaced. While Chromium swaps the
    document it may answer with "Node … does not belong to the document" rather than a
    stale element; that is retried."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    waiting = WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,))  # type: ignore[arg-type]
    waiting.until(ec.staleness_of(element))  # type: ignore[arg-type]


def text_of(driver: object) -> str:
    """The page's text, once a page is there (a form just sent may still be loading)."""
    from selenium.webdriver.support.ui import WebDriverWait

    body = WebDriverWait(driver, 15).until(  # type: ignore[arg-type]
        lambda d: d.find_element("css selector", "body")
    )
    return str(body.text)


def assert_accessible(driver: object, what: str) -> None:
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{what}: " + axe.report(bad)


def test_mini_app_login_list_filter_open_and_remind(
    driver: object, site: Site, world: World
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    api = site.api
    open_mini_app(driver, site.url, init_data(CECILIA))
    page = text_of(driver)
    assert "Årets ärenden" in page and "Inloggad som Cecilia Samordnare" in page
    for number in world.mine:
        assert number in page
    assert world.others[0] not in page
    assert "Kulturnämnden" in page and "försenad" in page
    assert_accessible(driver, "översikten")

    Select(driver.find_element(By.ID, "status")).select_by_visible_text("försenad")  # type: ignore[attr-defined]
    send = driver.find_element(By.CSS_SELECTOR, "form.filters button")  # type: ignore[attr-defined]
    send.click()
    left_page(driver, send)  # type: ignore[arg-type]
    filtered = text_of(driver)
    assert world.late in filtered and world.submitted not in filtered
    assert world.with_budget not in filtered

    # By keyboard alone: search for the diarienummer, then open the ärende.
    search = driver.find_element(By.ID, "sok")  # type: ignore[attr-defined]
    Select(driver.find_element(By.ID, "status")).select_by_index(0)  # type: ignore[attr-defined]
    search.clear()
    search.send_keys(world.with_budget[-4:], Keys.ENTER)
    left_page(driver, search)  # type: ignore[arg-type]
    link = driver.find_element(By.LINK_TEXT, world.with_budget)  # type: ignore[attr-defined]
    assert world.late not in text_of(driver)
    link.send_keys(Keys.ENTER)
    left_page(driver, link)  # type: ignore[arg-type]
    case_page = text_of(driver)
    assert f"Ärende {world.with_budget}" in case_page
    assert "Jämställd service i mötet med medborgarna" in case_page  # an answer
    assert "Inte besvarad än." in case_page
    assert "läst ur budgetsvaret och bekräftat av Olle Handläggare" in case_page  # a source
    assert "registrerat av Cecilia Samordnare" in case_page
    assert "Ansvarig: Olle Handläggare" in case_page
    assert_accessible(driver, "ärendets sida")

    before = [m for m in api.calls_of("sendMessage") if int(m["chat_id"]) == OLLE]
    assert before == []
    assert notice_after_pressing(driver, "Skicka påminnelse nu").startswith(
        "Påminnelsen är skickad"
    )
    assert "skickas inte igen" in notice_after_pressing(driver, "Skicka påminnelse nu")
    sent = [m for m in api.calls_of("sendMessage") if int(m["chat_id"]) == OLLE]
    assert len(sent) == 1, sent
    assert world.with_budget in str(sent[0]["text"])
    assert "skickade en påminnelse från översikten" in text_of(driver)  # in the history


@pytest.mark.parametrize(
    "data",
    [
        init_data(CECILIA, token=OTHER_BOT_TOKEN),
        init_data(CECILIA, age=3700),
        init_data(CECILIA).replace("Test", "Mallory"),
    ],
    ids=["foreign", "expired", "forged"],
)
def test_bad_init_data_is_refused_in_the_browser(driver: object, site: Site, data: str) -> None:
    open_mini_app(driver, site.url, data)
    page = text_of(driver)
    assert "Inloggningen gick inte igenom" in page
    assert "Årets ärenden" not in page
    driver.get(site.url + "/")  # type: ignore[attr-defined]
    assert "Du är inte inloggad" in text_of(driver)
    assert_accessible(driver, "inloggningssidan")


def test_an_official_is_refused_in_swedish(driver: object, site: Site) -> None:
    open_mini_app(driver, site.url, init_data(ANNA))
    assert "Översikten är till för samordnare" in text_of(driver)
    assert_accessible(driver, "403-sidan")


def test_another_coordinators_arende_is_refused_in_the_browser(
    driver: object, site: Site, world: World
) -> None:
    open_mini_app(driver, site.url, init_data(BO))
    assert world.others[0] in text_of(driver)
    driver.get(f"{site.url}/arende/{world.mine[0]}")  # type: ignore[attr-defined]
    page = text_of(driver)
    assert "Ärendet finns inte bland dina ärenden" in page
    assert "Olle" not in page
    assert_accessible(driver, "404-sidan")


def test_oversikt_gets_a_button_that_opens_the_mini_app(live_site: Site) -> None:
    import asyncio

    api = live_site.api
    chat = api.private_chat(CECILIA, "Cecilia")
    chat.send("/oversikt")
    replies = asyncio.run(chat.replies(timeout=15))
    buttons = [data for reply in replies for row in reply.buttons for _, data in row]
    assert f"web_app:{WEB_URL}" in buttons


@pytest.mark.parametrize("theme_name", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots(driver: object, site: Site, world: World, width: int, theme_name: str) -> None:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    theme = LIGHT if theme_name == "light" else DARK
    driver.set_window_size(width, 900)  # type: ignore[attr-defined]
    open_mini_app(driver, site.url, init_data(CECILIA), theme)
    for name, path in (("oversikt", "/"), ("arende", f"/arende/{world.with_budget}")):
        driver.get(site.url + path)  # type: ignore[attr-defined]
        height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
        driver.set_window_size(width, min(int(height) + 120, 4000))  # type: ignore[attr-defined]
        assert_accessible(driver, f"{name} {width} px {theme_name}")
        overflow = driver.execute_script(  # type: ignore[attr-defined]
            "return [document.documentElement.scrollWidth, window.innerWidth, "
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
            ".right > window.innerWidth).map(e => e.tagName + '.' + e.className).slice(0, 5)]"
        )
        assert overflow[0] <= overflow[1], f"{name} is wider than {width} px: {overflow}"
        driver.save_screenshot(str(SHOTS_DIR / f"{name}-{width}-{theme_name}.png"))  # type: ignore[attr-defined]
    driver.set_window_size(1280, 900)  # type: ignore[attr-defined]
