"""Commands in words, mistyped commands, and what a message at no question gets.

"visa vad jag skrivit", "ta om frågan", "nästa", "gå till fråga 5", "ta bort det sista" and
"Klart!" run their command (the grammar is prompts/intents.toml); "/klarr" gets "Menade du
/klar?" with the command as a button; "hej" at no question is answered as a greeting, and
other text there says what to do, with buttons.
"""

from __future__ import annotations

from bot.engine.access import may_coordinate
from bot.engine.intents import NEXT, IntentRules, closest_command
from bot.engine.messages import Button, Reply, say
from bot.engine.parsing import ALIASES, COMMANDS, COORDINATOR_COMMANDS, Command
from bot.engine.reports import Reports
from bot.engine.state import Awaiting
from bot.engine.turn import Turn
from bot.engine.understanding import Understanding

MAX_SHOWN_COMMAND = 30
# States in which a command in words may be meant; elsewhere the text answers what waits.
OPEN_TO_WORDS = (Awaiting.NOTHING, Awaiting.UNCLEAR)
STOP = "avbryt"


class CommandWords:
    """Reads commands said in words and answers messages that fit nowhere."""

    def __init__(self, reports: Reports, intents: IntentRules, understanding: Understanding):
        self._reports = reports
        self._texts = reports.texts
        self._intents = intents
        self._understanding = understanding

    def command(self, turn: Turn, text: str) -> Command | None:
        """The command a message says in words; None for anything else."""
        if turn.state.awaiting not in OPEN_TO_WORDS:
            return None
        found = self._intents.command_of(text)
        if found is None:
            return None
        name, argument = found
        if name == NEXT:
            name = "klar" if turn.state.parts else "hoppa"
        if turn.state.parts and (name == STOP or self._intents.has_aside(text)):
            # While writing, "avsluta" may mean "klar", and "oj, stavfel. gå tillbaka" the
            # part just written: asked about, not acted on.
            return None
        return Command(name, argument, in_words=True)

    def unknown(self, turn: Turn, name: str) -> list[Reply]:
        """ "/klarr": "Menade du /klar?" with the command as a button; nothing changes."""
        names = [n for n, _ in COMMANDS] + list(ALIASES)
        if may_coordinate(turn.user):
            names += [n for n, _ in COORDINATOR_COMMANDS]
        meant = closest_command(name, names)
        shown = name[:MAX_SHOWN_COMMAND]
        if meant is None:
            return [say(self._texts.unknown_command.format(command=shown))]
        meant = ALIASES.get(meant, meant)
        button = Button(f"/{meant}", f"/{meant}")
        return [
            say(self._texts.did_you_mean.format(command=shown, meant=meant), buttons=((button,),))
        ]

    def at_no_question(self, turn: Turn, text: str) -> list[Reply]:
        """A message when no question waits: a greeting back, or what to do now."""
        case = turn.current_case()
        new = Button(self._texts.button_new, "/ny")
        resume = Button(self._texts.button_resume, "/fortsatt")
        if self._understanding.talk_kind(text) == "greeting":
            greeting = self._texts.greeting_reply.format(name=turn.user.display_name)
            row = (new, resume) if case is not None else (new,)
            return [say(greeting, buttons=(row,))]
        if case is not None:
            draft = Button(self._texts.button_draft, "/utkast")
            return [say(self._texts.report_open_not_at_question, buttons=((resume, draft),))]
        return [say(self._texts.not_understood, buttons=((new,),))]
