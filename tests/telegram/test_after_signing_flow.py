"""After the signature, end to end through the real Application, the fake Bot API and a
local SMTP server: /dokument, sign the PDF, send it back, verify, confirm, sent once (also
when the button is pressed twice, and after a restart), the coordinator's sammanställning
and overview show it as inskickad, and /tjansteskrivelse gives DOCX and PDF."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import openpyxl
from pydantic import SecretStr

from bot.app import assemble
from bot.config import Settings
from bot.mall.template import TemplateCatalog
from bot.telegram.app import TelegramBot
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import Case
from tests.conftest import MovableClock
from tests.documents.signing_helpers import sign
from tests.fakes.bot_api import FakeBotApi, FakeUser, SentMessage
from tests.mailing.smtp_server import smtp_server
from tests.telegram.conftest import QUICK, TOKEN

ADMIN, OFFICIAL = 6001, 6002
CASE = "STK-2019-0421"
OTHER_CASE = "STK-2019-0999"
SHEET = (
    "diarienummer;nämnd;mall;beviljat belopp;beslutsdatum;sista svarsdatum;mottagare;ansvarig\n"
    f"{CASE};Servicenämnden;2019;400 000 kr;2019-03-11;2026-03-30;"
    "registrera.stk@malmo.se anders.p.eriksson@malmo.se;Saida Sokolovic\n"
    f"{OTHER_CASE};Kulturnämnden;2019;100 000 kr;2019-03-11;2026-03-30;"
    "registrera.stk@malmo.se;\n"
)
SEND = "Skicka till registratorn"
SLOW = 60.0  # rendering and pyHanko on a busy machine


def settings_for(api: FakeBotApi, tmp_path: Path, smtp_port: int | None) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=api.base_url,
        telegram_api_file_url=api.file_url,
        redovisa_data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'after.sqlite3'}",
        telegram_admin_ids=[ADMIN],
        smtp_host="127.0.0.1" if smtp_port else None,
        smtp_port=smtp_port or 587,
        smtp_from="redovisa@malmo.se",
    )


def says(fragment: str) -> Callable[[list[SentMessage]], bool]:
    return lambda messages: any(fragment in m.text for m in messages)


def documents(messages: list[SentMessage]) -> dict[str, bytes]:
    return {m.document[0]: m.document[1] for m in messages if m.document is not None}


def case_row(sessions: SessionFactory, number: str = CASE) -> Case:
    with sessions() as session:
        case = repo.find_case(session, number)
        assert case is not None
        return case


def write_answers(sessions: SessionFactory, catalog: TemplateCatalog, clock: MovableClock) -> None:
    """The official's report, every question answered (as the chat stores them)."""
    template = catalog.get("mall-2019")
    answers = {q.key: f"Vårt svar om {q.key}." for q in template.questions}
    answers.update(
        budget="Servicenämnden beviljades 400 000 kr och har nyttjat 167 000 kr.",
        underskrift="Carina Tempel\nServicedirektör",
    )
    with sessions.begin() as session:
        author = repo.find_user(session, f"telegram:{OFFICIAL}")
        case = repo.find_case(session, CASE)
        assert author is not None and case is not None
        for key, text in answers.items():
            repo.save_answer(session, case.id, key, text, [], author, clock())


async def onboard(admin: FakeUser, official: FakeUser) -> None:
    invite = await admin.ask("/inbjudan handläggare", says("kod"))
    code = invite[-1].text.split(": ")[1].split()[0]
    await official.ask(f"/start {code}", says("tillgång som handläggare"))
    admin.send_document("arenden.csv", SHEET.encode())
    await admin.replies(says("2 ärenden är registrerade"))


async def test_signed_report_sent_back_verified_and_mailed_once(
    api: FakeBotApi, tmp_path: Path, catalog: TemplateCatalog
) -> None:
    clock = MovableClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    admin = api.private_chat(ADMIN, "Cecilia", "Samordnare")
    official = api.private_chat(OFFICIAL, "Saida", "Sokolovic")
    with smtp_server() as smtp:
        settings = settings_for(api, tmp_path, smtp.port)
        assembly = assemble(settings, clock)
        sessions = assembly.sessions
        async with TelegramBot(settings, assembly.conversation, limits=QUICK):
            await onboard(admin, official)
            write_answers(sessions, catalog, clock)
            await official.ask(f"/fortsatt {CASE}", says(CASE))
            made = await official.ask("/dokument", lambda ms: len(documents(ms)) == 2, timeout=SLOW)
            pdf = next(data for name, data in documents(made).items() if name.endswith(".pdf"))
            signed = await asyncio.to_thread(sign, pdf, tmp_path, "Carina Tempel")

            # The unsigned PDF said to be signed, and a copy changed after signing: refused.
            official.send_document("redovisning.pdf", pdf, caption="Här är den signerade")
            refused = await official.replies(says("Ingenting i ärendet har ändrats"), timeout=SLOW)
            assert any("ingen underskrift" in m.text for m in refused)
            official.send_document("signerad.pdf", signed + b"\n% tillagt efterat\n")
            refused = await official.replies(says("Ingenting i ärendet har ändrats"), timeout=SLOW)
            assert any("ändrats efter att den signerades" in m.text for m in refused)
            assert case_row(sessions).signed_at is None
            assert not any(m.buttons for m in refused)

            # The signed PDF itself: verified, "signerad", and an offer to send it.
            official.send_document("signerad.pdf", signed)
            checked = await official.replies(lambda ms: any(m.buttons for m in ms), timeout=SLOW)
            text = "\n".join(m.text for m in checked)
            assert "är kontrollerad" in text and "Carina Tempel" in text
            assert "registrera.stk@malmo.se" in text and "anders.p.eriksson@malmo.se" in text
            assert case_row(sessions).signer == "Carina Tempel"
            assert not smtp.inbox.arrived  # nothing is sent before the official confirms
            overview = await admin.ask("/oversikt", lambda ms: len(documents(ms)) == 1, timeout=SLOW)
            assert f"{CASE} – signerad" in "\n".join(m.text for m in overview)

            # Confirmed, with the button pressed twice: one mail.
            offer = next(m for m in checked if m.buttons)
            clock.advance(minutes=5)
            official.press(offer, SEND)
            official.press(offer, SEND)
            sent = await official.replies(says("är skickad till registrera.stk@malmo.se"), timeout=SLOW)
            await official.replies(lambda ms: any("redan" in m.text for m in [*sent, *ms]), timeout=SLOW)
        (arrived,) = smtp.inbox.arrived
        assert CASE in arrived.message["Subject"]
        assert arrived.recipients == ["registrera.stk@malmo.se", "anders.p.eriksson@malmo.se"]
        (attachment,) = list(arrived.message.iter_attachments())
        assert attachment.get_content() == signed
        assert case_row(sessions).submitted_at == clock()

        # A restart: the same confirmation again sends nothing.
        restarted = assemble(settings, clock)
        async with TelegramBot(settings, restarted.conversation, limits=QUICK):
            again = await official.ask(f"/skicka {CASE}", says("skickades redan"))
            assert "inte en gång till" in again[-1].text
            assert len(smtp.inbox.arrived) == 1

            # The coordinator's sammanställning and overview show it as inskickad.
            summary = await admin.ask("/sammanstallning 2019", lambda ms: len(documents(ms)) == 2, timeout=SLOW)
            files = documents(summary)
            assert set(files) == {"Sammanstallning_2019.xlsx", "Sammanstallning_2019.pdf"}
            sheet = openpyxl.load_workbook(BytesIO(files["Sammanstallning_2019.xlsx"])).active
            assert sheet is not None
            rows = [[str(c) for c in row if c is not None] for row in sheet.values]
            ours = next(row for row in rows if CASE in row)
            other = next(row for row in rows if OTHER_CASE in row)
            assert "inskickad" in ours and "inskickad" not in other
            overview = await admin.ask("/oversikt", lambda ms: len(documents(ms)) == 1, timeout=SLOW)
            assert f"{CASE} – inskickad 2 mars 2026" in "\n".join(m.text for m in overview)

            # An official may not have the sammanställning; the tjänsteskrivelse is theirs.
            refused = await official.ask("/sammanstallning", says("samordnare"))
            assert not documents(refused)
            drafted = await official.ask("/tjansteskrivelse", lambda ms: len(documents(ms)) == 2, timeout=SLOW)
            names = sorted(documents(drafted))
            assert names[0].endswith(".docx") and names[1].endswith(".pdf")
            assert any("Tjänsteskrivelse" in m.text or "utkast" in m.text for m in drafted)


async def test_another_users_case_and_the_outbox(
    api: FakeBotApi, tmp_path: Path, catalog: TemplateCatalog
) -> None:
    """Without SMTP the mail is written to the outbox and the user is told where; a signed
    PDF of an ärende the user does not belong to changes nothing."""
    clock = MovableClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    admin = api.private_chat(ADMIN, "Cecilia", "Samordnare")
    official = api.private_chat(OFFICIAL, "Saida", "Sokolovic")
    stranger = api.private_chat(OFFICIAL + 1, "Olle", "Okänd")
    settings = settings_for(api, tmp_path, None)
    assembly = assemble(settings, clock)
    async with TelegramBot(settings, assembly.conversation, limits=QUICK):
        await onboard(admin, official)
        write_answers(assembly.sessions, catalog, clock)
        await official.ask(f"/fortsatt {CASE}", says(CASE))
        made = await official.ask("/dokument", lambda ms: len(documents(ms)) == 2, timeout=SLOW)
        pdf = next(data for name, data in documents(made).items() if name.endswith(".pdf"))
        signed = await asyncio.to_thread(sign, pdf, tmp_path, "Carina Tempel")

        # Another official, no member of the ärende: the file is refused, nothing changes.
        invite = await admin.ask("/inbjudan handläggare", says("kod"))
        code = invite[-1].text.split(": ")[1].split()[0]
        await stranger.ask(f"/start {code}", says("tillgång som handläggare"))
        stranger.send_document("signerad.pdf", signed)
        refused = await stranger.replies(says("Ingenting i ärendet har ändrats"), timeout=SLOW)
        assert any(f"Ärende {CASE} finns inte här" in m.text for m in refused)
        assert case_row(assembly.sessions).signed_at is None
        early = await official.ask(f"/skicka {CASE}", says("ingen kontrollerad signerad"))
        assert not any(m.buttons for m in early)

        official.send_document("signerad.pdf", signed)
        checked = await official.replies(lambda ms: any(m.buttons for m in ms), timeout=SLOW)
        official.press(next(m for m in checked if m.buttons), SEND)
        sent = await official.replies(says("sparades som fil"), timeout=SLOW)
    outbox = list((tmp_path / "outbox").glob("*.eml"))
    assert len(outbox) == 1 and str(outbox[0]) in sent[-1].text
    assert case_row(assembly.sessions).submitted_at == clock()
