"""Malmö stad's nämnder (prompts/namnder.toml), and matching a written name against them.

`match_namnd("Arbetsmarknads- och socialnämnden")` is sure (the name as the list has it,
case, spaces, dashes and a genitive -s aside, or one of its listed short names);
"Arbetsmarknads och socialnämden" or the förvaltning's name is a near miss to ask about;
"Bolaget AB" matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from bot.mall.datafiles import PROMPTS_DIR, load_toml_model

NEAR_MISS_RATIO = 0.82


class Namnd(BaseModel):
    name: str
    forvaltning: str
    aliases: list[str] = Field(default_factory=list)
    former: bool = False


class NamndList(BaseModel):
    namnd: list[Namnd]


@dataclass(frozen=True)
class NamndMatch:
    """`name` is the nämnd as the list spells it; `sure` False means: ask first."""

    name: str
    sure: bool


@lru_cache(maxsize=1024)
def _key(text: str) -> str:
    words = re.sub(r"[\s\-–,.]+", " ", text.lower()).strip()
    words = re.sub(r"^malmö stads? ", "", words)
    return re.sub(r"nämnd(en|ens|s)?\b", "nämnd", words)


@lru_cache(maxsize=4)
def load_namnder(path: Path | None = None) -> tuple[Namnd, ...]:
    return tuple(load_toml_model(path or PROMPTS_DIR / "namnder.toml", NamndList).namnd)


def match_namnd(text: str, namnder: tuple[Namnd, ...] | None = None) -> NamndMatch | None:
    """The nämnd a written name (the first line of the answer) means, sure or to ask."""
    return _match(text, namnder) if namnder is not None else _match_listed(text)


@lru_cache(maxsize=4096)
def _match_listed(text: str) -> NamndMatch | None:
    """Against prompts/namnder.toml, remembered per text: the overview and the dashboard ask
    it of every ärende, and the same few names come back again and again."""
    return _match(text, load_namnder())


def _match(text: str, listed: tuple[Namnd, ...]) -> NamndMatch | None:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = re.split(r"/", line, maxsplit=1)[0].strip()  # "…nämnden/förvaltningen"
    if not 3 <= len(line) <= 200:
        return None
    wanted = _key(line)
    for namnd in listed:
        if wanted == _key(namnd.name) or wanted in (_key(a) for a in namnd.aliases):
            return NamndMatch(namnd.name, sure=True)
    for namnd in listed:
        if wanted == _key(namnd.forvaltning) and namnd.forvaltning != "Stadskontoret":
            return NamndMatch(namnd.name, sure=False)
    best = max(
        listed,
        key=lambda n: SequenceMatcher(None, wanted, _key(n.name)).ratio(),
    )
    if SequenceMatcher(None, wanted, _key(best.name)).ratio() >= NEAR_MISS_RATIO:
        return NamndMatch(best.name, sure=False)
    return None
