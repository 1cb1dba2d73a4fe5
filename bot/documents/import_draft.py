"""Parse the text of an earlier draft into the mall's answers.

The readers in `bot.documents.importer` turn a TXT/MD, DOCX or PDF file into one
markdown-like text: paragraphs separated by a blank line, list items as lines of
their own, bold as `**…**`, italic as `*…*`, headings possibly as `### …`. This
module finds the questions in that text (with `import_headings`) and everything
around them.

Embedded letterheads and page footers (an address block with "Besöksadress",
"Telefon", "E-post", a postcode, "www.") that a PDF or Word export dropped in the
middle of an answer are moved out of the answer into `unassigned_text`, and the
sentence that the page break split is joined again.

A paragraph that ends without any punctuation followed by one that starts with a
lower-case letter is one paragraph split by a page break (seed 000 has two, seed
004 one around its letterhead); the two are joined with a space. Not in a Word
document, whose paragraphs no page break splits.

Redovisa's own renderings add text that is no answer: a draft's "Utkast – detta
saknas ännu:" with its list, "[Svar saknas]" under an unanswered question, and the
signature block (a rule of underscores, "Namnförtydligande: <namn>", an empty
"Datum:"). The list and the placeholder are skipped; the signature answer keeps the
name and the lines under it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from bot.documents.import_headings import DraftParser
from bot.documents.import_lines import (
    BULLET_RE,
    CASE_NUMBER_RE,
    DECISION_RE,
    DRAFT_HEADING,
    EMAIL_RE,
    LAST_REPLY_RE,
    MD_LINK_RE,
    clean_answer,
    letterhead_lines,
    normalise,
    signer_lines,
    strip_markdown,
    unique,
)
from bot.documents.model import MISSING_ANSWER
from bot.mall.template import QuestionKind, Template, TemplateCatalog


@dataclass
class ParsedDraft:
    """What the text says, before the template is chosen for good."""

    template_id: str
    template_reason: str
    answers: dict[str, str]
    case_numbers: list[str]
    case_number: str | None
    signature: str
    recipients: list[str]
    last_reply_date: str | None
    unassigned_text: list[str]
    headings_found: list[str]
    warnings: list[str] = field(default_factory=list)
    decision_date: str | None = None  # as written in the intro ("11 mars 2019")


class _Collector:
    """Accumulates the pieces of text while the lines are walked once."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.order: list[str] = []
        self.unassigned: list[list[str]] = [[]]
        self.letterhead: list[list[str]] = [[]]
        self.scores: Counter[str] = Counter()
        self.evidence: list[str] = []

    def to_answer(self, key: str, line: str) -> None:
        self.answers.setdefault(key, []).append(line)

    def to_unassigned(self, line: str) -> None:
        if line.strip():
            self.unassigned[-1].append(line.rstrip())
        elif self.unassigned[-1]:
            self.unassigned.append([])


def parse_draft(text: str, catalog: TemplateCatalog, heal_page_splits: bool = True) -> ParsedDraft:
    """Split the text into the answers of the best-fitting template and the rest.

    `heal_page_splits=False` (a Word document) keeps every paragraph as it is; otherwise a
    paragraph that a page break split is joined again (see clean_answer).
    """
    parser = DraftParser(catalog)
    lines = text.split("\n")
    furniture = letterhead_lines(lines)
    out = _Collector()
    current: str | None = None
    in_closing = False
    recipients: list[str] = []
    last_reply: str | None = None
    decision: str | None = None
    title_seen = False

    i = 0
    while i < len(lines):
        line = lines[i]
        if i in furniture:
            out.letterhead[-1].append(line.rstrip())
            if i + 1 not in furniture:
                out.letterhead.append([])
            i += 1
            continue
        if not line.strip():
            if current is not None:
                out.to_answer(current, "")
            else:
                out.to_unassigned("")
            i += 1
            continue
        plain = strip_markdown(line)
        if plain == DRAFT_HEADING:  # a draft's list of what is missing
            i += 1
            while i < len(lines) and (not lines[i].strip() or BULLET_RE.match(lines[i])):
                i += 1
            continue
        if plain == MISSING_ANSWER:
            i += 1
            continue
        fixed = parser.match_fixed(line, title_seen)
        if fixed is not None:
            role, scores = fixed
            title_seen = title_seen or role == "title"
            out.scores.update(scores)
            if role in ("intro", "closing"):
                current = None
                out.to_unassigned("")
            decided = DECISION_RE.search(strip_markdown(line)) if role == "intro" else None
            if decided and decided.group(1).strip():
                decision = decided.group(1).strip()
            if role == "closing":
                in_closing = True
                recipients += EMAIL_RE.findall(MD_LINK_RE.sub(r"\1", line))
                reply = LAST_REPLY_RE.search(strip_markdown(line))
                if reply and reply.group(1).strip():
                    last_reply = reply.group(1).strip()
            i += 1
            continue
        heading = parser.match_heading(lines, i)
        if heading is not None:
            out.scores.update(heading.by_template)
            current = heading.key
            if current not in out.order:
                out.order.append(current)
            elif out.answers.get(current):
                out.to_answer(current, "")
            if heading.inline:
                out.to_answer(current, heading.inline)
            in_closing = False
            i += heading.span
            continue
        if in_closing and current is None and EMAIL_RE.fullmatch(plain.strip(" ,;")):
            recipients += EMAIL_RE.findall(plain)
            i += 1
            continue
        if current is not None:
            out.to_answer(current, line)
        else:
            out.to_unassigned(line)
        i += 1

    template, reason = _choose_template(catalog, text, out.scores)
    allowed = {q.key for q in template.questions}
    answers: dict[str, str] = {}
    unassigned = ["\n".join(b).strip() for b in out.unassigned if any(x.strip() for x in b)]
    if not out.order:
        # Not the mall (seed 003, a tjänsteskrivelse): keep every paragraph as written,
        # the lines that resemble the mall's fixed text included.
        unassigned = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        out.letterhead = []
    signature_keys = [q.key for q in template.questions if q.kind is QuestionKind.SIGNATURE]
    for key in [q.key for q in template.questions]:
        if key in out.answers:
            raw = out.answers[key]
            raw = signer_lines(raw) if key in signature_keys else raw
            cleaned = clean_answer(raw, heal_page_splits)
            if cleaned:
                answers[key] = cleaned
    for key in out.order:
        if key not in allowed and out.answers.get(key):
            unassigned.append(clean_answer(out.answers[key], heal_page_splits))
    unassigned += ["\n".join(b).strip() for b in out.letterhead if b]

    case_numbers = unique(CASE_NUMBER_RE.findall(text))
    counts = Counter(CASE_NUMBER_RE.findall(text))
    case_number = (
        max(case_numbers, key=lambda c: (counts[c], -case_numbers.index(c)))
        if case_numbers
        else None
    )
    signature = signature_of(template, answers)
    return ParsedDraft(
        template_id=template.id,
        template_reason=reason,
        answers=answers,
        case_numbers=case_numbers,
        case_number=case_number,
        signature=signature,
        recipients=unique(recipients),
        last_reply_date=last_reply,
        decision_date=decision,
        unassigned_text=unassigned,
        headings_found=[k for k in out.order if k in allowed],
    )


def signature_of(template: Template, answers: dict[str, str]) -> str:
    """The signer's name: the first line of the answer to the signature question."""
    for question in template.questions:
        if question.kind is QuestionKind.SIGNATURE and answers.get(question.key):
            return strip_markdown(answers[question.key].strip().split("\n")[0])
    return ""


def _mentions(text_words: list[str], phrase: str) -> bool:
    """The normalised words of `phrase` occur in order, each allowing a small typo."""
    words = phrase.split()
    if not words:
        return False
    for start in range(len(text_words) - len(words) + 1):
        if all(
            SequenceMatcher(None, text_words[start + k], w).ratio() >= 0.85
            for k, w in enumerate(words)
        ):
            return True
    return False


def _choose_template(
    catalog: TemplateCatalog, text: str, scores: Counter[str]
) -> tuple[Template, str]:
    """The template whose fixed text and headings the draft resembles most."""
    templates = catalog.all()
    words = normalise(text).split()
    totals: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    for template in templates:
        totals[template.id] = float(scores.get(template.id, 0.0))
        reasons[template.id] = []
        if _mentions(words, normalise(template.decided_by)):
            totals[template.id] += 1.0
            reasons[template.id].append(f"beslutande organ: {template.decided_by}")
        year = template.decision_date[:4]
        if year and _mentions(words, normalise(template.decided_by)) and year in text:
            totals[template.id] += 0.5
            reasons[template.id].append(f"beslutsår {year}")
    ranked = sorted(templates, key=lambda t: totals[t.id], reverse=True)
    best = ranked[0]
    if len(ranked) > 1 and abs(totals[best.id] - totals[ranked[1].id]) < 1e-6:
        best = templates[-1]
        return best, f"ingen skillnad mellan mallarna hittades; den senaste ({best.id}) valdes"
    evidence = reasons[best.id] + ["mallens fasta text och frågornas formulering"]
    margin = totals[best.id] - (totals[ranked[1].id] if len(ranked) > 1 else 0.0)
    return best, f"{best.id} (poäng {margin:+.2f} före nästa): " + ", ".join(evidence)
