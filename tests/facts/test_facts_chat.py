"""The ärende's facts in the chat (issue 20): /uppgifter with who gave each, corrections
read back for a yes, a coordinator's registration outranking the official, a coordinator's
correction with an audit line, the nämnd from the answer, the facts of a pasted report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from bot.arende.year import build_sammanstallning
from bot.engine.messages import UserRef
from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage.models import AuditEvent, Case, CaseFact
from tests.facts.seed_chat import CASE, Official, buttons, plain

ADMIN = UserRef("telegram:77", "Cecilia Samordnare")
SHEET_HEADER = (
    "diarienummer;nämnd;mall;beviljat belopp;beslutsdatum;sista svarsdatum;mottagare;ansvarig"
)


def _with_admin(tmp_path: Path) -> tuple[Official, Official]:
    jonas = Official(tmp_path)
    jonas.conversation._access = type(jonas.conversation._access)(
        admin_external_ids=frozenset({ADMIN.external_id})
    )
    admin = Official.__new__(Official)
    admin.conversation, admin.user, admin.log = jonas.conversation, ADMIN, []
    return jonas, admin


def _case(official: Official, number: str = CASE) -> Case:
    with official.conversation.unit_of_work.reading() as session:
        case = repo.find_case(session, number)
        assert case is not None
        return case


def test_facts_are_shown_with_their_source_corrected_and_kept_with_history(
    tmp_path: Path,
) -> None:
    jonas = Official(tmp_path)
    jonas.say(f"/ny {CASE}")
    jonas.say("/mall mall-2019")
    assert "Nämnd: saknas" in jonas.text("/uppgifter")
    # At question 1 a date in words is a fact, not the answer; the question comes back.
    read_back = jonas.say("Sista svarsdag är 28 februari 2020.")
    assert "Sista svarsdag: 28 februari 2020" in plain(read_back)
    assert [label for label, _ in buttons(read_back)] == ["Ja, det stämmer", "Nej"]
    kept = jonas.text("ja")
    assert "Sparat" in kept and "Fråga 1 av 8" in kept
    # "nej" keeps nothing.
    jonas.say("/uppgifter sista svarsdag 15 mars 2020")
    assert "Inget ändrades" in jonas.text("nej")
    assert _case(jonas).last_reply_date == date(2020, 2, 28)
    # Corrected through /uppgifter, read back with the value it replaces.
    asked = jonas.text("/uppgifter sista svarsdag 2020-03-31")
    assert "31 mars 2020 (i stället för 28 februari 2020)" in asked
    jonas.say("ja")
    shown = jonas.text("/uppgifter")
    assert "Sista svarsdag: 31 mars 2020 (angivet av handläggaren Jonas)" in shown
    assert "Sista svarsdag, tidigare: 28 februari 2020" in shown
    # A value that cannot be read changes nothing and says why.
    assert "kunde inte läsa" in jonas.text("/uppgifter sista svarsdag snart")
    # The answer to question 1 is still an answer.
    assert "Fråga 2 av 8" in jonas.text("Arbetsmarknads- och socialnämnden")
    assert _case(jonas).committee == "Arbetsmarknads- och socialnämnden"


def test_a_near_miss_of_the_namnd_is_asked_about(tmp_path: Path) -> None:
    jonas = Official(tmp_path)
    jonas.say(f"/ny {CASE}")
    jonas.say("/mall mall-2019")
    asked = jonas.say("Arbetsmarknads- och socialförvaltningen")
    assert "Menar du Arbetsmarknads- och socialnämnden?" in plain(asked)
    assert ("Ja, Arbetsmarknads- och socialnämnden", "ja") in buttons(asked)
    assert _case(jonas).committee is None
    assert "Fråga 2 av 8" in jonas.text("ja")
    assert _case(jonas).committee == "Arbetsmarknads- och socialnämnden"
    other = Official(tmp_path / "other")
    other.say("/ny STK-2018-1305")
    other.say("/mall mall-2019")
    assert "finns inte bland Malmö stads nämnder" in other.text("MKB Fastighets AB")


def test_the_registration_outranks_the_official_and_a_coordinator_corrects_with_audit(
    tmp_path: Path,
) -> None:
    jonas, admin = _with_admin(tmp_path)
    jonas.write_seed_by_hand()
    jonas.confirm_used()
    jonas.say("Kopian ska gå till asa.pahlmblad@malmo.se, inte Anders. Resten stämmer.")
    jonas.say("ja")
    made = jonas.say("/dokument vanliga")  # the mall's usual values do not register it
    assert any(r.attachments for r in made)
    assert _case(jonas).registered_at is None
    row = f"{CASE};Arbetsmarknads- och socialnämnden;2019;500 000 kr;2019-03-11;2026-02-28;"
    row += "registrera.stk@malmo.se anders.p.eriksson@malmo.se;ingen"
    registered = admin.send_file("a.csv", f"{SHEET_HEADER}\n{row}\n".encode())
    assert "1 ärende är registrerat" in plain(registered)
    refused = jonas.text("Kopian ska gå till asa.pahlmblad@malmo.se.")
    assert "registrerat av samordnaren" in refused and "Be samordnaren rätta" in refused
    shown = jonas.text("/uppgifter")
    assert "Kopia till: anders.p.eriksson@malmo.se (registrerat av samordnaren" in shown

    corrected = admin.text(f"/uppgifter {CASE} kopia asa.pahlmblad@malmo.se")
    assert "asa.pahlmblad@malmo.se (i stället för anders.p.eriksson@malmo.se)" in corrected
    assert "antecknad" in admin.text("ja")
    assert _case(jonas).recipients == ["registrera.stk@malmo.se", "asa.pahlmblad@malmo.se"]
    assert "rättat av samordnaren Cecilia Samordnare" in jonas.text("/uppgifter")
    with jonas.conversation.unit_of_work.reading() as session:
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case_fact_corrected")
        ).one()
        assert audit.detail["changes"] == {"copy_to": ["asa.pahlmblad@malmo.se"]}
        assert audit.detail["previous"] == {"copy_to": ["anders.p.eriksson@malmo.se"]}
        sources = [f.source for f in session.scalars(select(CaseFact).order_by(CaseFact.id))]
        assert sources[:4] == ["answer", "official", "mall", "mall"]  # nämnd, copy, dates
        assert "registration" in sources and sources[-1] == "coordinator"


def test_a_coordinator_sees_the_same_arenden_in_oversikt_and_the_sammanstallning(
    tmp_path: Path, catalog: TemplateCatalog
) -> None:
    jonas, admin = _with_admin(tmp_path)
    code = admin.text("/inbjudan samordnare").split(": ")[1].split()[0]
    karin = Official.__new__(Official)
    karin.conversation, karin.log = jonas.conversation, []
    karin.user = UserRef("telegram:88", "Karin")
    assert "samordnare" in karin.text(f"/kod {code}")
    jonas.say(f"/ny {CASE}")
    jonas.say("/mall mall-2019")
    jonas.say("/dokument vanliga")  # not a registration
    row = "STK-2019-0900;Kulturnämnden;2019;100 000 kr;2019-03-11;2026-02-28;r@malmo.se;ingen"
    admin.send_file("a.csv", f"{SHEET_HEADER}\n{row}\n".encode())
    overview = karin.text("/oversikt")
    assert CASE in overview and "STK-2019-0900" not in overview  # registered by another
    assert "redan registrerat" not in karin.text("/registrera")
    year = _case(jonas).created_at.year  # no decision date given: the year it was started
    with jonas.conversation.unit_of_work.reading() as session:
        karin_id = repo.find_user(session, "telegram:88").id  # type: ignore[union-attr]
        summary = build_sammanstallning(
            session, year, catalog, date(year, 12, 31), coordinator_id=karin_id
        )
    assert [r.case_number for r in summary.rows] == [CASE]
