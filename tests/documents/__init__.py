"""Helpers for the document tests: the seeds split into answers, text read back from files."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from io import BytesIO
from pathlib import Path

import pypdf
from docx import Document

from bot.mall.template import Template

# Which mall each filled-in seed follows, and the diarienummer to render it under
# (002 and 004 name none; theirs are made up for the tests).
SEEDS: dict[str, tuple[str, str]] = {
    "seed_000": ("mall-2019", "STK-2018-1307"),
    "seed_001": ("mall-2019", "STK-2018-1304"),
    "seed_002": ("mall-2018", "STK-2018-0902"),
    "seed_004": ("mall-2018", "STK-2018-0904"),
}
CLOSING_STARTS = (
    "nämnden skickar",
    "nämndens svar",
    "sista datum",
    "samt med kopia",
    "ange diarie",
)
_FOOTER = re.compile(r"^Redovisning \S+ \d+ \(\d+\)$")


def _normalized(line: str) -> str:
    line = line.strip().lstrip("#").replace("*", "").strip().rstrip(":").strip()
    return " ".join(line.lower().split())


def _is_heading(line: str, question_text: str) -> bool:
    got, want = _normalized(line), _normalized(question_text)
    if not got or abs(len(got) - len(want)) > 30:
        return False
    return SequenceMatcher(None, got, want).ratio() >= 0.85


def split_seed(text: str, template: Template) -> dict[str, str]:
    """The answers of a filled-in mall, by question key, found by the questions' wording."""
    lines = text.split("\n")
    starts: list[tuple[int, str]] = []
    next_question = 0
    for index, line in enumerate(lines):
        for position in range(next_question, len(template.questions)):
            if _is_heading(line, template.questions[position].text):
                starts.append((index, template.questions[position].key))
                next_question = position + 1
                break
    end = next(
        (i for i, line in enumerate(lines) if _normalized(line).startswith(CLOSING_STARTS)),
        len(lines),
    )
    answers: dict[str, str] = {}
    for number, (index, key) in enumerate(starts):
        stop = starts[number + 1][0] if number + 1 < len(starts) else end
        body = "\n".join(line.rstrip() for line in lines[index + 1 : stop]).strip()
        answers[key] = body
    return answers


def expected_lines(answer: str) -> list[str]:
    """What each line of an answer should read as in a rendered file, without whitespace.

    Written independently of the parser: `- ✓ x` shows as `✓ x`, `- x` and `• x` as
    `• x`, and the asterisks of *emphasis* disappear.
    """
    expected = []
    for raw in answer.split("\n"):
        line = raw.strip()
        if not line:
            continue
        for prefix, marker in (("- ✓ ", "✓"), ("✓ ", "✓"), ("- ", "•"), ("• ", "•")):
            if line.startswith(prefix):
                line = marker + line[len(prefix) :]
                break
        expected.append(squash(line.replace("*", "")))
    return expected


def squash(text: str) -> str:
    """Text without whitespace and invisible joiners (line wrapping differs between formats)."""
    return re.sub(r"[\s\u200b\u2060]+", "", text)


# Where the report proper starts on the first page, below the letterhead of the page header.
_BODY_STARTS = ("Redovisning av medel", "Mall för redovisning", "Utkast – detta saknas")


def pdf_text(content: bytes) -> str:
    """The text of every page, without the letterhead, page footers and the UTKAST marks."""
    reader = pypdf.PdfReader(BytesIO(content))
    lines = []
    for number, page in enumerate(reader.pages):
        page_lines = page.extract_text().split("\n")
        if number == 0:
            start = next(
                (i for i, line in enumerate(page_lines) if line.strip().startswith(_BODY_STARTS)),
                0,
            )
            page_lines = page_lines[start:]
        for line in page_lines:
            if _FOOTER.match(line.strip()) or line.strip() == "UTKAST":
                continue
            lines.append(line)
    return "\n".join(lines)


def docx_text(content: bytes) -> str:
    doc = Document(BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs)


def assert_in_order(haystack: str, needles: list[str]) -> None:
    """Every needle occurs in the (squashed) haystack, each after the previous one."""
    text = squash(haystack)
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"not found after position {position}: {needle[:120]!r}"
        position = found + len(needle)


def seed_text(seeds_dir: Path, name: str) -> str:
    return (seeds_dir / f"{name}.txt").read_text(encoding="utf-8")
