"""A hostile run at LOG_LEVEL=DEBUG: the log holds nothing any user sent, no traceback, and
each refusal is at most one warning line.

The bot runs as production runs it (tests/faults/bot_process.py), webhook mode. A canary
word goes into everything hostile: malformed webhook bodies, a stranger's message, a text
that is too long, half an emoji, a hostile file and its name. python-telegram-bot's own
message for an update it cannot parse (which quotes the update) is checked by itself.
"""

from __future__ import annotations

import io
import json
import logging

from bot.telegram.logging_filter import keep_updates_out_of_logs
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.hostile_files import empty_paragraphs_docx
from tests.faults.harness import BotProcess
from tests.faults.test_inbox_kill import free_port, says

CANARY = "Kanariefågel-Tweety-4711"


async def test_a_hostile_run_at_debug_logs_no_user_text_and_no_traceback(
    api: FakeBotApi, bot_process: BotProcess
) -> None:
    official = api.private_chat(5001, "Olga")
    stranger = api.private_chat(5999, "Okänd")
    bot_process.start(free_port(), log_level="DEBUG")
    for body in (
        CANARY.encode(),
        json.dumps({"update_id": "x", "message": {"text": CANARY}}).encode(),
        json.dumps({"update_id": 91, "message": CANARY}).encode(),
    ):
        status, _ = await api.post_raw_to_webhook(body)
        assert status == 400
    await stranger.ask(f"Släpp in mig {CANARY}", says("inte tillgång"))
    await official.ask(f"{CANARY} " + "x" * 20_001, says("för långt"))
    await official.ask(f"{CANARY} \ud83d", says("trasigt tecken"))
    official.send_document(f"{CANARY}.docx", empty_paragraphs_docx())
    await official.replies(says("stycken"))
    await official.ask(f"/ny {CANARY}")
    bot_process.kill()

    log = bot_process.log.read_text(encoding="utf-8", errors="replace")
    assert "DEBUG " in log, "the process did not log at DEBUG"
    assert CANARY not in log and "Tweety" not in log
    assert "Traceback" not in log
    assert not [line for line in log.splitlines() if " ERROR " in line or " CRITICAL " in line]
    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert len(warnings) <= 3, warnings  # the three bodies refused, nothing else


def test_the_libraries_message_about_an_unparsable_update_quotes_nothing() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("telegram.ext._utils.webhookhandler")
    logger.addHandler(handler)
    try:
        keep_updates_out_of_logs()
        logger.critical(
            "Something went wrong processing the data received from Telegram. "
            "Received data was *not* processed! Received data was: %r",
            {"message": {"text": CANARY}},
            exc_info=ValueError(CANARY),
        )
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert CANARY not in written and "could not be parsed" in written
