"""Findings expected vs found per code, and budget figures shown wrongly, over the review
cases in tests/review/cases and tests/review/cases_clauses.

`python -m bench.review_figures`: each case runs through `redovisa review FILE --json`
(the command's main function, no language model); a finding of a code the case expects
counts as found, any other finding is a false one. For the cases that name the figures a
careful reader would confirm (`granted`, `used`), the budget line the chat shows the
official is read as well: a figure shown as sure that differs from the expected one is a
wrong figure; one shown as "oklart" is asked for, not wrong. `--cases` prints every case.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tomllib
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import load_templates
from bot.cli import main as redovisa
from bot.config import Settings
from bot.documents.importer import import_report
from bot.mall.amounts import parse_amount
from bot.review.budget import Confidence, Figure
from bot.review.checks import budget_reading
from bot.review.findings import CaseFacts

TESTS_DIR = Path(__file__).resolve().parent.parent / "tests" / "review"
CASE_DIRS = (TESTS_DIR / "cases", TESTS_DIR / "cases_clauses")
FIGURES = ("granted", "used")


@dataclass
class CaseResult:
    name: str
    expected: Counter[str]
    found: Counter[str]
    shown: dict[str, int | None] = field(default_factory=dict)  # None: "oklart" or missing
    wanted: dict[str, int] = field(default_factory=dict)  # -1: the answer does not say

    @property
    def missed(self) -> Counter[str]:
        return self.expected - self.found

    @property
    def false(self) -> Counter[str]:
        return self.found - self.expected

    @property
    def wrong_figures(self) -> list[str]:
        return [
            name
            for name, value in self.shown.items()
            if value is not None and value != self.wanted[name]
        ]


def load_cases(directory: Path) -> dict[str, dict[str, object]]:
    return tomllib.loads((directory / "expected.toml").read_text(encoding="utf-8"))


def _codes(path: Path, args: list[str]) -> list[str]:
    out = io.StringIO()
    with redirect_stdout(out):
        status = redovisa(["review", str(path), *args, "--json"])
    if status != 0:
        raise SystemExit(f"{path.name}: redovisa review ended with {status}")
    return [f["code"] for f in json.loads(out.getvalue())["findings"]]


def _sure(figure: Figure | None) -> int | None:
    return figure.value if figure is not None and figure.confidence > Confidence.LOW else None


def shown_figures(path: Path, args: list[str]) -> dict[str, int | None]:
    """The granted and used figures the budget line shows as sure (None: oklart or none)."""
    catalog = load_templates(Settings())
    report = import_report(path.name, path.read_bytes(), catalog)
    granted = args[args.index("--granted") + 1] if "--granted" in args else None
    facts = CaseFacts(granted_amount_kr=parse_amount(granted) if granted else None)
    reading = budget_reading(
        catalog.get(report.template_id), dict(report.answers), facts, report.unassigned_text
    )
    if reading is None:
        return dict.fromkeys(FIGURES)
    return {"granted": _sure(reading.granted), "used": _sure(reading.used)}


def run_case(directory: Path, name: str, case: dict[str, object]) -> CaseResult:
    args = [str(a) for a in case.get("args", [])]  # type: ignore[attr-defined]
    path = directory / f"{name}.txt"
    result = CaseResult(
        name=name,
        expected=Counter(case["codes"]),  # type: ignore[arg-type]
        found=Counter(_codes(path, args)),
    )
    result.wanted = {f: int(case[f]) for f in FIGURES if f in case}  # type: ignore[call-overload]
    if result.wanted:
        shown = shown_figures(path, args)
        result.shown = {f: shown[f] for f in result.wanted}
    return result


def run_all() -> list[CaseResult]:
    return [
        run_case(directory, name, case)
        for directory in CASE_DIRS
        for name, case in sorted(load_cases(directory).items())
    ]


def _counts(results: list[CaseResult]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    expected: Counter[str] = Counter()
    found: Counter[str] = Counter()
    false: Counter[str] = Counter()
    for r in results:
        expected += r.expected
        found += r.expected & r.found
        false += r.false
    return expected, found, false


def _table(title: str, results: list[CaseResult]) -> None:
    expected, found, false = _counts(results)
    right = sum(1 for r in results if r.expected == r.found)
    print(f"{title}: {len(results)} cases, {right} exactly right")
    print(f"{'code':28} {'expected':>8} {'found':>6} {'false':>6}")
    for code in sorted(set(expected) | set(false)):
        print(f"{code:28} {expected[code]:>8} {found[code]:>6} {false[code]:>6}")
    print(
        f"{'all':28} {sum(expected.values()):>8} {sum(found.values()):>6} {sum(false.values()):>6}"
    )
    with_figures = [r for r in results if r.wanted]
    if with_figures:
        shown = sum(1 for r in with_figures for v in r.shown.values() if v is not None)
        asked = sum(1 for r in with_figures for v in r.shown.values() if v is None)
        wrong = sum(len(r.wrong_figures) for r in with_figures)
        print(
            f"figures shown for confirmation: {shown} shown, {wrong} of them wrong, "
            f"{asked} shown as oklart or missing"
        )
    print()


def _case_lines(results: list[CaseResult]) -> None:
    for r in results:
        mark = "ok " if r.expected == r.found and not r.wrong_figures else "-- "
        line = f"{mark}{r.name}: expected {sorted(r.expected.elements())}"
        line += f" found {sorted(r.found.elements())}"
        if r.wanted:
            figures = ", ".join(
                f"{f} {r.shown[f] if r.shown[f] is not None else 'oklart'}/{r.wanted[f]}"
                for f in r.wanted
            )
            line += f" figures (shown/expected) {figures}"
        print(line)
    print()


def main(argv: list[str] | None = None) -> int:
    os.environ.pop("OPENAI_API_KEY", None)
    results = run_all()
    if "--cases" in (argv or []):
        _case_lines(results)
    clause_names = set(load_cases(CASE_DIRS[1]))
    _table("earlier cases (tests/review/cases)", [r for r in results if r.name not in clause_names])
    _table(
        "clause cases (tests/review/cases_clauses)", [r for r in results if r.name in clause_names]
    )
    _table("all", results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
