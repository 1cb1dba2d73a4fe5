"""The ports the engine calls for slow or optional work: review, documents, file import.

Each is a plain callable handed in at start-up, so the engine knows neither the LLM client
nor the renderers, and tests can hand in fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.documents.render import RenderedDocuments
from bot.mall.template import Question, Template
from bot.review.budget import BudgetReading
from bot.review.service import ReviewResult
from storage.models import Case


@dataclass(frozen=True)
class ReportSnapshot:
    """A report as it stands: what review and rendering need, detached from the database."""

    case_id: int
    case_number: str
    template: Template
    answers: dict[str, str]
    committee: str | None = None
    granted_amount_kr: int | None = None
    decision_date: date | None = None
    last_reply_date: date | None = None
    recipients: tuple[str, ...] = ()
    perspectives: tuple[str, ...] | None = None  # what the grant was for, when registered
    # The budget the official confirmed (the ledger's current entry); None when not confirmed.
    confirmed_granted_kr: int | None = None
    confirmed_used_kr: int | None = None
    # The nämnd's report of an earlier year on the same mall (the review compares them).
    previous_case_number: str | None = None
    previous_answers: dict[str, str] = field(default_factory=dict)
    # Given for the ärende, printed only then (bot/arende/given_facts.py).
    decided_by: str | None = None
    report_period: str | None = None

    @classmethod
    def from_case(
        cls,
        case: Case,
        template: Template,
        answers: dict[str, str],
        confirmed: tuple[int, int] | None = None,
        previous: tuple[str, dict[str, str]] | None = None,
        given: Mapping[str, str] | None = None,
    ) -> ReportSnapshot:
        """`confirmed` is the ledger's (granted, used) in kronor, if the official confirmed it."""
        return cls(
            case_id=case.id,
            case_number=case.case_number,
            template=template,
            answers=answers,
            committee=case.committee,
            granted_amount_kr=case.granted_amount_kr,
            decision_date=case.decision_date,
            last_reply_date=case.last_reply_date,
            recipients=tuple(case.recipients or ()),
            perspectives=tuple(case.perspectives) if case.perspectives is not None else None,
            confirmed_granted_kr=confirmed[0] if confirmed else None,
            confirmed_used_kr=confirmed[1] if confirmed else None,
            previous_case_number=previous[0] if previous else None,
            previous_answers=dict(previous[1]) if previous else {},
            decided_by=(given or {}).get("decided_by"),
            report_period=(given or {}).get("report_period"),
        )

    @property
    def missing_required(self) -> list[int]:
        """Numbers (1-based) of required questions without an answer."""
        return [
            number
            for number, q in enumerate(self.template.questions, start=1)
            if q.required and not self.answers.get(q.key, "").strip()
        ]


@dataclass(frozen=True)
class ImportedDraft:
    """What an earlier document gave: answers by question key and the text that fit nowhere."""

    template_id: str
    answers: dict[str, str]
    case_number: str | None = None
    unassigned_text: tuple[str, ...] = ()
    # The ärende's facts the file holds, as `render --from` reads them (fact name -> value
    # in its stored form: "last_reply_date": "2020-02-28", "recipient", "copy_to": [...]).
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PhrasingProposal:
    """A clearer phrasing of one answer, offered beside the official's own text."""

    suggestion: str
    explanation: str


@dataclass(frozen=True)
class MessageToPlace:
    """A message the rules could not place, at its question; `commands` are the commands
    the verdict may name (name -> what it does)."""

    case_id: int
    question: Question
    text: str
    parts_written: int
    commands: dict[str, str]


@dataclass(frozen=True)
class MessagePlace:
    """The language model's verdict: "answer", "talk", or "command" with the command."""

    verdict: str
    command: str | None = None


ReviewPort = Callable[[ReportSnapshot], ReviewResult]
PhrasingPort = Callable[[Question, str, int], PhrasingProposal | None]
# Where a message belongs (bot/engine/placing.py); None when the model has no verdict.
PlacingPort = Callable[[MessageToPlace], MessagePlace | None]
DocumentPort = Callable[[ReportSnapshot], RenderedDocuments]
ImportPort = Callable[[str, bytes], ImportedDraft]
# The budget answer read by the rules and the language model together (the answer, the
# registered grant, the ärende's id): figures they read differently come back "oklart".
BudgetReadingPort = Callable[[str, int | None, int], BudgetReading]
# Called inside the transaction that registers an ärende: (session, case, now).
CaseRegisteredHook = Callable[[Session, Case, datetime], None]


@dataclass(frozen=True)
class OutputFile:
    """A file the engine hands to the user (a rendered document)."""

    filename: str
    data: bytes
    media_type: str


@dataclass(frozen=True)
class SignedReportCheck:
    """What the check of a signed PDF sent back found; `message` says it in Swedish.

    When valid, the ärende is "signerad"; `to` and `cc` are where it would be sent."""

    valid: bool
    message: str
    case_number: str | None = None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    # The certificate's name and the signature block's, when they differ (else None).
    signer: str | None = None
    block_name: str | None = None


@dataclass(frozen=True)
class SubmissionResult:
    """The mail to the registrator: sent now, sent before, or being sent (Swedish message)."""

    outcome: str  # "sent" | "already_sent" | "in_progress"
    message: str


@dataclass(frozen=True)
class DraftedTjansteskrivelse:
    """A drafted tjänsteskrivelse: its title, what is left to fill in, and its files."""

    title: str
    gaps: tuple[str, ...]
    files: tuple[OutputFile, ...]


@dataclass(frozen=True)
class DraftProposal:
    """The language model's Sammanfattning and Ärendet of a tjänsteskrivelse: only offered."""

    summary: str
    matter: str


class AfterSigningPort(Protocol):
    """What comes after the signature. Each call may be slow (pyHanko, SMTP, rendering) and
    owns its transactions: the engine calls them only after its turn is committed."""

    def looks_signed(self, data: bytes) -> bool:
        """A quick look (no validation): does this PDF carry a signature?"""
        ...

    def receive(
        self, pdf: bytes, expected_case_number: str | None, allowed_case_numbers: frozenset[str]
    ) -> SignedReportCheck:
        """Verify a signed PDF of one of `allowed_case_numbers`; valid: keep it, "signerad"."""
        ...

    def submit(self, case_number: str) -> SubmissionResult:
        """Mail the ärende's verified signed PDF to its recipients, once."""
        ...

    def tjansteskrivelse(
        self, case_number: str, author_name: str | None, proposal: DraftProposal | None = None
    ) -> DraftedTjansteskrivelse:
        """The nämnd's tjänsteskrivelse drafted from the stored report, with the gaps left
        in it; with an accepted `proposal`, its Sammanfattning and Ärendet are the model's."""
        ...

    def tjansteskrivelse_proposal(self, case_number: str) -> DraftProposal | None:
        """The language model's Sammanfattning and Ärendet; None without a model, or when
        it fails or invents a figure."""
        ...

    def sammanstallning(
        self, year: int, coordinator_id: int | None = None
    ) -> tuple[int, tuple[OutputFile, ...]]:
        """The year's sammanställning: (how many ärenden, files); with `coordinator_id`,
        of the ärenden that coordinator may see (the same as their /oversikt)."""
        ...


@dataclass
class EngineServices:
    """The ports of one installation; a port left out is one the engine says is not running."""

    review: ReviewPort | None = None
    documents: DocumentPort | None = None
    importer: ImportPort | None = None
    phrasing: PhrasingPort | None = None
    budget_reading: BudgetReadingPort | None = None  # only with a language model
    placing: PlacingPort | None = None  # only with a language model
    on_case_registered: CaseRegisteredHook | None = None
    after_signing: AfterSigningPort | None = None
    dashboard_url: str | None = None  # REDOVISA_WEB_URL: /oversikt opens it as a Mini App
