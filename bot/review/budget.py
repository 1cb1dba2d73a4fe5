"""The budget answer read as a person reads it: granted, used and remaining money.

A person adds the parts of a cost across sentences ("… uppgick till 118 000 kr.
Därutöver 77 000 kr för …"), works out what was used from what is left ("120 000 kr
återstår av 300 000 kr"), reads a table's column and its total row, and does not add a
total to its own parts ("190 000 kr, varav 40 000 kr …"). Each figure carries how sure
the reading is; a LOW figure must not support a conclusion such as "overspent".

The words the reading looks for are data: prompts/amounts.toml and prompts/review/budget.toml.
"""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel

from bot.mall.amounts import Amount, Role, cue_pattern, find_amounts
from bot.mall.datafiles import PROMPTS_DIR, load_toml_model
from bot.review.budget_lists import listed_costs, share_used
from bot.review.budget_model import ActivityCost, BudgetReading, Confidence, Figure, Source
from bot.review.budget_roles import read_roles
from bot.review.budget_table import TableReading, read_tables

__all__ = ["ActivityCost", "BudgetReading", "Confidence", "Figure", "Source", "read_budget"]

TOLERANCE = 0.01  # parts that add up to a total within 1 % add up


class _Words(BaseModel):
    total: list[str]
    part: list[str]
    continuation: list[str]
    whole_used: list[str]
    activity_before_label: list[str]
    used_columns: list[str]
    granted_columns: list[str]
    total_rows: list[str]
    summary: dict[str, str]


@cache
def budget_words() -> _Words:
    return load_toml_model(PROMPTS_DIR / "review" / "budget.toml", _Words)


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    words = budget_words()
    return {
        "total": cue_pattern(words.total),
        "part": cue_pattern(words.part),
        "continuation": cue_pattern(words.continuation),
        "whole_used": cue_pattern(words.whole_used),
    }


# Cost words name what one thing cost; consumption words say what was used of the money.
_COST = re.compile(r"(?<![\wåäö])(?:kostnad\w*|kostade|kostat|kostar|utgift\w*)", re.IGNORECASE)
_CONSUMED = re.compile(
    r"(?<![\wåäö])(?:använ\w*|förbruk\w*|nyttja\w*|utnyttja\w*|utfall\w*|bokför\w*|"
    r"spender\w*|upparbeta\w*)",
    re.IGNORECASE,
)
_LABEL_AFTER = re.compile(
    r"\s*(?:plus moms\s*)?(?:för|till|avseende|gällande)\s+(?P<label>[^.,;:\n()]{3,60}?)"
    r"(?=\s*[.,;:\n(]|\s+(?:och|samt)\s+\d|$)",
    re.IGNORECASE,
)
_LABEL_BEFORE = re.compile(
    r"(?:kostnad(?:en|erna)?|utgift(?:en|erna)?)\s+(?:för|till)\s+(?P<label>.{3,60}?)\s+"
    r"(?:uppgick|blev|landade|var|hamnade|har|kostade|summerade)",
    re.IGNORECASE,
)
_LABEL_SUBJECT = re.compile(
    r"^\s*(?P<label>[A-ZÅÄÖ][\wåäö -]{2,50}?)\s+(?:har\s+)?(?:kostade|kostat|kostar)\s"
)
_BULLET = re.compile(r"[ \t]*(?:[-*•–]|\d+[.)])\s+")
_LIST_LABEL = re.compile(r"^\s*(?:[-*•–]\s*)?(?P<label>[^:\n]{3,60}):\s*$")
_SENTENCE_START = re.compile(r"(?<=[.!?])\s+|\n")


def _sentence_start(text: str, position: int) -> int:
    starts = [m.end() for m in _SENTENCE_START.finditer(text, 0, position)]
    return starts[-1] if starts else 0


def _figure(amounts: list[Amount], source: Source = Source.STATED) -> Figure | None:
    """The figure several mentions give: one value is sure, different values are not."""
    if not amounts:
        return None
    values = {a.value for a in amounts}
    approximate = any(a.approximate for a in amounts)
    confidence = Confidence.HIGH if len(values) == 1 else Confidence.LOW
    if approximate and confidence is Confidence.HIGH:
        confidence = Confidence.MEDIUM
    return Figure(
        value=max(values),
        confidence=confidence,
        source=source,
        evidence=tuple(dict.fromkeys(a.text for a in amounts)),
        approximate=approximate,
    )


def _label(text: str, amount: Amount, since: int) -> str | None:
    after = _LABEL_AFTER.match(text, amount.end)
    if after:
        return after.group("label").strip()
    before = list(_LABEL_BEFORE.finditer(text, since, amount.start))[-1:]
    if before:
        return before[0].group("label").strip()
    subject = _LABEL_SUBJECT.match(text[since : amount.start])
    if subject:
        return subject.group("label").strip()
    line_start = text.rfind("\n", 0, amount.start) + 1
    listed = _LIST_LABEL.match(text[line_start : amount.start])
    return listed.group("label").strip() if listed else None


class _Used(BaseModel):
    amount: Amount
    total: bool
    linked: bool  # added to the amount before it ("Därutöver …")
    part: bool  # a part of an amount named before it ("…, varav 40 000 kr")
    activity: bool  # what one thing cost, not what was used of the money
    label: str | None


def is_part(text: str, amount: Amount, amounts: list[Amount]) -> bool:
    """After "varav" (or the like) that follows another amount of the same sentence."""
    sentence = _sentence_start(text, amount.start)
    earlier = [a.end for a in amounts if sentence <= a.start < amount.start]
    return bool(earlier) and any(
        m.start() >= earlier[0] for m in _patterns()["part"].finditer(text, sentence, amount.start)
    )


def _used_items(text: str, amounts: list[Amount], linked: set[int], parts: set[int]) -> list[_Used]:
    patterns = _patterns()
    items: list[_Used] = []
    previous_end = 0
    last_role: Role | None = None
    for amount in amounts:
        sentence = _sentence_start(text, amount.start)
        since = max(sentence, previous_end)
        before = text[since : amount.start]
        continued = bool(patterns["continuation"].search(text, sentence, amount.start))
        role = amount.role
        if role is None and continued and last_role is Role.USED:
            role = Role.USED
        previous_end = amount.end
        if role is not None:
            last_role = role
        if role is not Role.USED:
            continue
        line_start = text.rfind("\n", 0, amount.start) + 1
        line_end = text.find("\n", amount.end) % (len(text) + 1)
        total = bool(patterns["total"].search(before)) or bool(
            patterns["total"].match(text[amount.end : min(amount.end + 12, line_end)].lstrip())
        )
        on_bullet = bool(_BULLET.match(text, line_start))
        named = _LABEL_SUBJECT.match(text[sentence : amount.start]) is not None
        total = total and not on_bullet and not named  # a total of one item, not of all
        activity = bool(_COST.search(text, sentence, amount.start)) and not _CONSUMED.search(before)
        items.append(
            _Used(
                amount=amount,
                total=total,
                linked=(continued or amount.start in linked) and bool(items),
                part=is_part(text, amount, amounts) or amount.start in parts,
                activity=activity and not total,
                label=_label(text, amount, sentence),
            )
        )
    return items


def _sum_figure(groups: list[list[Amount]], confidence: Confidence) -> Figure:
    parts = [a for group in groups for a in group]
    approximate = any(a.approximate for a in parts)
    return Figure(
        value=sum(a.value for a in parts),
        confidence=min(confidence, Confidence.MEDIUM) if approximate else confidence,
        source=Source.SUM if len(parts) > 1 else Source.STATED,
        evidence=tuple(a.text for a in parts),
        approximate=approximate,
    )


def _used_from(every: list[_Used], years: dict[int, int]) -> Figure | None:
    items = [i for i in every if not i.part]
    if not items:
        return None
    totals = [i.amount for i in items if i.total]
    if totals:
        return _figure(totals)
    groups: list[list[_Used]] = []
    for item in items:
        if item.linked and groups:
            groups[-1].append(item)
        else:
            groups.append([item])
    general = [g for g in groups if len(g) == 1 and not g[0].activity]
    activities = [g for g in groups if g not in general]
    yearly = [years.get(g[0].amount.start) for g in general]
    if len(general) > 1 and None not in yearly and len(set(yearly)) == len(yearly):
        return _sum_figure([[g[0].amount] for g in general], Confidence.HIGH)  # one per year
    if general:
        figure = _figure([g[0].amount for g in general])
        assert figure is not None
        values = sorted({g[0].amount.value for g in general})
        if len(values) > 1 and abs(values[-1] - sum(values[:-1])) <= TOLERANCE * values[-1]:
            figure = figure.model_copy(update={"confidence": Confidence.HIGH})
        spent_on_parts = sum(i.amount.value for g in activities for i in g)
        if spent_on_parts > figure.value * (1 + TOLERANCE):
            figure = figure.model_copy(update={"confidence": Confidence.LOW})
        return figure
    single = len(activities) == 1 and len(activities[0]) == 1
    return _sum_figure(
        [[i.amount for i in g] for g in activities],
        Confidence.HIGH if single else Confidence.MEDIUM,
    )


def _whole_used(text: str, granted: Figure) -> Figure | None:
    """ "Hela beloppet har använts": all of the grant, when a sentence says so."""
    for match in _patterns()["whole_used"].finditer(text):
        start = _sentence_start(text, match.start())
        end = min(
            (i for i in (text.find(".", match.end()), text.find("\n", match.end())) if i >= 0),
            default=len(text),
        )
        if _CONSUMED.search(text, start, end):
            return Figure(
                value=granted.value,
                confidence=min(granted.confidence, Confidence.MEDIUM),
                source=Source.STATED,
                evidence=(text[match.start() : match.end()],),
                approximate=granted.approximate,
            )
    return None


def _overspent(granted: Figure, overspend: list[Amount]) -> Figure:
    """ "Budgeten på 250 000 kr har överskridits med 40 000 kr": 290 000 kr used."""
    over = _figure(overspend)
    assert over is not None
    return Figure(
        value=granted.value + over.value,
        confidence=_lower(granted, over),
        source=Source.OVERSPEND,
        evidence=over.evidence + granted.evidence,
        approximate=granted.approximate or over.approximate,
    )


def _lower(figure: Figure, *others: Figure | None) -> Confidence:
    return min([figure.confidence, *(o.confidence for o in others if o)])


def _combine(
    granted: Figure | None, used: Figure | None, remaining: Figure | None
) -> tuple[Figure | None, Figure | None]:
    """Used from granted and remaining, remaining from granted and used; a misfit is unsure."""
    if granted is None:
        return used, remaining
    if used is None and remaining is not None:
        used = Figure(
            value=granted.value - remaining.value,
            confidence=_lower(granted, remaining),
            source=Source.REMAINDER,
            evidence=remaining.evidence + granted.evidence,
            approximate=granted.approximate or remaining.approximate,
        )
    elif used is not None and remaining is None:
        remaining = Figure(
            value=granted.value - used.value,
            confidence=_lower(granted, used),
            source=Source.REMAINDER,
            evidence=used.evidence,
            approximate=used.approximate,
        )
    elif used is not None and remaining is not None:
        gap = abs(used.value + remaining.value - granted.value)
        if gap > TOLERANCE * granted.value and not (used.approximate or remaining.approximate):
            used = used.model_copy(update={"confidence": Confidence.LOW})
    return used, remaining


def _table_figures(
    table: TableReading | None, granted: Figure | None, used: Figure | None
) -> tuple[Figure | None, Figure | None]:
    if table is None:
        return granted, used
    if table.used is not None:
        confidence = Confidence.HIGH if table.used_from_total_row else Confidence.MEDIUM
        if table.rows_disagree:
            confidence = Confidence.LOW
        from_table = Figure(
            value=table.used,
            confidence=confidence,
            source=Source.TABLE,
            evidence=(table.used_evidence,),
        )
        if used is not None and abs(used.value - table.used) > TOLERANCE * table.used:
            from_table = from_table.model_copy(update={"confidence": Confidence.LOW})
        used = from_table
    if table.granted is not None and granted is None:
        granted = Figure(
            value=table.granted,
            confidence=Confidence.HIGH,
            source=Source.TABLE,
            evidence=(table.granted_evidence,),
        )
    return granted, used


def read_budget(text: str, granted_hint: int | None = None) -> BudgetReading:
    """Read granted, used and remaining money and the costs per activity from the answer.

    `granted_hint` is the amount registered for the ärende; it is used when the answer
    does not say what was granted, to work out what was used from what is left.
    """
    words = budget_words()
    table, rest = read_tables(text, words.used_columns, words.granted_columns, words.total_rows)
    roles = read_roles(rest, find_amounts(rest, bare_numbers=True))
    amounts = [a for a in roles.amounts if a.unit or a.role is not None or a.approximate]
    listed = listed_costs(rest, amounts)
    amounts = listed.amounts
    plain = [a for a in amounts if not is_part(rest, a, amounts)]
    granted = _figure([a for a in plain if a.role is Role.GRANTED])
    granted_in_text = granted is not None
    items = _used_items(rest, amounts, listed.linked, listed.parts)
    used = _used_from(items, roles.years)
    granted, used = _table_figures(table, granted, used)
    if used is None and granted is not None and roles.overspend:
        used = _overspent(granted, roles.overspend)
    granted_in_text = granted_in_text or granted is not None
    if granted is None and granted_hint:
        granted = Figure(value=granted_hint, confidence=Confidence.HIGH, source=Source.REGISTERED)
    remaining = _figure([a for a in plain if a.role is Role.REMAINING])
    if used is None and remaining is None and granted is not None:
        used = _whole_used(rest, granted)
    share = None if used else share_used(rest, amounts, granted.value if granted else None)
    if share is not None:
        used = Figure(
            value=share[0], confidence=Confidence.MEDIUM, source=Source.SHARE, evidence=(share[1],)
        )
    used, remaining = _combine(granted, used, remaining)
    activities = [ActivityCost(label=i.label, value=i.amount.value) for i in items if i.label]
    if table is not None:
        activities += [ActivityCost(label=label, value=value) for label, value in table.rows]
    used_years = sorted(
        {roles.years[i.amount.start] for i in items if i.amount.start in roles.years}
    )
    per_year = {a.value for a in roles.per_year}
    return BudgetReading(
        grant_years=roles.grant_years,
        granted_per_year=per_year.pop() if len(per_year) == 1 else None,
        used_years=tuple(used_years) if len(used_years) == len(items) or used is None else (),
        granted=granted,
        used=used,
        remaining=remaining,
        activities=tuple(activities),
        plus_vat=any(a.plus_vat for a in amounts),
        granted_in_text=granted_in_text,
    )
