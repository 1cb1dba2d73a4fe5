"""The fields of an ärende as a coordinator registers it, each with its Swedish parser.

The same parsers serve the step-by-step registration in the chat and the import of many
ärenden from a CSV or XLSX file, so a value is accepted or refused the same way in both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.engine.case_numbers import normalise_case_number
from bot.engine.templates import TemplateCatalog, template_named
from bot.errors import UserFacingError
from bot.review.amounts import format_kronor, parse_amount
from bot.review.dates import Precision, find_dates, format_swedish_date
from bot.review.perspectives import Perspective
from storage import access_repository as access_repo
from storage import repository as repo

EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
NOBODY_YET = ("", "-", "ingen", "ingen än", "senare")


@dataclass(frozen=True)
class ParseContext:
    session: Session
    catalog: TemplateCatalog


JsonValue = str | int | list[str] | None


@dataclass(frozen=True)
class CaseField:
    key: str
    column: str  # the column name in a CSV/XLSX file
    prompt: str
    parse: Callable[[str, ParseContext], JsonValue]
    show: Callable[[JsonValue, ParseContext], str]
    required_column: bool = True  # a CSV/XLSX file must have this column


def _case_number(text: str, context: ParseContext) -> JsonValue:
    number = normalise_case_number(text)
    if repo.find_case(context.session, number) is not None:
        raise UserFacingError(f"Ärende {number} är redan registrerat.")
    return number


def _committee(text: str, _context: ParseContext) -> JsonValue:
    name = " ".join(text.split())
    if len(name) < 3 or len(name) > 200:
        raise UserFacingError(
            "Skriv nämndens namn, till exempel Arbetsmarknads- och socialnämnden."
        )
    return name


def _template(text: str, context: ParseContext) -> JsonValue:
    template = template_named(context.catalog, text)
    if template is not None:
        return template.id
    names = ", ".join(t.id for t in context.catalog.all())
    raise UserFacingError(f"Okänd mall ”{text.strip()[:40]}”. Välj en av: {names}.")


def _amount(text: str, _context: ParseContext) -> JsonValue:
    try:
        value = parse_amount(text)
    except ValueError as exc:
        raise UserFacingError(
            f"Beloppet ”{text.strip()[:40]}” går inte att läsa. Skriv till exempel 500 000 kr."
        ) from exc
    if value <= 0:
        raise UserFacingError("Det beviljade beloppet måste vara större än noll.")
    return value


def parse_day(text: str) -> date:
    """One exact day: 2020-02-28, 28 februari 2020 or den 28 februari 2020."""
    found = find_dates(text)
    if len(found) != 1 or found[0].precision is not Precision.DAY:
        raise UserFacingError(
            f"Datumet ”{text.strip()[:40]}” går inte att läsa som en dag. "
            "Skriv till exempel 2020-02-28 eller 28 februari 2020."
        )
    return found[0].start


def _day(text: str, _context: ParseContext) -> JsonValue:
    return parse_day(text).isoformat()


def _recipients(text: str, _context: ParseContext) -> JsonValue:
    addresses = [a.strip() for a in re.split(r"[,;\s]+", text) if a.strip()]
    if not addresses:
        raise UserFacingError("Skriv minst en e-postadress dit nämndens svar ska skickas.")
    wrong = [a for a in addresses if not EMAIL.match(a)]
    if wrong:
        raise UserFacingError(f"Det här är inte e-postadresser: {', '.join(wrong[:3])}.")
    return addresses


def _responsible(text: str, context: ParseContext) -> JsonValue:
    wanted = text.strip()
    if wanted.lower() in NOBODY_YET:
        return None
    number = wanted.lstrip("#")
    if number.isdecimal() and number.isascii() and len(number) <= 9:
        user = access_repo.find_user_by_id(context.session, int(number))
        if user is None or not user.active or user.role == "none":
            raise UserFacingError(f"Det finns ingen aktiv användare med nummer {wanted}.")
        return user.id
    matches = access_repo.find_users_by_name(context.session, wanted)
    if len(matches) != 1:
        raise UserFacingError(
            f"Hittar {'ingen' if not matches else 'flera'} användare som heter ”{wanted[:40]}”. "
            "Ange användarens nummer (se /anvandare) eller ”ingen”."
        )
    return matches[0].id


PERSPECTIVE_WORDS = {
    "jämställdhet": Perspective.JAMSTALLDHET,
    "antidiskriminering": Perspective.ANTIDISKRIMINERING,
    "barnrätt": Perspective.BARNRATT,
    "barnrättsperspektivet": Perspective.BARNRATT,
    "barnets rättigheter": Perspective.BARNRATT,
    "nationella minoriteter": Perspective.NATIONELLA_MINORITETER,
    "minoriteter": Perspective.NATIONELLA_MINORITETER,
}
PERSPECTIVE_NAMES = {
    Perspective.JAMSTALLDHET: "jämställdhet",
    Perspective.ANTIDISKRIMINERING: "antidiskriminering",
    Perspective.BARNRATT: "barnrättsperspektivet",
    Perspective.NATIONELLA_MINORITETER: "nationella minoriteter",
}


def _perspectives(text: str, _context: ParseContext) -> JsonValue:
    wanted = text.strip().lower()
    if wanted in ("", "-", "okänt", "vet ej"):
        return None
    if wanted == "alla":
        return [p.value for p in Perspective]
    chosen: list[str] = []
    for word in (w.strip() for w in re.split(r",|;|\boch\b", wanted) if w.strip()):
        perspective = PERSPECTIVE_WORDS.get(word) or next(
            (p for p in Perspective if word in (p.value, p.value.replace("_", " "))), None
        )
        if perspective is None:
            raise UserFacingError(
                f"”{word[:40]}” är inget av perspektiven. Skriv jämställdhet, "
                "antidiskriminering, barnrätt eller nationella minoriteter, flera med "
                "kommatecken emellan, eller ”alla”."
            )
        if perspective.value not in chosen:
            chosen.append(perspective.value)
    return chosen


def _show_perspectives(value: JsonValue, _context: ParseContext) -> str:
    if not isinstance(value, list):
        return "inte angivet"
    return ", ".join(PERSPECTIVE_NAMES[Perspective(v)] for v in value)


def _show_text(value: JsonValue, _context: ParseContext) -> str:
    return str(value)


def _show_amount(value: JsonValue, _context: ParseContext) -> str:
    return format_kronor(int(value)) if isinstance(value, int) else "-"


def _show_day(value: JsonValue, _context: ParseContext) -> str:
    return format_swedish_date(date.fromisoformat(str(value)))


def _show_list(value: JsonValue, _context: ParseContext) -> str:
    return ", ".join(value) if isinstance(value, list) else "-"


def _show_user(value: JsonValue, context: ParseContext) -> str:
    if not isinstance(value, int):
        return "ingen än"
    user = access_repo.find_user_by_id(context.session, value)
    return f"{user.display_name} (#{user.id})" if user else "okänd"


CASE_FIELDS: tuple[CaseField, ...] = (
    CaseField(
        "case_number",
        "diarienummer",
        "Ärendets diarienummer (till exempel STK-2018-1307)?",
        _case_number,
        _show_text,
    ),
    CaseField("committee", "nämnd", "Vilken nämnd har fått medlen?", _committee, _show_text),
    CaseField("template_id", "mall", "Vilken mall ska användas?", _template, _show_text),
    CaseField(
        "granted_amount_kr",
        "beviljat belopp",
        "Hur mycket beviljades (till exempel 500 000 kr)?",
        _amount,
        _show_amount,
    ),
    CaseField(
        "perspectives",
        "perspektiv",
        "Vilka perspektiv beviljades medlen för? Jämställdhet, antidiskriminering, barnrätt, nationella minoriteter (flera med kommatecken), ”alla” eller ”okänt”.",
        _perspectives,
        _show_perspectives,
        required_column=False,
    ),
    CaseField(
        "decision_date",
        "beslutsdatum",
        "Vilket datum fattades beslutet (till exempel 2019-03-11)?",
        _day,
        _show_day,
    ),
    CaseField(
        "last_reply_date",
        "sista svarsdatum",
        "Sista datum för nämndens svar (till exempel 2020-02-28)?",
        _day,
        _show_day,
    ),
    CaseField(
        "recipients",
        "mottagare",
        "Vart ska svaret skickas? En eller flera e-postadresser.",
        _recipients,
        _show_list,
    ),
    CaseField(
        "responsible_user_id",
        "ansvarig",
        "Vem är ansvarig handläggare? Skriv namnet eller numret (se /anvandare), eller ”ingen”.",
        _responsible,
        _show_user,
    ),
)


def summary_lines(values: dict[str, JsonValue], context: ParseContext) -> list[str]:
    return [
        f"{field.column.capitalize()}: {field.show(values.get(field.key), context)}"
        for field in CASE_FIELDS
        if field.key in values
    ]
