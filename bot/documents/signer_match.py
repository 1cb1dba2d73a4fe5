"""Does the signing certificate name the manager in the signature block? (issue 20)

Names are compared without case, accents and middle names: "JONAS MAGNUSSON",
"Jonas Erik Magnusson", "Magnusson, Jonas" and "Jonas Magnússon" are all the signature
block's "Jonas Magnusson"; "Kalle Anka" is not. The block's name is the first line of the
signature answer (as the document prints it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

SIGNATURE_KEYS = ("underskrift",)


def _words(name: str) -> list[str]:
    if "," in name:  # "Magnusson, Jonas"
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    return [w for w in re.split(r"[^\w]+", plain) if w and not w.isdigit()]


def names_match(certificate_name: str, block_name: str) -> bool:
    """The same first and last name (middle names, case and accents aside)."""
    cert, block = _words(certificate_name), _words(block_name)
    if not cert or not block:
        return False
    if len(cert) == 1 or len(block) == 1:
        return cert[-1] == block[-1]
    return cert[0] == block[0] and cert[-1] == block[-1]


def signature_block_name(answers: Mapping[str, Any]) -> str | None:
    """The manager's name as the signature block gives it (its first line)."""
    for key in SIGNATURE_KEYS:
        text = str(answers.get(key) or "").strip()
        if text:
            return text.splitlines()[0].strip() or None
    return None
