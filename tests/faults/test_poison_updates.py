"""A poison update is refused or moved aside at once and never holds up anyone's intake.

The bot runs as production runs it (tests/faults/bot_process.py), on SQLite and on
PostgreSQL. In webhook mode each kind of malformed body is posted with the right secret:
the answer is 400 at once and nothing of it is kept. In polling mode getUpdates hands
out entries that are no valid update, and one that cannot be stored (its chat id does not
fit a database integer): each is moved aside as a dead letter (id and reason only) and
the officials writing around it are answered. Each refusal is one warning line in the
log, with no traceback and nothing of the body.
"""

from __future__ import annotations

import json
import time

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from storage.db import create_db_engine
from storage.models import DeadLetterUpdate, InboxUpdate
from tests.fakes.bot_api import FakeBotApi
from tests.faults.harness import BotProcess
from tests.faults.test_inbox_kill import free_port, says
from tests.faults.test_keep_only_needed import everything_stored

MARK = "Giftigt-Innehåll-93"
MESSAGE = {"message_id": 1, "date": 1, "chat": {"id": 5001, "type": "private"}, "text": MARK}
BODIES = {
    "not JSON": f"{MARK} <html>".encode(),
    "not UTF-8": b"\xff\xfe" + MARK.encode("utf-16-le"),
    "a list": json.dumps([MARK]).encode(),
    "update_id a string": json.dumps({"update_id": "abc", "message": MESSAGE}).encode(),
    "update_id a float": json.dumps({"update_id": 1.5, "message": MESSAGE}).encode(),
    "update_id too large": json.dumps({"update_id": 2**64, "message": MESSAGE}).encode(),
    "update_id true": json.dumps({"update_id": True, "message": MESSAGE}).encode(),
    "message not an object": json.dumps({"update_id": 77, "message": MARK}).encode(),
    "message without a chat": json.dumps({"update_id": 78, "message": {"text": MARK}}).encode(),
}


def dead_letters(database_url: str) -> list[tuple[int, str]]:
    engine = create_db_engine(database_url)
    try:
        with sessionmaker(engine)() as session:
            letters = session.scalars(select(DeadLetterUpdate)).all()
            return sorted((letter.update_id, letter.reason) for letter in letters)
    finally:
        engine.dispose()


def inbox_ids(database_url: str) -> set[int]:
    engine = create_db_engine(database_url)
    try:
        with sessionmaker(engine)() as session:
            return set(session.scalars(select(InboxUpdate.update_id)))
    finally:
        engine.dispose()


def assert_quiet_log(process: BotProcess, refusals: int) -> None:
    log = process.log.read_text(encoding="utf-8", errors="replace")
    assert MARK not in log and "Giftigt" not in log
    assert "Traceback" not in log and " ERROR " not in log and " CRITICAL " not in log, log
    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert len(warnings) == refusals, warnings


async def test_a_malformed_webhook_body_gets_400_at_once_and_is_kept_nowhere(
    api: FakeBotApi, bot_process: BotProcess, database_url: str
) -> None:
    official = api.private_chat(5001, "Olga")
    bot_process.start(free_port())
    for kind, body in BODIES.items():
        status, seconds = await api.post_raw_to_webhook(body)
        assert status == 400, kind
        assert seconds < 1.0, f"{kind}: answered after {seconds:.1f} s"
    status, _ = await api.post_raw_to_webhook(BODIES["not JSON"], secret="fel-hemlighet")
    assert status == 403
    await official.ask("/status", says("redovisning"))  # and the intake goes on
    bot_process.kill()
    assert dead_letters(database_url) == []
    assert MARK not in everything_stored(database_url)
    assert_quiet_log(bot_process, refusals=len(BODIES))


async def test_poison_in_polling_is_moved_aside_and_everyone_else_is_answered(
    api: FakeBotApi, bot_process: BotProcess, database_url: str
) -> None:
    anna, bo = api.private_chat(5001, "Anna"), api.private_chat(5002, "Bo")
    bot_process.start()
    await anna.ask("/status", says("redovisning"))
    started = time.monotonic()
    broken = [
        api.push_update({"message": MARK}),
        api.push_update({"message": {"message_id": 3, "chat": 5001, "text": MARK}}),
        api.push_update({"message": {**MESSAGE, "chat": {"id": 2**70, "type": "private"}}}),
    ]
    bo.send("/status")
    anna.send("/status")
    await bo.replies(says("redovisning"))
    await anna.replies(says("redovisning"))
    waited = time.monotonic() - started
    assert waited < 5.0, f"the others waited {waited:.1f} s"
    await api.wait_for(lambda: len(dead_letters(database_url)) == 3, 10, "three dead letters")
    bot_process.kill()
    letters = dead_letters(database_url)
    assert [update_id for update_id, _ in letters] == sorted(broken)
    reasons = [reason for _, reason in letters]
    assert reasons[0].startswith("not a valid update") and reasons[1].startswith("not a valid")
    assert reasons[2].startswith("could not be stored")
    assert not set(broken) & inbox_ids(database_url) - set(broken) and MARK not in (
        everything_stored(database_url)
    )
    assert_quiet_log(bot_process, refusals=3)  # one warning line for each
