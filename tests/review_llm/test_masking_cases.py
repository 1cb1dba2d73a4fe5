"""The masking test set (data/masking_cases.toml): names in running text, organisations and
numbers, each case masked in a fresh session as the reviewer masks an answer."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bench.masking_figures import name_parts, present
from bot.review.masking import MaskPolicy

DATA = Path(__file__).parent / "data"
CASES: dict[str, list[dict[str, Any]]] = {"person": [], "organisation": [], "number": []}
for _file in ("masking_cases.toml", "masking_holdout.toml"):
    for _kind, _cases in tomllib.loads((DATA / _file).read_text(encoding="utf-8")).items():
        CASES[_kind].extend(_cases)
ALL = MaskPolicy.from_names(["personnummer", "email", "phone", "person_name"])


def _masked(text: str) -> str:
    session = ALL.session()
    masked = session.mask(text)
    assert session.unmask(masked) == text
    return masked


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["text"][:40] for case in cases]


def test_the_set_is_large_enough() -> None:
    assert sum(len(case["names"]) for case in CASES["person"]) >= 100
    assert len(CASES["organisation"]) >= 40


@pytest.mark.parametrize("case", CASES["person"], ids=_ids(CASES["person"]))
def test_every_name_is_masked(case: dict[str, Any]) -> None:
    masked = _masked(case["text"])
    for name in case["names"]:
        left = [part for part in name_parts(name) if present(part, masked)]
        assert not left, f"{name!r} left in {masked!r}"
    assert "[PERSON_" in masked


@pytest.mark.parametrize("case", CASES["organisation"], ids=_ids(CASES["organisation"]))
def test_no_organisation_is_masked(case: dict[str, Any]) -> None:
    masked = _masked(case["text"])
    for kept in case["kept"]:
        assert kept in masked


@pytest.mark.parametrize("case", CASES["number"], ids=_ids(CASES["number"]))
def test_numbers_and_addresses(case: dict[str, Any]) -> None:
    masked = _masked(case["text"])
    for value in case.get("masked", []):
        assert value not in masked
    for value in case.get("kept", []):
        assert value in masked
