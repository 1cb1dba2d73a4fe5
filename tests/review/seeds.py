"""Split a seed document into its answers by the template's question headings (tests only).

Headings are matched loosely, because the seeds differ from the templates in wording
(`utvecklingsarbets budget`) and in markup (`### **…**`). An answer ends at the next
heading or at the template's fixed closing text.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

from bot.mall.template import Template

SEED_TEMPLATES = {"000": "mall-2019", "001": "mall-2019", "002": "mall-2018", "004": "mall-2018"}
_HEADING_SIMILARITY = 0.8
_CLOSING_PREFIX = 20  # letters; the rest of a closing line may hold a typo


def _normal(line: str) -> str:
    return re.sub(r"[^a-zåäöé]+", "", line.lower())


def _heading_key(line: str, template: Template) -> str | None:
    text = _normal(line)
    if not text:
        return None
    best, score = None, 0.0
    for question in template.questions:
        ratio = SequenceMatcher(None, text, _normal(question.text)).ratio()
        if ratio > score:
            best, score = question.key, ratio
    return best if score >= _HEADING_SIMILARITY else None


def _is_closing(line: str, template: Template) -> bool:
    text = _normal(line)
    return bool(text) and any(
        text.startswith(_normal(closing.split("{")[0])[:_CLOSING_PREFIX])
        for closing in template.closing
    )


def split_answers(text: str, template: Template) -> dict[str, str]:
    """The answer under each question heading; a question without a heading is absent."""
    answers: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        key = _heading_key(line, template)
        if key is not None:
            current = key
            answers[current] = []
        elif _is_closing(line, template):
            current = None
        elif current is not None:
            answers[current].append(line)
    return {key: "\n".join(lines).strip() for key, lines in answers.items()}


def seed_text(seeds_dir: Path, number: str) -> str:
    return (seeds_dir / f"seed_{number}.txt").read_text(encoding="utf-8")
