"""A CSV of seven ärenden over the real bot and Telegram's own per-chat limit (one message a
second): each official gets one message listing their ärenden, and their own next reply
is not queued behind a row of notices."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.app import assemble
from bot.telegram.app import TelegramBot
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.test_production_wiring import SHEET_HEADER, production_settings

ADMIN, ANNA, BERTIL = 5001, 5002, 5004
# Anna's five ärenden, four after the first one took the per-chat slot would have kept her next
# reply waiting four seconds; one notice keeps it within one slot (and some margin).
NOT_HELD_UP_SECONDS = 2.5


def sheet_row(number: int, responsible: str) -> str:
    return (
        f"SGL-2026-{number};Stadsbyggnadsnämnden;2019;150 000 kr;2026-01-20;2026-04-30;"
        f"registrera.sbn@malmo.se;{responsible}"
    )


async def test_a_csv_sends_one_notice_per_person_and_the_next_reply_is_not_held_up(
    api: FakeBotApi, tmp_path: Path
) -> None:
    clock = MovableClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    settings = production_settings(api, tmp_path)
    assembly = assemble(settings, clock)
    admin = api.private_chat(ADMIN, "Cecilia", "Samordnare")
    anna = api.private_chat(ANNA, "Anna", "Andersson")
    bertil = api.private_chat(BERTIL, "Bertil", "Berg")

    async with TelegramBot(settings, assembly.conversation):  # Telegram's limits
        for number, user in enumerate((anna, bertil), start=1):
            admin.send("/inbjudan handläggare")
            invite = (await api.wait_for_messages(ADMIN, number))[-1].text
            user.send(f"/start {invite.split(': ')[1].split()[0]}")
            await api.wait_for_messages(user.chat_id, 1)
        welcomed = {ANNA: len(api.messages(ANNA)), BERTIL: len(api.messages(BERTIL))}

        rows = [
            sheet_row(100 + n, "Bertil Berg" if n in (1, 4) else "Anna Andersson") for n in range(7)
        ]
        admin.send_document("arenden.csv", "\n".join([SHEET_HEADER, *rows]).encode())
        await api.wait_for(
            lambda: any("7 ärenden är registrerade" in m.text for m in api.messages(ADMIN)),
            15,
            "the coordinator's report",
        )
        to_anna = (await api.wait_for_messages(ANNA, welcomed[ANNA] + 1))[-1]
        anna.send("/arenden")
        update_id = max(api.pushed_at)
        messages = await api.wait_for_messages(ANNA, welcomed[ANNA] + 2, timeout=15)
        await asyncio.sleep(1.2)  # a second notice would have arrived by now

        anna_after = api.messages(ANNA)[welcomed[ANNA] :]
        bertil_after = api.messages(BERTIL)[welcomed[BERTIL] :]
        assert len(anna_after) == 2, [m.text for m in anna_after]  # the notice, her reply
        assert len(bertil_after) == 1, [m.text for m in bertil_after]
        notice = anna_after[0]
        assert "Cecilia Samordnare har gjort dig ansvarig" in notice.text
        assert "5 ärenden" in notice.text and "30 april 2026" in notice.text
        anna_cases = [f"SGL-2026-{100 + n}" for n in range(7) if n not in (1, 4)]
        assert notice.button_labels == [f"Börja med {number}" for number in anna_cases]
        assert all(number in notice.text for number in anna_cases)
        assert "2 ärenden" in bertil_after[0].text
        assert bertil_after[0].button_labels == ["Börja med SGL-2026-101", "Börja med SGL-2026-104"]

        reply = messages[welcomed[ANNA] + 1]
        assert "SGL-2026-102" in reply.text  # her own list of ärenden
        assert reply.sent_at - api.pushed_at[update_id] < NOT_HELD_UP_SECONDS
        # The button starts the ärende it names.
        assert to_anna.message_id == notice.message_id
        anna.press(notice, "Börja med SGL-2026-102")
        started = await api.wait_for_messages(ANNA, welcomed[ANNA] + 3, timeout=15)
        assert "Fråga 1" in started[-1].text
