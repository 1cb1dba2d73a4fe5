"""Split a seed report into its answers by the mall's question headings (for tests only)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.mall.template import Template

END_MARKERS = ("Nämnden skickar ärendet", "Nämndens svar skickas", "Sista datum")


def _normalise(line: str) -> str:
    line = re.sub(r"[*#_]", "", line).strip().rstrip(":?").strip().lower()
    return re.sub(r"\s+", " ", line)


def _heading_matches(line: str, question_text: str) -> bool:
    wanted = _normalise(question_text)
    found = _normalise(line)
    return bool(found) and (found == wanted or found[:28] == wanted[:28])


def seed_answers(path: Path, template: Template) -> dict[str, list[str]]:
    """Each question's answer as the list of its non-empty lines, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    answers: dict[str, list[str]] = {}
    current: str | None = None
    next_question = 0
    for line in lines:
        if next_question < len(template.questions) and _heading_matches(
            line, template.questions[next_question].text
        ):
            current = template.questions[next_question].key
            answers[current] = []
            next_question += 1
            continue
        if current is None or not line.strip():
            continue
        if line.strip().startswith(END_MARKERS):
            current = None
            continue
        answers[current].append(line.strip())
    return answers
