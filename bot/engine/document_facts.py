"""Before the documents to sign are made: the ärende's facts nobody gave (asked in the turn),
and characters the PDF's font cannot show (named by the documents job before it renders).

A document never prints a fact nobody gave. When the answers are complete but the ärende
lacks facts the mall's text uses (decision date, last reply date, recipients), `/dokument` asks first and
offers the mall's usual values as a choice (`/dokument vanliga` stores them on the ärende),
or making the documents without them (`/dokument ändå`). A draft is made without asking
about facts, but characters its font cannot show are named first, as for the final ones.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.documents.case_record import document_case
from bot.documents.pdf_renderer import unshowable_characters
from bot.documents.render import build_document, missing_fact_names
from bot.documents.texts import document_texts
from bot.engine.case_facts import keep_fact, sheet_of
from bot.engine.messages import Button, Reply, say
from bot.engine.services import ReportSnapshot
from bot.engine.texts import BotTexts
from bot.mall.dates import format_swedish_date
from bot.mall.template import Template
from storage.models import Case

USE_USUAL = "vanliga"
ANYWAY = ("ändå", "anda", "utan")


def _usual_value(template: Template, name: str) -> str | None:
    value = template.defaults.get(name)
    if value is None:
        return None
    if name in ("decision_date", "last_reply_date"):
        return format_swedish_date(date.fromisoformat(value))
    return value


def facts_check(texts: BotTexts, snapshot: ReportSnapshot) -> list[Reply]:
    """What to ask before the documents to sign are made; [] when nothing is missing."""
    template = snapshot.template
    facts = document_case(snapshot)
    names = document_texts()
    replies: list[Reply] = []
    missing = [n for n in missing_fact_names(template, facts) if n != "case_number"]
    buttons: list[tuple[Button, ...]] = []
    if missing:
        usual = [
            f"{names.fact_name(n)}: {_usual_value(template, n)}"
            for n in missing
            if _usual_value(template, n)
        ]
        replies.append(
            say(
                texts.documents_facts_missing.format(
                    case_number=snapshot.case_number,
                    facts=", ".join(names.fact_name(n) for n in missing),
                    usual="; ".join(usual) or "–",
                )
            )
        )
        if usual:
            buttons.append((Button(texts.button_usual_facts, f"/dokument {USE_USUAL}"),))
    if not replies:
        return []
    buttons.append((Button(texts.button_documents_anyway, f"/dokument {ANYWAY[0]}"),))
    return [*replies[:-1], Reply(replies[-1].blocks, buttons=tuple(buttons))]


def font_check(texts: BotTexts, snapshot: ReportSnapshot) -> list[Reply]:
    """Characters the PDF's fonts cannot show, named before the documents are made; [] when
    there are none. It compiles the PDF once, so it runs in the documents job, never in a
    turn."""
    facts = document_case(snapshot)
    unshowable = unshowable_characters(build_document(snapshot.template, snapshot.answers, facts))
    if not unshowable:
        return []
    return [
        Reply(
            (say(texts.documents_unshowable.format(characters=" ".join(unshowable))).blocks),
            buttons=((Button(texts.button_documents_anyway, f"/dokument {ANYWAY[0]}"),),),
        )
    ]


def use_usual_facts(
    session: Session, case: Case, template: Template, user_id: int, now: datetime
) -> None:
    """The user chose the mall's usual values: they become the ärende's facts where it has
    none, kept as the mall's values the official chose (the ärende is not registered by it)."""
    defaults = template.defaults
    sheet = sheet_of(session, case)
    for name in ("decision_date", "last_reply_date", "recipient", "copy_to"):
        usual = defaults.get(name)
        if not usual or sheet.get(name).known:
            continue
        value: object = [usual] if name == "copy_to" else usual
        sheet = keep_fact(session, case, name, value, source="mall", user_id=user_id, now=now)
