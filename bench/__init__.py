"""Benchmarks that print ratios measured in one run (never absolute targets).

Each module named `*_bench.py` in this package has `run() -> list[Ratio]`;
`python -m bench` runs them all and prints what they return.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    """One measured ratio: `value` is numerator time / denominator time, or None when skipped."""

    name: str
    value: float | None
    detail: str = ""

    def line(self) -> str:
        shown = "skipped" if self.value is None else f"{self.value:.4f}"
        return f"{self.name:<48} {shown:>10}  {self.detail}".rstrip()
