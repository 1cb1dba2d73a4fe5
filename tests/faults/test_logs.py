"""At LOG_LEVEL=DEBUG the log holds no answer text, and a 502 is one warning line.

The bot runs as `redovisa telegram` would (its own process, logging configured from
LOG_LEVEL) over the local Bot API server; an official answers two questions with text
found nowhere else, looks at the draft (which repeats the answers in the bot's reply),
and getUpdates meets a 502 from a proxy along the way.
"""

from __future__ import annotations

from tests.fakes.bot_api import FakeBotApi
from tests.faults.harness import BotProcess

COMMITTEE = "Kvarnbyns-testnämnd"
PROJECT = "Projektet Blåklint-Ödegård"


async def test_debug_log_holds_no_answer_text_and_a_502_is_one_warning(
    api: FakeBotApi, bot_process: BotProcess
) -> None:
    user = api.private_chat(5002, "Bodil", "Berg")
    bot_process.start(log_level="DEBUG")
    await user.ask("/ny STK-2019-0042", lambda ms: any("mall" in m.text for m in ms))
    await user.ask("/mall mall-2019", lambda ms: any("Fråga 1 av 8" in m.text for m in ms))
    await user.ask(COMMITTEE, lambda ms: any("Fråga 2 av 8" in m.text for m in ms))
    api.fail_next("getUpdates", 502)
    await user.ask(PROJECT, lambda ms: any("Fråga 3 av 8" in m.text for m in ms))
    draft = await user.ask("/utkast", lambda ms: any(PROJECT in m.text for m in ms))
    assert any(COMMITTEE in m.text for m in draft)  # the bot did send the answers back
    bot_process.kill()

    log = bot_process.log.read_text(encoding="utf-8", errors="replace")
    assert "DEBUG tests.faults.bot_process" in log, "the process did not log at DEBUG"
    for secret in (COMMITTEE, PROJECT, "Blåklint", "Bl\\u00e5klint", "Kvarnbyns"):
        assert secret not in log
    assert "Traceback" not in log
    bad_gateway = [line for line in log.splitlines() if "Bad Gateway" in line]
    assert bad_gateway and all(" WARNING " in line for line in bad_gateway), bad_gateway
