"""The nämnd from the report's own answer to question 1, when no coordinator gave it.

The answer is matched against Malmö stad's nämnder (prompts/namnder.toml,
bot/mall/namnder.py): a name the list has becomes the ärende's nämnd (source "answer"),
so that the letterhead, the mail, /oversikt and the sammanställning name the same nämnd;
a near miss ("Arbetsmarknads- och socialnämden", the förvaltning's name) is asked about
("Menar du Arbetsmarknads- och socialnämnden?"); a name the list does not have is said
to be missing until someone gives it.
"""

from __future__ import annotations

from typing import Any

from bot.engine.case_facts import keep_fact, sheet_of
from bot.engine.fact_texts import FactTexts
from bot.engine.messages import Reply, say
from bot.engine.turn import Turn
from bot.mall.namnder import match_namnd
from storage.models import Case

COMMITTEE_KEY = "namnd"  # the mall's question "Vid vilken nämnd …"


def committee_after_saves(
    turn: Turn, texts: FactTexts
) -> tuple[list[Reply], dict[str, Any] | None]:
    """(what to say now, a near miss to ask about) for the answers this input saved."""
    for case_id, key in reversed(turn.saved):
        if key == COMMITTEE_KEY and (case := turn.own_case(case_id)) is not None:
            return committee_from_answer(turn, case, texts)
    return [], None


def committee_from_answer(
    turn: Turn, case: Case, texts: FactTexts
) -> tuple[list[Reply], dict[str, Any] | None]:
    committee = sheet_of(turn.session, case).get("committee")
    if committee.known and committee.source != "answer":
        return [], None  # given by someone: the answer does not change it
    answer = turn.answers(case).get(COMMITTEE_KEY)
    given = answer.text.strip() if answer else ""
    if not given:
        return [], None
    match = match_namnd(given)
    if match is not None and match.sure:
        if committee.value != match.name:
            keep_fact(
                turn.session, case, "committee", match.name,
                source="answer", user_id=turn.user.id, now=turn.now,
            )  # fmt: skip
        return [], None
    first_line = given.splitlines()[0][:80]
    if match is None:
        return [say(texts.committee_unknown.format(given=first_line))], None
    return [], {"case_id": case.id, "name": match.name, "given": first_line}
