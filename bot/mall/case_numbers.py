"""Diarienummer: the identifier of an ärende, such as STK-2018-1307 or SN-2018-1996."""

from __future__ import annotations

import re

from bot.mall.errors import UserFacingError

CASE_NUMBER_PATTERN = re.compile(r"^([A-ZÅÄÖ]{2,6})-((?:19|20)\d{2})-(\d{1,6})$")
CASE_NUMBER_IN_TEXT = re.compile(r"\b[A-ZÅÄÖ]{2,6}-(?:19|20)\d{2}-\d{1,6}\b")


def normalise_case_number(raw: str) -> str:
    """Return the diarienummer in its canonical form, or raise a Swedish explanation."""
    candidate = raw.strip().upper().replace("–", "-").replace("—", "-").replace(" ", "")
    if not CASE_NUMBER_PATTERN.match(candidate):
        shown = raw.strip()[:40] or "(tomt)"
        raise UserFacingError(
            f"”{shown}” är inte ett diarienummer. Ett diarienummer skrivs som "
            "förkortning-år-nummer, till exempel STK-2018-1307 eller SN-2018-1996."
        )
    return candidate


def looks_like_case_number(text: str) -> bool:
    try:
        normalise_case_number(text)
    except UserFacingError:
        return False
    return True


def case_numbers_in(text: str) -> list[str]:
    """Every diarienummer written in a text, in order."""
    return CASE_NUMBER_IN_TEXT.findall(text)
