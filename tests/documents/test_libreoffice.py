"""A DOCX that LibreOffice opened and saved again reads back as the same report.

Runs where LibreOffice (soffice) is installed; `.ci/run` installs it. All seeds are
converted in one soffice call, each to a DOCX of its own, as an official would
open the file in LibreOffice Writer and save it.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.documents import DocumentCase, DocumentFormat, render_report
from bot.documents.importer import ImportedReport, import_report
from bot.mall.template import TemplateCatalog
from tests.documents import SEEDS

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def _seed(seeds_dir: Path, catalog: TemplateCatalog, name: str) -> ImportedReport:
    return import_report(f"{name}.txt", (seeds_dir / f"{name}.txt").read_bytes(), catalog)


@pytest.fixture(scope="module")
def resaved(
    seeds_dir: Path, catalog: TemplateCatalog, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[ImportedReport, bytes]]:
    assert SOFFICE is not None
    folder = tmp_path_factory.mktemp("libreoffice")
    (folder / "in").mkdir()
    originals = {}
    for name in SEEDS:
        seed = _seed(seeds_dir, catalog, name)
        case = DocumentCase(
            seed.case_number or SEEDS[name][1],
            last_reply_date=date(2020, 2, 28),
            recipients=tuple(seed.recipients) or ("registrera.stk@malmo.se",),
        )
        result = render_report(
            catalog.get(seed.template_id), seed.answers, case, formats=[DocumentFormat.DOCX]
        )
        (folder / "in" / f"{name}.docx").write_bytes(result.get(DocumentFormat.DOCX).content)
        originals[name] = seed
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "out"),
            *sorted(str(p) for p in (folder / "in").glob("*.docx")),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return {
        name: (seed, (folder / "out" / f"{name}.docx").read_bytes())
        for name, seed in originals.items()
    }


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_a_docx_saved_by_libreoffice_gives_back_the_same_answers(
    name: str, resaved: dict[str, tuple[ImportedReport, bytes]], catalog: TemplateCatalog
) -> None:
    original, content = resaved[name]
    report = import_report(f"{name}.docx", content, catalog)
    assert report.template_id == original.template_id
    for key, answer in original.answers.items():
        assert report.answers.get(key) == answer, key
    assert report.answers == original.answers
    assert report.signature == original.signature
    assert report.unassigned_text == []
    assert report.case_number == (original.case_number or SEEDS[name][1])
    # dates come back as dates (the 2018 mall prints no last reply date)
    if "last_reply_date" in catalog.get(report.template_id).variables:
        assert report.last_reply_day == date(2020, 2, 28)
    else:
        assert report.last_reply_day is None
