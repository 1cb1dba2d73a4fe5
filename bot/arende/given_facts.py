"""Which of the values given for one fact of an ärende stands (issue 20).

A coordinator's newest value (registration or correction) outranks every other; among the
others the newest stands. The one rule, read by the chat's /uppgifter
(bot/engine/case_facts.py) and by the model of the ärende (loading.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from storage.fact_repository import COORDINATOR_SOURCES

# The facts with no column of their own on the ärende that the page and the mail print
# when someone gave them: which body decided on the funds, and the period reported on.
TEXT_FACTS = ("decided_by", "report_period")


class Given(Protocol):
    @property
    def source(self) -> str | None: ...
    @property
    def value(self) -> Any: ...


G = TypeVar("G", bound=Given)


def standing(given: Sequence[G]) -> G | None:
    """The value that stands among those given for one fact (oldest first)."""
    ranked = [g for g in given if g.source in COORDINATOR_SOURCES] or list(given)
    return ranked[-1] if ranked else None


def standing_texts(history: Mapping[str, Sequence[G]]) -> dict[str, str]:
    """The standing value of each text fact someone gave; a fact nobody gave is left out."""
    texts: dict[str, str] = {}
    for name in TEXT_FACTS:
        current = standing(history.get(name, ()))
        if current is not None and isinstance(current.value, str) and current.value.strip():
            texts[name] = current.value.strip()
    return texts
