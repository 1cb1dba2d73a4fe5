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

from bot.engine.texts import CoordinationTexts
from bot.engine.user_choice import choose_user, user_label
from bot.mall.amounts import format_kronor, parse_amount
from bot.mall.case_numbers import normalise_case_number
from bot.mall.dates import Precision, find_dates, format_swedish_date
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog, template_named
from bot.review.perspectives import Perspective
from storage import access_repository as access_repo
from storage import repository as repo
from storage.membership_repository import is_registered

# A last reply date further back than this is a typed year, most likely: a file refuses it,
# the step-by-step registration asks for a confirmation.
LONG_PASSED_DAYS = 90
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
NOBODY_YET = ("", "-", "ingen", "ingen än", "senare")


@dataclass(frozen=True)
class ParseContext:
    session: Session
    catalog: TemplateCatalog
    texts: CoordinationTexts  # prompts/coordination.toml
    today: date | None = None  # for refusing a last reply date long past
    from_file: bool = False  # a CSV/XLSX row: nobody is there to confirm a doubtful value


JsonValue = str | int | list[str] | None


@dataclass(frozen=True)
class CaseField:
    key: str
    column: str  # the column name in a CSV/XLSX file
    parse: Callable[[str, ParseContext], JsonValue]
    show: Callable[[JsonValue, ParseContext], str]
    required_column: bool = True  # a CSV/XLSX file must have this column

    @property
    def prompt_key(self) -> str:
        """The key in prompts/coordination.toml of the question that asks for the field."""
        return f"prompt_{self.key}"


def _case_number(text: str, context: ParseContext) -> JsonValue:
    number = normalise_case_number(text)
    existing = repo.find_case(context.session, number)
    # An ärende an official started with /ny is not registered yet: registering it keeps
    # its answers and adds the facts.
    if existing is not None and is_registered(existing):
        raise UserFacingError(context.texts.case_already_registered.format(case_number=number))
    return number


def _committee(text: str, context: ParseContext) -> JsonValue:
    name = " ".join(text.split())
    if len(name) < 3 or len(name) > 200:
        raise UserFacingError(context.texts.committee_invalid)
    return name


def _template(text: str, context: ParseContext) -> JsonValue:
    template = template_named(context.catalog, text)
    if template is not None:
        return template.id
    names = ", ".join(t.id for t in context.catalog.all())
    raise UserFacingError(
        context.texts.template_unknown.format(given=text.strip()[:40], names=names)
    )


def _amount(text: str, context: ParseContext) -> JsonValue:
    try:
        value = parse_amount(text)
    except ValueError as exc:
        raise UserFacingError(
            context.texts.amount_unreadable.format(given=text.strip()[:40])
        ) from exc
    if value <= 0:
        raise UserFacingError(context.texts.amount_not_positive)
    return value


def parse_day(text: str, texts: CoordinationTexts) -> date:
    """One exact day: 2020-02-28, 28 februari 2020 or den 28 februari 2020."""
    found = find_dates(text)
    if len(found) != 1 or found[0].precision is not Precision.DAY:
        raise UserFacingError(texts.date_unreadable.format(given=text.strip()[:40]))
    return found[0].start


def _day(text: str, context: ParseContext) -> JsonValue:
    return parse_day(text, context.texts).isoformat()


def days_passed(day: date, context: ParseContext) -> int:
    """How many days ago `day` was (0 when today or later, or when today is not known)."""
    return max(0, (context.today - day).days) if context.today else 0


def _last_reply_day(text: str, context: ParseContext) -> JsonValue:
    day = parse_day(text, context.texts)
    days = days_passed(day, context)
    if context.from_file and days > LONG_PASSED_DAYS:
        raise UserFacingError(
            context.texts.last_reply_date_passed.format(date=format_swedish_date(day), days=days)
        )
    return day.isoformat()


def _recipients(text: str, context: ParseContext) -> JsonValue:
    addresses = [a.strip() for a in re.split(r"[,;\s]+", text) if a.strip()]
    if not addresses:
        raise UserFacingError(context.texts.recipients_missing)
    wrong = [a for a in addresses if not EMAIL.match(a)]
    if wrong:
        raise UserFacingError(
            context.texts.recipients_invalid.format(addresses=", ".join(wrong[:3]))
        )
    return addresses


def _responsible(text: str, context: ParseContext) -> JsonValue:
    wanted = text.strip()
    if wanted.lower() in NOBODY_YET:
        return None
    return choose_user(context.session, wanted, context.texts).id


PERSPECTIVE_WORDS = {
    "jämställdhet": Perspective.JAMSTALLDHET,
    "antidiskriminering": Perspective.ANTIDISKRIMINERING,
    "barnrätt": Perspective.BARNRATT,
    "barnrättsperspektivet": Perspective.BARNRATT,
    "barnets rättigheter": Perspective.BARNRATT,
    "nationella minoriteter": Perspective.NATIONELLA_MINORITETER,
    "minoriteter": Perspective.NATIONELLA_MINORITETER,
}


def _perspectives(text: str, context: ParseContext) -> JsonValue:
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
            raise UserFacingError(context.texts.perspective_unknown.format(word=word[:40]))
        if perspective.value not in chosen:
            chosen.append(perspective.value)
    return chosen


def _show_perspectives(value: JsonValue, context: ParseContext) -> str:
    if not isinstance(value, list):
        return context.texts.perspectives_not_given
    return ", ".join(context.texts[f"perspective_{Perspective(v).value}"] for v in value)


def _show_text(value: JsonValue, _context: ParseContext) -> str:
    return str(value)


def _show_amount(value: JsonValue, context: ParseContext) -> str:
    return format_kronor(int(value)) if isinstance(value, int) else context.texts.value_missing


def _show_day(value: JsonValue, _context: ParseContext) -> str:
    return format_swedish_date(date.fromisoformat(str(value)))


def _show_list(value: JsonValue, context: ParseContext) -> str:
    return ", ".join(value) if isinstance(value, list) else context.texts.value_missing


def _show_user(value: JsonValue, context: ParseContext) -> str:
    texts = context.texts
    if not isinstance(value, int):
        return texts.responsible_nobody
    user = access_repo.find_user_by_id(context.session, value)
    return user_label(texts, user) if user else texts.user_unknown


# The column names are what the CSV/XLSX reader matches, so they stay here; the question
# for each field is prompt_<key> in prompts/coordination.toml.
CASE_FIELDS: tuple[CaseField, ...] = (
    CaseField("case_number", "diarienummer", _case_number, _show_text),
    CaseField("committee", "nämnd", _committee, _show_text),
    CaseField("template_id", "mall", _template, _show_text),
    CaseField("granted_amount_kr", "beviljat belopp", _amount, _show_amount),
    CaseField(
        "perspectives", "perspektiv", _perspectives, _show_perspectives, required_column=False
    ),
    CaseField("decision_date", "beslutsdatum", _day, _show_day),
    CaseField("last_reply_date", "sista svarsdatum", _last_reply_day, _show_day),
    CaseField("recipients", "mottagare", _recipients, _show_list),
    CaseField("responsible_user_id", "ansvarig", _responsible, _show_user),
)


def summary_lines(values: dict[str, JsonValue], context: ParseContext) -> list[str]:
    return [
        context.texts.summary_line.format(
            label=field.column.capitalize(), value=field.show(values.get(field.key), context)
        )
        for field in CASE_FIELDS
        if field.key in values
    ]
