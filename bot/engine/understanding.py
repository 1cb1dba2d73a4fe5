"""Before a message becomes (part of) an answer: is it one?

The rule fails closed. A short message is stored only when it fits the answer its question
asks for (the mall's `answer` shape) and shows no sign of being said to the bot (talk.py:
"?", "vänta lite", "tack!", "fel ruta", English, …); otherwise the bot asks in one line
what was meant, with buttons for the command it most likely meant (intents.py, the cue
words of cues.py) and "Spara det som svar". A pasted whole report (several of the mall's
headings) is offered as an import. The message waits in the state until the user chooses;
a command or a new message lets it go.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from bot.engine.answering import Answering
from bot.engine.cues import SHAPE, Cue, CueRules
from bot.engine.importing import DraftImport
from bot.engine.intents import NEXT, IntentRules
from bot.engine.messages import Button, IncomingFile, Reply, say
from bot.engine.parsing import COMMAND_LABELS
from bot.engine.placing import MessagePlacing, fingerprint
from bot.engine.reports import Reports
from bot.engine.signature import SignatureBlock
from bot.engine.state import Awaiting, PendingMessage
from bot.engine.talk import TalkRules
from bot.engine.turn import Turn
from bot.engine.undo import quote
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog

REPORT_KIND = "report"  # a pasted whole report, in PendingMessage.kind
MIN_HEADINGS = 2  # this many of one mall's headings make a pasted text a whole report
MAX_HEADING_CHARS = 300
HEADING_SIMILARITY = 0.85
PASTED_FILENAME = "inklistrad-text.txt"
# A message at least this long that comes after a pasted report is the rest of the paste.
PASTE_CONTINUATION_CHARS = 1_000
MAX_PASTED_REPORT_CHARS = 200_000
YES = ("ja", "j", "yes", "ja tack", "japp")
NO = ("nej", "n", "no", "nej tack")
KEEP = (
    "ja, det är mitt svar",
    "ja det är mitt svar",
    "det är mitt svar",
    "mitt svar",
    "spara det som svar",
    "spara som svar",
    "spara det",
    "spara",
)


def _plain(text: str) -> str:
    return " ".join(text.strip().lower().rstrip(".!").split())


def _normalised(line: str) -> str:
    line = re.sub(r"[*#_>]", "", line).strip().rstrip(":?").strip().lower()
    line = re.sub(r"^\d{1,2}[.)]\s*", "", line)
    return re.sub(r"\s+", " ", line)


def mall_headings(text: str, catalog: TemplateCatalog) -> int:
    """How many different questions of one mall the text has as headings of their own."""
    lines = [_normalised(line) for line in text.splitlines() if len(line) <= MAX_HEADING_CHARS]
    lines = [line for line in lines if line]
    best = 0
    for template in catalog.all():
        found = 0
        for question in template.questions:
            wanted = _normalised(question.text)
            if any(
                line == wanted or SequenceMatcher(None, line, wanted).ratio() >= HEADING_SIMILARITY
                for line in lines
                if abs(len(line) - len(wanted)) <= len(wanted) // 4 + 3
            ):
                found += 1
        best = max(best, found)
    return best


class Understanding:
    """Decides whether a message is an answer, and asks when it may not be."""

    def __init__(
        self,
        reports: Reports,
        answering: Answering,
        signature: SignatureBlock,
        imports: DraftImport,
        cues: CueRules,
        can_import: bool,
        talk: TalkRules,
        intents: IntentRules,
        placing: MessagePlacing | None = None,
    ) -> None:
        """`placing` asks the language model for a second look at a message the rules
        could not place surely (None: no model)."""
        self._reports = reports
        self._texts = reports.texts
        self._answering = answering
        self._signature = signature
        self._imports = imports
        self._cues = cues
        self._can_import = can_import
        self._talk = talk
        self._intents = intents
        self._placing = placing

    def whole_report(self, turn: Turn, text: str, ref: str | None) -> list[Reply] | None:
        """A pasted whole report: offer to read it in; None when the text is not one."""
        if not self._can_import or "\n" not in text:
            return None
        count = mall_headings(text, self._reports.catalog)
        if count < MIN_HEADINGS:
            return None
        self._wait(turn, PendingMessage(text=text, ref=ref, kind=REPORT_KIND))
        buttons = (
            (Button(self._texts.button_read_in, "/lasin"),),
            (Button(self._texts.button_its_my_answer, "/svar"),),
        )
        question = self._texts.cue_report.format(count=count)
        return [say(question, self._texts.cue_not_saved_report, buttons=buttons)]

    def at_question(self, turn: Turn, text: str, ref: str | None) -> list[Reply]:
        """A message at a question: (a part of) the answer when it fits the answer the
        question asks for and shows no sign of being said to the bot; else asked about."""
        cue = self._talk_cue(text)
        if cue is None and self._talk.short(text):
            _, template = self._reports.current(turn)
            assert turn.state.question_index is not None
            shape = template.questions[turn.state.question_index].shape
            if not self._talk.fits(text, shape):
                cue = self._cues.cue(SHAPE)
        if cue is None:
            return self._answering.answer_text(turn, text, ref)
        # The cue words of prompts/cues.toml are sure; a sign or a shape is a guess.
        unsure = self._cues.classify(text) is None
        pending = PendingMessage(text=text, ref=ref, kind=cue.kind)
        return self._ask(turn, cue, pending, second_look=unsure)

    def talk_kind(self, text: str) -> str | None:
        """The kind of talk a message is, if it is said to the bot rather than written."""
        cue = self._talk_cue(text)
        return cue.kind if cue is not None else None

    def _talk_cue(self, text: str) -> Cue | None:
        """The cue words' kind, or the talk rules' one; a message about the one before
        ("det där skulle inte med") is always offered /angra first."""
        kind = self._talk.sign(text)
        cue = self._cues.classify(text)
        if kind == "back" or (cue is None and kind is not None):
            return self._cues.cue(kind)
        return cue

    def after_signature(self, turn: Turn, text: str, ref: str | None) -> list[Reply] | None:
        """A further line of the signature block just written; None when it cannot be one."""
        if not self._signature.may_continue(turn, text):
            return None
        cue = self._talk_cue(text)
        if cue is None:
            return self._signature.further_lines(turn, text, ref)
        pending = PendingMessage(text=text, ref=ref, kind=cue.kind, signature_line=True)
        return self._ask(turn, cue, pending)

    def _wait(self, turn: Turn, pending: PendingMessage) -> None:
        """Keep the message in the state, unstored, until the user says what they meant."""
        turn.state.clear_waiting()
        turn.state.awaiting = Awaiting.UNCLEAR
        turn.state.pending = pending

    def _ask(
        self, turn: Turn, cue: Cue, pending: PendingMessage, second_look: bool = False
    ) -> list[Reply]:
        self._wait(turn, pending)
        state = turn.state
        shown = quote(pending.text)
        intro = self._texts[f"cue_{cue.kind}"] if cue.kind != SHAPE else ""
        if pending.signature_line:
            not_saved = self._texts.cue_not_saved_signature.format(text=shown)
        else:
            assert state.question_index is not None
            key = "cue_not_saved_part" if state.parts else "cue_not_saved_answer"
            not_saved = self._texts[key].format(text=shown, n=state.question_index + 1)
            if cue.kind == SHAPE:
                _, template = self._reports.current(turn)
                shape = template.questions[state.question_index].shape
                intro = self._texts[f"cue_shape_{shape.value}"]
        pairs = [*self._meant(turn, pending.text), *cue.buttons]
        unique = list(dict.fromkeys(command for _, command in pairs))
        labels = {command: label for label, command in reversed(pairs)}
        commands = tuple(Button(self._texts[labels[c]], c) for c in unique[:3])
        buttons = (commands, (Button(self._texts.button_its_my_answer, "/svar"),))
        if second_look and self._placing is not None:
            self._placing.ask(turn, pending, tuple(b.command for b in commands))
        return [say(f"{intro} {not_saved}", buttons=buttons)]

    def _meant(self, turn: Turn, text: str) -> list[tuple[str, str]]:
        """The command the words most likely mean, as (label key, command), first."""
        if turn.state.parts and self._intents.has_aside(text):
            return []  # "oj, stavfel …" while writing: the part just written, /angra first
        meant = self._intents.suggestion(text)
        if meant == NEXT:
            meant = "klar" if turn.state.parts else "hoppa"
        if meant is None or meant not in COMMAND_LABELS:
            return []
        return [(COMMAND_LABELS[meant], f"/{meant}")]

    def meant_command(self, turn: Turn, text: str) -> str | None:
        """A typed "ja" answers the question the bot asked ("Vill du sluta för nu?"): the
        command of its first button; None for any other text."""
        pending = turn.state.pending
        if pending is None or _plain(text) not in YES:
            return None
        if pending.suggested is not None:
            return pending.suggested  # the model's second look pointed there (placing.py)
        if pending.kind == REPORT_KIND:
            return "/lasin"
        if pending.kind == SHAPE:
            return "/svar"  # "ja" to "that does not look like a nämnd": it is one
        meant = self._meant(turn, pending.text)
        return meant[0][1] if meant else self._cues.first_command(pending.kind)

    def decide(self, turn: Turn, text: str, ref: str | None = None) -> list[Reply] | None:
        """A reply typed while a message waits: "ja, det är mitt svar" keeps it, "nej" lets
        it go; anything else lets it go and is handled as a new message (None). A long text
        right after a pasted report is the rest of that paste (a chat splits a long paste
        into several messages) and joins it."""
        answer = _plain(text)
        if answer in KEEP:
            return self.keep(turn, "")
        pending = turn.state.pending
        if (
            pending is not None
            and pending.kind == REPORT_KIND
            and len(text) >= PASTE_CONTINUATION_CHARS
            and len(pending.text) + len(text) <= MAX_PASTED_REPORT_CHARS
        ):
            joined = PendingMessage(text=f"{pending.text}\n{text}", ref=ref, kind=REPORT_KIND)
            turn.state.pending = None
            offer = self.whole_report(turn, joined.text, ref)
            if offer is not None:
                return offer
        turn.state.clear_waiting()
        if answer in NO and pending is not None:
            return self._let_go(turn, pending)
        return None

    def _let_go(self, turn: Turn, pending: PendingMessage) -> list[Reply]:
        dropped = self._texts.unclear_dropped.format(text=quote(pending.text))
        if turn.state.question_index is not None and turn.current_case() is not None:
            return self._reports.ask(turn, dropped)
        return [say(dropped)]

    def keep(self, turn: Turn, argument: str) -> list[Reply]:
        """/svar ("Ja, det är mitt svar"): store the waiting message where it was meant to go.
        "/svar <fingerprint>" (a button that came later, placing.py) stores only the message
        it names, never one that came after it."""
        pending = turn.state.pending
        if turn.state.awaiting is not Awaiting.UNCLEAR or pending is None:
            raise UserFacingError(self._texts.nothing_pending)
        if argument.strip() and argument.strip() != fingerprint(pending):
            raise UserFacingError(self._texts.placing_outdated)
        turn.state.clear_waiting()
        if pending.signature_line and self._signature.may_continue(turn, pending.text):
            return self._signature.further_lines(turn, pending.text, pending.ref)
        if turn.state.question_index is None:
            raise UserFacingError(self._texts.not_at_question)
        return self._answering.answer_text(turn, pending.text, pending.ref)

    def read_in(self, turn: Turn, _argument: str) -> list[Reply]:
        """/lasin: read the waiting pasted report in as an import, with its confirmation."""
        pending = turn.state.pending
        if turn.state.awaiting is not Awaiting.UNCLEAR or pending is None:
            raise UserFacingError(self._texts.nothing_pending)
        turn.state.clear_waiting()
        file = IncomingFile(PASTED_FILENAME, pending.text.encode("utf-8"))
        return self._imports.import_file(turn, file, None)
