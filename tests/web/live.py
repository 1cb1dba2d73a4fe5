"""The dashboard as `redovisa telegram` runs it, for the browser tests: the real bot
(TelegramBot, polling the fake Bot API) with the dashboard beside it on the bot's event
loop (bot.cli.web_command.dashboard_beside), all on a thread of its own."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from pydantic import SecretStr

from bot.app import system_clock
from bot.cli.web_command import dashboard_beside
from bot.config import Settings
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.services import EngineServices
from bot.engine.texts import load_texts
from bot.mall.template import TemplateCatalog
from bot.telegram.app import TelegramBot
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.outbound import Limits
from storage.db import SessionFactory
from tests.fakes.bot_api import FakeBotApi
from tests.web.world import TOKEN

WEB_URL = "https://dashboard.example/"
QUICK = Limits(per_second=2000.0, per_chat_interval=0.005)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_bot_and_dashboard(
    api: FakeBotApi, sessions: SessionFactory, catalog: TemplateCatalog, database_url: str,
    data_dir: Path,
) -> Iterator[str]:  # fmt: skip
    """Yields the dashboard's local address (http://localhost:PORT) while both run."""
    port = free_port()
    settings = Settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=api.base_url,
        telegram_api_file_url=api.file_url,
        redovisa_data_dir=data_dir,
        database_url=database_url,
        redovisa_web_url=WEB_URL,
        redovisa_web_listen="127.0.0.1",
        redovisa_web_port=port,
    )
    conversation = Conversation(
        sessions, catalog, load_texts(), system_clock, EngineServices(dashboard_url=WEB_URL),
        access=AccessPolicy(),
    )  # fmt: skip
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    failure: list[BaseException] = []

    async def main() -> None:
        async with TelegramBot(settings, conversation, limits=QUICK, job_loop=False) as bot:
            beside = dashboard_beside(settings, sessions)
            await beside(TelegramNotifier(bot.application.bot), stop)

    def run() -> None:
        try:
            loop.run_until_complete(main())
        except BaseException as exc:  # reported to the test below
            failure.append(exc)

    thread = threading.Thread(target=run, name="bot-and-dashboard", daemon=True)
    thread.start()
    address = f"http://localhost:{port}"
    deadline = time.monotonic() + 20
    while True:
        if failure:
            raise failure[0]
        try:
            urllib.request.urlopen(address + "/", timeout=1)
        except urllib.error.HTTPError:
            break  # 401: it answers
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError("the dashboard did not start") from None
            time.sleep(0.05)
    try:
        yield address
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=20)
        loop.close()
