"""The program as `redovisa telegram` assembles it: strict access, coordinators, reminders."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from bot.app import assemble
from bot.config import Settings
from bot.telegram.app import TelegramBot
from tests.conftest import MovableClock
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import TOKEN

ADMIN, OFFICIAL, STRANGER = 5001, 5002, 5003
SHEET_HEADER = (
    "diarienummer;nämnd;mall;beviljat belopp;beslutsdatum;sista svarsdatum;mottagare;ansvarig"
)


def production_settings(api: FakeBotApi, tmp_path: Path) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=api.base_url,
        telegram_api_file_url=api.file_url,
        redovisa_data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        telegram_admin_ids=[ADMIN],
    )


async def test_invite_register_and_remind_through_telegram(api: FakeBotApi, tmp_path: Path) -> None:
    # Monday 2 March 2026, 08:00 in Stockholm; the deadline is Wednesday 4 March.
    clock = MovableClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    assembly = assemble(production_settings(api, tmp_path), clock)
    admin = api.private_chat(ADMIN, "Samordnare")
    official = api.private_chat(OFFICIAL, "Anna", "Andersson")
    stranger = api.private_chat(STRANGER, "Okänd")
    settings = production_settings(api, tmp_path)

    async with TelegramBot(
        settings, assembly.conversation, reminders=assembly.reminder_job, reminder_interval=0.05
    ):
        stranger.send("/ny STK-2018-1307")
        told = await api.wait_for_messages(STRANGER, 1)
        assert "inbjudningskod" in told[-1].text

        admin.send("/inbjudan handläggare")
        invite = (await api.wait_for_messages(ADMIN, 1))[-1].text
        code = invite.split(": ")[1].split()[0]
        official.send(f"/start {code}")
        welcome = (await api.wait_for_messages(OFFICIAL, 1))[-1].text
        assert "tillgång som handläggare" in welcome

        row = "STK-2018-1307;Arbetsmarknads- och socialnämnden;2019;500 000 kr;2019-03-11;2026-03-04;registrera.stk@malmo.se;Anna Andersson"
        sheet = f"{SHEET_HEADER}\n{row}\n".encode()
        admin.send_document("arenden.csv", sheet)
        registered = await api.wait_for_messages(ADMIN, 2)
        assert "1 ärende är registrerat" in registered[-1].text

        await api.wait_for(
            lambda: any("gjort dig ansvarig" in m.text for m in api.messages(OFFICIAL)),
            10,
            "the official told they are responsible",
        )
        notice = api.messages(OFFICIAL)[-1]
        assert "STK-2018-1307" in notice.text and "4 mars 2026" in notice.text
        assert notice.button_labels == ["Börja med STK-2018-1307"]
        before = len(api.messages(OFFICIAL))
        clock.advance(hours=1, minutes=1)  # 09:01 in Stockholm: the 2-day reminder is due
        reminders = await api.wait_for_messages(OFFICIAL, before + 1, timeout=15)
        assert "STK-2018-1307" in reminders[-1].text
        assert "4 mars 2026" in reminders[-1].text
