"""A message that answers the current question, and a message edited in the chat."""

from __future__ import annotations

from bot.engine.messages import Button, Reply, say
from bot.engine.reports import MAX_ANSWER_CHARS, PART_SEPARATOR, Reports
from bot.engine.signature import LINE_BREAK, SignatureBlock
from bot.engine.state import AnswerPart
from bot.engine.turn import Turn
from bot.mall.errors import UserFacingError
from bot.mall.template import QuestionKind
from storage import repository as repo


class Answering:
    """Text the user writes as (part of) an answer, and edits of what they wrote."""

    def __init__(self, reports: Reports, signature: SignatureBlock) -> None:
        self._reports = reports
        self._signature = signature
        self._catalog = reports.catalog
        self._texts = reports.texts

    def answer_text(self, turn: Turn, text: str, message_ref: str | None) -> list[Reply]:
        case, template = self._reports.current(turn)
        index = turn.state.question_index
        assert index is not None
        question = template.questions[index]
        part = AnswerPart(text=text, ref=message_ref)
        if question.kind is QuestionKind.SIGNATURE:
            return self._signature.first_message(turn, case, template, index, part)
        if not question.kind.collects_several_messages:
            self._reports.save(turn, case, template, question.key, [part])
            return self._reports.advance(
                turn, template, self._texts.answer_saved.format(n=index + 1)
            )
        total = sum(len(p.text) for p in turn.state.parts) + len(text)
        if total > MAX_ANSWER_CHARS:
            raise UserFacingError(self._texts.answer_too_long.format(limit=MAX_ANSWER_CHARS))
        turn.state.parts.append(part)
        count = len(turn.state.parts)
        # Stored in the state at once; it becomes (part of) the answer with "klar".
        return [
            say(
                self._texts.part_received.format(count=count),
                buttons=((Button(self._texts.button_done, "/klar"),),),
            )
        ]

    def edited_message(self, turn: Turn, text: str, message_ref: str | None) -> list[Reply]:
        """An edit in the chat: update the part or the stored answer it belongs to."""
        if message_ref is None:
            return [say(self._texts.edit_not_found)]
        for part in turn.state.parts:
            if part.ref == message_ref:
                total = sum(len(p.text) for p in turn.state.parts) - len(part.text) + len(text)
                if total > MAX_ANSWER_CHARS:
                    raise UserFacingError(
                        self._texts.answer_too_long.format(limit=MAX_ANSWER_CHARS)
                    )
                part.text = text
                return [say(self._texts.edit_applied_to_parts)]
        for case in repo.cases_of_user(turn.session, turn.user.id):
            template = self._catalog.get(case.template_id)
            for key, answer in turn.answers(case).items():
                # Message ids are counted per chat, so only this user's own answers match.
                if answer.author_user_id != turn.user.id:
                    continue
                refs = [p.get("ref") for p in answer.parts]
                if message_ref not in refs:
                    continue
                parts = [
                    AnswerPart(
                        text=text if p.get("ref") == message_ref else str(p["text"]),
                        ref=p.get("ref"),
                    )
                    for p in answer.parts
                ]
                signature = template.question(key).kind is QuestionKind.SIGNATURE
                separator = LINE_BREAK if signature else PART_SEPARATOR
                self._reports.save(turn, case, template, key, parts, separator=separator)
                number = template.index_of(key) + 1
                return [
                    say(
                        self._texts.edit_applied_to_answer.format(
                            n=number, case_number=case.case_number
                        )
                    )
                ]
        return [say(self._texts.edit_not_found)]
