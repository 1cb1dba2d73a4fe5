"""A neutral description of the finished report; DOCX and PDF are two renderings of it.

Nothing here knows a file format. The text in these objects is already cleaned of
characters no format accepts (see text_markup.clean_text); the renderers still
treat every string as plain text, never as markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from bot.mall.amounts import format_kronor
from bot.mall.dates import format_swedish_date

MISSING_ANSWER = "[Svar saknas]"  # shown where a question has no answer yet
ATTACHMENT_NAME = "answers.json"  # the answers, attached to the PDF
ATTACHMENT_FORMAT = "redovisa-answers"


def swedish_date(value: date) -> str:
    """28 februari 2020."""
    return format_swedish_date(value)


def swedish_amount(kronor: int) -> str:
    """200 000 kr, with plain spaces: what is copied from the document is what was stored
    (the PDF keeps the amount on one line by its layout, typst_text.py)."""
    return format_kronor(kronor)


@dataclass(frozen=True)
class Span:
    """A run of text with one emphasis; may contain line breaks (\\n)."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class ListItem:
    """One bullet; `marker` is the bullet as shown: "•" or "✓".

    `dash` says how the author wrote it: True for the list syntax `- …` / `- ✓ …`,
    False for a bare `• …` / `✓ …`. The renderers keep it (DOCX: the paragraph
    style) so that an imported rendering gives back the same text.
    """

    marker: str
    spans: tuple[Span, ...]
    dash: bool = True


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]


Block = Paragraph | BulletList


@dataclass(frozen=True)
class Remark:
    """A review finding to show as a comment where the format has comments (DOCX)."""

    text: str
    author: str = "Redovisa"


@dataclass(frozen=True)
class Section:
    """One question of the mall: its wording as heading, the answer below it."""

    key: str
    heading: str
    blocks: tuple[Block, ...]
    remarks: tuple[Remark, ...] = ()
    # A line printed under the answer that is not part of it (the budget the official
    # confirmed); never in answers.json.
    note: str | None = None


ORGANISATION = "Malmö stad"
PLACE = "Malmö"
# A PDF is signed digitally: the signature carries the date, so no blank line waits for it.
SIGNED_DATE = "datum enligt den digitala underskriften"


@dataclass(frozen=True)
class SignatureBlock:
    """Where the responsible manager signs; the PDF puts its signature field here.

    The signature answer's first line is the name, the second the befattning, the rest
    (unit, förvaltning) as given.
    """

    heading: str
    signer_lines: tuple[str, ...]  # the name first, then title, unit, ... as given
    field_name: str = "AnsvarigChef"
    name_label: str = "Namnförtydligande:"
    title_label: str = "Befattning:"
    date_label: str = "Datum:"
    place_label: str = "Ort och datum:"
    place: str = PLACE
    field_description: str = "Underskrift av ansvarig chef"

    @property
    def name(self) -> str:
        return self.signer_lines[0] if self.signer_lines else ""

    @property
    def title(self) -> str:
        return self.signer_lines[1] if len(self.signer_lines) > 1 else ""

    @property
    def more(self) -> tuple[str, ...]:
        return self.signer_lines[2:]


@dataclass(frozen=True)
class Letterhead:
    """The top of the first page: Malmö stad, the nämnd and, when known, the förvaltning."""

    committee: str | None = None
    department: str | None = None
    organisation: str = ORGANISATION

    def lines(self) -> tuple[str, ...]:
        return tuple(x for x in (self.organisation, self.committee, self.department) if x)


@dataclass(frozen=True)
class DraftMark:
    """The report is not finished: every page says UTKAST, and this is what is missing."""

    missing: tuple[str, ...]
    label: str = "UTKAST"
    heading: str = "Utkast – detta saknas ännu:"


@dataclass(frozen=True)
class ReportDocument:
    """The whole report, in reading order, plus what travels with it."""

    template_id: str
    case_number: str | None  # None when nobody gave it: then the page shows none
    title: str
    intro: tuple[str, ...]
    sections: tuple[Section, ...]
    signature: SignatureBlock
    closing: tuple[str, ...]
    answers: dict[str, str] = field(default_factory=dict)
    draft: DraftMark | None = None
    remarks: tuple[Remark, ...] = ()  # findings about the report as a whole
    letterhead: Letterhead = field(default_factory=Letterhead)
    document_date: date | None = None  # the day the document was made
    author: str | None = None  # the official who wrote the report
    # The budget the official confirmed in the chat (the ledger), printed with the answer.
    confirmed_granted_kr: int | None = None
    confirmed_used_kr: int | None = None
    missing_facts: tuple[str, ...] = ()  # facts of the ärende nobody gave (Swedish names)
    printed_facts: dict[str, str] = field(default_factory=dict)  # DocumentCase.printed_facts

    @property
    def case_label(self) -> str:
        """ "Dnr STK-2018-1307", or "" when the ärende has no diarienummer yet."""
        return f"Dnr {self.case_number}" if self.case_number else ""

    @property
    def date_text(self) -> str:
        return swedish_date(self.document_date) if self.document_date else ""

    def answers_json(self) -> bytes:
        """The answers as the JSON attached to the PDF (answers.json)."""
        payload = {
            "format": ATTACHMENT_FORMAT,
            "version": 1,
            "template_id": self.template_id,
            "case_number": self.case_number,
            "draft": self.draft is not None,
            "answers": self.answers,
            "facts": self.printed_facts,
        }
        return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


@dataclass(frozen=True)
class DocumentCase:
    """What the document needs to know about the ärende (from the coordinator's registration)."""

    case_number: str | None = None
    committee: str | None = None
    decision_date: date | None = None
    last_reply_date: date | None = None
    recipients: tuple[str, ...] = ()  # the first receives the answer, the rest a copy
    granted_amount_kr: int | None = None
    department: str | None = None  # the förvaltning, when known
    author: str | None = None  # the official who wrote the report
    # The budget the official confirmed in the chat (the ledger), printed with the answer.
    confirmed_granted_kr: int | None = None
    confirmed_used_kr: int | None = None
    # Given for the ärende (never the mall's text): the body that decided on the funds and
    # the period the report covers; the page prints them only when someone gave them.
    decided_by: str | None = None
    report_period: str | None = None

    def printed_facts(self) -> dict[str, str]:
        """The facts the page prints, by fact name (dates as ISO days), to travel in the
        PDF's answers.json: a signed page can then be held against the facts as they are
        when it comes back. A fact nobody gave is left out."""
        values = {
            "committee": self.committee,
            "decided_by": self.decided_by,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "last_reply_date": self.last_reply_date.isoformat() if self.last_reply_date else None,
            "recipient": self.recipients[0] if self.recipients else None,
            "copy_to": ", ".join(self.recipients[1:]) or None,
            "report_period": self.report_period,
        }
        return {name: value for name, value in values.items() if value}

    def template_values(self) -> dict[str, str]:
        """The values for the mall's {variables} that the ärende gives, the Swedish way.

        Only facts somebody gave: a variable without a value is left out, never filled
        with the mall's example value.
        """
        values: dict[str, str] = {}
        if self.case_number:
            values["case_number"] = self.case_number
        if self.committee:
            values["committee"] = self.committee
        if self.decision_date:
            values["decision_date"] = swedish_date(self.decision_date)
        if self.last_reply_date:
            values["last_reply_date"] = swedish_date(self.last_reply_date)
        if self.recipients:
            values["recipient"] = self.recipients[0]
        if len(self.recipients) > 1:
            values["copy_to"] = ", ".join(self.recipients[1:])
        if self.granted_amount_kr is not None:
            values["granted_amount"] = swedish_amount(self.granted_amount_kr)
        return values
