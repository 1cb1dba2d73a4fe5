"""The nämnd's report of an earlier year on the same mall, and the offer of its answer at a
question ("Förra redovisningens svar: … — Utgå från det / Skriv nytt").

The nämnd of an ärende is the registered one, or else the answer to the nämnd question. An
earlier report is an ärende on the same mall, for the same nämnd, decided (or, without a
decision date, started) in an earlier year, with answers; the newest such is the one.
Only questions answered in words are offered: the budget, the signature and the ärende's
facts (amounts, dates) are never carried over.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from bot.engine.messages import Block, Button, Style
from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.template import QuestionKind, Template
from bot.mall.texts import Text, TextFile, text
from storage.earlier_reports import EarlierReport, answers_of, earlier_cases, when
from storage.models import Case

COMMITTEE_KEY = "namnd"  # the mall's question that names the nämnd
OFFERED_KINDS = (QuestionKind.SHORT, QuestionKind.TEXT)
SHOWN_CHARS = 1500  # an earlier answer longer than this is shortened in the offer


class PreviousTexts(TextFile):
    """prompts/previous.toml."""

    offer_heading: Text = text("case_number")
    offer_shortened: Text = text()
    offer_question: Text = text()
    button_use: Text = text()
    button_new: Text = text()
    used: Text = text("n")
    write_new: Text = text("n")
    nothing_to_use: Text = text()


def load_previous_texts(path: Path | None = None) -> PreviousTexts:
    return PreviousTexts.load(path or PROMPTS_DIR / "previous.toml")


def same_words(a: str, b: str) -> bool:
    """The same text whatever the spacing and case."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _committee(case: Case, answers: dict[str, str]) -> str | None:
    named = case.committee or answers.get(COMMITTEE_KEY)
    return named if named and named.strip() else None


def earlier_report(session: Session, case: Case, answers: dict[str, str]) -> EarlierReport | None:
    """The newest report of an earlier year by the same nämnd on the same mall, or None."""
    committee = _committee(case, answers)
    if committee is None:
        return None
    year = when(case).year
    for other in earlier_cases(session, case, before_year=year):
        if when(other).year >= year:
            continue
        if other.committee and not same_words(other.committee, committee):
            continue
        found = answers_of(session, other.id)
        named = _committee(other, found)
        if found and named is not None and same_words(named, committee):
            return EarlierReport(other.id, other.case_number, found)
    return None


def offered_answer(
    template: Template, index: int, earlier: EarlierReport | None, declined: list[str]
) -> str | None:
    """The earlier answer to offer at question `index`, if any."""
    question = template.questions[index]
    if earlier is None or question.kind not in OFFERED_KINDS or question.key in declined:
        return None
    return earlier.answers.get(question.key)


def offer_blocks(texts: PreviousTexts, earlier: EarlierReport, answer: str) -> list[Block]:
    shown = answer if len(answer) <= SHOWN_CHARS else answer[:SHOWN_CHARS].rstrip() + " …"
    blocks = [
        Block(texts.offer_heading.format(case_number=earlier.case_number), Style.BOLD),
        Block(shown),
    ]
    if shown != answer:
        blocks.append(Block(texts.offer_shortened, Style.ITALIC))
    blocks.append(Block(texts.offer_question))
    return blocks


def offer_buttons(texts: PreviousTexts) -> tuple[Button, ...]:
    return (Button(texts.button_use, "/forra ja"), Button(texts.button_new, "/forra nej"))
