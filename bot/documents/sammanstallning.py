"""The coordinator's sammanställning: every ärende of a year with its figures and status.

For each ärende: nämnd, perspectives (as registered), granted and used (as the model of the
ärende decides them, bot/arende/budget.py), share used, status (the same as /oversikt's)
and the main open findings of the rule-based review; totals per nämnd and overall. The rows
are made by bot/arende/year.py; rendering as XLSX and as a PDF with a chart is in
sammanstallning_render.py. Nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.documents.phrases import Phrases, phrases
from bot.mall.case_status import CaseStatus
from bot.mall.template import Template
from bot.review.checks import run_checks
from bot.review.findings import CaseFacts, Severity
from bot.review.perspectives import Perspective, load_keywords

MAIN_FINDINGS = 3  # per ärende

# (template, answers, case facts) -> the main open findings, as Swedish sentences
FindingsFor = Callable[[Template, Mapping[str, str], CaseFacts], Sequence[str]]


def texts() -> Phrases:
    return phrases("sammanstallning")


def status_label(status: CaseStatus) -> str:
    return texts()(f"state_{status.value}")


@dataclass(frozen=True)
class SummaryRow:
    case_number: str
    committee: str | None
    perspectives: tuple[str, ...]  # Swedish labels, as registered
    granted_kr: int | None
    used_kr: int | None
    state: CaseStatus
    findings: tuple[str, ...]

    @property
    def share_used(self) -> float | None:
        """Used over granted (0.83 for 83 %); None when either is unknown."""
        if self.used_kr is None or not self.granted_kr:
            return None
        return self.used_kr / self.granted_kr


@dataclass(frozen=True)
class CommitteeTotal:
    """An unknown amount never counts as 0 kr: `used_kr` sums the known ones (None when
    none is known) and `used_unknown` says how many ärenden lack the figure."""

    committee: str | None
    cases: int
    granted_kr: int | None  # None when no granted amount is known
    used_kr: int | None  # of the ärenden whose use is known; None when none is
    used_unknown: int  # ärenden whose use is not known
    granted_known_use_kr: int  # granted to the ärenden whose use is known

    @property
    def share_used(self) -> float | None:
        """Used over granted, counting only the ärenden whose use is known."""
        if self.used_kr is None or not self.granted_known_use_kr:
            return None
        return self.used_kr / self.granted_known_use_kr


@dataclass(frozen=True)
class Sammanstallning:
    year: int
    made: date
    rows: tuple[SummaryRow, ...]

    def by_committee(self) -> tuple[CommitteeTotal, ...]:
        """One total per nämnd, in the order the nämnder first appear."""
        groups: dict[str | None, list[SummaryRow]] = {}
        for row in self.rows:
            groups.setdefault(row.committee, []).append(row)
        return tuple(_total(committee, rows) for committee, rows in groups.items())

    def total(self) -> CommitteeTotal:
        return _total(None, list(self.rows))


def _total(committee: str | None, rows: Sequence[SummaryRow]) -> CommitteeTotal:
    granted = [r.granted_kr for r in rows if r.granted_kr is not None]
    used = [r.used_kr for r in rows if r.used_kr is not None]
    return CommitteeTotal(
        committee=committee,
        cases=len(rows),
        granted_kr=sum(granted) if granted else None,
        used_kr=sum(used) if used else None,
        used_unknown=sum(1 for r in rows if r.used_kr is None),
        granted_known_use_kr=sum(r.granted_kr or 0 for r in rows if r.used_kr is not None),
    )


def rule_findings(template: Template, answers: Mapping[str, str], facts: CaseFacts) -> list[str]:
    """The errors, then the warnings, of the rule-based review (spelling is left out)."""
    found = run_checks(template, dict(answers), facts)
    ranked = [f for f in found if f.severity is Severity.ERROR] + [
        f for f in found if f.severity is Severity.WARNING
    ]
    return [f.message for f in ranked]


def perspective_labels(values: Sequence[str] | None) -> tuple[str, ...]:
    if not values:
        return ()
    labels = load_keywords()
    return tuple(
        labels[Perspective(v)].label for v in values if v in Perspective._value2member_map_
    )
