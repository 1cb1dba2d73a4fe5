"""How well masking hides names and leaves organisations alone, on the tests' masking set.

`python -m bench.masking_figures` prints, for tests/review_llm/data/masking_cases.toml:
the share of names masked, the organisations wrongly masked, the number cases right, and
whether unmasking gave every text back exactly. `--module PATH` measures another copy of
the masking code instead (an older masking.py, say), loaded from that file.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

CASES_FILE = (
    Path(__file__).resolve().parent.parent / "tests" / "review_llm" / "data" / "masking_cases.toml"
)
ALL_KINDS = ["personnummer", "email", "phone", "person_name"]


def load_cases(path: Path = CASES_FILE) -> dict[str, list[dict[str, Any]]]:
    """The person, organisation and number cases of the set."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def name_parts(name: str) -> list[str]:
    """The parts of a name that must not be left in the masked text (not particles, initials)."""
    return [part for part in name.split() if part[0].isupper() and len(part.rstrip(".")) > 1]


def present(part: str, text: str) -> bool:
    """Whether `part` stands as a word of its own in the text."""
    return re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", text) is not None


@dataclass
class Figures:
    names: int = 0
    names_masked: int = 0
    organisations: int = 0
    organisations_masked: int = 0
    numbers: int = 0
    numbers_right: int = 0
    round_trips_failed: int = 0
    misses: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        share = self.names_masked / self.names if self.names else 0.0
        return [
            f"names masked: {self.names_masked}/{self.names} ({share:.0%})",
            f"organisations wrongly masked: {self.organisations_masked}/{self.organisations}",
            f"number cases right: {self.numbers_right}/{self.numbers}",
            f"texts not given back exactly: {self.round_trips_failed}",
        ]


def measure(masking: ModuleType, cases: dict[str, list[dict[str, Any]]]) -> Figures:
    """Mask every text of the set with `masking` (a module with MaskPolicy) and count."""
    policy = masking.MaskPolicy.from_names(ALL_KINDS)
    figures = Figures()

    def masked_text(text: str) -> str:
        session = policy.session()
        result: str = session.mask(text)
        if session.unmask(result) != text:
            figures.round_trips_failed += 1
        return result

    for case in cases.get("person", []):
        result = masked_text(case["text"])
        for name in case["names"]:
            figures.names += 1
            if any(present(part, result) for part in name_parts(name)):
                figures.misses.append(f"name {name!r}: {result!r}")
            else:
                figures.names_masked += 1
    for case in cases.get("organisation", []):
        result = masked_text(case["text"])
        for kept in case["kept"]:
            figures.organisations += 1
            if kept not in result:
                figures.organisations_masked += 1
                figures.misses.append(f"organisation {kept!r}: {result!r}")
    for case in cases.get("number", []):
        result = masked_text(case["text"])
        figures.numbers += 1
        wrong = [m for m in case.get("masked", []) if m in result]
        wrong += [k for k in case.get("kept", []) if k not in result]
        if wrong:
            figures.misses.append(f"number {wrong!r}: {result!r}")
        else:
            figures.numbers_right += 1
    return figures


def _load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("masking_under_test", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", type=Path, help="a masking.py to measure instead")
    parser.add_argument("--cases", type=Path, default=CASES_FILE, help="another case file")
    parser.add_argument("--misses", action="store_true", help="list every case gone wrong")
    args = parser.parse_args(argv)
    if args.module:
        masking = _load_module(args.module)
    else:
        import bot.review.masking as masking
    figures = measure(masking, load_cases(args.cases))
    print(f"masking set: {args.cases.name} ({args.module or 'bot.review.masking'})")
    for line in figures.lines():
        print(line)
    if args.misses:
        for miss in figures.misses:
            print("  " + miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
