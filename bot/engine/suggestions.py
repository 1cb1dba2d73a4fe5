"""Phrasing suggestions from the language model, offered beside the official's own text."""

from __future__ import annotations

from bot.engine import views
from bot.engine.messages import Reply, say
from bot.engine.reports import Reports
from bot.engine.services import PhrasingPort
from bot.engine.state import AnswerPart, ConversationState
from bot.engine.turn import Clock, Turn
from bot.mall.errors import UserFacingError
from bot.mall.template import Template
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import Case


class PhrasingSuggestions:
    """After a long answer is finished: ask for a clearer phrasing, apply it only if chosen."""

    def __init__(
        self,
        reports: Reports,
        phrasing: PhrasingPort | None,
        sessions: SessionFactory,
        clock: Clock,
    ) -> None:
        self._reports = reports
        self._texts = reports.texts
        self._phrasing = phrasing
        self._sessions = sessions
        self._clock = clock

    def offer(self, turn: Turn, case: Case, template: Template, key: str) -> None:
        """After an answer is finished, ask the language model for a clearer phrasing."""
        suggest = self._phrasing
        question = template.question(key)
        if suggest is None or not question.kind.collects_several_messages:
            return
        current = turn.answers(case).get(key)
        if current is None:
            return
        user_id, case_id, version, text = turn.user.id, case.id, current.version, current.text
        number = template.index_of(key) + 1

        def work() -> list[Reply]:
            proposal = suggest(question, text, case_id)
            if proposal is None:
                return []
            with self._sessions.begin() as session:
                stored = repo.load_state(session, user_id)
                state = ConversationState.model_validate(stored) if stored else ConversationState()
                state.suggestion = {
                    "case_id": case_id,
                    "key": key,
                    "version": version,
                    "text": proposal.suggestion,
                }
                repo.save_state(session, user_id, state.model_dump(mode="json"), self._clock())
            return [views.suggestion_view(self._texts, number, text, proposal)]

        turn.after_commit.append(work)

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
