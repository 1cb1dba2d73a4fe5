"""Recognising a question heading, and the mall's fixed text, in the text of a draft.

The readers (import_text, import_docx, import_pdf) turn a file into one markdown-like
text; `bot.documents.import_draft` walks its lines and asks the `DraftParser` here
whether a line is a question or the mall's own text.

How a question heading is recognised
------------------------------------
Every line that is short enough to be a heading (at most three times as many words
as the longest question) is normalised: markdown marks (`#`, `**`, a leading
`1.`), punctuation (`:`, `?`, `/`, `,`) and case are dropped and the words are joined
by single spaces. That string is compared with the normalised text of every
question of every template with `difflib.SequenceMatcher.ratio()`. One to three
consecutive lines are tried, because a PDF wraps a long question over several lines.

The threshold is 0.80 (0.72 for a line that is formatted as a heading: bold only,
`#` heading, a Word heading style). On the five real reports every heading scores
at least 0.93 (seed 002's "utvecklingsarbets budget" 0.985, its "jämställdhet och
antidiskriminering" 0.93 against the 2018 wording) while the best-scoring line
that is *not* a heading scores 0.60 ("Arbetet har förankrats i den egna nämnden
på följande sätt:"). 0.80 sits in the middle of that gap: a typo or two, a missing
word or the other year's wording still match; an answer's first sentence that
borrows the question's words does not. A bare alias ("Budget", "Måluppfyllelse")
counts only when the line is formatted as a heading.

The mall's fixed text (title, intro, "Vid redovisning av …", the closing lines,
the "Malmö stad" header) is recognised the same way, after the values filled into
it (diarienummer, dates, e-mail addresses) are taken out, with a threshold of 0.80.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.documents.import_lines import (
    BULLET_RE,
    CASE_NUMBER_RE,
    DATE_RE,
    EMAIL_RE,
    MD_LINK_RE,
    is_formatted_heading,
    normalise,
    similarity,
    strip_markdown,
)
from bot.mall.template import TemplateCatalog

HEADING_THRESHOLD = 0.80
FORMATTED_HEADING_THRESHOLD = 0.72
FIXED_THRESHOLD = 0.80
TITLE_THRESHOLD = 0.94
ALIAS_THRESHOLD = 0.90
MAX_HEADING_SPAN = 3

# Text that is part of every Malmö stad document but of no template file.
COMMON_FIXED = ("Malmö stad",)


def _without_values(line: str) -> str:
    """The line with the values a mall's fixed text is filled with taken out."""
    line = MD_LINK_RE.sub(r"\1", line)
    line = CASE_NUMBER_RE.sub(" ", line)
    line = EMAIL_RE.sub(" ", line)
    return DATE_RE.sub(" ", line)


def _fixed_pattern(line: str) -> str:
    return normalise(re.sub(r"\{[a-z_]+\}", " ", line))


@dataclass(frozen=True)
class _Candidate:
    template_id: str
    key: str
    text: str  # normalised
    is_alias: bool


@dataclass(frozen=True)
class _Fixed:
    template_id: str  # "" for COMMON_FIXED
    role: str  # "title", "intro", "closing", "header"
    text: str  # normalised


@dataclass
class HeadingMatch:
    key: str
    score: float
    span: int  # how many lines the heading takes
    inline: str  # answer text on the heading's own line, after the question
    by_template: dict[str, float]


class DraftParser:
    """Finds the questions of every template in the catalog in a text."""

    def __init__(self, catalog: TemplateCatalog) -> None:
        self.catalog = catalog
        self.templates = catalog.all()
        self.candidates: list[_Candidate] = []
        for template in self.templates:
            for q in template.questions:
                self.candidates.append(_Candidate(template.id, q.key, normalise(q.text), False))
                for alias in q.aliases:
                    self.candidates.append(_Candidate(template.id, q.key, normalise(alias), True))
        self.fixed: list[_Fixed] = [_Fixed("", "header", normalise(t)) for t in COMMON_FIXED]
        for template in self.templates:
            self.fixed.append(_Fixed(template.id, "title", _fixed_pattern(template.title)))
            self.fixed += [_Fixed(template.id, "intro", _fixed_pattern(x)) for x in template.intro]
            self.fixed += [
                _Fixed(template.id, "closing", _fixed_pattern(x)) for x in template.closing
            ]
        longest = max(len(c.text.split()) for c in self.candidates)
        self.max_heading_words = 3 * longest

    # --- recognising single lines -------------------------------------------------

    def match_fixed(self, line: str, title_seen: bool) -> tuple[str, dict[str, float]] | None:
        """(role, best score per template) when the line is the mall's fixed text.

        A list item is never fixed text, and the title counts only once and only when it
        is close (0.94): a tjänsteskrivelse's "Uppföljning av medel beviljade till
        insatser för …" scores 0.92 against the title and is the author's text.
        """
        text = normalise(_without_values(line))
        if not text or BULLET_RE.match(line):
            return None
        scores: dict[str, float] = {}
        best_role, best = "", 0.0
        for fixed in self.fixed:
            if fixed.role == "title" and title_seen:
                continue
            score = similarity(text, fixed.text)
            if fixed.role == "title" and score < TITLE_THRESHOLD:
                score = 0.0
            if fixed.template_id:
                scores[fixed.template_id] = max(scores.get(fixed.template_id, 0.0), score)
            if score > best:
                best_role, best = fixed.role, score
        if best < FIXED_THRESHOLD:
            return None
        return best_role, scores

    def _score_heading(self, text: str, formatted: bool) -> HeadingMatch | None:
        normal = normalise(text)
        words = len(normal.split())
        if not normal or words > self.max_heading_words:
            return None
        by_template: dict[str, float] = {}
        best_key, best = "", 0.0
        for cand in self.candidates:
            if cand.is_alias and not formatted:
                continue
            score = similarity(normal, cand.text)
            if cand.is_alias:
                if score < ALIAS_THRESHOLD:
                    continue
                score = min(score, FORMATTED_HEADING_THRESHOLD + 0.01)
            else:
                tid = cand.template_id
                by_template[tid] = max(by_template.get(tid, 0.0), score)
            if score > best:
                best_key, best = cand.key, score
        threshold = FORMATTED_HEADING_THRESHOLD if formatted else HEADING_THRESHOLD
        if best < threshold:
            return None
        return HeadingMatch(best_key, best, 1, "", by_template)

    def match_heading(self, lines: list[str], i: int) -> HeadingMatch | None:
        """The question that starts at lines[i], if any (over up to three lines)."""
        first = lines[i]
        if not first.strip() or (BULLET_RE.match(first) and not re.match(r"^\s*\d", first)):
            return None
        best: HeadingMatch | None = None
        joined = ""
        formatted = True
        for span in range(1, MAX_HEADING_SPAN + 1):
            if i + span - 1 >= len(lines) or not lines[i + span - 1].strip():
                break
            part = lines[i + span - 1].strip()
            joined = f"{joined} {part}" if joined else part
            formatted = formatted and is_formatted_heading(part)
            if span > 1 and not formatted and not _looks_like_wrapped(lines[i + span - 2]):
                break
            found = self._score_heading(joined, formatted or is_formatted_heading(joined))
            if found and (best is None or found.score > best.score + 0.02):
                found.span = span
                best = found
        if best is None:
            best = self._match_inline(first)
        return best

    def _match_inline(self, line: str) -> HeadingMatch | None:
        """`Utvecklingsarbetets namn: Program för …`: a question and its answer on one line."""
        for m in re.finditer(r"[:?]", line):
            head, rest = line[: m.end()], line[m.end() :].strip().lstrip("*").strip()
            if not rest:
                continue
            found = self._score_heading(head, is_formatted_heading(head))
            if found and found.score >= HEADING_THRESHOLD:
                found.inline = rest
                return found
        return None


def _looks_like_wrapped(line: str) -> bool:
    """A line that does not end a sentence: the next one may continue it."""
    s = strip_markdown(line)
    return bool(s) and not s.endswith((".", "?", ":", "!"))
