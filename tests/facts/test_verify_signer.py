"""`redovisa verify` compares the signing certificate's name with the signature block's
(without case, accents and middle names) and reports a mismatch (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.documents.signer_match import names_match
from bot.mall.template import TemplateCatalog
from tests.cli.test_after_signing_commands import isolated_environment, store_report, verify_json
from tests.documents.signing_helpers import sign

__all__ = ["isolated_environment"]  # the fixture, used here too
CASE = "STK-2018-1304"


@pytest.mark.parametrize(
    ("certificate", "matches"),
    [
        ("Jonas Magnusson", True),
        ("JONAS ERIK MAGNUSSON", True),
        ("Magnusson, Jonas", True),
        ("Jonas Magnússon", True),
        ("Kalle Anka", False),
    ],
)
def test_the_signer_is_compared_with_the_signature_block(
    certificate: str,
    matches: bool,
    capsys: pytest.CaptureFixture[str],
    catalog: TemplateCatalog,
    tmp_path: Path,
) -> None:
    path = tmp_path / "signerad.pdf"
    pdf = store_report(catalog, CASE, "Jonas Magnusson\nEnhetschef Social hållbarhet")
    path.write_bytes(sign(pdf, tmp_path, certificate))
    status, result = verify_json(capsys, path)
    assert status == 0 and result["signer"] == certificate
    assert result["signature_block_name"] == "Jonas Magnusson"
    assert result["signer_matches_signature_block"] is matches
    assert ("Obs!" in str(result["message"])) is not matches


def test_names_are_compared_without_case_accents_and_middle_names() -> None:
    assert names_match("ÅSA PÅHLMBLAD", "Åsa Pahlmblad")
    assert names_match("Anna-Karin Ek", "anna-karin ek")
    assert not names_match("Jonas Magnusson", "Jonas Svensson")
    assert not names_match("", "Jonas Magnusson")
