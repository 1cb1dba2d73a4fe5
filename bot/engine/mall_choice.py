"""Which mall a report uses: the decision behind the funds decides, never the year in the
diarienummer (STK-2018-1304 was decided in 2019 and uses the 2019 mall)."""

from __future__ import annotations

import re
from datetime import date

from bot.engine.texts import BotTexts
from bot.mall.dates import format_swedish_date
from bot.mall.template import Template, TemplateCatalog


def decided_on(template: Template) -> date:
    """The first day the mall's decision covers ("2019-03-11", or a month: "2018-02")."""
    parts = [int(p) for p in template.decision_date.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def when_decided(texts: BotTexts, template: Template) -> str:
    """ "den 11 mars 2019", or "i februari 2018" for a month."""
    day = decided_on(template)
    if template.decision_date.count("-") == 2:
        return texts.decided_on_day.format(date=format_swedish_date(day))
    return texts.decided_in_month.format(month=format_swedish_date(day).split(" ", 1)[1])


def template_lines(texts: BotTexts, catalog: TemplateCatalog) -> list[str]:
    """One line per mall: which body decided on the funds, and when."""
    return [
        texts.template_line.format(
            year=t.decision_date[:4], decided_by=t.decided_by, when=when_decided(texts, t)
        )
        for t in catalog.all()
    ]


def template_for_decision(catalog: TemplateCatalog, decision: date) -> Template | None:
    """The newest mall whose decision came on or before the ärende's decision date."""
    earlier = [t for t in catalog.all() if decided_on(t) <= decision]
    return max(earlier, key=decided_on) if earlier else None


def template_in_sentence(catalog: TemplateCatalog, sentence: str) -> Template | None:
    """The mall a sentence names by its year or by the body that decided ("2019,
    kommunstyrelsens arbetsutskott", "den från utskottet för demokrati"); None when it
    names none of them, or names two different ones."""
    wanted = " ".join(re.findall(r"[\wåäö]+", sentence.lower()))
    years = set(re.findall(r"\b(20\d\d)\b", wanted))
    named: set[str] = set()
    for template in catalog.all():
        year = template.decision_date[:4]
        body = [w for w in re.findall(r"[\wåäö]+", template.decided_by.lower()) if len(w) > 3]
        said = sum(1 for w in body if re.search(rf"\b{w[:-1]}", wanted))
        if year in years or (body and (said * 2 >= len(body) or said >= 2)):
            named.add(template.id)
    if len(named) != 1:
        return None
    return catalog.get(named.pop())
