"""An ärende registered in the chat after the reminder time on its last reply date: the
official hears of it at once and gets that day's reminder in the next round, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.app import assemble
from bot.telegram.app import TelegramBot
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.test_production_wiring import (
    ADMIN,
    OFFICIAL,
    SHEET_HEADER,
    production_settings,
)


async def test_registered_on_the_due_day_after_the_time_is_reminded_in_the_next_round(
    api: FakeBotApi, tmp_path: Path
) -> None:
    # Wednesday 4 March 2026, 10:00 in Stockholm: the deadline is today, 09:00 has passed.
    clock = MovableClock(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    settings = production_settings(api, tmp_path)
    assembly = assemble(settings, clock)
    admin = api.private_chat(ADMIN, "Samordnare")
    official = api.private_chat(OFFICIAL, "Anna", "Andersson")

    async with TelegramBot(
        settings, assembly.conversation, reminders=assembly.reminder_job, reminder_interval=0.05
    ):
        admin.send("/inbjudan handläggare")
        code = (await api.wait_for_messages(ADMIN, 1))[-1].text.split(": ")[1].split()[0]
        official.send(f"/start {code}")
        await api.wait_for_messages(OFFICIAL, 1)
        row = "STK-2018-1307;Servicenämnden;2019;500 000 kr;2019-03-11;2026-03-04;a@malmo.se;Anna"
        admin.send_document("arenden.csv", f"{SHEET_HEADER}\n{row}\n".encode())
        told = await api.wait_for_messages(OFFICIAL, 3, timeout=15)
        [notice] = [m for m in told[1:] if "gjort dig ansvarig" in m.text]
        [reminder] = [m for m in told[1:] if "Påminnelse om återrapportering" in m.text]
        assert "STK-2018-1307" in notice.text
        assert "sista svarsdag är 4 mars 2026, i dag." in reminder.text
        await asyncio.sleep(1.5)  # many rounds of the job later
        assert len(api.messages(OFFICIAL)) == 3
        assert not any("Sammanställning" in m.text for m in api.messages(ADMIN))
