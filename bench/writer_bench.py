"""What SQLite's one writer costs a turn: `python -m bench.writer_bench`.

The engine alone (no chat platform) on two SQLite files in one run: one where every turn
goes through the writer thread (storage/unit_of_work.py, as the bot runs), one where the
turn runs on the caller's thread in a transaction of its own (as on PostgreSQL). One
official writes parts of an answer, `--turns` a round, `--rounds` rounds alternating
between the two; the best round of each is compared. Then `--threads` officials write at
once through the writer, and the writes per commit say how much group commit gathered.

    python -m bench.writer_bench [--turns 40] [--rounds 5] [--threads 8]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import Ratio
from bot.config import PROMPTS_DIR
from bot.engine.access import AccessPolicy
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, UserRef
from bot.engine.texts import load_texts
from bot.mall.template import load_catalog
from storage.db import open_database

START = ("/ny STK-2099-{n}", "/mall mall-2019", "Servicenämnden", "Projektet", "Vi har arbetat.")


def conversation_in(folder: Path, name: str) -> Conversation:
    _engine, sessions = open_database(f"sqlite:///{folder / name}")
    return Conversation(
        sessions, load_catalog(PROMPTS_DIR / "templates"), load_texts(),
        lambda: datetime.now(UTC), access=AccessPolicy.open_to_all(),
    )  # fmt: skip


def started(conversation: Conversation, number: int) -> UserRef:
    user = UserRef(f"telegram:{number}", f"Tjänsteperson {number}")
    for text in START:
        conversation.handle(user, Incoming(text=text.format(n=number)))
    return user


def seconds_per_turn(conversation: Conversation, user: UserRef, turns: int, first: int) -> float:
    began = time.perf_counter()
    for index in range(turns):
        text = f"Del {first + index} av svaret om hur arbetet följts upp."
        conversation.handle(user, Incoming(text=text, delivery_id=first + index))
    return (time.perf_counter() - began) / turns


def measure(turns: int, rounds: int, threads: int) -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        through_writer = conversation_in(Path(folder), "writer.sqlite3")
        direct = conversation_in(Path(folder), "direct.sqlite3")
        direct.unit_of_work.run_writes_on_the_callers_thread()
        users = {id(c): started(c, 1) for c in (through_writer, direct)}
        best = {id(c): float("inf") for c in (through_writer, direct)}
        for round_number in range(rounds):
            for conversation in (through_writer, direct):
                took = seconds_per_turn(
                    conversation, users[id(conversation)], turns, 1000 * (round_number + 1)
                )
                best[id(conversation)] = min(best[id(conversation)], took)
        unit = through_writer.unit_of_work
        writes, commits = unit.writes, unit.commits
        officials = [started(through_writer, 100 + n) for n in range(threads)]
        workers = [
            threading.Thread(target=seconds_per_turn, args=(through_writer, user, turns, 50_000))
            for user in officials
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        together = (unit.writes - writes, unit.commits - commits)
    return best[id(through_writer)], best[id(direct)], *together


def run(turns: int = 40, rounds: int = 5, threads: int = 8) -> list[Ratio]:
    writer, direct, writes, commits = measure(turns, rounds, threads)
    return [
        Ratio("writer: turn through the writer / direct", writer / direct,
              f"{writer * 1000:.2f} ms vs {direct * 1000:.2f} ms a turn, best of {rounds}"),
        Ratio("writer: writes per commit, officials at once", writes / max(commits, 1),
              f"{writes} writes in {commits} transactions, {threads} officials"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.writer_bench")
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    for ratio in run(args.turns, args.rounds, args.threads):
        print(ratio.line())


if __name__ == "__main__":
    main()
