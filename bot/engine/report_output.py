"""/granska and /dokument: the review and the documents, made after the turn's commit."""

from __future__ import annotations

from bot.engine.document_facts import ANYWAY, USE_USUAL, facts_check, use_usual_facts
from bot.engine.documents_view import (
    DOCUMENTS_NOT_RUNNING,
    REVIEW_NOT_RUNNING,
    documents_replies,
    not_running,
)
from bot.engine.messages import Reply, say
from bot.engine.reports import Reports
from bot.engine.review_view import review_replies
from bot.engine.services import DocumentPort, ReportSnapshot, ReviewPort
from bot.engine.turn import Clock, Turn
from bot.review.findings import Severity
from storage import access_repository as access_repo
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import User


class ReportOutput:
    """Asks the review and document ports, and shows what they return."""

    def __init__(
        self,
        reports: Reports,
        review: ReviewPort | None,
        documents: DocumentPort | None,
        sessions: SessionFactory,
        clock: Clock,
    ) -> None:
        self._reports = reports
        self._texts = reports.texts
        self._review_port = review
        self._documents_port = documents
        self._sessions = sessions
        self._clock = clock

    def review(self, turn: Turn, _argument: str) -> list[Reply]:
        snapshot = self._reports.snapshot(turn)
        turn.after_commit.append(lambda: self._reviewed(snapshot))
        return [say(self._texts.review_started.format(case_number=snapshot.case_number))]

    def _reviewed(self, snapshot: ReportSnapshot) -> list[Reply]:
        if self._review_port is None:
            return not_running(REVIEW_NOT_RUNNING)
        result = self._review_port(snapshot)
        open_findings = sum(1 for f in result.findings if f.severity is not Severity.INFO)
        with self._sessions.begin() as session:
            repo.record_review(session, snapshot.case_id, open_findings, self._clock())
        return review_replies(self._texts, snapshot.template, snapshot.case_number, result)

    def documents(self, turn: Turn, argument: str) -> list[Reply]:
        case, template = self._reports.current(turn)
        snapshot = self._reports.snapshot(turn)
        choice = argument.strip().casefold()
        if not snapshot.missing_required and self._documents_port is not None:
            # The documents to sign: the ärende's facts and the font are checked first.
            if choice == USE_USUAL:
                use_usual_facts(case, template)
                turn.session.flush()
                snapshot = self._reports.snapshot(turn)
            elif choice not in ANYWAY:
                asked = facts_check(self._texts, snapshot)
                if asked:
                    return asked
        user_id = turn.user.id
        turn.after_commit.append(lambda: self._rendered(snapshot, user_id))
        return [say(self._texts.documents_started)]

    def _rendered(self, snapshot: ReportSnapshot, user_id: int) -> list[Reply]:
        if self._documents_port is None:
            return not_running(DOCUMENTS_NOT_RUNNING)
        rendered = self._documents_port(snapshot)
        if rendered.document.draft is None:
            # A final document (no UTKAST): the report goes for signature.
            with self._sessions.begin() as session:
                case = repo.get_case(session, snapshot.case_id)
                if case is not None and case.status == "finished":
                    case.status = "sent_for_signature"
                    user = session.get(User, user_id)
                    access_repo.audit(
                        session, user, "documents_made", self._clock(), case_id=case.id
                    )
        return documents_replies(self._texts, rendered)
