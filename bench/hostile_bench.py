"""What a hostile file costs the bot and the other users: `python -m bench.hostile_bench`.

The bot runs as production runs it (tests/faults/bot_process.py) on SQLite, over the local
Bot API server. For each hostile file (a zip bomb whose zip says 1 kB where 300 MB come
out; a DOCX of 87 381 empty paragraphs) one official sends it while another official asks
for /status. Printed per file: the file's size, the growth of the bot process's peak
memory (VmHWM) while it was read, the other official's wait for the /status answer, and
the sender's wait for the refusal. The baseline is the other official's /status wait with
no file in flight, measured in the same run (each /status a second after the last reply,
so Telegram's limit of one message a second per chat is not what is measured).

    python -m bench.hostile_bench [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tests.fakes.bot_api import FakeBotApi, FakeUser
from tests.fakes.hostile_files import empty_paragraphs_docx, lying_zip_bomb
from tests.faults.bot_process import TOKEN
from tests.faults.harness import BotProcess
from tests.faults.test_hostile_files import REFUSALS, peak_memory_kb

SENDER, OTHER = 7001, 7002


async def timed_status(other: FakeUser, pause: float = 1.1) -> float:
    await asyncio.sleep(pause)  # Telegram's one message a second per chat is not measured
    asked = time.monotonic()
    await other.ask("/status", lambda ms: bool(ms))
    return time.monotonic() - asked


async def refusal(sender: FakeUser, said: str) -> float:
    sent = time.monotonic()
    await sender.replies(lambda ms: any(said in m.text for m in ms), timeout=60)
    return time.monotonic() - sent


async def measure(rounds: int) -> None:
    files = {"bomb": lying_zip_bomb(300), "paragraphs": empty_paragraphs_docx()}
    with tempfile.TemporaryDirectory() as folder, FakeBotApi(TOKEN) as api:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        process = BotProcess(Path(folder) / "bot", url, api, users=[SENDER, OTHER])
        process.start()
        assert process.child is not None
        try:
            sender, other = api.private_chat(SENDER), api.private_chat(OTHER)
            await timed_status(other)
            idle = [await timed_status(other) for _ in range(5)]
            print(f"/status with nothing in flight: median {statistics.median(idle):.3f} s")
            for kind, data in files.items():
                grown, waits, refusals = [], [], []
                for _ in range(rounds):
                    before = peak_memory_kb(process.child.pid)
                    await asyncio.sleep(1.1)
                    sender.send_document(f"utkast-{kind}.docx", data)
                    refused = asyncio.create_task(refusal(sender, REFUSALS[kind]))
                    waits.append(await timed_status(other, pause=0.0))
                    refusals.append(await refused)
                    grown.append((peak_memory_kb(process.child.pid) - before) / 1024)
                print(
                    f"{kind:<10} {len(data) / 1024:7.1f} kB  bot peak memory +{max(grown):.1f} MB"
                    f"  other's /status wait max {max(waits):.3f} s"
                    f"  refusal after {statistics.median(refusals):.2f} s (median of {rounds})"
                )
        finally:
            process.kill()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args(argv)
    asyncio.run(measure(arguments.rounds))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
