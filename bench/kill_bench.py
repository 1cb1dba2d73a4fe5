"""Kill the bot at random moments and count what the users lose: `python -m bench.kill_bench`.

The bot runs as production runs it (tests/faults/bot_process.py: bot.app.assemble, the
inbox, long polling) in a process of its own over the local Bot API server
(tests/fakes/bot_api.py, in this process), on SQLite and on PostgreSQL (when the server at
REDOVISA_TEST_POSTGRES_URL answers). Simulated officials each write a whole report
(/ny, /mall, eight answers, the long ones in a message and /klar), one message at a time,
each waiting for the answer to the previous one as a person would. Meanwhile the bot is
SIGKILLed at random moments (uniformly 0.2-2.5 s after it came up) and started again.

Per database it prints:
- kills: how many SIGKILLs;
- messages: messages the officials sent;
- lost: messages never answered (after a wait of LOST_AFTER seconds with the bot up the
  official sends it again, and it counts as lost);
- doubled: answers stored in more than one version (each was sent once);
- wrong resumes: an answer stored under another question than the one it answers, a report
  left short of answers, or a reply that asks for another question than the next;
- resumed: messages whose turn had committed when the bot died, answered after the restart
  with the note that they were kept and where the user is (not a loss).

    python -m bench.kill_bench [--kills 15] [--users 4] [--seed 14] [--sqlite-only]
                               [--no-inbox]

`--no-inbox` runs the bot without the inbox, as before it, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.config import PROMPTS_DIR
from bot.mall.template import Template, load_catalog
from bot.telegram.texts import load_telegram_texts
from storage.db import create_db_engine, migrate
from storage.models import Answer, Case, ConversationStateRow
from tests.conftest import POSTGRES_ADMIN_URL
from tests.fakes.bot_api import FakeBotApi, FakeUser, SentMessage
from tests.faults.bot_process import TOKEN
from tests.faults.harness import BotProcess

LOST_AFTER = 20.0  # seconds with the bot up and no answer
QUIET = 0.3  # an answer is complete after this long without another message
FIRST_USER = 6001
RESUMED = load_telegram_texts().resumed_after_restart
ASKED = re.compile(r"[Ff]råga (\d+) av (\d+)")


@dataclass
class Figures:
    database: str
    kills: int = 0
    messages: int = 0
    lost: int = 0
    doubled: int = 0
    wrong_resumes: int = 0
    resumed: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.database:<10} kills {self.kills:>3}  messages {self.messages:>4}  "
            f"lost {self.lost:>3}  doubled {self.doubled:>3}  wrong resumes "
            f"{self.wrong_resumes:>3}  resumed {self.resumed:>3}  ({self.seconds:.0f} s)"
        )


def case_number(number: int) -> str:
    return f"STK-2026-{number:04d}"


def script(template: Template, number: int) -> list[tuple[str, int | None]]:
    """What one official sends for report `number`: (text, the question number the answer
    should ask next)."""
    steps: list[tuple[str, int | None]] = [(f"/ny {case_number(number)}", None)]
    steps.append(("/mall mall-2019", 1))
    total = len(template.questions)
    for index, question in enumerate(template.questions, start=1):
        answer = f"Svar {number} på fråga {index} ({question.key})"
        following = index + 1 if index < total else None
        if question.kind.collects_several_messages:
            steps += [(answer, None), ("/klar", following)]
        else:
            steps.append((answer, following))
    return steps


class Bot:
    """The bot process and whether it is up now (for the officials' patience)."""

    def __init__(self, process: BotProcess) -> None:
        self.process = process
        self.up_since: float | None = None

    async def start(self) -> None:
        await asyncio.to_thread(self.process.start)
        self.up_since = time.monotonic()

    def kill(self) -> None:
        self.up_since = None
        self.process.kill()


async def official(
    user: FakeUser,
    first_report: int,
    template: Template,
    bot: Bot,
    figures: Figures,
    killing: asyncio.Event,
) -> list[int]:
    """Write reports one after another while the bot is being killed; return their numbers."""
    reports = []
    number = first_report
    while killing.is_set() or not reports:
        await write_report(user, script(template, number), bot, figures)
        reports.append(number)
        number += 1
    return reports


async def write_report(
    user: FakeUser, steps: list[tuple[str, int | None]], bot: Bot, figures: Figures
) -> None:
    for text_sent, next_question in steps:
        while True:
            user.send(text_sent)
            figures.messages += 1
            sent_at = time.monotonic()
            answer = await answer_to(user, bot, sent_at)
            if answer is not None:
                break
            figures.lost += 1
            figures.notes.append(f"lost: {user.chat_id} {text_sent!r}")
        texts = [m.text for m in answer]
        if RESUMED in texts:
            figures.resumed += 1
        if next_question is not None:
            asked = {int(m.group(1)) for t in texts for m in ASKED.finditer(t)}
            if next_question not in asked:
                figures.wrong_resumes += 1
                figures.notes.append(f"reply to {text_sent!r} asked {asked}: {texts}")


async def answer_to(user: FakeUser, bot: Bot, sent_at: float) -> list[SentMessage] | None:
    """The bot's messages after the one sent, or None when they never came."""
    while not user.unread():
        up = bot.up_since
        if up is not None and time.monotonic() - max(sent_at, up) > LOST_AFTER:
            return None
        await asyncio.sleep(0.02)
    seen = len(user.unread())
    while True:
        await asyncio.sleep(QUIET)
        if len(user.unread()) == seen:
            break
        seen = len(user.unread())
    return await user.replies(lambda _: True, timeout=1)


async def killer(bot: Bot, kills: int, rng: random.Random, killing: asyncio.Event) -> int:
    count = 0
    while count < kills:
        await asyncio.sleep(rng.uniform(0.2, 2.5))
        bot.kill()
        count += 1
        await bot.start()
    killing.clear()
    return count


def check_database(url: str, template: Template, reports: list[int], figures: Figures) -> None:
    keys = [q.key for q in template.questions]
    engine = create_db_engine(url)
    try:
        with sessionmaker(engine)() as session:
            for number in reports:
                case = session.scalar(select(Case).where(Case.case_number == case_number(number)))
                if case is None:
                    figures.wrong_resumes += 1
                    figures.notes.append(f"official {number}: no ärende")
                    continue
                rows = session.scalars(select(Answer).where(Answer.case_id == case.id)).all()
                figures.doubled += sum(1 for row in rows if row.version > 1)
                for index, key in enumerate(keys, start=1):
                    found = [r.text for r in rows if r.question_key == key]
                    expected = f"Svar {number} på fråga {index} ({key})"
                    if expected not in found or any(t != expected for t in found):
                        figures.wrong_resumes += 1
                        figures.notes.append(f"official {number} {key}: {found}")
            states = session.scalars(select(ConversationStateRow.state)).all()
            figures.wrong_resumes += sum(1 for s in states if s.get("question_index") is not None)
    finally:
        engine.dispose()


async def run_database(
    name: str, url: str, kills: int, users: int, seed: int, inbox: bool = True
) -> Figures:
    template = load_catalog(PROMPTS_DIR / "templates").get("mall-2019")
    figures = Figures(name)
    rng = random.Random(seed)
    engine = create_db_engine(url)
    migrate(engine)
    engine.dispose()
    started = time.monotonic()
    with FakeBotApi(TOKEN) as api, tempfile.TemporaryDirectory() as control:
        ids = range(FIRST_USER, FIRST_USER + users)
        bot = Bot(BotProcess(Path(control), url, api, users=ids, inbox=inbox))
        await bot.start()
        killing = asyncio.Event()
        killing.set()
        kill_task = asyncio.create_task(killer(bot, kills, rng, killing))
        chats = [api.private_chat(user_id, f"Tjänsteperson {n}") for n, user_id in
                 enumerate(ids, start=1)]  # fmt: skip
        written = await asyncio.gather(
            *(official(chat, n * 100, template, bot, figures, killing)
              for n, chat in enumerate(chats, start=1))
        )  # fmt: skip
        figures.kills = await kill_task
        bot.kill()
    figures.seconds = time.monotonic() - started
    check_database(url, template, [n for numbers in written for n in numbers], figures)
    return figures


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A fresh database on the PostgreSQL server, dropped afterwards; None without one."""
    try:
        admin = create_engine(
            POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as connection:
            name = f"redovisa_kill_{uuid.uuid4().hex[:10]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:  # no server: the PostgreSQL figures are skipped
        yield None
        return
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kill_bench")
    parser.add_argument("--kills", type=int, default=15)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print what went wrong")
    parser.add_argument("--no-inbox", action="store_true", help="run without the inbox")
    args = parser.parse_args(argv)
    options = (args.kills, args.users, args.seed, not args.no_inbox)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'kill.sqlite3'}"
        results.append(asyncio.run(run_database("sqlite", url, *options)))
    if not args.sqlite_only:
        with postgres_database() as pg_url:
            if pg_url is None:
                print("postgresql skipped: the server does not answer")
            else:
                results.append(asyncio.run(run_database("postgresql", pg_url, *options)))
    for figures in results:
        print(figures.line(), flush=True)
        if args.verbose:
            for note in figures.notes:
                print("   ", note)
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
