"""The ärende's facts in the chat: /uppgifter, facts said in words, read back for a yes.

"Kopian ska gå till asa.pahlmblad@malmo.se, inte Anders. Resten stämmer." at any point of
the conversation is read (fact_words.py) and read back — "Kopia till:
asa.pahlmblad@malmo.se (i stället för anders.p.eriksson@malmo.se). Stämmer det?" — and
kept only after a yes, as the official's (case_facts.py keeps the history). A fact a
coordinator registered is not changed by the official: the reply names the coordinator.
A coordinator corrects a registered ärende with `/uppgifter STK-2018-1304 kopia …`; the
change is written to the audit trail. An imported file's facts and a near miss of the
nämnd in the answer to question 1 come through the same read-back.
"""

from __future__ import annotations

from typing import Any

from bot.arende.signed_state import PRINTED_FACTS, changed_after_signing
from bot.engine.access import may_coordinate
from bot.engine.case_facts import (
    FACT_NAMES,
    Fact,
    FactSheet,
    decided_by,
    keep_fact,
    sheet_of,
    show_value,
)
from bot.engine.committee_fact import COMMITTEE_KEY, committee_after_saves
from bot.engine.fact_texts import FactTexts, fact_texts
from bot.engine.fact_words import read_fact_words
from bot.engine.membership import may_manage
from bot.engine.messages import Block, Button, Reply, Style, say
from bot.engine.reports import Reports
from bot.engine.signed_notice import stale_signature_note
from bot.engine.state import Awaiting
from bot.engine.turn import Turn
from bot.mall.case_numbers import looks_like_case_number, normalise_case_number
from bot.mall.errors import UserFacingError
from bot.mall.template import QuestionKind
from storage import access_repository as access_repo
from storage import ledger_repository as ledger_repo
from storage import repository as repo
from storage.models import Case

YES = ("ja", "j", "japp", "ja det stämmer", "det stämmer", "stämmer", "ja, det stämmer")
NO = ("nej", "n", "nej det stämmer inte", "stämmer inte")


def _word(text: str) -> str:
    return " ".join(text.strip().lower().lstrip("/").rstrip(".!").split())


class FactDesk:
    """/uppgifter, the facts in words, and their read-back."""

    def __init__(self, reports: Reports, texts: FactTexts | None = None) -> None:
        self._reports = reports
        self._catalog = reports.catalog
        self.texts = texts or fact_texts()

    # -- the call site in the conversation ------------------------------------------------

    def takes(self, turn: Turn, text: str) -> bool:
        """Whether this message is about the ärende's facts (a yes or no to the read-back,
        or a message that is nothing but facts)."""
        state = turn.state
        if state.awaiting is Awaiting.FACTS:
            return True
        if state.awaiting is not Awaiting.NOTHING or turn.current_case() is None:
            return False
        return self._reading_here(turn, text) is not None

    def reply(self, turn: Turn, text: str) -> list[Reply]:
        state = turn.state
        if state.awaiting is Awaiting.FACTS:
            word = _word(text)
            if word in YES:
                return self._keep(turn)
            if word in NO:
                state.clear_waiting()
                return [say(self.texts.not_kept), *self._resume(turn)]
            reading = read_fact_words(text)
            if reading is None:
                raise UserFacingError(self.texts.yes_or_no)
            case = turn.own_case(int(state.facts["case_id"]))
            if case is None:
                state.clear_waiting()
                raise UserFacingError(self.texts.no_case)
            changes = {**state.facts["changes"], **{c.name: c.value for c in reading.changes}}
            state.clear_waiting()
            return self.propose(turn, case, changes, "official", reading.unreadable)
        case = turn.current_case()
        reading = self._reading_here(turn, text)
        if case is None or reading is None:
            return []
        changes = {c.name: c.value for c in reading.changes}
        return self.propose(turn, case, changes, "official", reading.unreadable)

    def _reading_here(self, turn: Turn, text: str) -> Any:
        """The facts in a message, unless the question the user stands at is about the
        same thing (the nämnd at question 1, the amounts at the budget question)."""
        reading = read_fact_words(text)
        if reading is None:
            return None
        template = self._reports.template_of(turn)
        index = turn.state.question_index
        if template is not None and index is not None and 0 <= index < len(template.questions):
            question = template.questions[index]
            names = {c.name for c in reading.changes}
            if question.key == COMMITTEE_KEY and names <= {"committee"}:
                return None
            if question.kind is QuestionKind.BUDGET and "granted_amount_kr" in names:
                return None
        return reading

    # -- /uppgifter -----------------------------------------------------------------------

    def command(self, turn: Turn, argument: str) -> list[Reply]:
        """/uppgifter shows the facts with who gave each; /uppgifter <rättelse> corrects;
        a coordinator names the ärende first: /uppgifter STK-2018-1304 kopia a@b.se."""
        words = argument.split(maxsplit=1)
        named = words and looks_like_case_number(words[0])
        case = self._named_case(turn, words[0]) if named else turn.current_case()
        rest = (words[1] if len(words) > 1 else "") if named else argument
        if case is None:
            raise UserFacingError(self.texts.no_case)
        source = (
            "coordinator" if may_coordinate(turn.user) and may_manage(turn, case) else "official"
        )
        if not rest.strip():
            return [self.facts_view(turn, case, source == "coordinator")]
        reading = read_fact_words(rest, whole_message=False)
        if reading is None or not reading.changes and not reading.unreadable:
            raise UserFacingError(
                self.texts.nothing_read.format(given=rest[:60], how=self.texts.how_to_correct)
            )
        changes = {c.name: c.value for c in reading.changes}
        return self.propose(turn, case, changes, source, reading.unreadable)

    def _named_case(self, turn: Turn, typed: str) -> Case:
        number = normalise_case_number(typed)
        case = repo.find_case(turn.session, number)
        if case is None or not (turn.is_member(case) or may_manage(turn, case)):
            raise UserFacingError(self.texts.no_such_case.format(case_number=number[:40]))
        return case

    def _source_text(self, turn: Turn, source: str | None, user_id: int | None) -> str:
        if source is None:
            return self.texts.source_unknown
        if source in ("mall_text", "answer"):
            return str(self.texts[f"source_{source}"])
        user = access_repo.find_user_by_id(turn.session, user_id) if user_id else None
        return self.texts[f"source_{source}"].format(name=user.display_name if user else "–")

    def facts_view(self, turn: Turn, case: Case, coordinator: bool = False) -> Reply:
        sheet = sheet_of(turn.session, case)
        template = self._catalog.get(case.template_id)
        blocks = [Block(self.texts.heading.format(case_number=case.case_number), Style.HEADING)]
        for name in FACT_NAMES:
            fact = decided_by(sheet, template) if name == "decided_by" else sheet.get(name)
            if name == "granted_amount_kr" and not fact.known:
                fact = _confirmed_granted(turn, case)
            label = self.texts.label(name)
            if not fact.known:
                blocks.append(Block(self.texts.line_missing.format(label=label)))
                continue
            source = self._source_text(turn, fact.source, fact.user_id)
            value = show_value(name, fact.value)
            blocks.append(Block(self.texts.line.format(label=label, value=value, source=source)))
        for name in FACT_NAMES:
            earlier = [f for f in sheet.history.get(name, ())[:-1] if f.known]
            if earlier:
                values = "; ".join(show_value(name, f.value) for f in earlier)
                blocks.append(
                    Block(
                        self.texts.history_line.format(label=self.texts.label(name), values=values)
                    )
                )
        hint = (
            self.texts.coordinator_hint.format(case_number=case.case_number)
            if coordinator
            else self.texts.how_to_correct
        )
        blocks.append(Block(hint, Style.ITALIC))
        return Reply(tuple(blocks))

    # -- the read-back --------------------------------------------------------------------

    def propose(
        self,
        turn: Turn,
        case: Case,
        changes: dict[str, Any],
        source: str,
        unreadable: tuple[str, ...] = (),
        note: str | None = None,
    ) -> list[Reply]:
        """Read the changes back and wait for a yes; a coordinator's fact is not changed by
        the official (the reply says so)."""
        sheet = sheet_of(turn.session, case)
        refused = [
            self.texts.registered_outranks.format(
                label=self.texts.label(name),
                case_number=case.case_number,
                value=show_value(name, sheet.get(name).value),
            )
            for name in changes
            if source != "coordinator"
            and sheet.get(name).from_coordinator
            and sheet.get(name).value != changes[name]
        ]
        wanted = {
            name: value
            for name, value in changes.items()
            if not (source != "coordinator" and sheet.get(name).from_coordinator)
            and sheet.get(name).value != value
        }
        problems = [self.texts.unreadable.format(sentence=s[:80]) for s in unreadable]
        problems += refused
        if not wanted:
            return [say(*problems, self.texts.not_kept)] if problems else []
        lines = [note] if note else []
        lines += problems
        turn.state.clear_waiting()
        turn.state.awaiting = Awaiting.FACTS
        turn.state.facts = {"case_id": case.id, "changes": wanted, "source": source}
        lines.append(self.texts.read_back_heading.format(case_number=case.case_number))
        lines += self._read_back_lines(sheet, wanted)
        lines.append(self.texts.read_back_question)
        buttons = ((Button(self.texts.button_yes, "ja"), Button(self.texts.button_no, "nej")),)
        return [say(*filter(None, lines), buttons=buttons)]

    def _read_back_lines(self, sheet: FactSheet, wanted: dict[str, Any]) -> list[str]:
        lines = []
        for name in FACT_NAMES:
            if name not in wanted:
                continue
            label, value = self.texts.label(name), show_value(name, wanted[name])
            previous = sheet.get(name)
            if previous.known:
                shown = show_value(name, previous.value)
                lines.append(
                    self.texts.read_back_was.format(label=label, value=value, previous=shown)
                )
            else:
                lines.append(self.texts.read_back_line.format(label=label, value=value))
        return lines

    def _keep(self, turn: Turn) -> list[Reply]:
        pending = turn.state.facts
        turn.state.clear_waiting()
        case = turn.case(int(pending["case_id"]))
        if case is None:
            raise UserFacingError(self.texts.no_case)
        source = str(pending["source"])
        changes: dict[str, Any] = dict(pending["changes"])
        before = sheet_of(turn.session, case)
        for name in FACT_NAMES:
            if name in changes:
                keep_fact(
                    turn.session,
                    case,
                    name,
                    changes[name],
                    source=source,
                    user_id=turn.user.id,
                    now=turn.now,
                )
        action = "case_fact_corrected" if source == "coordinator" else "case_fact_given"
        access_repo.audit(
            turn.session,
            turn.user,
            action,
            turn.now,
            case_id=case.id,
            source=source,
            changes=changes,
            previous={n: before.get(n).value for n in changes},
        )
        shown = ", ".join(
            f"{self.texts.label(n).lower()} {show_value(n, changes[n])}"
            for n in FACT_NAMES
            if n in changes
        )
        done = self.texts.kept_by_coordinator if source == "coordinator" else self.texts.kept
        kept = [say(done.format(case_number=case.case_number, facts=shown))]
        if case.signed_at is not None and changed_after_signing(turn.session, [case.id]):
            # The signed page printed another value (a fact nobody had given it could not).
            kept.append(say(stale_signature_note(case)))
        elif case.status == "sent_for_signature" and any(n in PRINTED_FACTS for n in changes):
            # The page out for signing prints the old value: sending it would be refused.
            kept.append(say(self.texts.changed_before_signing.format(case_number=case.case_number)))
        return [*kept, *self._resume(turn)]

    def _resume(self, turn: Turn) -> list[Reply]:
        """Back to the question the user stood at, if any."""
        if turn.state.question_index is None or turn.current_case() is None:
            return []
        return self._reports.ask(turn)

    # -- the nämnd from the answer to question 1 -------------------------------------------

    def after_saves(self, turn: Turn) -> list[Reply]:
        """After the input: the nämnd from a saved answer to question 1
        (committee_fact.py), then what waits to be read back — a near miss of the nämnd,
        the facts of a file read in — once nothing else waits for an answer."""
        replies, near_miss = committee_after_saves(turn, self.texts)
        queued = dict(turn.state.queued_facts)
        if near_miss:
            queued["committee"] = near_miss
        turn.state.queued_facts = queued
        if turn.state.awaiting is not Awaiting.NOTHING or not queued:
            return replies
        kind = "committee" if "committee" in queued else "file"
        waiting = queued.pop(kind)
        turn.state.queued_facts = queued
        case = turn.own_case(int(waiting["case_id"]))
        if case is None:
            return replies
        if kind == "committee":
            return [*replies, self._ask_committee(turn, case, waiting)]
        note = self.texts.from_file.format(case_number=case.case_number)
        return [*replies, *self.propose(turn, case, dict(waiting["changes"]), "file", note=note)]

    def _ask_committee(self, turn: Turn, case: Case, near_miss: dict[str, Any]) -> Reply:
        name = str(near_miss["name"])
        turn.state.awaiting = Awaiting.FACTS
        turn.state.facts = {
            "case_id": case.id,
            "changes": {"committee": name},
            "source": "official",
        }
        question = self.texts.committee_near_miss.format(given=near_miss["given"], name=name)
        yes = Button(self.texts.button_committee_yes.format(name=name), "ja")
        return say(question, buttons=((yes, Button(self.texts.button_no, "nej")),))


def _confirmed_granted(turn: Turn, case: Case) -> Fact:
    """No one gave the granted amount as a fact: the figure the official confirmed for the
    budget (the ledger, which the page, /oversikt and the sammanställning print)."""
    entry = ledger_repo.current_entry(turn.session, case.id)
    if entry is None:
        return Fact("granted_amount_kr")
    return Fact("granted_amount_kr", entry.granted_kr, "ledger", entry.confirmed_by_user_id)
