"""Issue 20's items over Telegram: the real Application against the fake Bot API, buttons
pressed. A report pasted and a file sent give their facts to confirm (item 2); a signer
other than the signature block is asked about and both are named in the mail (item 8); a
change after sending is said at once (item 9); a coordinator corrects a registered-looking
ärende with an audit line, the mall's usual values register nothing, /oversikt and the
sammanställning list the same ärenden (item 3); the nämnd's near miss is asked about and
one nämnd is one row (item 5); an unknown amount stays unknown (item 7)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email import message_from_bytes
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import Assembly, assemble
from bot.telegram.app import TelegramBot
from storage import repository as repo
from storage.models import AuditEvent, Case
from tests.conftest import MovableClock
from tests.documents import pdf_text
from tests.documents.signing_helpers import sign
from tests.facts.test_telegram_facts import buttoned, says, with_button
from tests.fakes.bot_api import FakeBotApi, FakeUser, SentMessage
from tests.telegram.conftest import QUICK, _timedelta_retry_after, api
from tests.telegram.test_after_signing_flow import ADMIN, OFFICIAL, SLOW, documents, settings_for

__all__ = ["_timedelta_retry_after", "api"]  # the Telegram tests' fixtures, used here
CASE = "STK-2018-1304"
ASN = "Arbetsmarknads- och socialnämnden"
MALL = "Mall 2019 (Kommunstyrelsens arbetsutskott, 2019-03-11)"
YES = "Ja, det stämmer"


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(m.text for m in messages)


async def start(api: FakeBotApi, tmp_path: Path) -> tuple[Assembly, FakeUser, FakeUser]:
    clock = MovableClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    assembly = assemble(settings_for(api, tmp_path, None), clock)
    return (
        assembly,
        api.private_chat(ADMIN, "Cecilia", "Samordnare"),
        api.private_chat(OFFICIAL, "Jonas", "Magnusson"),
    )


async def onboard(admin: FakeUser, official: FakeUser) -> None:
    invite = await admin.ask("/inbjudan handläggare", says("kod"))
    code = invite[-1].text.split(": ")[1].split()[0]
    await official.ask(f"/start {code}", says("tillgång som handläggare"))


async def new_report(official: FakeUser, number: str) -> None:
    choice = await official.ask(f"/ny {number}", with_button(MALL))
    official.press(choice[-1], MALL)
    await official.replies(says("Fråga 1 av 8"))


async def confirm(user: FakeUser, text: str, done: str = "Sparat") -> list[SentMessage]:
    """Say a fact in words, press Ja on the read-back; returns the read-back."""
    read_back = await user.ask(text, with_button(YES))
    user.press(buttoned(read_back, YES), YES)
    await user.replies(says(done))
    return read_back


async def test_a_pasted_report_gives_its_facts_over_telegram(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path
) -> None:
    assembly, admin, official = await start(api, tmp_path)
    pasted = (seeds_dir / "seed_001.txt").read_text(encoding="utf-8").strip()
    middle = pasted.index("### Hur har utvecklingsarbetet")  # Telegram splits a long paste
    async with TelegramBot(assembly.settings, assembly.conversation, limits=QUICK):
        await onboard(admin, official)
        await new_report(official, CASE)
        await official.ask(pasted[:middle], says("ser ut som en hel redovisning"))
        offer = await official.ask(pasted[middle:], with_button("Läs in den"))
        official.press(buttoned(offer, "Läs in den"), "Läs in den")
        await official.replies(says("hur mycket som har använts"))
        read_back = await official.ask("använt 430 000 kr", with_button(YES))
        shown = buttoned(read_back, YES).text
        assert "Filen anger också uppgifter om ärende STK-2018-1304" in text_of(read_back)
        for line in (
            "Sista svarsdag: 28 februari 2020",
            "Mottagare: registrera.stk@malmo.se",
            "Kopia till: asa.pahlmblad@malmo.se",
        ):
            assert line in shown
        official.press(buttoned(read_back, YES), YES)
        await official.replies(says("Sparat"))
        facts = await official.ask("/uppgifter", says("Uppgifter om ärende"))
        assert "Kopia till: asa.pahlmblad@malmo.se (inläst från fil, bekräftat av Jonas" in (
            text_of(facts)
        )


async def test_a_file_sent_then_a_signer_other_than_the_signature_block_over_telegram(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path
) -> None:
    assembly, admin, official = await start(api, tmp_path)
    async with TelegramBot(assembly.settings, assembly.conversation, limits=QUICK):
        await onboard(admin, official)
        await new_report(official, CASE)
        official.send_document("seed_001.txt", (seeds_dir / "seed_001.txt").read_bytes())
        await official.replies(says("hur mycket som har använts"), timeout=SLOW)
        read_back = await official.ask("använt 430 000 kr", with_button(YES))
        assert "Kopia till: asa.pahlmblad@malmo.se" in buttoned(read_back, YES).text
        official.press(buttoned(read_back, YES), YES)
        await official.replies(says("Sparat"))

        made = await official.ask("/dokument", lambda ms: len(documents(ms)) == 2, timeout=SLOW)
        pdf = next(data for name, data in documents(made).items() if name.endswith(".pdf"))
        assert "samt med kopia till: asa.pahlmblad@malmo.se" in " ".join(pdf_text(pdf).split())
        signed = await asyncio.to_thread(sign, pdf, tmp_path, "Kalle Anka")
        official.send_document("signerad.pdf", signed)
        send = "Ja, rätt person – skicka"
        checked = await official.replies(with_button(send), timeout=SLOW)
        asked = text_of(checked)
        assert "Kalle Anka" in asked and "Jonas Magnusson" in asked and "rätt person" in asked
        assert not list((tmp_path / "outbox").glob("*.eml"))  # nothing sent before the yes
        official.press(buttoned(checked, send), send)
        await official.replies(says("sparades som fil"), timeout=SLOW)

        changed = await official.ask("/andra 2 Barnrätt i förvaltningen", says("inskickat"))
        assert "stämmer inte längre" in text_of(changed)
    mail = message_from_bytes(next((tmp_path / "outbox").glob("*.eml")).read_bytes())
    assert (mail["To"], mail["Cc"]) == ("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se")
    body = mail.get_payload()[0].get_payload(decode=True).decode("utf-8")
    assert "Kalle Anka (enligt certifikatet); underskriftsblocket anger Jonas Magnusson" in body


async def test_a_coordinator_namnder_and_unknown_amounts_over_telegram(
    api: FakeBotApi, tmp_path: Path, seeds_dir: Path
) -> None:
    assembly, admin, official = await start(api, tmp_path)
    numbers = (CASE, "STK-2019-0500", "STK-2019-0501")
    async with TelegramBot(assembly.settings, assembly.conversation, limits=QUICK):
        await onboard(admin, official)
        # The seed read in, its facts declined, the mall's usual values chosen instead.
        await new_report(official, CASE)
        official.send_document("seed_001.txt", (seeds_dir / "seed_001.txt").read_bytes())
        await official.replies(says("hur mycket som har använts"), timeout=SLOW)
        read_back = await official.ask("använt 430 000 kr", with_button("Nej"))
        official.press(buttoned(read_back, "Nej"), "Nej")
        await official.replies(says("Inget ändrades"))
        usual = "Använd mallens uppgifter"
        asked = await official.ask("/dokument", with_button(usual))
        official.press(buttoned(asked, usual), usual)
        await official.replies(lambda ms: len(documents(ms)) == 2, timeout=SLOW)

        # The nämnd written as its förvaltning: a near miss, asked about with a button.
        await new_report(official, "STK-2019-0500")
        near = await official.ask("Arbetsmarknads- och socialförvaltningen", with_button("Nej"))
        assert f"Menar du {ASN}?" in text_of(near)
        official.press(buttoned(near, f"Ja, {ASN}"), f"Ja, {ASN}")
        await official.replies(says("Fråga 2 av 8"))
        await official.ask("/fraga 7", says("Fråga 7 av 8"))
        await official.ask("Vi beviljades 200 000 kr och har använt 150 000 kr.")
        figures = await official.ask("klar", with_button(YES))
        official.press(buttoned(figures, YES), YES)
        await official.replies(says("är bekräftad"))
        await confirm(official, "beslutsdatum är 11 mars 2019")
        # Written another way, the same nämnd; nothing said about the money.
        await new_report(official, "STK-2019-0501")
        await official.ask("arbetsmarknads och socialnämnden", says("Fråga 2 av 8"))
        await confirm(official, "beslutsdatum är 11 mars 2019")

        step = await admin.ask("/registrera", says("Steg 1 av 9"))
        step = await admin.ask(CASE, says("Steg 2 av 9"))
        assert "redan registrerat" not in text_of(step)
        await admin.ask("/avbryt", says("avbrutit"))
        overview = await admin.ask("/oversikt", lambda ms: len(documents(ms)) == 1, timeout=SLOW)
        assert all(number in text_of(overview) for number in numbers)
        summary = await admin.ask(
            "/sammanstallning 2019", lambda ms: len(documents(ms)) == 2, timeout=SLOW
        )
        assert "antal ärenden: 3" in text_of(summary)
        correction = f"/uppgifter {CASE} kopia asa.pahlmblad@malmo.se"
        read_back = await confirm(admin, correction, done="antecknad med ditt namn")
        assert "asa.pahlmblad@malmo.se (i stället för anders.p.eriksson@malmo.se)" in (
            text_of(read_back)
        )
        facts = await official.ask(f"/fortsatt {CASE}", says(CASE))
        facts = await official.ask("/uppgifter", says("Uppgifter om ärende"))
        assert "Kopia till: asa.pahlmblad@malmo.se (rättat av samordnaren Cecilia" in (
            text_of(facts)
        )

    book = load_workbook(BytesIO(documents(summary)["Sammanstallning_2019.xlsx"]))
    per_committee = list(book["Per nämnd"].iter_rows(values_only=True))
    header, asn = per_committee[0], per_committee[1]
    assert [row[0] for row in per_committee[1:]] == [ASN, "Totalt"]  # one nämnd, one row
    assert asn[header.index("Använt (kr)")] == 580_000  # the unknown is not counted as 0 kr
    assert asn[header.index("Använt saknas (ärenden)")] == 1
    by_case = {row[0]: row for row in book["Ärenden"].iter_rows(values_only=True)}
    assert by_case["STK-2019-0501"][4] == "uppgift saknas"
    with assembly.sessions() as session:
        case = repo.find_case(session, CASE)
        assert isinstance(case, Case) and case.registered_at is None
        assert case.recipients == ["registrera.stk@malmo.se", "asa.pahlmblad@malmo.se"]
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case_fact_corrected")
        ).one()
        assert audit.detail["previous"] == {"copy_to": ["anders.p.eriksson@malmo.se"]}
