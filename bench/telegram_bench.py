"""The full Telegram bot against a bare echo bot and a plain store-then-reply bot, in one run.

    python -m bench.telegram_bench [chats] [messages-per-chat] [--duration S]
                                   [--interval S] [--profile]

Three bots are measured: the echo bot (python-telegram-bot's own example, no storage), the
plain bot (bench/plain_bot.py: what a developer writes first, each message committed to
SQLite through SQLAlchemy before the reply) and the full bot. The full bot is held to the
plain bot: at saturation at least as many updates per second and a p99 within 1.5 times,
and at a human pace a p99 within 1.5 times.
Each bot runs in this process against the same kind of local Bot API server
(tests/fakes/bot_api.py), which runs with the simulated chats in a process of its own
(bench/telegram_load.py), so this process spends its time on the bot alone. The full
bot runs the real engine with every answer committed to a SQLite file before it replies.
Each bot is measured twice, after a short warm-up:

* saturation: `chats` chats each send `messages` messages, each as soon as the previous
  one is answered (closed loop). Gives updates per second, and the CPU time the bot's
  process (all its threads) spent an update; its latencies are mostly queueing (about
  chats / throughput) and are shown only for completeness.
* human pace: `chats` chats write for `--duration` seconds, each at random moments
  (exponential intervals, mean `--interval` seconds) without waiting for replies (open
  loop). Gives the reply latency, p50 and p99, at that pace.

Latency is measured by the server: from the moment an update is made available to
getUpdates to the arrival of the bot's reply to it. `--profile` samples the full bot's
threads during its human-pace run and prints where the time went (the sampler itself
costs some time, so the figures of a profiled run are a little worse).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bench import Ratio
from bench.plain_bot import plain_bot_in
from bench.telegram_load import LOAD_GC_PAUSE, GcPauses, LoadResult, LoadServer
from bot.config import PROMPTS_DIR, Settings
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.texts import load_texts
from bot.mall.template import load_catalog
from bot.telegram.app import SQLITE_ENGINE_THREADS, TelegramBot, freeze_startup_objects
from bot.telegram.inbox import Inbox
from bot.telegram.outbound import Limits
from storage.db import open_database
from storage.unit_of_work import UnitOfWork

TOKEN = "123456789:AAFakeTokenForTheBenchmarkServer_abcdef"
COMMAND = "python -m bench.telegram_bench"
CHATS = 50
MESSAGES = 20
DURATION = 20.0  # seconds of writing at a human pace
INTERVAL = 2.0  # mean seconds between two messages of one chat at a human pace
WARMUP_CHATS = 20
THROUGHPUT_AIM = 1.0  # the full bot's updates per second / the plain bot's, at saturation
SATURATION_P99_AIM = 1.5  # the full bot's p99 / the plain bot's, at saturation
PACED_P99_AIM = 1.5  # the full bot's p99 / the plain bot's, at a human pace

BotFactory = Callable[[str, str], AbstractAsyncContextManager[None]]
# The full bot's writes on SQLite and the transactions that committed them (group commit).
WRITER_COUNTS = {"writes": 0, "commits": 0}


@dataclass
class Options:
    chats: int = CHATS
    messages: int = MESSAGES
    duration: float = DURATION
    interval: float = INTERVAL
    engine_threads: int = SQLITE_ENGINE_THREADS
    profile: bool = False


@dataclass
class Measured:
    name: str
    saturation: LoadResult
    paced: LoadResult
    cpu_per_update: float = 0.0  # seconds of this process's CPU (every thread) an update
    gc_pause: float = 0.0  # the bot process's longest garbage collection at a human pace


@asynccontextmanager
async def echo_bot(base_url: str, file_url: str) -> AsyncIterator[None]:
    """The bare python-telegram-bot echo bot, concurrent updates on, as PTB's docs show it."""

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(base_url)
        .base_file_url(file_url)
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


def full_bot_in(folder: Path, engine_threads: int = SQLITE_ENGINE_THREADS) -> BotFactory:
    """The real bot (TelegramBot on the engine), its database a SQLite file in `folder`,
    started as `redovisa telegram` starts it (serve(): start-up objects frozen)."""

    @asynccontextmanager
    async def full_bot(base_url: str, file_url: str) -> AsyncIterator[None]:
        engine, sessions = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
        conversation = Conversation(
            sessions, load_catalog(PROMPTS_DIR / "templates"), load_texts(),
            lambda: datetime.now(UTC), access=AccessPolicy.open_to_all(),
        )  # fmt: skip
        settings = Settings(
            telegram_bot_token=SecretStr(TOKEN),
            telegram_api_base_url=base_url,
            telegram_api_file_url=file_url,
            redovisa_data_dir=folder,
        )
        try:
            # Telegram's flood limits are switched off here: the bench measures the bot's own
            # cost per update, as it does for the echo and plain bots, which have none.
            unlimited = Limits(per_second=1_000_000, per_chat_interval=0)
            # As `redovisa telegram` runs it: every update stored in the inbox first.
            inbox = Inbox(sessions, lambda: datetime.now(UTC))
            async with TelegramBot(
                settings, conversation, engine_threads=engine_threads, limits=unlimited,
                inbox=inbox,
            ):  # fmt: skip
                freeze_startup_objects()
                yield
        finally:
            unit = UnitOfWork.of(sessions)
            WRITER_COUNTS["writes"], WRITER_COUNTS["commits"] = unit.writes, unit.commits
            engine.dispose()

    return full_bot


async def measure(name: str, bot: BotFactory, options: Options, sampler: Sampler | None = None
                  ) -> Measured:  # fmt: skip
    """Warm up, then saturation, then human pace, with a fresh server and bot."""
    with LoadServer(TOKEN) as load:
        async with bot(load.base_url, load.file_url):
            await load.closed_loop(f"{name}-warmup", first_chat=1_000, chats=WARMUP_CHATS,
                                   messages=options.messages)  # fmt: skip
            cpu_before = time.process_time()
            saturation = await load.closed_loop(
                name, first_chat=10_000, chats=options.chats, messages=options.messages
            )
            cpu = (time.process_time() - cpu_before) / max(saturation.sent, 1)
            if sampler is not None:
                sampler.start()
            pauses = GcPauses()
            try:
                paced = await load.open_loop(
                    name, first_chat=100_000, chats=options.chats,
                    mean_interval=options.interval, duration=options.duration,
                )  # fmt: skip
            finally:
                pauses.close()
                if sampler is not None:
                    sampler.stop()
    return Measured(name, saturation, paced, cpu, pauses.longest)


@dataclass
class Comparison:
    echo: Measured
    plain: Measured
    full: Measured

    def all(self) -> tuple[Measured, Measured, Measured]:
        return self.echo, self.plain, self.full


async def compare(options: Options) -> tuple[Comparison, Sampler | None]:
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    sampler = Sampler() if options.profile else None
    with tempfile.TemporaryDirectory() as folder:
        echo = await measure("echo", echo_bot, options)
        plain = await measure("plain", plain_bot_in(Path(folder), TOKEN), options)
        full_bot = full_bot_in(Path(folder), options.engine_threads)
        full = await measure("full", full_bot, options, sampler)
    return Comparison(echo, plain, full), sampler


# ---------------------------------------------------------------------- report
def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def problems(result: LoadResult) -> str:
    found = []
    if result.unanswered:
        found.append(f"{result.unanswered} unanswered")
    if result.extra:
        found.append(f"{result.extra} unexpected replies")
    return f"  ({', '.join(found)})" if found else ""


def report(measured: Comparison, options: Options) -> list[str]:
    rate = options.chats / options.interval
    lines = [
        f"$ {COMMAND} {options.chats} {options.messages} --duration {options.duration:g} "
        f"--interval {options.interval:g} --engine-threads {options.engine_threads}",
        "bot in this process; Bot API server and simulated chats in another process; "
        f"{os.cpu_count()} CPUs",
        "",
        f"saturation: {options.chats} chats x {options.messages} messages, each sent when "
        "the previous one is answered",
        "           updates/s   p50 ms   p99 ms   CPU ms an update (the bot's process)",
    ]
    for m in measured.all():
        s = m.saturation
        lines.append(f"  {m.name:<6} {s.per_second:10.0f}  {ms(s.percentile(0.5))}  "
                     f"{ms(s.percentile(0.99))}  {ms(m.cpu_per_update)}{problems(s)}")  # fmt: skip
    lines += [
        "",
        f"human pace: {options.chats} chats writing at once for {options.duration:g} s, each "
        f"a message every {options.interval:g} s on average (exponential; ~{rate:.0f} "
        "messages/s in all), not waiting for replies",
        "           answered   p50 ms   p90 ms   p99 ms   max ms   (generator's max lag ms)",
    ]
    for m in measured.all():
        p = m.paced
        lines.append(
            f"  {m.name:<6} {p.answered:5d}/{p.sent:<5d} {ms(p.percentile(0.5))}  "
            f"{ms(p.percentile(0.9))}  {ms(p.percentile(0.99))}  {ms(max(p.latencies))}   "
            f"({ms(p.max_lag).strip()}){problems(p)}"
        )
    lines.append(
        "  longest garbage collection at a human pace, ms (the bot's process / the load's): "
        + ", ".join(
            f"{m.name} {m.gc_pause * 1000:.1f} / "
            f"{m.paced.details.get(LOAD_GC_PAUSE, float('nan')):.1f}"
            for m in measured.all()
        )
    )
    full, plain, echo = measured.full, measured.plain, measured.echo
    writes, commits = WRITER_COUNTS["writes"], WRITER_COUNTS["commits"]
    if commits:
        lines += ["", f"the full bot's writer: {writes} writes in {commits} transactions "
                      f"({writes / commits:.1f} a commit)"]  # fmt: skip
    throughput = full.saturation.per_second / plain.saturation.per_second
    p99_ratio = full.saturation.percentile(0.99) / plain.saturation.percentile(0.99)
    p99 = full.paced.percentile(0.99)
    paced_ratio = p99 / plain.paced.percentile(0.99)
    lines += [
        "",
        f"saturation throughput: full / plain = {throughput:.2f} (aim: at least "
        f"{THROUGHPUT_AIM:g}) -> {'met' if throughput >= THROUGHPUT_AIM else 'NOT met'}; "
        f"full / echo = {full.saturation.per_second / echo.saturation.per_second:.2f}",
        f"CPU an update at saturation: full / plain = "
        f"{full.cpu_per_update / plain.cpu_per_update:.2f}x",
        f"saturation p99: full / plain = {p99_ratio:.2f}x (aim: within "
        f"{SATURATION_P99_AIM:g}x) -> {'met' if p99_ratio <= SATURATION_P99_AIM else 'NOT met'}",
        f"human-pace p99: full {p99 * 1000:.1f} ms, plain "
        f"{plain.paced.percentile(0.99) * 1000:.1f} ms, echo "
        f"{echo.paced.percentile(0.99) * 1000:.1f} ms (aim: full within "
        f"{PACED_P99_AIM:g}x the plain bot's) -> "
        f"{'met' if paced_ratio <= PACED_P99_AIM and not full.paced.unanswered else 'NOT met'}",
    ]
    return lines


# ---------------------------------------------------------------------- profile
class Sampler:
    """A sampling profiler from the standard library: every `interval` seconds it looks at
    the stack of every thread (sys._current_frames) and counts, per kind of thread (the
    event loop, the engine's workers), the functions on it and the one on top."""

    IDLE = {("selectors.py", "select"), ("thread.py", "_worker"), ("threading.py", "wait")}

    def __init__(self, interval: float = 0.001) -> None:
        self.interval = interval
        self.samples: collections.Counter[str] = collections.Counter()
        self.busy: collections.Counter[str] = collections.Counter()
        self.inclusive: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self.top: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        main = threading.main_thread().ident
        me = threading.get_ident()
        while not self._stop.wait(self.interval):
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                name = names.get(ident, "")
                kind = "event loop" if ident == main else name.split("_")[0] or "other"
                self.samples[kind] += 1
                leaf = (Path(frame.f_code.co_filename).name, frame.f_code.co_name)
                if leaf in self.IDLE:
                    continue
                self.busy[kind] += 1
                self.top[kind][self._label(frame)] += 1
                seen = set()
                walk: FrameType | None = frame
                while walk is not None:
                    seen.add(self._label(walk))
                    walk = walk.f_back
                self.inclusive[kind].update(seen)

    @staticmethod
    def _label(frame: object) -> str:
        code = frame.f_code  # type: ignore[attr-defined]
        parts = Path(code.co_filename).parts
        short = "/".join(parts[-2:])
        return f"{short}:{code.co_name}"

    def lines(self, count: int = 18) -> list[str]:
        out = ["", f"profile of the full bot at a human pace (sampled every "
               f"{self.interval * 1000:g} ms; % of the thread kind's busy samples)"]  # fmt: skip
        for kind in sorted(self.busy, key=lambda k: -self.busy[k]):
            total, busy = self.samples[kind], self.busy[kind]
            out.append(f"  {kind}: busy in {busy} of {total} samples")
            out.append("    inclusive:")
            for label, n in self.inclusive[kind].most_common(count):
                out.append(f"      {100 * n / busy:5.1f}%  {label}")
            out.append("    on top of the stack:")
            for label, n in self.top[kind].most_common(count // 2):
                out.append(f"      {100 * n / busy:5.1f}%  {label}")
        return out


# ---------------------------------------------------------------------- entry points
def run() -> list[Ratio]:
    """For `python -m bench`: the full bot against the plain store-then-reply bot."""
    options = Options()
    measured, _ = asyncio.run(compare(options))
    detail = "; ".join(line.strip() for line in report(measured, options)[-4:-2])
    full, plain = measured.full, measured.plain
    return [
        Ratio("telegram: full / plain updates per second",
              full.saturation.per_second / plain.saturation.per_second, detail),
        Ratio("telegram: full / plain CPU an update at saturation",
              full.cpu_per_update / plain.cpu_per_update),
        Ratio("telegram: full p99 / plain p99 at saturation",
              full.saturation.percentile(0.99) / plain.saturation.percentile(0.99)),
        Ratio("telegram: full p99 / plain p99 at a human pace",
              full.paced.percentile(0.99) / plain.paced.percentile(0.99)),
        Ratio("telegram: full p99 / echo p99 at a human pace",
              full.paced.percentile(0.99) / measured.echo.paced.percentile(0.99)),
    ]  # fmt: skip


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n")[0])
    parser.add_argument("chats", type=int, nargs="?", default=CHATS)
    parser.add_argument("messages", type=int, nargs="?", default=MESSAGES)
    parser.add_argument("--duration", type=float, default=DURATION)
    parser.add_argument("--interval", type=float, default=INTERVAL)
    parser.add_argument("--engine-threads", type=int, default=SQLITE_ENGINE_THREADS)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    return Options(args.chats, args.messages, args.duration, args.interval,
                   args.engine_threads, args.profile)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    options = parse(sys.argv[1:] if argv is None else argv)
    measured, sampler = asyncio.run(compare(options))
    for line in report(measured, options):
        print(line)
    if sampler is not None:
        for line in sampler.lines():
            print(line)


if __name__ == "__main__":
    main()
