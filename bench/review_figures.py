"""Findings expected vs found per code, and budget figures shown wrongly, over the review
cases in tests/review/cases and tests/review/cases_clauses.

`python -m bench.review_figures`: each case runs through `redovisa review FILE --json`
(the command's main function, no language model); a finding of a code the case expects
counts as found, any other finding is a false one. For the cases that name the figures a
careful reader would confirm (`granted`, `used`), the budget line the chat shows the
official is read as well: a figure shown as sure that differs from the expected one is a
wrong figure; one shown as "oklart" is asked for, not wrong. `--cases` prints every case.

The same figures are then read by two readers (issue 22): the rules and a language model,
here the local fake OpenAI server over HTTP through the real client, scripted per case in
two ways that bound what a real model can do: `right` answers the expected figures, citing
the amount as written where the figure is one amount of the text (a figure only a sum
gives, it cannot cite, and is then not believed); `wrong` cites another amount of the text
for each figure. Figures the two read alike are shown; those they read differently are
"oklart" and asked for.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import load_templates
from bot.cli import main as redovisa
from bot.config import Settings
from bot.documents.importer import import_report
from bot.mall.amounts import find_amounts, parse_amount
from bot.review.budget import BudgetReading, Confidence, Figure, read_budget
from bot.review.checks import BudgetReader, budget_reading
from bot.review.findings import CaseFacts
from bot.review.llm import LlmClient
from bot.review.llm_budget import TwoReaders
from tests.fakes.openai_server import FakeOpenAIServer, reply

TESTS_DIR = Path(__file__).resolve().parent.parent / "tests" / "review"
CASE_DIRS = (TESTS_DIR / "cases", TESTS_DIR / "cases_clauses")
FIGURES = ("granted", "used")
FAKE_MODELS = ("right", "wrong")


@dataclass
class CaseResult:
    name: str
    expected: Counter[str]
    found: Counter[str]
    shown: dict[str, int | None] = field(default_factory=dict)  # None: "oklart" or missing
    wanted: dict[str, int] = field(default_factory=dict)  # -1: the answer does not say
    # The figures shown with two readers, by fake model ("right", "wrong").
    shown_two: dict[str, dict[str, int | None]] = field(default_factory=dict)

    @property
    def missed(self) -> Counter[str]:
        return self.expected - self.found

    @property
    def false(self) -> Counter[str]:
        return self.found - self.expected

    @property
    def wrong_figures(self) -> list[str]:
        return self.wrong_in(self.shown)

    def wrong_in(self, shown: dict[str, int | None]) -> list[str]:
        return [
            name
            for name, value in shown.items()
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


def shown_figures(
    path: Path, args: list[str], read: BudgetReader = read_budget
) -> dict[str, int | None]:
    """The granted and used figures the budget line shows as sure (None: oklart or none)."""
    catalog = load_templates(Settings())
    report = import_report(path.name, path.read_bytes(), catalog)
    granted = args[args.index("--granted") + 1] if "--granted" in args else None
    facts = CaseFacts(granted_amount_kr=parse_amount(granted) if granted else None)
    reading = budget_reading(
        catalog.get(report.template_id), dict(report.answers), facts, report.unassigned_text, read
    )
    if reading is None:
        return dict.fromkeys(FIGURES)
    return {"granted": _sure(reading.granted), "used": _sure(reading.used)}


def fake_model_reply(kind: str, text: str, wanted: dict[str, int]) -> dict[str, object]:
    """What the scripted model answers for a case: the expected figure as one amount of
    the text (`right`), or another amount of the text (`wrong`)."""
    amounts = [a for a in find_amounts(text, bare_numbers=True) if a.value >= 1000]
    figures: list[dict[str, object]] = []
    totals: dict[str, int | None] = dict.fromkeys(FIGURES)
    for name, want in wanted.items():
        if want < 0:
            continue  # the answer does not say: the model says null
        if kind == "right":
            cited = next((a for a in amounts if a.value == want), None)
            totals[name] = want  # without words to cite, not believed
        else:
            cited = next((a for a in amounts if a.value != want), None)
        if cited is not None:
            figures.append({"role": name, "kronor": cited.value, "words": cited.text})
            totals[name] = cited.value
    return {"figures": figures, "granted_total": totals["granted"], "used_total": totals["used"]}


class FakeSecondReader:
    """The rules and a scripted model over HTTP, as one budget reader for one case."""

    def __init__(self, server: FakeOpenAIServer, client: LlmClient) -> None:
        self._server = server
        self._client = client
        self.kind = "right"
        self.wanted: dict[str, int] = {}

    def __call__(self, text: str, granted_hint: int | None = None) -> BudgetReading:
        self._server.enqueue(reply(fake_model_reply(self.kind, text, self.wanted)))
        return TwoReaders(self._client)(text, granted_hint)


def run_case(
    directory: Path, name: str, case: dict[str, object], second: FakeSecondReader | None = None
) -> CaseResult:
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
        for kind in FAKE_MODELS if second is not None else ():
            assert second is not None
            second.kind, second.wanted = kind, result.wanted
            both = shown_figures(path, args, second)
            result.shown_two[kind] = {f: both[f] for f in result.wanted}
    return result


def run_all() -> list[CaseResult]:
    with (
        FakeOpenAIServer() as server,
        LlmClient(api_key="bench", model="fake-model", base_url=server.base_url) as client,
    ):
        second = FakeSecondReader(server, client)
        results = [
            run_case(directory, name, case, second)
            for directory in CASE_DIRS
            for name, case in sorted(load_cases(directory).items())
        ]
        print(f"the fake model was asked {len(server.requests)} times, {server.pending} unused\n")
        return results


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
        _figure_line("figures shown for confirmation", with_figures, lambda r: r.shown)
        for kind in FAKE_MODELS:
            _figure_line(f"  with a second reader, fake model {kind}", with_figures, _two(kind))
    print()


def _two(kind: str) -> Callable[[CaseResult], dict[str, int | None]]:
    return lambda r: r.shown_two.get(kind, {})


def _figure_line(
    title: str, results: list[CaseResult], shown_of: Callable[[CaseResult], dict[str, int | None]]
) -> None:
    shown = sum(1 for r in results for v in shown_of(r).values() if v is not None)
    asked = sum(1 for r in results for v in shown_of(r).values() if v is None)
    wrong = sum(len(r.wrong_in(shown_of(r))) for r in results)
    print(f"{title}: {shown} shown, {wrong} of them wrong, {asked} shown as oklart or missing")


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
