"""The Swedish reminder texts: loaded from prompts/reminders.toml and filled in here.

A reminder goes out as plain text. One message per recipient and batch: the official gets
a section per ärende with the questions still unanswered; the coordinator a digest with a
line per ärende.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, RootModel, model_validator

from bot.mall.datafiles import load_toml_model
from bot.mall.dates import format_swedish_date

TEXT_LIMIT = 4096  # Telegram's limit for one message
TITLE_LIMIT = 90  # a question longer than this is cut with an ellipsis
TEXTS_PATH = Path(__file__).resolve().parents[2] / "prompts" / "reminders.toml"


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    variables: tuple[str, ...]

    @model_validator(mode="after")
    def _declared(self) -> Text:
        for _, name, _, _ in string.Formatter().parse(self.text):
            if name is not None and name not in self.variables:
                raise ValueError(f"the text uses {{{name}}}, which is not in variables")
        return self

    def fill(self, **values: object) -> str:
        missing = [name for name in self.variables if name not in values]
        if missing:
            raise KeyError(f"no value for {', '.join(missing)} in {self.text!r}")
        return self.text.format(**values)


REQUIRED_TEXTS = (
    "official_header", "official_case", "official_case_overdue", "progress_none",
    "progress_some", "progress_all", "missing_header", "missing_item", "official_footer",
    "digest_header", "digest_item", "digest_no_responsible", "committee", "when_today",
    "when_tomorrow", "when_in_days", "when_yesterday", "when_days_ago",
)  # fmt: skip


class ReminderTexts(RootModel[dict[str, Text]]):
    @model_validator(mode="after")
    def _complete(self) -> ReminderTexts:
        missing = [name for name in REQUIRED_TEXTS if name not in self.root]
        if missing:
            raise ValueError(f"texts missing: {', '.join(missing)}")
        return self

    def fill(self, name: str, **values: object) -> str:
        return self.root[name].fill(**values)


def load_texts(path: Path = TEXTS_PATH) -> ReminderTexts:
    """Read and validate the reminder texts (a broken file is an error at start)."""
    return load_toml_model(path, ReminderTexts)


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
        return texts.fill("when_today")
    if days == 1:
        return texts.fill("when_tomorrow")
    if days > 1:
        return texts.fill("when_in_days", days=days)
    if days == -1:
        return texts.fill("when_yesterday")
    return texts.fill("when_days_ago", days=-days)


def _title(question: str) -> str:
    title = " ".join(question.split()).rstrip(":")
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    return title


def _committee(texts: ReminderTexts, committee: str | None) -> str:
    return texts.fill("committee", committee=committee) if committee else ""


def _progress(texts: ReminderTexts, case: CaseStatus) -> str:
    total = len(case.questions)
    answered = total - len(case.unanswered)
    if answered == 0:
        return texts.fill("progress_none")
    if answered == total:
        return texts.fill("progress_all")
    return texts.fill("progress_some", answered=answered, total=total)


def official_section(texts: ReminderTexts, case: CaseStatus, today: date) -> str:
    """One ärende in a reminder to the responsible official."""
    name = "official_case" if case.deadline >= today else "official_case_overdue"
    lines = [
        texts.fill(
            name,
            case_number=case.case_number,
            committee=_committee(texts, case.committee),
            deadline=format_swedish_date(case.deadline),
            when=_when(texts, case.deadline, today),
        ),
        _progress(texts, case),
    ]
    if case.unanswered and len(case.unanswered) < len(case.questions):
        lines.append(texts.fill("missing_header"))
    if case.unanswered:
        lines += [
            texts.fill("missing_item", number=i + 1, title=_title(case.questions[i]))
            for i in case.unanswered
        ]
    return "\n".join(lines)


def digest_line(texts: ReminderTexts, case: CaseStatus, today: date) -> str:
    """One ärende in the coordinator's digest."""
    return texts.fill(
        "digest_item",
        case_number=case.case_number,
        committee=_committee(texts, case.committee),
        responsible=case.responsible_name or texts.fill("digest_no_responsible"),
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
