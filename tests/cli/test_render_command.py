"""`redovisa render`: a stored report rendered to files, the database only read."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf

from bot.cli.render_command import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    run_render_command,
    run_render_from_file,
)
from bot.mall.template import TemplateCatalog
from storage.db import SessionFactory
from storage.repository import create_case, get_or_create_user, save_answer
from tests.documents import pdf_text

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def _store_case(factory: SessionFactory, catalog: TemplateCatalog, *, complete: bool) -> None:
    with factory() as session:
        user = get_or_create_user(session, "terminal:anna", "Anna", NOW)
        case = create_case(session, "STK-2018-1307", "mall-2019", user, NOW)
        case.last_reply_date = date(2020, 2, 28)
        case.recipients = ["registrera.stk@malmo.se", "anders.p.eriksson@malmo.se"]
        for question in catalog.get("mall-2019").questions:
            if complete or question.key in ("namnd", "namn"):
                save_answer(session, case.id, question.key, "Första versionen.", [], user, NOW)
                save_answer(
                    session, case.id, question.key, f"Svar om {question.key}.", [], user, NOW
                )
        session.commit()


def _run(
    factory: SessionFactory,
    catalog: TemplateCatalog,
    number: str,
    fmt: str,
    folder: str,
    draft: bool | None = None,
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_render_command(
        number,
        fmt,
        Path(folder),
        session_factory=factory,
        catalog=catalog,
        draft=draft,
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def test_renders_the_current_answers_in_both_formats(
    sqlite_session_factory: SessionFactory, catalog: TemplateCatalog, tmp_path: Path
) -> None:
    _store_case(sqlite_session_factory, catalog, complete=True)
    code, out, err = _run(
        sqlite_session_factory, catalog, "STK-2018-1307", "both", str(tmp_path / "out")
    )
    assert (code, err) == (EXIT_OK, "")
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["Redovisning_STK-2018-1307.docx", "Redovisning_STK-2018-1307.pdf"]
    assert "Skrev" in out
    pdf = (tmp_path / "out" / "Redovisning_STK-2018-1307.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "Svar om budget." in pdf_text(pdf)
    assert "Första versionen." not in pdf_text(pdf)


def test_an_unfinished_report_is_written_as_a_draft(
    sqlite_session_factory: SessionFactory, catalog: TemplateCatalog, tmp_path: Path
) -> None:
    _store_case(sqlite_session_factory, catalog, complete=False)
    code, out, _ = _run(
        sqlite_session_factory, catalog, "STK-2018-1307", "pdf", str(tmp_path / "out")
    )
    assert code == EXIT_OK
    assert [p.name for p in (tmp_path / "out").iterdir()] == [
        "Redovisning_STK-2018-1307_UTKAST.pdf"
    ]
    assert "UTKAST" in out and "Utvecklingsarbetets måluppfyllelse:" in out


def test_refuses_a_final_document_when_answers_are_missing(
    sqlite_session_factory: SessionFactory, catalog: TemplateCatalog, tmp_path: Path
) -> None:
    _store_case(sqlite_session_factory, catalog, complete=False)
    code, _, err = _run(
        sqlite_session_factory, catalog, "STK-2018-1307", "docx", str(tmp_path / "out"), draft=False
    )
    assert code == EXIT_FAILED
    assert "saknas svar" in err
    assert not (tmp_path / "out").exists()


def test_unknown_case_and_unknown_format(
    sqlite_session_factory: SessionFactory, catalog: TemplateCatalog, tmp_path: Path
) -> None:
    code, _, err = _run(
        sqlite_session_factory, catalog, "STK-0000-0000", "pdf", str(tmp_path / "out")
    )
    assert code == EXIT_FAILED and "STK-0000-0000" in err
    code, _, err = _run(
        sqlite_session_factory, catalog, "STK-0000-0000", "odt", str(tmp_path / "out")
    )
    assert code == EXIT_USAGE and "Okänt format" in err


def _from_file(
    catalog: TemplateCatalog, path: Path, folder: Path, *, force: bool = False
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_render_from_file(
        path,
        "pdf",
        folder,
        catalog=catalog,
        force=force,
        today=date(2026, 11, 26),
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def _seed_file(seeds_dir: Path, number: str) -> Path:
    return seeds_dir / f"seed_{number}.txt"


def test_from_file_the_documents_facts_are_the_files_own(
    catalog: TemplateCatalog, seeds_dir: Path, tmp_path: Path
) -> None:
    text = _seed_file(seeds_dir, "001").read_text(encoding="utf-8")
    for day in ("2020-03-31", "2099-02-28"):
        source = tmp_path / f"seed_{day}.txt"
        source.write_text(text.replace("2020-02-28", day), encoding="utf-8")
        code, out, err = _from_file(catalog, source, tmp_path / day)
        assert (code, err) == (EXIT_OK, "")
        pdf = pdf_text((tmp_path / day / "Redovisning_STK-2018-1304.pdf").read_bytes())
        shown = {"2020-03-31": "31 mars 2020", "2099-02-28": "28 februari 2099"}[day]
        assert f"Sista datum för nämndens svar är: {shown}" in pdf
        assert "28 februari 2020" not in pdf
        assert "samt med kopia till: asa.pahlmblad@malmo.se" in pdf
        assert "anders.p.eriksson" not in pdf


def test_from_file_without_a_diarienummer_no_placeholder_becomes_data(
    catalog: TemplateCatalog, seeds_dir: Path, tmp_path: Path
) -> None:
    code, out, _ = _from_file(catalog, _seed_file(seeds_dir, "002"), tmp_path)
    assert code == EXIT_OK
    assert "saknas och står inte i dokumentet: diarienummer" in out
    (pdf_path,) = tmp_path.glob("*.pdf")
    attached = pypdf.PdfReader(pdf_path).attachments["answers.json"][0]
    assert json.loads(attached)["case_number"] is None
    assert "utan diarienummer" not in pdf_text(pdf_path.read_bytes())


def test_from_file_prints_warnings_and_the_text_of_no_question(
    catalog: TemplateCatalog, seeds_dir: Path, tmp_path: Path
) -> None:
    code, out, _ = _from_file(catalog, _seed_file(seeds_dir, "004"), tmp_path)
    assert code == EXIT_OK
    assert "hörde inte till någon fråga" in out
    assert "| Besöksadress: Kungsgatan 13" in out
    (pdf_path,) = tmp_path.glob("*.pdf")
    first = pypdf.PdfReader(pdf_path).pages[0].extract_text()
    top = first.split("Redovisning av medel")[0]
    assert "Malmö stad" in top and "Arbetsmarknads- och socialnämnden" in top
    assert "Arbetsmarknads- och socialförvaltningen" in top  # the file's letterhead


def test_a_tjansteskrivelse_is_refused_unless_forced(
    catalog: TemplateCatalog, seeds_dir: Path, tmp_path: Path
) -> None:
    code, out, err = _from_file(catalog, _seed_file(seeds_dir, "003"), tmp_path / "out")
    assert code == EXIT_USAGE
    assert "tjänsteskrivelse" in err and "--force" in err
    assert not (tmp_path / "out").exists()
    code, out, _ = _from_file(catalog, _seed_file(seeds_dir, "003"), tmp_path / "out", force=True)
    assert code == EXIT_OK
    assert "Inga av mallens frågor hittades" in out


def test_an_emoji_the_font_cannot_show_is_named(catalog: TemplateCatalog, tmp_path: Path) -> None:
    source = tmp_path / "utkast.txt"
    source.write_text(
        "Vid vilken nämnd har utvecklingsarbetet bedrivits?\n\nSocialnämnden 🎉\n\n"
        "Utvecklingsarbetets namn:\n\nBarnrätt\n",
        encoding="utf-8",
    )
    code, out, _ = _from_file(catalog, source, tmp_path / "out")
    assert code == EXIT_OK
    assert "typsnitt inte visa" in out and "🎉" in out


def test_from_file_the_decision_date_is_the_files_own(
    catalog: TemplateCatalog, seeds_dir: Path, tmp_path: Path
) -> None:
    text = _seed_file(seeds_dir, "001").read_text(encoding="utf-8")
    assert "sammanträde den 11 mars 2019" in text
    source = tmp_path / "seed_annat_beslut.txt"
    source.write_text(text.replace("den 11 mars 2019", "den 2 april 2019"), encoding="utf-8")
    code, _out, err = _from_file(catalog, source, tmp_path / "ut")
    assert (code, err) == (EXIT_OK, "")
    pdf = pdf_text((tmp_path / "ut" / "Redovisning_STK-2018-1304.pdf").read_bytes())
    assert "beslutade vid sammanträde den 2 april 2019 om att" in pdf
    assert "11 mars 2019" not in pdf
    # The 2018 mall names only the month of its decision: no day, so it is named as missing.
    code, out, _ = _from_file(catalog, _seed_file(seeds_dir, "004"), tmp_path / "ut2018")
    assert code == EXIT_OK and "beslutsdatum" in out
    (pdf_path,) = (tmp_path / "ut2018").glob("*.pdf")
    assert "beslutade vid sammanträde" not in pdf_text(pdf_path.read_bytes())
