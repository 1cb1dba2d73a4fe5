"""Turning a message into a command: slash commands, button data and plain Swedish phrases."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.mall.template import Template

# (name, description) of every command, in the order the help and Telegram's menu show them.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Börja här: vad assistenten gör"),
    ("ny", "Ny redovisning för ett ärende: /ny STK-2018-1307"),
    ("arenden", "Dina ärenden och hur långt de har kommit"),
    ("fortsatt", "Fortsätt där du var, eller med ett annat ärende"),
    ("status", "Var du är just nu"),
    ("tillbaka", "Föregående fråga"),
    ("hoppa", "Hoppa över frågan tills vidare"),
    ("fraga", "Gå till fråga nummer N: /fraga 3"),
    ("andra", "Ändra ett svar: /andra 7 eller /andra budget ny text"),
    ("klar", "Svaret är färdigt, gå vidare"),
    ("utkast", "Visa hela redovisningen så här långt"),
    ("budget", "Budgetens siffror: se, bekräfta eller rätta dem"),
    ("uppgifter", "Ärendets uppgifter (nämnd, beslut, mottagare …): se och rätta dem"),
    ("granska", "Granska redovisningen"),
    ("dokument", "Hämta redovisningen som Word och PDF"),
    ("angra", "Ångra: ta bort den senaste delen eller det senaste svaret"),
    ("skicka", "Skicka den signerade redovisningen till registratorn"),
    ("tjansteskrivelse", "Utkast till nämndens tjänsteskrivelse, som Word och PDF"),
    ("avbryt", "Avbryt det du håller på med"),
    ("hjalp", "Hjälp och alla kommandon"),
)

# The button offered for a command said in words (or named by the language model), by
# its label's text key.
COMMAND_LABELS = {
    "klar": "button_done",
    "hoppa": "button_skip",
    "tillbaka": "button_back",
    "utkast": "button_draft",
    "angra": "button_undo",
    "fortsatt": "button_show_question",
    "status": "button_status",
    "hjalp": "button_help",
    "avbryt": "button_cancel",
}
# Commands for coordinators and administrators, shown in their help.
COORDINATOR_COMMANDS: tuple[tuple[str, str], ...] = (
    ("registrera", "Registrera ett ärende steg för steg (eller skicka en CSV/XLSX-fil)"),
    ("oversikt", "Alla dina ärenden efter sista svarsdatum, också som Excel-fil"),
    ("sammanstallning", "Årets sammanställning för kommunstyrelsen: /sammanstallning 2019"),
    ("inbjudan", "Skapa en inbjudningskod: /inbjudan handläggare eller samordnare"),
    ("ansvarig", "Gör en användare ansvarig för ett ärende: /ansvarig STK-2018-1307 #12"),
    ("anvandare", "Alla användare med nummer och roll"),
    ("ta_bort", "Ta bort någon från ett ärende: /ta_bort STK-2018-1307 #12"),
    ("sparra", "Spärra en användare (administratör): /sparra 12"),
)
ALIASES = {
    "hjälp": "hjalp",
    "ångra": "angra",
    "ändra": "andra",
    "help": "hjalp",
    "fråga": "fraga",
    "ärenden": "arenden",
    "fortsätt": "fortsatt",
    "översikt": "oversikt",
    "spärra": "sparra",
    "användare": "anvandare",
    "tjänsteskrivelse": "tjansteskrivelse",
    "sammanställning": "sammanstallning",
    "förra": "forra",
}

SLASH_COMMAND = re.compile(r"^/([A-Za-zÅÄÖåäö_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
EDIT_IN_WORDS = re.compile(
    r"^(?:ändra|redigera)\s+(?:svaret\s+på\s+|svar\s+)?(?:fråga\s+)?([\wåäöÅÄÖ]+)"
    r"(?:\s*[:–-]\s*(.*))?$",
    re.DOTALL | re.IGNORECASE,
)
GO_TO_QUESTION = re.compile(r"^(?:gå\s+till\s+)?fråga\s+(\d+)$", re.IGNORECASE)
PHRASES = {
    "klar": "klar",
    "färdig": "klar",
    "färdigt": "klar",
    "tillbaka": "tillbaka",
    "gå tillbaka": "tillbaka",
    "föregående": "tillbaka",
    "föregående fråga": "tillbaka",
    "hoppa": "hoppa",
    "hoppa över": "hoppa",
    "utkast": "utkast",
    "visa utkast": "utkast",
    "visa utkastet": "utkast",
    "avbryt": "avbryt",
    "hjälp": "hjalp",
    "status": "status",
    "granska": "granska",
    "ångra": "angra",
    "ångra det": "angra",
    "ångra det där": "angra",
    "ångra senaste": "angra",
    "ta tillbaka": "angra",
}
MAX_PHRASE_LENGTH = 60


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""
    in_words: bool = False  # said in plain Swedish rather than as /command


def parse_command(text: str) -> Command | None:
    """A /command (or a button's data); None when the text is not one."""
    match = SLASH_COMMAND.match(text.strip())
    if not match:
        return None
    name = match.group(1).lower()
    name = ALIASES.get(name, name)
    return Command(name=name, argument=(match.group(2) or "").strip())


def parse_phrase(text: str, template: Template | None) -> Command | None:
    """A command said in words ("hoppa över", "ändra budgeten: …"); None for ordinary text.

    Only short whole-message phrases count, so an answer is never mistaken for a command;
    "ändra X: …" counts only when X names a question of the template.
    """
    stripped = text.strip()
    edit = EDIT_IN_WORDS.match(stripped)
    if edit and template is not None:
        target = edit.group(1)
        if resolve_question(target, template) is not None:
            argument = target if edit.group(2) is None else f"{target} {edit.group(2).strip()}"
            return Command("andra", argument.strip(), in_words=True)
    if len(stripped) > MAX_PHRASE_LENGTH:
        return None
    simple = stripped.lower().rstrip(".!")
    if simple in PHRASES:
        return Command(PHRASES[simple], in_words=True)
    go_to = GO_TO_QUESTION.match(simple)
    if go_to:
        return Command("fraga", go_to.group(1), in_words=True)
    return None


def resolve_question(target: str, template: Template) -> int | None:
    """The index of the question named by number ("3") or by word ("budgeten")."""
    word = target.strip().lower().rstrip(":")
    if word.isdecimal() and word.isascii() and len(word) <= 3:
        number = int(word)
        return number - 1 if 1 <= number <= len(template.questions) else None
    for index, question in enumerate(template.questions):
        if word == question.key or word in (alias.lower() for alias in question.aliases):
            return index
    return None


def split_target(argument: str) -> tuple[str, str]:
    """Split "7 ny text" or "budget: ny text" into the target and the text."""
    match = re.match(r"^([\wåäöÅÄÖ]+)\s*[:–-]?\s*(.*)$", argument.strip(), re.DOTALL)
    if not match:
        return argument.strip(), ""
    return match.group(1), match.group(2).strip()
