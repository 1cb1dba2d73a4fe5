"""A hostile file costs its sender a refusal, and nobody else any wait or the bot memory.

The bot runs as production runs it (tests/faults/bot_process.py); one official sends a
zip bomb whose zip lies about its sizes, then a tiny DOCX of 87 381 empty paragraphs, and
while each is being read another official asks for /status. The bot's own peak memory
(VmHWM of its process) hardly moves, the other official's answer comes at once, and the
sender gets a Swedish refusal that says what is wrong with the file.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.documents.file_reader import TOO_SLOW, read_in_worker
from bot.documents.zip_guard import SIZE_LIE, check_docx_zip
from bot.mall.errors import UserFacingError
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.hostile_files import empty_paragraphs_docx, lying_zip_bomb
from tests.faults.harness import BotProcess

SENDER, OTHER = 5003, 5004
REFUSALS = {"bomb": "packas upp till mer än", "paragraphs": "fler än 10\u00a0000 stycken"}


def peak_memory_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


async def test_hostile_files_are_refused_without_memory_or_wait_for_others(
    api: FakeBotApi, bot_process: BotProcess
) -> None:
    sender = api.private_chat(SENDER, "Hanna")
    other = api.private_chat(OTHER, "Olle")
    bot_process.start()
    assert bot_process.child is not None
    await other.ask("/status")
    before = peak_memory_kb(bot_process.child.pid)
    files = {"bomb": lying_zip_bomb(300), "paragraphs": empty_paragraphs_docx()}
    for kind, data in files.items():
        sender.send_document(f"utkast-{kind}.docx", data)
        asked = time.monotonic()
        await other.ask("/status")
        waited = time.monotonic() - asked
        expected = REFUSALS[kind]
        refusal = await sender.replies(lambda ms, said=expected: any(said in m.text for m in ms))
        assert len(refusal) == 1, [m.text for m in refusal]
        assert waited < 2.0, f"{kind}: the other official waited {waited:.1f} s"
    grown_mb = (peak_memory_kb(bot_process.child.pid) - before) / 1024
    assert grown_mb < 60, f"the bot's peak memory grew by {grown_mb:.0f} MB"
    log = bot_process.log.read_text(encoding="utf-8")
    assert "Traceback" not in log


def test_a_zip_that_understates_its_sizes_is_refused_as_constructed() -> None:
    # 20 MB inside, 1 kB declared: under the size bound, so the lie itself is what is found.
    with pytest.raises(UserFacingError) as refused:
        check_docx_zip(lying_zip_bomb(20))
    assert refused.value.message == SIZE_LIE


def test_a_reader_that_takes_too_long_is_stopped_and_the_sender_told() -> None:
    slow = empty_paragraphs_docx(9_000)  # within the bounds, read in about a second
    started = time.monotonic()
    with pytest.raises(UserFacingError) as refused:
        read_in_worker("utkast.docx", slow, max_seconds=0.05)
    assert refused.value.message == TOO_SLOW
    assert time.monotonic() - started < 2.0
