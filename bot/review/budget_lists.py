"""Two more ways a budget answer states what was used: a list of costs under a lead line
("Pengarna har använts till:" and "- Föreläsare: 90 000 kr" …) and a share of the grant
("Vi har använt 80 procent av de beviljade 200 000 kronorna")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.mall.amounts import Amount, Role, cue_regex

_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")
_SHARE = re.compile(
    r"(?P<share>\d{1,3}(?:,\d+)?)\s*(?:%|procent)\s+av\s+(?P<whole>[^.!?\n]{0,60})",
    re.IGNORECASE,
)
_CONSUMED = re.compile(
    r"(?<![\wåäö])(?:använ\w*|förbruk\w*|nyttja\w*|utnyttja\w*|spender\w*|gått åt|gick åt)",
    re.IGNORECASE,
)


@dataclass
class ListedCosts:
    amounts: list[Amount]  # with the role a list item takes from its lead line
    linked: set[int] = field(default_factory=set)  # starts of items added to the one before
    parts: set[int] = field(default_factory=set)  # starts of items that break down a total


def _lines(text: str) -> list[tuple[int, str]]:
    lines, position = [], 0
    for line in text.split("\n"):
        lines.append((position, line))
        position += len(line) + 1
    return lines


def listed_costs(text: str, amounts: list[Amount]) -> ListedCosts:
    """Amounts on the bullet lines under a lead line that speaks of using the money are
    used money; they add up, unless the lead line gives the total itself."""
    result = ListedCosts(amounts=list(amounts))
    lead: tuple[int, str] | None = None
    first_in_list = True
    for start, line in _lines(text):
        end = start + len(line)
        if not line.strip():
            continue
        if not _BULLET.match(line):
            lead, first_in_list = (start, line), True
            continue
        if lead is None or not cue_regex(Role.USED).search(lead[1]):
            continue
        lead_has_total = any(
            a.role is Role.USED and lead[0] <= a.start < lead[0] + len(lead[1]) for a in amounts
        )
        for index, amount in enumerate(result.amounts):
            if not start <= amount.start < end or amount.role not in (None, Role.USED):
                continue
            result.amounts[index] = amount.model_copy(update={"role": Role.USED})
            if lead_has_total:
                result.parts.add(amount.start)
            elif not first_in_list:
                result.linked.add(amount.start)
            first_in_list = False
    return result


def share_used(text: str, amounts: list[Amount], granted: int | None) -> tuple[int, str] | None:
    """(kronor, as written) from "80 procent av de beviljade 200 000 kronorna", or from
    "80 % av medlen" and the granted amount; only in a sentence about using money."""
    for match in _SHARE.finditer(text):
        sentence_start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start()))
        sentence_end = min(
            (i for i in (text.find(".", match.end()), text.find("\n", match.end())) if i >= 0),
            default=len(text),
        )
        if not _CONSUMED.search(text, sentence_start + 1, sentence_end):
            continue
        share = float(match.group("share").replace(",", "."))
        whole = next(
            (a.value for a in amounts if match.start("whole") <= a.start < match.end()), granted
        )
        if whole and 0 < share <= 100:
            return round(whole * share / 100), match.group()
    return None
