"""The slow steps after the signature as durable jobs (bot/engine/jobs.py): the check of a
signed PDF, the mail to the registrator, the tjänsteskrivelse, the language model's
proposal for it, and the sammanställning.

The turn only enqueues the job (in its own transaction, so the job exists exactly when the
turn was committed); a job left by a crash is done by the next process. Each step is safe to
do again: the signed PDF is recorded once per content, the mail is claimed under an
idempotency key (bot/arende/sending.py), and documents are made anew. The proposal is kept
in the user's conversation state under the same per-user lock that a turn takes, so no
message arriving meanwhile can lose it.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.engine.after_signing_view import (
    AfterSigningTexts,
    checked_replies,
    files_reply,
    gaps_text,
    proposal_reply,
)
from bot.engine.job_steps import keep_in_state
from bot.engine.jobs import ClaimedJob, Outcome, Work
from bot.engine.messages import Reply, say
from bot.engine.services import AfterSigningPort, DraftProposal
from bot.engine.state import ConversationState

SIGNED_PDF = "signed_pdf"
SUBMIT = "submit"
TJANSTESKRIVELSE = "tjansteskrivelse"
TJANSTE_PROPOSAL = "tjanste_proposal"
SAMMANSTALLNING = "sammanstallning"


def pdf_payload(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class AfterSigningWork:
    """How each kind of job after the signature is done."""

    def __init__(self, port: AfterSigningPort | None, texts: AfterSigningTexts) -> None:
        self._port = port
        self.texts = texts

    def work(self) -> dict[str, Work]:
        return {
            SIGNED_PDF: Work(self._guarded(self._check_signed_pdf)),
            SUBMIT: Work(self._guarded(self._submit)),
            TJANSTESKRIVELSE: Work(self._guarded(self._draft)),
            TJANSTE_PROPOSAL: Work(self._guarded(self._propose), self._keep_proposal),
            SAMMANSTALLNING: Work(self._guarded(self._summarise)),
        }

    def _guarded(self, run: Any) -> Any:
        def guarded(job: ClaimedJob) -> list[Reply] | Outcome:
            if self._port is None:
                return [say(self.texts.not_running)]
            result: list[Reply] | Outcome = run(self._port, job)
            return result

        return guarded

    def _check_signed_pdf(self, port: AfterSigningPort, job: ClaimedJob) -> list[Reply]:
        data = base64.b64decode(job.payload["pdf"])
        expected = job.payload.get("expected")
        allowed = frozenset(job.payload.get("allowed", ()))
        return checked_replies(self.texts, port.receive(data, expected, allowed))

    def _submit(self, port: AfterSigningPort, job: ClaimedJob) -> list[Reply]:
        return [say(port.submit(str(job.payload["case_number"])).message)]

    def _draft(self, port: AfterSigningPort, job: ClaimedJob) -> list[Reply]:
        payload = job.payload
        proposal = (
            DraftProposal(str(payload["summary"]), str(payload["matter"]))
            if "summary" in payload
            else None
        )
        made = port.tjansteskrivelse(str(payload["case_number"]), payload.get("author"), proposal)
        ready = self.texts.tjanste_proposal_ready if proposal else self.texts.tjanste_ready
        message = ready.format(title=made.title)
        return [files_reply(message, made.files, gaps_text(self.texts, made.gaps))]

    def _propose(self, port: AfterSigningPort, job: ClaimedJob) -> Outcome:
        """With a language model: its Sammanfattning and Ärendet, offered after the plain
        draft and kept (by `_keep_proposal`) until the user chooses."""
        proposal = port.tjansteskrivelse_proposal(str(job.payload["case_number"]))
        if proposal is None:
            return Outcome([])
        return Outcome(
            [proposal_reply(self.texts, proposal)],
            {"summary": proposal.summary, "matter": proposal.matter},
        )

    def _keep_proposal(self, session: Session, job: ClaimedJob, now: datetime) -> None:
        if "summary" not in job.result or job.case_id is None:
            return
        proposal = {
            "case_id": job.case_id,
            "summary": job.result["summary"],
            "matter": job.result["matter"],
        }

        def offered(state: ConversationState) -> None:
            state.tjanste_proposal = proposal

        keep_in_state(session, job, now, offered)

    def _summarise(self, port: AfterSigningPort, job: ClaimedJob) -> list[Reply]:
        year = int(job.payload["year"])
        count, files = port.sammanstallning(year, job.payload.get("coordinator_id"))
        return [files_reply(self.texts.summary_ready.format(year=year, count=count), files)]
