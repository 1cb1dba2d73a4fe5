"""The budget rules: granted, used and left-over money, read as a person reads the answer.

The figures come from `read_budget`; figures the official confirmed (`CaseFacts`) take
precedence. No conclusion (over- or underspent) is drawn from a figure the reading is
unsure of: the finding then says that the figure is unclear.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.mall.amounts import format_kronor
from bot.review.budget import BudgetReading, Confidence, Figure, Source, read_budget
from bot.review.budget_roles import money_amounts
from bot.review.check_texts import message
from bot.review.explanations import explanation
from bot.review.findings import CaseFacts, Finding, Severity

PLAUSIBLE_MIN_KR = 1_000
PLAUSIBLE_MAX_KR = 10_000_000
UNDERSPENT_SHARE = 0.9
APPROXIMATE_MARGIN = 0.05  # "ca 170 000 kr" of 200 000 is too close to 90 % to tell

# Reads a budget answer, given the registered grant: the rules alone (`read_budget`), or
# the rules and the language model together (llm_budget.TwoReaders).
BudgetReader = Callable[[str, int | None], BudgetReading]


def plausible(value: int) -> bool:
    return PLAUSIBLE_MIN_KR <= value <= PLAUSIBLE_MAX_KR


def finding(
    code: str, severity: Severity, question: str | None, text: str, evidence: str = ""
) -> Finding:
    return Finding(code=code, severity=severity, question=question, message=text, evidence=evidence)


def _written(figure: Figure) -> str:
    return ", ".join(figure.evidence) or format_kronor(figure.value)


def _unclear(key: str, figure: Figure, what: str) -> Finding:
    """A figure the reading is unsure of; when two readers read it differently, says so."""
    if figure.disputed:
        readings = " och som ".join(format_kronor(v) for v in figure.disputed)
        text = message(f"budget_{what}_disputed", readings=readings)
    else:
        text = message(f"budget_{what}_unclear", written=_written(figure))
    return finding("budget_figure_unclear", Severity.WARNING, key, text, _written(figure))


def used_figure(reading: BudgetReading, facts: CaseFacts) -> Figure | None:
    """What was used: confirmed by the official, else read from the answer."""
    if facts.confirmed_used_kr is not None:
        return Figure(
            value=facts.confirmed_used_kr, confidence=Confidence.HIGH, source=Source.CONFIRMED
        )
    return reading.used


def granted_figure(reading: BudgetReading, facts: CaseFacts) -> Figure | None:
    """What was granted: confirmed, else as the answer says, else as registered."""
    if facts.confirmed_granted_kr is not None:
        return Figure(
            value=facts.confirmed_granted_kr, confidence=Confidence.HIGH, source=Source.CONFIRMED
        )
    return reading.granted


def _granted_findings(key: str, reading: BudgetReading, facts: CaseFacts) -> list[Finding]:
    known = facts.granted_kr
    if not reading.granted_in_text or reading.granted is None:
        if facts.confirmed_granted_kr is not None:
            return []
        hint = message("budget_known_grant", granted=format_kronor(known)) if known else ""
        return [
            finding(
                "budget_granted_missing",
                Severity.WARNING,
                key,
                message("budget_granted_missing") + hint,
            )
        ]
    stated = reading.granted
    if stated.confidence is Confidence.LOW:
        return [_unclear(key, stated, "granted")]
    if known and stated.value != known and not stated.approximate:
        return [
            finding(
                "budget_granted_mismatch",
                Severity.ERROR,
                key,
                message(
                    "budget_granted_mismatch",
                    stated=format_kronor(stated.value),
                    registered=format_kronor(known),
                ),
                stated.evidence[0] if stated.evidence else "",
            )
        ]
    return []


def _used_findings(key: str, reading: BudgetReading, facts: CaseFacts) -> list[Finding]:
    read = reading.used
    if facts.confirmed_used_kr is not None:
        if (
            read
            and read.confidence > Confidence.LOW
            and not read.approximate
            and (abs(read.value - facts.confirmed_used_kr) > 0.01 * max(facts.confirmed_used_kr, 1))
        ):
            return [
                finding(
                    "budget_text_disagrees",
                    Severity.WARNING,
                    key,
                    message(
                        "budget_text_disagrees",
                        written=_written(read),
                        confirmed=format_kronor(facts.confirmed_used_kr),
                    ),
                    _written(read),
                )
            ]
        return []
    if read is None:
        # A report that never says how much was used is not final (issue 20).
        return [
            finding("budget_spent_missing", Severity.ERROR, key, message("budget_spent_missing"))
        ]
    if read.confidence is Confidence.LOW:
        return [_unclear(key, read, "used")]
    return []


def _conclusion(
    key: str,
    reading: BudgetReading,
    granted: Figure | None,
    used: Figure | None,
    facts: CaseFacts,
    answer: str,
) -> list[Finding]:
    """Over- or underspent, whenever the figures are sure enough to say so. What the answer
    says of the difference (paid from the ordinary budget, the rest paid back) is quoted
    and makes the finding milder; it never removes it."""
    if used is None or used.confidence is Confidence.LOW:
        return []
    if granted is None or granted.confidence is Confidence.LOW:
        if not facts.granted_kr:
            return []
        granted = Figure(
            value=facts.granted_kr, confidence=Confidence.HIGH, source=Source.REGISTERED
        )
    total, spent = granted.value, used.value
    if granted is reading.granted and reading.compared_grant is not None:
        total = reading.compared_grant  # a grant for several years, against one year's use
    if total <= 0:
        return []
    evidence = (" + " if used.source is Source.SUM else ", ").join(
        used.evidence[:1] if used.source in (Source.REMAINDER, Source.OVERSPEND) else used.evidence
    )
    if spent > total and not (used.approximate and spent <= total * (1 + APPROXIMATE_MARGIN)):
        over_figures = {
            "used": format_kronor(spent),
            "granted": format_kronor(total),
            "over": format_kronor(spent - total),
        }
        said = explanation(answer, "overspend_explained", with_words="paid")
        if said:
            text = message("budget_overspent_explained", explanation=said, **over_figures)
            return [finding("budget_overspent", Severity.WARNING, key, text, evidence)]
        text = message("budget_overspent", **over_figures)
        return [finding("budget_overspent", Severity.ERROR, key, text, evidence)]
    threshold = UNDERSPENT_SHARE * total
    margin = APPROXIMATE_MARGIN * total if (used.approximate or granted.approximate) else 0
    if spent < threshold - margin:
        figures: dict[str, object] = {
            "granted": format_kronor(total),
            "used": format_kronor(spent),
            "share": round(100 * spent / total),
            "rest": format_kronor(total - spent),
        }
        said = explanation(answer, "money_explained")
        if said:
            text = message("budget_underspent_explained", explanation=said, **figures)
            return [finding("budget_underspent", Severity.INFO, key, text, evidence)]
        text = message("budget_underspent", **figures)
        return [finding("budget_underspent", Severity.WARNING, key, text, evidence)]
    return []


def budget_answer_findings(
    key: str, answer: str, facts: CaseFacts, read: BudgetReader = read_budget
) -> list[Finding]:
    """Every budget finding for one budget answer."""
    reading = read(answer, facts.granted_kr)
    findings = _granted_findings(key, reading, facts) + _used_findings(key, reading, facts)
    implausible = [a for a in money_amounts(answer) if a.role and not plausible(a.value)]
    if implausible:
        return findings
    granted = granted_figure(reading, facts)
    used = used_figure(reading, facts)
    return findings + _conclusion(key, reading, granted, used, facts, answer)


def implausible_amounts(answers: dict[str, str]) -> list[Finding]:
    """An amount with a role that cannot be right for these funds (`200 000 tkr`)."""
    return [
        finding(
            "amount_implausible",
            Severity.WARNING,
            key,
            message("amount_implausible", written=a.text, kronor=format_kronor(a.value)),
            a.text,
        )
        for key, answer in answers.items()
        for a in money_amounts(answer)
        if a.role is not None and not plausible(a.value)
    ]
