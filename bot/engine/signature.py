"""The signature question: the responsible manager's block of name, title, unit and
förvaltning, in one multi-line message or in several.

The first message is stored as the signature at once. While the report waits after the
last question, each further short message is one more line of the block (a name that
comes after a title goes first), until the user does something else.
"""

from __future__ import annotations

from bot.engine.cues import CueRules
from bot.engine.messages import Block, Button, Reply
from bot.engine.reports import Reports
from bot.engine.state import AnswerPart
from bot.engine.turn import Turn
from bot.mall.case_numbers import looks_like_case_number
from bot.mall.template import Template
from storage.models import Case

MAX_SIGNATURE_LINES = 8
MAX_LINE_CHARS = 200
LINE_BREAK = "\n"


def block_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SignatureBlock:
    """Stores the signature block the way the document prints it: one line per line."""

    def __init__(self, reports: Reports, cues: CueRules) -> None:
        self._reports = reports
        self._texts = reports.texts
        self._cues = cues

    def first_message(
        self, turn: Turn, case: Case, template: Template, index: int, part: AnswerPart
    ) -> list[Reply]:
        key = template.questions[index].key
        lines = block_lines(part.text)
        self._reports.save(turn, case, template, key, [part], separator=LINE_BREAK)
        notes = [self._texts.answer_saved.format(n=index + 1)]
        if not self._cues.starts_with_name(part.text):
            notes.append(self._texts.signature_needs_name)
        if len(lines) == 1:
            notes.append(self._texts.signature_more)
        replies = self._reports.advance(turn, template, " ".join(notes))
        if turn.state.question_index is None and len(lines) < MAX_SIGNATURE_LINES:
            turn.state.signature_open = key
        return replies

    def may_continue(self, turn: Turn, text: str) -> bool:
        """Whether `text` can be a further line (or lines) of the open signature block."""
        lines = block_lines(text)
        return (
            turn.state.signature_open is not None
            and turn.state.question_index is None
            and bool(lines)
            and len(lines) < MAX_SIGNATURE_LINES
            and all(len(line) <= MAX_LINE_CHARS for line in lines)
            and not looks_like_case_number(text)  # a new report's diarienummer
        )

    def further_lines(self, turn: Turn, text: str, ref: str | None) -> list[Reply]:
        """Add the lines to the signature block and show the whole block."""
        case, template = self._reports.current(turn)
        key = turn.state.signature_open
        assert key is not None
        current = turn.answers(case).get(key)
        parts = [
            AnswerPart(text=str(p["text"]), ref=p.get("ref"))
            for p in (current.parts if current is not None and current.text.strip() else [])
        ]
        new = AnswerPart(text=text, ref=ref)
        has_name = bool(parts) and self._cues.starts_with_name(parts[0].text)
        if not has_name and self._cues.starts_with_name(text):
            parts.insert(0, new)  # the name goes first, before a title written earlier
        else:
            parts.append(new)
        self._reports.save(turn, case, template, key, parts, separator=LINE_BREAK)
        block = block_lines(LINE_BREAK.join(p.text for p in parts))
        if len(block) >= MAX_SIGNATURE_LINES:
            turn.state.signature_open = None
        blocks = [
            Block(self._texts.answer_saved.format(n=template.index_of(key) + 1)),
            Block(self._texts.signature_now),
            Block(LINE_BREAK.join(block)),
        ]
        if not self._cues.starts_with_name(block[0]):
            blocks.append(Block(self._texts.signature_needs_name))
        buttons = (
            (
                Button(self._texts.button_draft, "/utkast"),
                Button(self._texts.button_documents, "/dokument"),
            ),
        )
        return [Reply(tuple(blocks), buttons)]
