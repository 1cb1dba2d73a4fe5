"""What every part of the conversation engine shares: the turn, the current report,
storing an answer and moving between questions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.engine import views
from bot.engine.access import AccessPolicy
from bot.engine.coordination import CoordinatorDesk
from bot.engine.messages import Block, Reply, say
from bot.engine.services import EngineServices, ReportSnapshot
from bot.engine.state import AnswerPart, ConversationState
from bot.engine.texts import BotTexts, CoordinationTexts, load_coordination_texts
from bot.mall.errors import UserFacingError
from bot.mall.template import Template, TemplateCatalog
from storage import repository as repo
from storage.db import SessionFactory
from storage.models import Case, User

MAX_MESSAGE_CHARS = 20_000
MAX_ANSWER_CHARS = 200_000
PART_SEPARATOR = "\n\n"

Clock = Callable[[], datetime]


@dataclass
class Steps:
    """The replies to one input: `now` at once, then what `finish()` returns."""

    now: list[Reply]
    later: list[Callable[[], list[Reply]]] = field(default_factory=list)

    def finish(self) -> list[Reply]:
        """Run the slow work; a Swedish message stands in for a step that was refused."""
        replies: list[Reply] = []
        for work in self.later:
            try:
                replies.extend(work())
            except UserFacingError as error:
                replies.append(say(error.message))
        return replies


@dataclass
class Turn:
    """Everything one input is handled with."""

    session: Session
    user: User
    state: ConversationState
    now: datetime
    # Slow work (the language model, rendering) runs after the commit, outside the
    # transaction, so one user's wait never holds a database lock that others need.
    after_commit: list[Callable[[], list[Reply]]] = field(default_factory=list)


class ConversationCore:
    """The engine's state and the helpers its parts (commands, imports, suggestions) use."""

    def __init__(
        self,
        session_factory: SessionFactory,
        catalog: TemplateCatalog,
        texts: BotTexts,
        clock: Clock,
        services: EngineServices | None = None,
        access: AccessPolicy | None = None,
        coordination_texts: CoordinationTexts | None = None,
    ) -> None:
        """`access` None opens the engine to every platform (for embedding and tests); the
        program passes the policy built from the settings. `coordination_texts` None reads
        prompts/coordination.toml."""
        self._sessions = session_factory
        self._catalog = catalog
        self._texts = texts
        self._clock = clock
        self._services = services or EngineServices()
        self._access = access or AccessPolicy.open_to_all()
        self._desk = CoordinatorDesk(
            catalog,
            coordination_texts or load_coordination_texts(),
            self._services.on_case_registered,
        )

    def _template_of(self, turn: Turn) -> Template | None:
        case = self._current_case_or_none(turn)
        return self._catalog.get(case.template_id) if case else None

    def _current_case_or_none(self, turn: Turn) -> Case | None:
        if turn.state.case_id is None:
            return None
        case = repo.get_case(turn.session, turn.state.case_id)
        if case is None or not repo.is_member(turn.session, case.id, turn.user.id):
            turn.state = ConversationState()
            return None
        return case

    def _current_case(self, turn: Turn) -> tuple[Case, Template]:
        case = self._current_case_or_none(turn)
        if case is None:
            raise UserFacingError(self._texts.no_current_report)
        return case, self._catalog.get(case.template_id)

    def _answers(self, turn: Turn, case: Case) -> views.Answers:
        return repo.current_answers(turn.session, case.id)

    def _ask(self, turn: Turn, prefix: str | None = None) -> list[Reply]:
        case, template = self._current_case(turn)
        index = turn.state.question_index
        answers = self._answers(turn, case)
        if index is None:
            reply = views.completion_view(self._texts, template, case.case_number, answers)
            if prefix:
                reply = Reply((Block(prefix), *reply.blocks), reply.buttons)
            return [reply]
        return [
            views.question_prompt(
                self._texts, template, index, answers, len(turn.state.parts), prefix
            )
        ]

    def _save(
        self, turn: Turn, case: Case, template: Template, key: str, parts: list[AnswerPart]
    ) -> None:
        text = PART_SEPARATOR.join(part.text for part in parts)
        if len(text) > MAX_ANSWER_CHARS:
            raise UserFacingError(self._texts.answer_too_long.format(limit=MAX_ANSWER_CHARS))
        repo.save_answer(
            turn.session,
            case.id,
            key,
            text,
            [part.model_dump() for part in parts],
            turn.user,
            turn.now,
        )
        self._update_status(turn, case, template)

    def _update_status(self, turn: Turn, case: Case, template: Template) -> None:
        answers = self._answers(turn, case)
        complete = all(
            q.key in answers and answers[q.key].text.strip()
            for q in template.questions
            if q.required
        )
        # Any change after the documents were made means they must be made again.
        case.status = "finished" if complete else "in_progress"

    def _commit_parts(self, turn: Turn) -> str | None:
        """Store what was written on the current question; return a note saying so."""
        if not turn.state.parts or turn.state.question_index is None:
            turn.state.parts = []
            return None
        case, template = self._current_case(turn)
        question = template.questions[turn.state.question_index]
        self._save(turn, case, template, question.key, turn.state.parts)
        turn.state.parts = []
        return self._texts.parts_saved.format(n=turn.state.question_index + 1)

    def _move_to(self, turn: Turn, index: int | None, note: str | None = None) -> list[Reply]:
        turn.state.question_index = index
        turn.state.clear_waiting()
        return self._ask(turn, note)

    def _open_case(self, turn: Turn, case: Case, note: str | None = None) -> list[Reply]:
        note = self._join(self._commit_parts(turn), note)
        template = self._catalog.get(case.template_id)
        turn.state = ConversationState(case_id=case.id)
        answers = self._answers(turn, case)
        return self._move_to(turn, views.first_unanswered(template, answers), note)

    @staticmethod
    def _join(*notes: str | None) -> str | None:
        present = [n for n in notes if n]
        return " ".join(present) if present else None

    def _snapshot(self, turn: Turn) -> ReportSnapshot:
        case, template = self._current_case(turn)
        answers = {k: a.text for k, a in self._answers(turn, case).items() if a.text.strip()}
        return ReportSnapshot.from_case(case, template, answers)
