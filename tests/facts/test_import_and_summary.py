"""A pasted or sent report's facts read back (as `render --from` reads them), and the
sammanställning's nämnder, unknown amounts and remarks (issue 20)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from bot.arende.year import build_sammanstallning
from bot.documents.sammanstallning_render import render_sammanstallning_xlsx
from bot.mall.template import TemplateCatalog
from storage import repository as repo
from storage.db import SessionFactory
from tests.conftest import MovableClock
from tests.facts.seed_chat import CASE, Official, buttons, plain

ASN = "Arbetsmarknads- och socialnämnden"


def test_a_pasted_report_gives_its_facts_to_confirm(tmp_path: Path, seeds_dir: Path) -> None:
    jonas = Official(tmp_path)
    jonas.say(f"/ny {CASE}")
    jonas.say("/mall mall-2019")
    pasted = (seeds_dir / "seed_001.txt").read_text(encoding="utf-8")
    offer = jonas.say(pasted)
    assert "/lasin" in [command for _, command in buttons(offer)]
    jonas.say("/lasin")
    asked = jonas.say("använt 430 000 kr")  # the budget first, then the file's facts
    shown = plain(asked)
    assert "Filen anger också uppgifter om ärende STK-2018-1304" in shown
    for line in (
        "Sista svarsdag: 28 februari 2020",
        "Mottagare: registrera.stk@malmo.se",
        "Kopia till: asa.pahlmblad@malmo.se",
        "Beslutsdatum: 11 mars 2019",
    ):
        assert line in shown
    assert "Sparat" in jonas.text("ja")
    assert "(inläst från fil, bekräftat av Jonas)" in jonas.text("/uppgifter")
    made = jonas.say("/dokument")  # nothing left to ask: the documents are made
    assert any(a.filename.endswith(".pdf") for r in made for a in r.attachments)


def test_a_file_sent_gives_the_same_facts_and_a_no_keeps_none(
    tmp_path: Path, seeds_dir: Path
) -> None:
    jonas = Official(tmp_path)
    jonas.say(f"/ny {CASE}")
    jonas.say("/mall mall-2019")
    jonas.send_file("seed_001.txt", (seeds_dir / "seed_001.txt").read_bytes())
    assert "Kopia till: asa.pahlmblad@malmo.se" in plain(jonas.say("använt 430 000 kr"))
    assert "Inget ändrades" in jonas.text("nej")
    assert "Kopia till: saknas" in jonas.text("/uppgifter")


def test_one_namnd_is_one_row_and_an_unknown_amount_is_unknown(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        user = repo.get_or_create_user(session, "terminal:s", "Samordnare", clock())

        def case(number: str, committee: str | None, answer: str, budget: str) -> None:
            made = repo.create_case(session, number, "mall-2019", user, clock())
            made.committee = committee
            made.decision_date = date(2019, 3, 11)
            made.last_reply_date = date(2020, 2, 28)
            for key, text in (("namnd", answer), ("budget", budget)):
                repo.save_answer(session, made.id, key, text, [], user, clock())

        case("STK-2019-0001", ASN, ASN, "Vi beviljades 500 000 kr och har använt 430 000 kr.")
        case("STK-2019-0002", None, ASN, "Nämnden beviljades 200 000 kr.")
        case("STK-2019-0003", None, "arbetsmarknads och socialnämnden", "Inget ännu.")
    with session_factory() as session:
        summary = build_sammanstallning(session, 2019, catalog, date(2020, 3, 1))
    (group,) = summary.by_committee()
    assert (group.committee, group.cases, group.used_unknown) == (ASN, 3, 2)
    assert group.used_kr == 430_000  # the unknown ones are not counted as 0 kr
    rows = {r.case_number: r for r in summary.rows}
    assert rows["STK-2019-0002"].used_kr is None
    remarks = rows["STK-2019-0002"].findings
    assert (
        "Sista svarsdag 28 februari 2020 har passerat; redovisningen är inte inskickad." in remarks
    )
    assert not any(
        r.startswith(("Skriv", "Ange", "Lägg")) for row in summary.rows for r in row.findings
    )
    book = load_workbook(BytesIO(render_sammanstallning_xlsx(summary)))
    per_committee = list(book["Per nämnd"].iter_rows(values_only=True))
    assert per_committee[0][4] == "Använt saknas (ärenden)"
    assert [r[0] for r in per_committee[1:]] == [ASN, "Totalt"]
    by_case = {r[0]: r for r in book["Ärenden"].iter_rows(values_only=True)}
    assert by_case["STK-2019-0003"][4] == "uppgift saknas"
    assert by_case["STK-2019-0003"][1] == ASN


def test_no_known_use_is_unknown_in_the_total_not_zero(
    session_factory: SessionFactory, catalog: TemplateCatalog, clock: MovableClock
) -> None:
    with session_factory.begin() as session:
        user = repo.get_or_create_user(session, "terminal:s", "Samordnare", clock())
        made = repo.create_case(session, "STK-2019-0009", "mall-2019", user, clock())
        made.decision_date = date(2019, 3, 11)
        repo.save_answer(session, made.id, "namnd", ASN, [], user, clock())
    with session_factory() as session:
        summary = build_sammanstallning(session, 2019, catalog, date(2019, 6, 1))
    total = summary.total()
    assert total.used_kr is None and total.used_unknown == 1 and total.share_used is None
    book = load_workbook(BytesIO(render_sammanstallning_xlsx(summary)))
    (_head, asn, all_rows) = list(book["Per nämnd"].iter_rows(values_only=True))
    assert asn[3] == "uppgift saknas" and all_rows[3] == "uppgift saknas"
    *_rows, total_row = list(book["Ärenden"].iter_rows(values_only=True))
    assert total_row[0] == "Totalt" and total_row[4] == "uppgift saknas"
    assert "saknas i 1 av ärendena" in str(total_row[7])
