"""What every use case of the conversation shares: the current report, storing an answer,
moving between questions and asking the question the user is on."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.arende.given_facts import TEXT_FACTS, standing_texts
from bot.engine import views
from bot.engine.earlier_report import (
    earlier_report,
    load_previous_texts,
    offer_blocks,
    offer_buttons,
    offered_answer,
)
from bot.engine.mall_choice import template_for_decision
from bot.engine.messages import Block, Reply
from bot.engine.services import ReportSnapshot
from bot.engine.state import MAX_UNDO, AnswerPart, ConversationState, SavedAnswer
from bot.engine.texts import BotTexts
from bot.engine.turn import Turn
from bot.mall.dates import format_swedish_date
from bot.mall.errors import UserFacingError
from bot.mall.template import Template, TemplateCatalog
from storage import arende_repository as arende_repo
from storage import ledger_repository as ledger_repo
from storage import repository as repo
from storage.earlier_reports import EarlierReport
from storage.models import Case

MAX_MESSAGE_CHARS = 20_000
MAX_ANSWER_CHARS = 200_000
PART_SEPARATOR = "\n\n"


def join_notes(*notes: str | None) -> str | None:
    present = [n for n in notes if n]
    return " ".join(present) if present else None


class Reports:
    """The current report of a turn and the answers stored in it."""

    def __init__(self, catalog: TemplateCatalog, texts: BotTexts) -> None:
        self.catalog = catalog
        self.texts = texts
        self.previous_texts = load_previous_texts()

    def template_of(self, turn: Turn) -> Template | None:
        case = turn.current_case()
        return self.catalog.get(case.template_id) if case else None

    def current(self, turn: Turn) -> tuple[Case, Template]:
        case = turn.current_case()
        if case is None:
            raise UserFacingError(self.texts.no_current_report)
        return case, self.catalog.get(case.template_id)

    def ask(self, turn: Turn, prefix: str | None = None) -> list[Reply]:
        case, template = self.current(turn)
        index = turn.state.question_index
        answers = turn.answers(case)
        if index is None:
            reply = views.completion_view(self.texts, template, case.case_number, answers)
            if prefix:
                reply = Reply((Block(prefix), *reply.blocks), reply.buttons)
            return [reply]
        prompt = views.question_prompt(
            self.texts, template, index, answers, len(turn.state.parts), prefix
        )
        return [self._with_earlier_answer(turn, case, template, index, prompt)]

    def earlier(self, turn: Turn, case: Case) -> EarlierReport | None:
        answers = {key: answer.text for key, answer in turn.answers(case).items()}
        return earlier_report(turn.session, case, answers)

    def _with_earlier_answer(
        self, turn: Turn, case: Case, template: Template, index: int, prompt: Reply
    ) -> Reply:
        """The question, with last period's answer offered when it has none of its own."""
        current = turn.answers(case).get(template.questions[index].key)
        if turn.state.parts or (current is not None and current.text.strip()):
            return prompt
        earlier = self.earlier(turn, case)
        answer = offered_answer(template, index, earlier, turn.state.previous_declined)
        if earlier is None or answer is None:
            return prompt
        texts = self.previous_texts
        blocks = (*prompt.blocks, *offer_blocks(texts, earlier, answer))
        return Reply(blocks, (offer_buttons(texts), *prompt.buttons))

    def save(
        self,
        turn: Turn,
        case: Case,
        template: Template,
        key: str,
        parts: list[AnswerPart],
        *,
        undoable: bool = True,
        separator: str = PART_SEPARATOR,
        text: str | None = None,
    ) -> int:
        """Store a new version of the answer: the parts joined by `separator`, or `text`
        when given. "ångra" can take it back unless `undoable` is False (the version that
        an undo itself stores). Returns the new version's number."""
        if text is None:
            text = separator.join(part.text for part in parts)
        if len(text) > MAX_ANSWER_CHARS:
            raise UserFacingError(self.texts.answer_too_long.format(limit=MAX_ANSWER_CHARS))
        stored = repo.save_answer(
            turn.session,
            case.id,
            key,
            text,
            [part.model_dump() for part in parts],
            turn.user,
            turn.now,
        )
        if undoable:
            saved = turn.state.saved
            saved.append(SavedAnswer(case_id=case.id, key=key, version=stored.version))
            del saved[:-MAX_UNDO]
        turn.forget_answers(case)
        turn.saved.append((case.id, key))
        answers = turn.answers(case)
        complete = all(
            q.key in answers and answers[q.key].text.strip()
            for q in template.questions
            if q.required
        )
        # Any change after the documents were made means they must be made again.
        case.status = "finished" if complete else "in_progress"
        return stored.version

    def commit_parts(self, turn: Turn) -> str | None:
        """Store what was written on the current question; return a note saying so."""
        if not turn.state.parts or turn.state.question_index is None:
            turn.state.parts = []
            return None
        case, template = self.current(turn)
        question = template.questions[turn.state.question_index]
        self.save(turn, case, template, question.key, turn.state.parts)
        turn.state.parts = []
        return self.texts.parts_saved.format(n=turn.state.question_index + 1)

    def move_to(self, turn: Turn, index: int | None, note: str | None = None) -> list[Reply]:
        turn.state.question_index = index
        turn.state.clear_waiting()
        turn.state.signature_open = None
        return self.ask(turn, note)

    def advance(self, turn: Turn, template: Template, note: str | None) -> list[Reply]:
        """On to where the user was before an edit, or the next question, or the end."""
        index = turn.state.question_index
        if turn.state.return_index is not None:
            target: int | None = turn.state.return_index
            turn.state.return_index = None
        elif index is not None and index + 1 < len(template.questions):
            target = index + 1
        else:
            target = None
        return self.move_to(turn, target, note)

    def open_case(self, turn: Turn, case: Case, note: str | None = None) -> list[Reply]:
        note = join_notes(self.commit_parts(turn), note)
        turn.state = ConversationState(case_id=case.id, saved=turn.state.saved)
        answers = turn.answers(case)
        if case.decision_date is not None and not answers:
            note = join_notes(note, self._mall_by_decision(case))
        template = self.catalog.get(case.template_id)
        return self.move_to(turn, views.first_unanswered(template, answers), note)

    def _mall_by_decision(self, case: Case) -> str | None:
        """A registered ärende with nothing written yet: its decision date chooses the mall."""
        assert case.decision_date is not None
        chosen = template_for_decision(self.catalog, case.decision_date)
        if chosen is None:
            return None
        case.template_id = chosen.id
        return self.texts.template_from_decision.format(
            date=format_swedish_date(case.decision_date), name=chosen.name
        )

    def snapshot(self, turn: Turn) -> ReportSnapshot:
        case, template = self.current(turn)
        return snapshot_of(turn.session, case, template, turn.answers(case))


def snapshot_of(
    session: Session, case: Case, template: Template, answers: views.Answers
) -> ReportSnapshot:
    """The report as it stands: its written answers and the budget's confirmed figures."""
    written = {k: a.text for k, a in answers.items() if a.text.strip()}
    entry = ledger_repo.current_entry(session, case.id)
    confirmed = (entry.granted_kr, entry.used_kr) if entry else None
    earlier = earlier_report(session, case, written)
    previous = (earlier.case_number, earlier.answers) if earlier else None
    histories = arende_repo.fact_histories(session, [case.id], TEXT_FACTS)
    given = standing_texts(histories[case.id])
    return ReportSnapshot.from_case(case, template, written, confirmed, previous, given)
