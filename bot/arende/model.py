"""One ärende as every output reads it: a frozen value built once per request.

The facts (nämnd, decision date, last reply date, recipients, perspectives), the current
answers, the budget decided by the one rule (budget.py), the verified signature, the mail to
the registrator, and the status derived in one function (bot/mall/case_status.py). The
projections at the bottom are what review and documents take; they are made here so that no
output decides a fact again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.arende.budget import Budget
from bot.mall.case_status import CaseStatus
from bot.mall.template import Template
from bot.review.findings import CaseFacts


@dataclass(frozen=True)
class Signature:
    """The newest verified signed PDF of the ärende."""

    signer: str | None
    signed_at: datetime | None
    pdf_sha256: str
    answers_match: bool  # are the stored answers still the ones that were signed?


@dataclass(frozen=True)
class Arende:
    case_id: int
    case_number: str
    template_id: str
    template: Template | None  # None when the mall is not known to this installation
    committee: str | None
    decision_date: date | None
    last_reply_date: date | None
    recipients: tuple[str, ...]
    perspectives: tuple[str, ...] | None  # as registered; None when nobody said
    responsible_user_id: int | None
    registered_by_user_id: int
    answers: Mapping[str, str] = field(repr=False)  # the written current answers
    budget: Budget = field(repr=False)
    signature: Signature | None
    submitted_at: datetime | None
    status: CaseStatus
    # Facts with no column of their own, printed only when someone gave them (issue 20).
    decided_by: str | None = None  # the body that decided on the funds
    report_period: str | None = None

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def questions(self) -> int:
        return len(self.template.questions) if self.template else 0

    def case_facts(self) -> CaseFacts:
        """What the review's checks know of the ärende: registered, and confirmed."""
        confirmed = self.budget.history[-1] if self.budget.history else None
        return CaseFacts(
            case_number=self.case_number,
            granted_amount_kr=self.budget.registered_granted_kr,
            decision_date=self.decision_date,
            last_reply_date=self.last_reply_date,
            confirmed_granted_kr=confirmed.granted_kr if confirmed else None,
            confirmed_used_kr=confirmed.used_kr if confirmed else None,
        )
