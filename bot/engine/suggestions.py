"""Phrasing suggestions from the language model, offered beside the official's own text."""

from __future__ import annotations

from bot.engine import views
from bot.engine.core import ConversationCore, Turn
from bot.engine.messages import Reply, say
from bot.engine.state import AnswerPart, ConversationState
from bot.mall.errors import UserFacingError
from bot.mall.template import Template
from storage import repository as repo
from storage.models import Case


class PhrasingSuggestions(ConversationCore):
    """After a long answer is finished: ask for a clearer phrasing, apply it only if chosen."""

    def _offer_phrasing(self, turn: Turn, case: Case, template: Template, key: str) -> None:
        """After an answer is finished, ask the language model for a clearer phrasing."""
        suggest = self._services.phrasing
        question = template.question(key)
        if suggest is None or not question.kind.collects_several_messages:
            return
        current = self._answers(turn, case).get(key)
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

    def _suggestion_choice(self, turn: Turn, argument: str) -> list[Reply]:
        pending = turn.state.suggestion
        if not pending:
            raise UserFacingError(self._texts.no_suggestion)
        turn.state.suggestion = {}
        if argument.strip().lower() not in ("ja", "använd"):
            return [say(self._texts.suggestion_declined)]
        case = repo.get_case(turn.session, int(pending["case_id"]))
        if case is None or not repo.is_member(turn.session, case.id, turn.user.id):
            raise UserFacingError(self._texts.no_current_report)
        template = self._catalog.get(case.template_id)
        key = str(pending["key"])
        current = self._answers(turn, case).get(key)
        if current is None or current.version != pending["version"]:
            return [say(self._texts.suggestion_outdated)]
        self._save(turn, case, template, key, [AnswerPart(text=str(pending["text"]))])
        return [say(self._texts.suggestion_taken.format(n=template.index_of(key) + 1))]
