"""Before the documents to sign are made, the chat asks for the ärende's facts nobody gave
(offering the mall's usual values) and names characters the PDF's font cannot show."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pypdf

from bot.app import build_conversation
from bot.engine.conversation import Conversation
from bot.engine.messages import Incoming, IncomingFile, Reply, UserRef
from tests.conftest import MovableClock
from tests.documents import pdf_text
from tests.test_app import USER, say, settings_for, text_of


def _complete_report(tmp_path: Path, seeds_dir: Path, text: str | None = None) -> Conversation:
    conversation = build_conversation(settings_for(tmp_path), MovableClock())
    say(conversation, "/ny STK-2018-1304")
    say(conversation, "/mall mall-2019")
    seed = text or (seeds_dir / "seed_001.txt").read_text(encoding="utf-8")
    conversation.handle(USER, Incoming(file=IncomingFile("seed_001.txt", seed.encode("utf-8"))))
    # The seed says nothing of the used amount (asked for before /dokument, issue 20); the
    # facts the file holds are then read back, and declined here: they are what is asked.
    offered = text_of(say(conversation, "använt 430 000 kr"))
    assert "Filen anger också uppgifter" in offered
    say(conversation, "nej")
    return conversation


def _buttons(replies: list[Reply]) -> list[str]:
    return [b.command for r in replies for row in r.buttons for b in row]


def _pdf(replies: list[Reply]) -> bytes:
    return next(a.data for r in replies for a in r.attachments if a.filename.endswith(".pdf"))


def test_missing_facts_are_asked_for_and_the_usual_values_offered(
    tmp_path: Path, seeds_dir: Path
) -> None:
    conversation = _complete_report(tmp_path, seeds_dir)
    asked = say(conversation, "/dokument")
    shown = text_of(asked)
    assert not any(r.attachments for r in asked)  # nothing made yet
    assert "sista datum för nämndens svar" in shown
    assert "28 februari 2020" in shown and "registrera.stk@malmo.se" in shown
    assert _buttons(asked) == ["/dokument vanliga", "/dokument ändå"]

    made = say(conversation, "/dokument vanliga")
    text = pdf_text(_pdf(made))
    assert "Sista datum för nämndens svar är: 28 februari 2020" in text
    assert "Nämndens svar skickas till: registrera.stk@malmo.se" in text
    # the choice is now the ärende's: asked no more
    again = say(conversation, "/dokument")
    assert any(r.attachments for r in again)


def test_made_without_the_facts_the_document_prints_none_of_the_malls_examples(
    tmp_path: Path, seeds_dir: Path
) -> None:
    conversation = _complete_report(tmp_path, seeds_dir)
    made = say(conversation, "/dokument ändå")
    text = pdf_text(_pdf(made))
    assert "Sista datum" not in text and "anders.p.eriksson" not in text
    assert "Ange diarienummer STK-2018-1304" in text


def test_an_emoji_is_named_before_the_documents_are_made(tmp_path: Path, seeds_dir: Path) -> None:
    seed = (seeds_dir / "seed_001.txt").read_text(encoding="utf-8")
    conversation = _complete_report(
        tmp_path, seeds_dir, seed.replace("inom barnrätt.", "inom barnrätt 🎉.", 1)
    )
    say(conversation, "/dokument vanliga")  # the facts; the emoji is asked about on its own
    asked = say(conversation, "/dokument")
    assert "🎉" in text_of(asked) and "typsnitt" in text_of(asked)
    assert not any(r.attachments for r in asked)
    made = say(conversation, "/dokument ändå")
    assert pypdf.PdfReader(BytesIO(_pdf(made))).pages


def test_an_emoji_in_a_draft_is_named_before_the_draft_is_made(tmp_path: Path) -> None:
    conversation = build_conversation(settings_for(tmp_path), MovableClock())
    say(conversation, "/ny STK-2018-1305")
    say(conversation, "/mall mall-2019")
    say(conversation, "Kulturnämnden 🎉")  # only the first answer: a draft
    asked = say(conversation, "/dokument")
    assert "🎉" in text_of(asked) and "typsnitt" in text_of(asked)
    assert not any(r.attachments for r in asked)
    assert _buttons(asked) == ["/dokument ändå"]
    made = say(conversation, "/dokument ändå")
    assert "Utkast – detta saknas" in pdf_text(_pdf(made))


def test_a_scottish_flag_is_kept_whole_and_named_for_the_document(tmp_path: Path) -> None:
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    conversation = build_conversation(settings_for(tmp_path), MovableClock())
    say(conversation, "/ny STK-2018-1306")
    say(conversation, "/mall mall-2019")
    said = say(conversation, f"Kulturnämnden {scotland}")
    assert "osynliga" not in text_of(said)
    asked = say(conversation, "/dokument")
    assert f"en ruta: {scotland}." in text_of(asked)  # named whole, not tag by tag


def test_the_decision_date_is_asked_for_and_taken_from_the_registration(
    tmp_path: Path, seeds_dir: Path
) -> None:
    conversation = _complete_report(tmp_path, seeds_dir)
    asked = text_of(say(conversation, "/dokument"))
    assert "beslutsdatum" in asked and "11 mars 2019" in asked  # the mall's usual, offered
    made = pdf_text(_pdf(say(conversation, "/dokument vanliga")))
    assert "beslutade vid sammanträde den 11 mars 2019" in made

    # A registered ärende: its own decision date, not the mall's.
    settings = settings_for(tmp_path / "registered")
    settings.telegram_admin_ids = [77]
    registered = build_conversation(settings, MovableClock())
    coordinator = UserRef("telegram:77", "Samordnare")
    header = (
        "diarienummer;nämnd;mall;beviljat belopp;beslutsdatum;sista svarsdatum;mottagare;ansvarig"
    )
    row = "STK-2019-0421;Nämnden;2019;200 000 kr;2019-04-02;2026-02-28;a@malmo.se b@malmo.se;ingen"
    sheet = IncomingFile("a.csv", f"{header}\n{row}\n".encode())
    assert "1 ärende är registrerat" in text_of(
        registered.handle(coordinator, Incoming(file=sheet))
    )
    registered.handle(coordinator, Incoming(text="/fortsatt STK-2019-0421"))
    registered.handle(coordinator, Incoming(text="Nämnden"))
    replies = registered.handle(coordinator, Incoming(text="/dokument"))  # a draft
    text = pdf_text(_pdf(replies))
    assert "beslutade vid sammanträde den 2 april 2019" in text and "11 mars" not in text
