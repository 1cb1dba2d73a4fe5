"""Moving through a report's questions: back, skip, go to, edit, finish a long answer,
the draft, cancelling and confirming."""

from __future__ import annotations

from bot.engine import views
from bot.engine.messages import Button, Reply, say
from bot.engine.parsing import resolve_question, split_target
from bot.engine.reports import Reports, join_notes
from bot.engine.state import AnswerPart, Awaiting
from bot.engine.suggestions import PhrasingSuggestions
from bot.engine.turn import Turn
from bot.mall.errors import UserFacingError


class Navigation:
    """The commands that move the user between the questions of the current report."""

    def __init__(self, reports: Reports, suggestions: PhrasingSuggestions) -> None:
        self._reports = reports
        self._texts = reports.texts
        self._suggestions = suggestions

    def back(self, turn: Turn, _argument: str) -> list[Reply]:
        _, template = self._reports.current(turn)
        note = self._reports.commit_parts(turn)
        index = turn.state.question_index
        turn.state.return_index = None
        target = len(template.questions) - 1 if index is None else max(0, index - 1)
        if index == 0:
            note = join_notes(note, self._texts.already_first)
        return self._reports.move_to(turn, target, note)

    def skip(self, turn: Turn, _argument: str) -> list[Reply]:
        case, template = self._reports.current(turn)
        index = turn.state.question_index
        if index is None:
            raise UserFacingError(self._texts.not_at_question)
        note = self._reports.commit_parts(turn)
        question = template.questions[index]
        if question.required and question.key not in turn.answers(case):
            note = join_notes(note, self._texts.skipped_required.format(n=index + 1))
        return self._reports.advance(turn, template, note)

    def go_to(self, turn: Turn, argument: str) -> list[Reply]:
        _, template = self._reports.current(turn)
        index = resolve_question(argument, template) if argument else None
        if index is None:
            raise UserFacingError(self._texts.which_question.format(total=len(template.questions)))
        note = self._reports.commit_parts(turn)
        turn.state.return_index = None
        return self._reports.move_to(turn, index, note)

    def edit(self, turn: Turn, argument: str) -> list[Reply]:
        case, template = self._reports.current(turn)
        target, new_text = split_target(argument) if argument else ("", "")
        index = resolve_question(target, template) if target else None
        if index is None:
            raise UserFacingError(
                self._texts.which_question_to_edit.format(total=len(template.questions))
            )
        question = template.questions[index]
        if new_text:
            self._reports.save(turn, case, template, question.key, [AnswerPart(text=new_text)])
            changed = self._texts.answer_changed.format(n=index + 1)
            if turn.state.question_index is None:
                return [say(changed)]
            return self._reports.ask(turn, changed)
        note = self._reports.commit_parts(turn)
        if turn.state.question_index is not None and turn.state.question_index != index:
            turn.state.return_index = turn.state.question_index
        return self._reports.move_to(turn, index, note)

    def done(self, turn: Turn, _argument: str) -> list[Reply]:
        case, template = self._reports.current(turn)
        index = turn.state.question_index
        if index is None:
            raise UserFacingError(self._texts.not_at_question)
        question = template.questions[index]
        if turn.state.parts:
            note = self._reports.commit_parts(turn)
            self._suggestions.offer(turn, case, template, question.key)
        elif question.key in turn.answers(case):
            note = self._texts.answer_kept.format(n=index + 1)
        else:
            raise UserFacingError(self._texts.nothing_written)
        return self._reports.advance(turn, template, note)

    def draft(self, turn: Turn, _argument: str) -> list[Reply]:
        case, template = self._reports.current(turn)
        answers = turn.answers(case)
        return [
            views.draft_view(
                self._texts, template, case.case_number, answers, len(turn.state.parts)
            )
        ]

    def cancel(self, turn: Turn, _argument: str) -> list[Reply]:
        state = turn.state
        if state.awaiting is not Awaiting.NOTHING:
            state.clear_waiting()
            return [say(self._texts.cancelled_choice)]
        if state.parts:
            state.awaiting = Awaiting.CONFIRM
            state.confirm_action = "discard_parts"
            return [
                say(
                    self._texts.confirm_discard.format(
                        parts=views.counted(self._texts, "parts", len(state.parts))
                    ),
                    buttons=(
                        (
                            Button(self._texts.button_yes_discard, "/ja"),
                            Button(self._texts.button_no_keep, "/nej"),
                        ),
                    ),
                )
            ]
        if state.question_index is not None:
            state.question_index = None
            state.return_index = None
            return [say(self._texts.left_questions)]
        return [say(self._texts.nothing_to_cancel)]

    def confirm_yes(self, turn: Turn, _argument: str) -> list[Reply]:
        state = turn.state
        if state.awaiting is not Awaiting.CONFIRM:
            raise UserFacingError(self._texts.nothing_to_confirm)
        if state.confirm_action == "discard_parts":
            count = len(state.parts)
            state.parts = []
            state.question_index = None
            state.return_index = None
            state.clear_waiting()
            return [
                say(self._texts.discarded.format(parts=views.counted(self._texts, "parts", count)))
            ]
        state.clear_waiting()
        return [say(self._texts.nothing_to_confirm)]

    def confirm_no(self, turn: Turn, _argument: str) -> list[Reply]:
        if turn.state.awaiting is not Awaiting.CONFIRM:
            raise UserFacingError(self._texts.nothing_to_confirm)
        turn.state.clear_waiting()
        return self._reports.ask(turn, self._texts.kept)
