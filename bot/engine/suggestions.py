"""Phrasing suggestions from the language model, offered beside the official's own text.

Asked for as a job when a long answer is finished, so the next message is answered at once
while the model thinks; the proposal arrives when it is ready and is kept in the user's
state under the turn's lock until they choose."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.engine import views
from bot.engine.job_steps import enqueue, keep_in_state
from bot.engine.jobs import ClaimedJob, Outcome, Work
from bot.engine.messages import Reply, say
from bot.engine.reports import Reports
from bot.engine.services import PhrasingPort
from bot.engine.state import AnswerPart, ConversationState
from bot.engine.turn import Turn
from bot.mall.errors import UserFacingError
from bot.mall.template import Template
from storage import repository as repo
from storage.models import Case
from storage.unit_of_work import Sessions, UnitOfWork

PHRASING = "phrasing"


class PhrasingSuggestions:
    """After a long answer is finished: ask for a clearer phrasing, apply it only if chosen."""

    def __init__(
        self,
        reports: Reports,
        phrasing: PhrasingPort | None,
        sessions: Sessions,
    ) -> None:
        self._reports = reports
        self._texts = reports.texts
        self._phrasing = phrasing
        self._uow = UnitOfWork.of(sessions)

    def work(self) -> dict[str, Work]:
        """The job that asks the language model, after the turn that finished the answer."""
        return {PHRASING: Work(self._suggest, self._keep)}

    def offer(self, turn: Turn, case: Case, template: Template, key: str) -> None:
        """After an answer is finished, ask (as a job) for a clearer phrasing of it."""
        question = template.question(key)
        if self._phrasing is None or not question.kind.collects_several_messages:
            return
        current = turn.answers(case).get(key)
        if current is None:
            return
        enqueue(turn, PHRASING, case.id, key=key, version=current.version)

    def _suggest(self, job: ClaimedJob) -> list[Reply] | Outcome:
        """The model's proposal for the answer as it was finished; nothing when the answer
        changed since, or the model has nothing to offer."""
        key, version = str(job.payload["key"]), int(job.payload["version"])
        with self._uow.reading() as session:
            case = session.get(Case, job.case_id) if job.case_id is not None else None
            if case is None or case.template_id not in self._reports.catalog:
                return []
            template = self._reports.catalog.get(case.template_id)
            current = repo.current_answers(session, case.id).get(key)
        if self._phrasing is None or current is None or current.version != version:
            return []
        proposal = self._phrasing(template.question(key), current.text, case.id)
        if proposal is None:
            return []
        number = template.index_of(key) + 1
        shown = views.suggestion_view(self._texts, number, current.text, proposal)
        return Outcome([shown], {"text": proposal.suggestion})

    def _keep(self, session: Session, job: ClaimedJob, now: datetime) -> None:
        if "text" not in job.result:
            return
        kept = {
            "case_id": job.case_id,
            "key": job.payload["key"],
            "version": job.payload["version"],
            "text": job.result["text"],
        }

        def offered(state: ConversationState) -> None:
            state.suggestion = kept

        keep_in_state(session, job, now, offered)

    def choose(self, turn: Turn, argument: str) -> list[Reply]:
        pending = turn.state.suggestion
        if not pending:
            raise UserFacingError(self._texts.no_suggestion)
        turn.state.suggestion = {}
        if argument.strip().lower() not in ("ja", "använd"):
            return [say(self._texts.suggestion_declined)]
        case = turn.own_case(int(pending["case_id"]))
        if case is None:
            raise UserFacingError(self._texts.no_current_report)
        template = self._reports.catalog.get(case.template_id)
        key = str(pending["key"])
        current = turn.answers(case).get(key)
        if current is None or current.version != pending["version"]:
            return [say(self._texts.suggestion_outdated)]
        self._reports.save(turn, case, template, key, [AnswerPart(text=str(pending["text"]))])
        return [say(self._texts.suggestion_taken.format(n=template.index_of(key) + 1))]
