"""Line breaking in the typst documents without a single character added to the text.

A diarienummer, a period ("2018-2020"), an amount ("500 000 kr") and a date ("28 februari
2020") must not break across lines, and a word far too long for a line must. Invisible
characters would do it (a word joiner after a hyphen, no-break spaces, zero-width spaces)
but they end up in the PDF's text layer: a diarienummer copied or searched from the
signed PDF would carry them. So the rules below do it in the layout instead: what must
stay together is set in an unbreakable `box`, and an overlong word is set as a row of
boxes that may break between them. The text layer holds exactly the stored characters.

`KEEP_TOGETHER` is typst source, put at the top of each document's source after its
`#set text(...)`. It applies to every string the document places, user text included,
and only ever groups the characters it matched.
"""

from __future__ import annotations

from typing import Final

from bot.mall.dates import MONTHS, SEASONS

LONG_WORD: Final = 60  # characters; a "word" this long cannot be Swedish: it may break
LONG_WORD_CHUNK: Final = 20  # …into pieces this long

_WHEN = "|".join((*MONTHS, *SEASONS))
_UNIT = "kr|kronor|tkr|mkr|sek|miljoner kronor|miljon kronor"

KEEP_TOGETHER: Final = rf"""
#let _pieces(word) = {{
  for piece in word.clusters().chunks({LONG_WORD_CHUNK}) {{ box(piece.join()) }}
}}
#show regex("\S{{{LONG_WORD},}}"): it => _pieces(it.text)
#show regex("[\p{{L}}\p{{N}}]+(?:[-–/][\p{{L}}\p{{N}}]+)+"): it => box(it)
#show regex("(?i)\d{{1,3}}(?: \d{{3}})+(?:,\d+)?(?: (?:{_UNIT}))?\b|\d+(?:,\d+)? ?(?:{_UNIT})\b"): it => box(it)
#show regex("(?i)(?:\d{{1,2}} )?(?:{_WHEN}) \d{{4}}|\d{{4}} [–-] \d{{4}}"): it => box(it)
"""
