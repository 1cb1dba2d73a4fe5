"""`redovisa web` without a bot in the process: a reminder goes through a Bot of the
dashboard's own (bot.telegram.notifier.StandaloneNotifier) to the Bot API, once."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from starlette.testclient import TestClient

from bot.config import Settings
from bot.mall.template import TemplateCatalog
from bot.telegram.notifier import StandaloneNotifier
from storage.db import SessionFactory
from tests.fakes.bot_api import FakeBotApi
from tests.web.conftest import make_dashboard
from tests.web.world import CECILIA, OLLE, TOKEN, World, init_data


def test_a_reminder_reaches_the_bot_api_once(
    sqlite_session_factory: SessionFactory, catalog: TemplateCatalog, world: World,
    tmp_path: Path,
) -> None:  # fmt: skip
    with FakeBotApi(TOKEN) as api:
        settings = Settings(
            telegram_bot_token=SecretStr(TOKEN), telegram_api_base_url=api.base_url,
            telegram_api_file_url=api.file_url, redovisa_data_dir=tmp_path,
        )  # fmt: skip
        board = make_dashboard(sqlite_session_factory, catalog, StandaloneNotifier(settings))
        with TestClient(board.app, base_url="http://127.0.0.1") as browser:
            browser.post("/auth/telegram", data={"init_data": init_data(CECILIA)})
            page = browser.get(f"/arende/{world.with_budget}").text
            token = page.split('name="token" value="')[1].split('"')[0]
            path = f"/arende/{world.with_budget}/paminnelse"
            first = browser.post(path, data={"token": token})
            again = browser.post(path, data={"token": token})
        board.close()
        assert "Påminnelsen är skickad" in first.text
        assert "skickas inte igen" in again.text
        sent = [call for call in api.calls_of("sendMessage") if int(call["chat_id"]) == OLLE]
        assert len(sent) == 1
        assert world.with_budget in str(sent[0]["text"])
        assert "Inte besvarad" not in str(sent[0]["text"])  # the reminder's own wording
