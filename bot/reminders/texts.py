"""The Swedish reminder texts: loaded from prompts/reminders.toml and filled in here.

A reminder goes out as plain text. One message per recipient and batch: the official gets
a section per ärende with the questions still unanswered; the coordinator a digest with a
line per ärende.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.dates import format_swedish_date
from bot.mall.texts import Text, TextFile, text

TEXT_LIMIT = 4096  # Telegram's limit for one message
TITLE_LIMIT = 90  # a question longer than this is cut with an ellipsis
TEXTS_PATH = PROMPTS_DIR / "reminders.toml"


class ReminderTexts(TextFile):
    """The reminders' texts (prompts/reminders.toml), each with the {names} it uses."""

    official_header: Text = text()
    official_case: Text = text("case_number", "committee", "deadline", "when")
    official_case_overdue: Text = text("case_number", "committee", "deadline", "when")
    progress_none: Text = text()
    progress_some: Text = text("answered", "total")
    progress_all: Text = text()
    missing_header: Text = text()
    missing_item: Text = text("number", "title")
    official_footer: Text = text()
    digest_header: Text = text()
    digest_item: Text = text(
        "case_number", "committee", "responsible", "progress", "deadline", "when"
    )
    digest_no_responsible: Text = text()
    committee: Text = text("committee")
    when_today: Text = text()
    when_tomorrow: Text = text()
    when_in_days: Text = text("days")
    when_yesterday: Text = text()
    when_days_ago: Text = text("days")


def load_texts(path: Path = TEXTS_PATH) -> ReminderTexts:
    """Read and check the reminder texts (a broken file stops the program at start)."""
    return ReminderTexts.load(path)


@dataclass(frozen=True)
class CaseStatus:
    """What a reminder says about one ärende."""

    case_number: str
    committee: str | None
    deadline: date
    responsible_name: str | None
    questions: Sequence[str]  # the mall's questions, in order
    unanswered: Sequence[int]  # 0-based indexes into `questions`


def _when(texts: ReminderTexts, deadline: date, today: date) -> str:
    days = (deadline - today).days
    if days == 0:
        return texts.when_today
    if days == 1:
        return texts.when_tomorrow
    if days > 1:
        return texts.when_in_days.format(days=days)
    if days == -1:
        return texts.when_yesterday
    return texts.when_days_ago.format(days=-days)


def _title(question: str) -> str:
    title = " ".join(question.split()).rstrip(":")
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    return title


def _committee(texts: ReminderTexts, committee: str | None) -> str:
    return texts.committee.format(committee=committee) if committee else ""


def _progress(texts: ReminderTexts, case: CaseStatus) -> str:
    total = len(case.questions)
    answered = total - len(case.unanswered)
    if answered == 0:
        return texts.progress_none
    if answered == total:
        return texts.progress_all
    return texts.progress_some.format(answered=answered, total=total)


def official_section(texts: ReminderTexts, case: CaseStatus, today: date) -> str:
    """One ärende in a reminder to the responsible official."""
    line = texts.official_case if case.deadline >= today else texts.official_case_overdue
    lines = [
        line.format(
            case_number=case.case_number,
            committee=_committee(texts, case.committee),
            deadline=format_swedish_date(case.deadline),
            when=_when(texts, case.deadline, today),
        ),
        _progress(texts, case),
    ]
    if case.unanswered and len(case.unanswered) < len(case.questions):
        lines.append(texts.missing_header)
    if case.unanswered:
        lines += [
            texts.missing_item.format(number=i + 1, title=_title(case.questions[i]))
            for i in case.unanswered
        ]
    return "\n".join(lines)


def digest_line(texts: ReminderTexts, case: CaseStatus, today: date) -> str:
    """One ärende in the coordinator's digest."""
    return texts.digest_item.format(
        case_number=case.case_number,
        committee=_committee(texts, case.committee),
        responsible=case.responsible_name or texts.digest_no_responsible,
        progress=_progress(texts, case),
        deadline=format_swedish_date(case.deadline),
        when=_when(texts, case.deadline, today),
    )


def pack(header: str, parts: Iterable[str], footer: str = "", sep: str = "\n\n") -> list[str]:
    """Join parts under the header into as few messages of at most TEXT_LIMIT as possible.

    A part that alone is too long is cut (it never is with the mallar we have).
    """
    messages: list[str] = []
    current = header
    for part in parts:
        room = TEXT_LIMIT - len(header) - len(sep) - len(sep) - len(footer)
        part = part if len(part) <= room else part[: room - 1] + "…"
        candidate = current + sep + part
        if len(candidate) + len(sep) + len(footer) > TEXT_LIMIT and current != header:
            messages.append(current + (sep + footer if footer else ""))
            candidate = header + sep + part
        current = candidate
    if current != header:
        messages.append(current + (sep + footer if footer else ""))
    return messages
