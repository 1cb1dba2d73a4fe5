"""Which of the four perspectives a report addresses, by the keywords in prompts/review/."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.mall.datafiles import PROMPTS_DIR
from bot.review.findings import Finding, Severity

KEYWORDS_FILE = PROMPTS_DIR / "review" / "perspectives.toml"
THIN_BELOW = 3  # mentions; fewer than this in the whole report is thin
EVIDENCE_SHOWN = 5


class Perspective(StrEnum):
    JAMSTALLDHET = "jamstalldhet"
    ANTIDISKRIMINERING = "antidiskriminering"
    BARNRATT = "barnratt"
    NATIONELLA_MINORITETER = "nationella_minoriteter"


class PerspectiveKeywords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    keywords: tuple[str, ...] = Field(min_length=1)


class Coverage(BaseModel):
    """How often a perspective is mentioned, and the words that mentioned it."""

    model_config = ConfigDict(frozen=True)

    perspective: Perspective
    label: str
    count: int
    evidence: tuple[str, ...]  # the words as written, first occurrence of each
    questions: tuple[str, ...]  # the question keys where it is mentioned


@cache
def load_keywords(path: Path = KEYWORDS_FILE) -> dict[Perspective, PerspectiveKeywords]:
    """Read the keyword file once; every perspective must be in it. (Read-only: shared.)"""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lists = {Perspective(name): PerspectiveKeywords.model_validate(v) for name, v in data.items()}
    missing = [p.value for p in Perspective if p not in lists]
    if missing:
        raise ValueError(f"{path}: inga nyckelord för {', '.join(missing)}")
    return lists


def _pattern(keywords: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for keyword in keywords:
        stem = r"\s+".join(re.escape(word) for word in keyword.rstrip("*").split())
        parts.append(stem + (r"\w*" if keyword.endswith("*") else ""))
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE)


def coverage(
    answers: Mapping[str, str],
    keywords: Mapping[Perspective, PerspectiveKeywords] | None = None,
) -> dict[Perspective, Coverage]:
    """For each perspective: mentions across all answers, with evidence and where."""
    lists = keywords if keywords is not None else load_keywords()
    result = {}
    for perspective, entry in lists.items():
        pattern = _pattern(entry.keywords)
        count, evidence, questions = 0, dict[str, None](), dict[str, None]()
        for key, answer in answers.items():
            matches = [m.group() for m in pattern.finditer(answer)]
            if matches:
                count += len(matches)
                questions[key] = None
                for word in matches:
                    evidence.setdefault(" ".join(word.split()).lower(), None)
        result[perspective] = Coverage(
            perspective=perspective,
            label=entry.label,
            count=count,
            evidence=tuple(evidence),
            questions=tuple(questions),
        )
    return result


def perspective_findings(
    found: Mapping[Perspective, Coverage], granted_for: Iterable[Perspective]
) -> list[Finding]:
    """`perspective_thin` for each perspective the grant was for that the report barely covers.

    Not mentioned at all is a warning; mentioned fewer than THIN_BELOW times is info.
    """
    findings = []
    for perspective in granted_for:
        seen = found[perspective]
        if seen.count >= THIN_BELOW:
            continue
        if seen.count == 0:
            severity = Severity.WARNING
            message = (
                f"Medlen beviljades för arbete med {seen.label}, men redovisningen nämner det "
                f"inte. Beskriv vad arbetet har betytt för {seen.label}, till exempel under "
                "måluppfyllelsen."
            )
        else:
            severity = Severity.INFO
            message = (
                f"Medlen beviljades för arbete med {seen.label}, men redovisningen nämner det "
                f"bara {seen.count} gång{'er' if seen.count > 1 else ''}. Beskriv gärna mer "
                "konkret vad arbetet har gett på det området."
            )
        findings.append(
            Finding(
                code="perspective_thin",
                severity=severity,
                question=seen.questions[0] if seen.questions else None,
                message=message,
                evidence=", ".join(seen.evidence[:EVIDENCE_SHOWN]),
            )
        )
    return findings
