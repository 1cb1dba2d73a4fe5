"""Dates with a sense of time: impossible dates, dates far outside the work's time, and a
period told as finished that ends after the report's own date.

Day/month dates without a year (`den 3/10`, `30/2`, `31 juni`) are read in the year the
work ran (from the decision on). A plan in the future tense ("ska avslutas den 30
september 2020") is left alone; "löpte till den 30 september 2020 och är nu avslutad" in
a report dated 14 februari 2020 is pointed out.
"""

from __future__ import annotations

import re
from datetime import date

from bot.mall.amounts import sentence_bounds
from bot.mall.dates import DatePeriod, Precision, find_date_mentions, format_swedish_date
from bot.mall.template import QuestionKind, Template
from bot.review.budget_checks import finding
from bot.review.check_texts import message, word_pattern
from bot.review.findings import CaseFacts, Finding, Severity

PLAUSIBLE_YEARS = 1  # a date this many years outside decision..last reply is implausible
FAR_YEARS = 20  # a bare year ("2091") this far after the last reply date is implausible


def _mall_date(written: str | None) -> date | None:
    """A mall's date as written there: `2019-03-11`, or only `2018-02` or `2018`."""
    match = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", written or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


def report_span(template: Template, facts: CaseFacts) -> tuple[date, date] | None:
    """From the decision to the last reply date; the mall's own dates when none registered,
    and the year after the decision when the mall has no last reply date."""
    first = facts.decision_date or _mall_date(template.decision_date)
    if first is None:
        return None
    last = facts.last_reply_date or _mall_date(template.defaults.get("last_reply_date"))
    return first, max(first, last or date(first.year + 1, 12, 31))


def date_findings(template: Template, answers: dict[str, str], facts: CaseFacts) -> list[Finding]:
    span_dates = report_span(template, facts)
    if span_dates is None:
        return []
    first, last = span_dates
    earliest = date(first.year - PLAUSIBLE_YEARS, first.month, min(first.day, 28))
    latest = date(last.year + PLAUSIBLE_YEARS, last.month, min(last.day, 28))
    span = {"first": format_swedish_date(first), "last": format_swedish_date(last)}
    findings: list[Finding] = []
    for key, answer in answers.items():
        mentions = find_date_mentions(answer, first)
        for written in mentions.impossible:
            findings.append(
                finding(
                    "date_implausible",
                    Severity.WARNING,
                    key,
                    message("date_impossible", written=written),
                    written,
                )
            )
        for period in mentions.periods:
            if period.precision is Precision.YEAR:
                # Plans, laws and goals name years far off ("Agenda 2030", "1989").
                wrong = period.start.year > last.year + FAR_YEARS
            else:
                wrong = period.end < earliest or period.start > latest
            if wrong:
                findings.append(
                    finding(
                        "date_implausible",
                        Severity.WARNING,
                        key,
                        message("date_outside", written=period.text, **span),
                        period.text,
                    )
                )
    flagged = {f.evidence for f in findings}
    later = finished_after_report(template, answers, facts, first)
    return findings + [f for f in later if f.evidence not in flagged]


def report_date(template: Template, answers: dict[str, str], facts: CaseFacts) -> date | None:
    """The report's own date: a day written with the signature, else the last reply date."""
    for q in template.questions:
        if q.kind is QuestionKind.SIGNATURE:
            days = [
                p.start
                for p in find_date_mentions(answers.get(q.key, "")).periods
                if p.precision is Precision.DAY
            ]
            if days:
                return days[-1]
    return facts.last_reply_date or _mall_date(template.defaults.get("last_reply_date"))


def _told_as_finished(answer: str, period: DatePeriod) -> bool:
    """The sentence of the date tells it as past and done, not as a plan."""
    start, end = next(b for b in sentence_bounds(answer) if b[0] <= period.span[0] <= b[1])
    return bool(word_pattern("finished").search(answer, start, end)) and not (
        word_pattern("future").search(answer, start, end)
    )


def finished_after_report(
    template: Template, answers: dict[str, str], facts: CaseFacts, reference: date
) -> list[Finding]:
    """A period told as finished that ends after the report's date."""
    written_on = report_date(template, answers, facts)
    if written_on is None:
        return []
    findings = []
    for q in template.questions:
        if q.kind is QuestionKind.SIGNATURE:
            continue
        answer = answers.get(q.key, "")
        for period in find_date_mentions(answer, reference).periods:
            if period.precision is Precision.YEAR or period.end <= written_on:
                continue
            if _told_as_finished(answer, period):
                text = message(
                    "date_after_report",
                    written=period.text,
                    report_date=format_swedish_date(written_on),
                )
                findings.append(
                    finding("date_implausible", Severity.WARNING, q.key, text, period.text)
                )
    return findings
