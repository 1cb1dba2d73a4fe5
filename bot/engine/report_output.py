"""/granska and /dokument: the review and the documents, done as jobs.

The command enqueues a job in the turn's transaction (storage/job_repository.py) and says
that the work has begun; the job reads the report as it stands when it runs, does the
slow part outside any transaction, and records its outcome only when the job is finished
(bot/engine/jobs.py): the review's count of open findings, and the ärende's status
"sent_for_signature" (PDF för underskrift skapad) once the documents of a finished report
exist and are final (no UTKAST). A crash before that leaves the job to be done again, and
the status as it was. Before documents to sign are asked for, the ärende's facts and the
font are checked (document_facts.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.engine.budget_wait import budget_left_open
from bot.engine.document_facts import (
    ANYWAY,
    USE_USUAL,
    facts_check,
    font_check,
    use_usual_facts,
)
from bot.engine.documents_view import (
    DOCUMENTS_NOT_RUNNING,
    REVIEW_NOT_RUNNING,
    documents_replies,
    not_running,
)
from bot.engine.jobs import ClaimedJob, Outcome, Work
from bot.engine.ledger_texts import load_ledger_texts
from bot.engine.messages import Reply, say
from bot.engine.reports import Reports, snapshot_of
from bot.engine.review_view import review_replies
from bot.engine.services import DocumentPort, ReportSnapshot, ReviewPort
from bot.engine.turn import Clock, Turn
from bot.review.findings import Severity
from storage import access_repository as access_repo
from storage import job_repository
from storage import repository as repo
from storage.models import Case, User
from storage.unit_of_work import Sessions, UnitOfWork

REVIEW = "review"
DOCUMENTS = "documents"
SIGNATURE_STATUS = "sent_for_signature"


class ReportOutput:
    """Enqueues the review and the documents, and does them when their job runs."""

    def __init__(
        self,
        reports: Reports,
        review: ReviewPort | None,
        documents: DocumentPort | None,
        sessions: Sessions,
        clock: Clock,
    ) -> None:
        self._reports = reports
        self._texts = reports.texts
        self._review_port = review
        self._documents_port = documents
        self._uow = UnitOfWork.of(sessions)
        self._clock = clock

    def work(self) -> dict[str, Work]:
        """The kinds of job this use case enqueues, and how each is done."""
        return {
            REVIEW: Work(self._review_run, self._review_done),
            DOCUMENTS: Work(self._documents_run, self._documents_done),
        }

    def review(self, turn: Turn, _argument: str) -> list[Reply]:
        case, _ = self._reports.current(turn)  # the job reads the report when it runs
        self._enqueue(turn, REVIEW, case.id)
        started = self._texts.review_started.format(case_number=case.case_number)
        if budget_left_open(turn, case.id):  # "vet inte än" at the budget's read-back
            texts = load_ledger_texts()
            return [say(started, texts.open_point.format(case_number=case.case_number))]
        return [say(started)]

    def documents(self, turn: Turn, argument: str) -> list[Reply]:
        case, template = self._reports.current(turn)
        snapshot = self._reports.snapshot(turn)
        choice = argument.strip().casefold()
        if not snapshot.missing_required and self._documents_port is not None:
            # The documents to sign: the ärende's facts are checked first (the font is
            # checked by the job, since that compiles the PDF).
            if choice == USE_USUAL:
                use_usual_facts(turn.session, case, template, turn.user.id, turn.now)
            elif choice not in ANYWAY:
                asked = facts_check(self._texts, snapshot)
                if asked:
                    return asked
        self._enqueue(turn, DOCUMENTS, case.id, anyway=choice in ANYWAY)
        return [say(self._texts.documents_started)]

    def _enqueue(self, turn: Turn, kind: str, case_id: int, **payload: object) -> None:
        job = job_repository.enqueue_job(
            turn.session, kind, turn.user.id, turn.user.external_id, turn.now,
            case_id=case_id, payload=dict(payload),
        )  # fmt: skip
        turn.jobs.append(job.id)

    def _snapshot(self, job: ClaimedJob) -> ReportSnapshot | None:
        """The report of the job's ärende as it stands now (None when it is gone)."""
        if job.case_id is None:
            return None
        with self._uow.reading() as session:
            case = session.get(Case, job.case_id)
            if case is None:
                return None
            template = self._reports.catalog.get(case.template_id)
            return snapshot_of(session, case, template, repo.current_answers(session, case.id))

    def _review_run(self, job: ClaimedJob) -> list[Reply] | Outcome:
        if self._review_port is None:
            return not_running(REVIEW_NOT_RUNNING)
        snapshot = self._snapshot(job)
        if snapshot is None:
            return [say(self._texts.no_current_report)]
        result = self._review_port(snapshot)
        open_findings = sum(1 for f in result.findings if f.severity is not Severity.INFO)
        replies = review_replies(self._texts, snapshot.template, snapshot.case_number, result)
        return Outcome(replies, {"open_findings": open_findings})

    def _review_done(self, session: Session, job: ClaimedJob, now: datetime) -> None:
        if job.case_id is not None and "open_findings" in job.result:
            repo.record_review(session, job.case_id, int(job.result["open_findings"]), now)

    def _documents_run(self, job: ClaimedJob) -> list[Reply] | Outcome:
        if self._documents_port is None:
            return not_running(DOCUMENTS_NOT_RUNNING)
        snapshot = self._snapshot(job)
        if snapshot is None:
            return [say(self._texts.no_current_report)]
        if not job.payload.get("anyway"):  # drafts too: no boxes without a word
            asked = font_check(self._texts, snapshot)  # characters the PDF cannot show
            if asked:
                return asked
        rendered = self._documents_port(snapshot)
        replies = documents_replies(self._texts, rendered)
        # Only a final document (no UTKAST) sends the report for signature.
        return Outcome(replies, {"final": rendered.document.draft is None})

    def _documents_done(self, session: Session, job: ClaimedJob, now: datetime) -> None:
        if job.case_id is None or not job.result.get("final"):
            return
        case = session.get(Case, job.case_id)
        if case is not None and case.status == "finished":
            case.status = SIGNATURE_STATUS
            user = session.get(User, job.user_id)
            access_repo.audit(session, user, "documents_made", now, case_id=case.id)
