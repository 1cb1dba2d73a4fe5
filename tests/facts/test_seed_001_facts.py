"""Seed 001 written by hand; the copy recipient is corrected in words; the signed PDF,
the send offer and the .eml all name the right people (issue 20)."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

from sqlalchemy import select

from storage.models import AuditEvent, CaseFact
from tests.documents import pdf_text
from tests.documents.signing_helpers import sign
from tests.facts.seed_chat import CASE, Official, attachment, buttons, plain

COPY_WORDS = "Kopian ska gå till asa.pahlmblad@malmo.se, inte Anders. Resten stämmer."


def test_seed_001_with_the_copy_corrected_in_words(tmp_path: Path) -> None:
    jonas = Official(tmp_path)
    jonas.write_seed_by_hand()
    # The seed says nothing of what was used: /dokument asks for it first.
    asked_used = plain(jonas.say("/dokument"))
    assert "hur mycket som har använts" in asked_used
    # Confirmed, the documents follow at once: here, the ärende's facts are asked first.
    confirmed = jonas.text("använt 430 000 kr")
    assert "Beviljat 500 000 kr · använt 430 000 kr (86 %)" in confirmed
    assert "sista datum för nämndens svar" in confirmed

    asked = jonas.say("/dokument")
    assert not any(r.attachments for r in asked)
    assert "sista svarsdag" in plain(asked)  # how to give the facts in words

    read_back = jonas.say(COPY_WORDS)
    assert "Kopia till: asa.pahlmblad@malmo.se" in plain(read_back)
    assert ("Ja, det stämmer", "ja") in buttons(read_back)
    assert "Sparat" in jonas.text("ja")
    for words in (
        "Sista svarsdag är 28 februari 2020.",
        "Svaret skickas till registrera.stk@malmo.se",
        "Beslutsdatum är 11 mars 2019",
    ):
        assert "Stämmer det?" in jonas.text(words)
        jonas.say("ja")

    shown = jonas.text("/uppgifter")
    assert "Kopia till: asa.pahlmblad@malmo.se (angivet av handläggaren Jonas)" in shown
    assert "Nämnd: Arbetsmarknads- och socialnämnden (från svaret på fråga 1)" in shown
    # The granted amount nobody gave as a fact: the one confirmed for the budget.
    assert "Beviljat belopp: 500 000 kr (bekräftat i budgeten av Jonas)" in shown

    made = jonas.say("/dokument")
    pdf = attachment(made, ".pdf")
    page = " ".join(pdf_text(pdf).split())
    assert "samt med kopia till: asa.pahlmblad@malmo.se" in page
    assert "anders.p.eriksson" not in page
    assert "Nämndens svar skickas till: registrera.stk@malmo.se" in page
    assert "Sista datum för nämndens svar är: 28 februari 2020" in page
    assert (
        "Bekräftad budget: beviljat 500 000 kr · använt 430 000 kr (86 %) · kvar 70 000 kr" in page
    )
    assert "Redovisning_STK-2018-1304.pdf" in [a.filename for r in made for a in r.attachments]

    signed = sign(pdf, tmp_path, "Jonas Magnusson")
    checked = jonas.send_file("Redovisning_signerad.pdf", signed)
    offer = plain(checked)
    assert "registrera.stk@malmo.se med kopia till asa.pahlmblad@malmo.se" in offer
    assert "anders" not in offer
    assert buttons(checked) == [("Skicka till registratorn", f"/skicka {CASE}")]

    sent = plain(jonas.say(f"/skicka {CASE}"))
    assert "Mottagare: registrera.stk@malmo.se" in sent
    assert "Kopia till: asa.pahlmblad@malmo.se" in sent
    eml = next((tmp_path / "outbox").glob("*.eml"))
    mail = message_from_bytes(eml.read_bytes())
    assert mail["To"] == "registrera.stk@malmo.se"
    assert mail["Cc"] == "asa.pahlmblad@malmo.se"
    assert CASE in mail["Subject"]
    body = mail.get_payload()[0].get_payload(decode=True).decode("utf-8")
    assert "Nämnd: Arbetsmarknads- och socialnämnden" in body
    assert "Undertecknad av: Jonas Magnusson" in body
    assert "Beslut fattat av" not in body and "Redovisningsperiod" not in body  # nobody said

    with jonas.conversation.unit_of_work.reading() as session:
        facts = session.scalars(select(CaseFact).where(CaseFact.name == "copy_to")).all()
        assert [(f.value, f.source) for f in facts] == [(["asa.pahlmblad@malmo.se"], "official")]
        actions = [e.action for e in session.scalars(select(AuditEvent))]
        assert actions.count("case_fact_given") == 4


def test_a_change_after_signing_is_said_at_once(tmp_path: Path) -> None:
    jonas = Official(tmp_path)
    jonas.write_seed_by_hand()
    jonas.confirm_used()
    for words in (COPY_WORDS, "Svaret skickas till registrera.stk@malmo.se", "/dokument vanliga"):
        jonas.say(words)
        jonas.say("ja")
    pdf = attachment(jonas.say("/dokument"), ".pdf")
    jonas.send_file("signerad.pdf", sign(pdf, tmp_path, "Jonas Magnusson"))
    changed = jonas.text("/andra 2 Barnrätt i arbetsmarknads- och socialförvaltningen")
    assert "redan signerat" in changed and "stämmer inte längre" in changed
    assert "/dokument" in changed
    jonas.say("/angra")
    jonas.say(f"/skicka {CASE}")
    again = jonas.text("/andra 2 Barnrätt i arbetsmarknads- och socialförvaltningen")
    assert "redan inskickat" in again and "stämmer inte längre" in again


def test_a_signer_other_than_the_signature_block_is_asked_about(tmp_path: Path) -> None:
    jonas = Official(tmp_path)
    jonas.write_seed_by_hand()
    jonas.confirm_used()
    jonas.say("/dokument vanliga")
    pdf = attachment(jonas.say("/dokument"), ".pdf")
    checked = jonas.send_file("signerad.pdf", sign(pdf, tmp_path, "Kalle Anka"))
    said = plain(checked)
    assert "Kalle Anka" in said and "Jonas Magnusson" in said and "rätt person" in said
    assert buttons(checked) == [("Ja, rätt person – skicka", f"/skicka {CASE}")]
    jonas.say(f"/skicka {CASE}")
    mail = message_from_bytes(next((tmp_path / "outbox").glob("*.eml")).read_bytes())
    body = mail.get_payload()[0].get_payload(decode=True).decode("utf-8")
    assert "Kalle Anka (enligt certifikatet); underskriftsblocket anger Jonas Magnusson" in body


def test_the_deciding_body_and_the_report_period_are_printed_only_when_given(
    tmp_path: Path,
) -> None:
    jonas = Official(tmp_path)
    jonas.write_seed_by_hand()
    jonas.confirm_used()
    jonas.say("/dokument vanliga")
    plain_page = " ".join(pdf_text(attachment(jonas.say("/dokument"), ".pdf")).split())
    assert "Kommunstyrelsens arbetsutskott beslutade vid sammanträde den 11 mars 2019" in (
        plain_page
    )
    assert "Redovisningen avser perioden" not in plain_page
    assert "Beslutet om medlen fattades av" not in plain_page

    for words in (
        "Beslutet fattades av Kommunstyrelsen den 11 mars 2019.",
        "Redovisningsperioden är 1 april 2019 – 28 februari 2020",
    ):
        assert "Stämmer det?" in jonas.text(words)
        jonas.say("ja")
    shown = jonas.text("/uppgifter")
    assert "Beslut fattat av: Kommunstyrelsen (angivet av handläggaren Jonas)" in shown
    assert "Redovisningsperiod: 1 april 2019 – 28 februari 2020 (angivet av" in shown
    pdf = attachment(jonas.say("/dokument"), ".pdf")
    page = " ".join(pdf_text(pdf).split())
    assert "Kommunstyrelsen beslutade vid sammanträde den 11 mars 2019" in page
    assert "Kommunstyrelsens arbetsutskott" not in page
    assert "Redovisningen avser perioden 1 april 2019 – 28 februari 2020." in page
    jonas.send_file("signerad.pdf", sign(pdf, tmp_path, "Jonas Magnusson"))
    jonas.say(f"/skicka {CASE}")
    mail = message_from_bytes(next((tmp_path / "outbox").glob("*.eml")).read_bytes())
    body = mail.get_payload()[0].get_payload(decode=True).decode("utf-8")
    assert "Nämnd: Arbetsmarknads- och socialnämnden\nBeslut fattat av: Kommunstyrelsen\n" in body
    assert "Redovisningsperiod: 1 april 2019 – 28 februari 2020\nUndertecknad av:" in body


def test_a_fact_corrected_after_signing_stops_the_old_pdf_until_signed_again(
    tmp_path: Path,
) -> None:
    jonas = Official(tmp_path)
    jonas.write_seed_by_hand()
    jonas.confirm_used()
    jonas.say("/dokument vanliga")  # the mall's copy recipient, Anders, is printed
    pdf = attachment(jonas.say("/dokument"), ".pdf")
    offer = plain(jonas.send_file("signerad.pdf", sign(pdf, tmp_path, "Jonas Magnusson")))
    assert "med kopia till anders.p.eriksson@malmo.se" in offer
    jonas.clock.advance(minutes=5)
    jonas.say(COPY_WORDS)
    said = jonas.text("ja")
    assert "redan signerat" in said and "stämmer inte längre" in said
    refused = jonas.text(f"/skicka {CASE}")
    assert "Ingenting skickades" in refused
    assert not list((tmp_path / "outbox").glob("*.eml"))  # the page says Anders: not sent

    again = attachment(jonas.say("/dokument"), ".pdf")
    assert "samt med kopia till: asa.pahlmblad@malmo.se" in " ".join(pdf_text(again).split())
    offer = plain(jonas.send_file("signerad2.pdf", sign(again, tmp_path, "Jonas Magnusson")))
    assert "med kopia till asa.pahlmblad@malmo.se" in offer
    jonas.say(f"/skicka {CASE}")
    mail = message_from_bytes(next((tmp_path / "outbox").glob("*.eml")).read_bytes())
    assert mail["Cc"] == "asa.pahlmblad@malmo.se"


def test_with_no_recipient_the_bot_asks_and_a_recipient_given_later_is_used(
    tmp_path: Path,
) -> None:
    jonas = Official(tmp_path)
    jonas.write_seed_by_hand()
    jonas.confirm_used()
    asked = jonas.say("/dokument")
    assert ("Skapa dokumenten ändå", "/dokument ändå") in buttons(asked)
    pdf = attachment(jonas.say("/dokument ändå"), ".pdf")
    assert "Nämndens svar skickas till" not in " ".join(pdf_text(pdf).split())
    checked = jonas.send_file("signerad.pdf", sign(pdf, tmp_path, "Jonas Magnusson"))
    assert "Ingen har angett vart svaret" in plain(checked)
    assert not buttons(checked)  # no offer to send: nobody said where
    jonas.clock.advance(minutes=5)
    assert "Ingen har angett vart svaret" in jonas.text(f"/skicka {CASE}")
    jonas.say("Svaret skickas till registrera.stk@malmo.se med kopia till asa.pahlmblad@malmo.se")
    kept = jonas.text("ja")
    assert "Sparat" in kept and "stämmer inte längre" not in kept  # the page printed none
    sent = jonas.text(f"/skicka {CASE}")
    assert "Mottagare: registrera.stk@malmo.se" in sent
    mail = message_from_bytes(next((tmp_path / "outbox").glob("*.eml")).read_bytes())
    assert (mail["To"], mail["Cc"]) == ("registrera.stk@malmo.se", "asa.pahlmblad@malmo.se")


def test_a_fact_corrected_while_the_page_was_out_for_signing_stops_the_send(
    tmp_path: Path,
) -> None:
    jonas = Official(tmp_path)
    jonas.write_seed_by_hand()
    jonas.confirm_used()
    jonas.say("/dokument vanliga")  # the mall's usual recipients: the copy goes to Anders
    pdf = attachment(jonas.say("/dokument"), ".pdf")
    assert "anders.p.eriksson@malmo.se" in " ".join(pdf_text(pdf).split())
    # While the manager signs, the official corrects the copy recipient, and hears at once
    # that the page out for signing shows the old one.
    jonas.say(COPY_WORDS)
    kept = jonas.text("ja")
    assert "visar den gamla uppgiften" in kept and "/dokument" in kept
    jonas.send_file("signerad.pdf", sign(pdf, tmp_path, "Jonas Magnusson"))
    refused = jonas.text(f"/skicka {CASE}")
    assert "kopia till" in refused and "Ingenting skickades" in refused
    assert not list((tmp_path / "outbox").glob("*.eml"))
    # New documents, signed again, go out with the corrected copy recipient.
    fresh = attachment(jonas.say("/dokument"), ".pdf")
    jonas.send_file("signerad2.pdf", sign(fresh, tmp_path, "Jonas Magnusson"))
    jonas.say(f"/skicka {CASE}")
    (sent,) = (tmp_path / "outbox").glob("*.eml")
    assert "asa.pahlmblad@malmo.se" in message_from_bytes(sent.read_bytes())["Cc"]
