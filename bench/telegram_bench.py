"""The full Telegram bot against a bare python-telegram-bot echo bot, in one run.

Both run against the same local Bot API server (tests/fakes/bot_api.py, on its own
thread) with `CHATS` simulated chats writing at once; each chat sends its next message
as soon as the previous one is answered. The full bot runs the real engine with every
answer committed to a SQLite file before it replies. Latency is measured by the server:
from the moment an update is made available to the first message the bot sends back.

    python -m bench.telegram_bench [chats] [messages-per-chat]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bench import Ratio
from bot.config import PROMPTS_DIR, Settings
from bot.engine.conversation import Conversation
from bot.engine.templates import load_catalog
from bot.engine.texts import load_texts
from bot.telegram.app import TelegramBot
from storage.db import open_database
from tests.fakes.bot_api import FakeBotApi

TOKEN = "123456789:AAFakeTokenForTheBenchmarkServer_abcdef"
CHATS = 200
MESSAGES = 10


def script(chat: int) -> list[str]:
    """What one official writes: a new report, the mall, answers, parts, Klar, status."""
    script = [
        f"/ny STK-2099-{chat:04d}",
        "/mall mall-2019",
        "Arbetsmarknads- och socialnämnden",
        f"Utvecklingsarbete nummer {chat}",
        "Målet var att integrera jämställdhet & antidiskriminering i arbetet.",
        "Insatserna har genomförts enligt plan, med <viss> försening.",
        "/klar",
        "Förankringen skedde i ledningsgrupperna.",
        "/klar",
        "/status",
    ]
    return [script[i % len(script)] for i in range(MESSAGES)]


@dataclass
class Result:
    name: str
    updates: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    def line(self) -> str:
        return (
            f"{self.name:<10} {self.per_second:8.0f} updates/s   p50 "
            f"{self.percentile(0.5) * 1000:6.1f} ms   p99 {self.percentile(0.99) * 1000:6.1f} ms"
        )


async def drive(api: FakeBotApi, name: str, chats: int) -> Result:
    """Every chat writes its script, each message after the previous one is answered."""
    loop = asyncio.get_running_loop()
    waiting: dict[int, asyncio.Future[None]] = {}

    def answered(update_id: int) -> None:
        future = waiting.get(update_id)
        if future is not None and not future.done():
            future.set_result(None)

    def from_server(update_id: int) -> None:
        loop.call_soon_threadsafe(answered, update_id)

    api.on_answer = from_server
    sent: list[int] = []

    async def chat(number: int) -> None:
        user = api.private_chat(10_000 + number, f"Tjänsteperson {number}")
        for text in script(number):
            update_id, _ = user.send(text)
            future = waiting.setdefault(update_id, loop.create_future())
            if update_id in api.answered_at:
                answered(update_id)
            await asyncio.wait_for(future, 30)
            sent.append(update_id)

    started = time.perf_counter()
    await asyncio.gather(*(chat(n) for n in range(chats)))
    seconds = time.perf_counter() - started
    api.on_answer = None
    latencies = [api.answered_at[u] - api.pushed_at[u] for u in sent]
    return Result(name, len(sent), seconds, latencies)


@asynccontextmanager
async def echo_bot(api: FakeBotApi) -> AsyncIterator[None]:
    """The bare python-telegram-bot echo bot, concurrent updates on, as PTB's docs show it."""

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.file_url)
        .concurrent_updates(True)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=30)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()


@asynccontextmanager
async def full_bot(api: FakeBotApi, folder: Path) -> AsyncIterator[None]:
    engine, sessions = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
    conversation = Conversation(
        sessions, load_catalog(PROMPTS_DIR / "templates"), load_texts(), lambda: datetime.now(UTC)
    )
    settings = Settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=api.base_url,
        telegram_api_file_url=api.file_url,
        redovisa_data_dir=folder,
    )
    try:
        async with TelegramBot(settings, conversation):
            yield
    finally:
        engine.dispose()


async def measure(
    name: str, bot: Callable[[FakeBotApi], AbstractAsyncContextManager[None]], chats: int
) -> Result:
    with FakeBotApi(TOKEN) as api:
        async with bot(api):
            await drive(api, f"{name}-warmup", min(chats, 20))
            return await drive(api, name, chats)


async def compare(chats: int) -> tuple[Result, Result]:
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    with tempfile.TemporaryDirectory() as folder:
        echo = await measure("echo", echo_bot, chats)
        full = await measure("full", lambda api: full_bot(api, Path(folder)), chats)
    return echo, full


def run() -> list[Ratio]:
    """For `python -m bench`: the full bot's throughput and p99 against the echo bot's."""
    echo, full = asyncio.run(compare(CHATS))
    detail = f"{CHATS} chats; {full.line().strip()} | {echo.line().strip()}"
    return [
        Ratio("telegram: echo throughput / full throughput", echo.per_second / full.per_second,
              detail),
        Ratio("telegram: full p99 / echo p99", full.percentile(0.99) / echo.percentile(0.99)),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    global CHATS, MESSAGES
    args = sys.argv[1:] if argv is None else argv
    if args:
        CHATS = int(args[0])
    if len(args) > 1:
        MESSAGES = int(args[1])
    echo, full = asyncio.run(compare(CHATS))
    print(f"{CHATS} chats at once, {MESSAGES} messages each, one local Bot API server")
    print(echo.line())
    print(full.line())
    print(
        f"throughput: full bot {full.per_second / echo.per_second:.2f}x of echo "
        f"(echo {echo.per_second / full.per_second:.2f}x faster; aim: within 3x); "
        f"full p99 {full.percentile(0.99) * 1000:.1f} ms (aim: under 50 ms)"
    )


if __name__ == "__main__":
    main()
