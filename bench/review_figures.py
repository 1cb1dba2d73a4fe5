"""Findings expected vs found per code over the review cases in tests/review/cases.

`python -m bench.review_figures`: each case runs through `redovisa review FILE --json`
(the command's main function, no language model); a finding of a code the case expects
counts as found, any other finding is a false one.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tomllib
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

from bot.cli import main as redovisa

CASES_DIR = Path(__file__).resolve().parent.parent / "tests" / "review" / "cases"


def _codes(path: Path, args: list[str]) -> list[str]:
    out = io.StringIO()
    with redirect_stdout(out):
        status = redovisa(["review", str(path), *args, "--json"])
    if status != 0:
        raise SystemExit(f"{path.name}: redovisa review ended with {status}")
    return [f["code"] for f in json.loads(out.getvalue())["findings"]]


def figures() -> tuple[Counter[str], Counter[str], Counter[str], int]:
    """(expected, found of the expected, false findings) per code, and the number of cases."""
    expected_cases = tomllib.loads((CASES_DIR / "expected.toml").read_text(encoding="utf-8"))
    expected: Counter[str] = Counter()
    found: Counter[str] = Counter()
    false: Counter[str] = Counter()
    for name, case in sorted(expected_cases.items()):
        wanted = Counter(case["codes"])
        got = Counter(_codes(CASES_DIR / f"{name}.txt", [str(a) for a in case.get("args", [])]))
        expected += wanted
        found += wanted & got
        false += got - wanted
    return expected, found, false, len(expected_cases)


def main(argv: list[str] | None = None) -> int:
    os.environ.pop("OPENAI_API_KEY", None)
    expected, found, false, cases = figures()
    codes = sorted(set(expected) | set(false))
    print(f"{cases} review cases in {CASES_DIR.relative_to(CASES_DIR.parents[2])}")
    print(f"{'code':28} {'expected':>8} {'found':>6} {'false':>6}")
    for code in codes:
        print(f"{code:28} {expected[code]:>8} {found[code]:>6} {false[code]:>6}")
    total_expected, total_found = sum(expected.values()), sum(found.values())
    print(f"{'all':28} {total_expected:>8} {total_found:>6} {sum(false.values()):>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
