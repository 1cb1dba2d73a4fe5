"""Parse the text of an earlier draft into the mall's answers.

The readers in `bot.documents.importer` turn a TXT/MD, DOCX or PDF file into one
markdown-like text: paragraphs separated by a blank line, list items as lines of
their own, bold as `**…**`, italic as `*…*`, headings possibly as `### …`. This
module finds the questions in that text and everything around them.

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
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from bot.documents.model import MISSING_ANSWER, DraftMark, SignatureBlock
from bot.mall.template import QuestionKind, Template, TemplateCatalog

HEADING_THRESHOLD = 0.80
FORMATTED_HEADING_THRESHOLD = 0.72
FIXED_THRESHOLD = 0.80
TITLE_THRESHOLD = 0.94
ALIAS_THRESHOLD = 0.90
MAX_HEADING_SPAN = 3

# Text that is part of every Malmö stad document but of no template file.
COMMON_FIXED = ("Malmö stad",)

CASE_NUMBER_RE = re.compile(r"\b[A-ZÅÄÖ]{2,6}-\d{4}-\d{1,6}\b")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
MD_LINK_RE = re.compile(r"\[([^\]\n]*)\]\((?:mailto:)?[^)\s]*\)")
DATE_RE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} (?:januari|februari|mars|april|maj|juni|juli|augusti|"
    r"september|oktober|november|december) \d{4}\b",
    re.IGNORECASE,
)
BULLET_RE = re.compile(r"^\s*(?:[-–•◦▪●○■✓✔]|\*(?!\*)|\d{1,2}[.)])\s+")
LETTERHEAD_RE = re.compile(
    r"^\s*(?:\*\*)?(?:besöksadress|postadress|leveransadress|telefon|tfn|tel\.|växel|fax|"
    r"e-post|epost|e-mail|www\.|https?://|org\.? ?nr|organisationsnummer|bankgiro|"
    r"\d{3} ?\d{2} [A-ZÅÄÖ][a-zåäö]+\s*$)",
    re.IGNORECASE,
)
# What Redovisa's own renderings add around the answers (bot.documents.model): the
# draft's "what is missing" list, the placeholder of an unanswered question and the
# signature block's rule, name label and date line. None of it is an answer.
DRAFT_HEADING = DraftMark.heading
SIGNATURE_RULE_RE = re.compile(r"^[\s_]*_{5,}[\s_]*$")
SIGNATURE_NAME_RE = re.compile(
    rf"^\s*(?:\*\*)?{re.escape(SignatureBlock.name_label)}(?:\*\*)?[ \t]*", re.IGNORECASE
)
SIGNATURE_DATE_RE = re.compile(
    rf"^\s*(?:\*\*)?{re.escape(SignatureBlock.date_label)}(?:\*\*)?[\s_]*$", re.IGNORECASE
)
LAST_REPLY_RE = re.compile(r"sista datum för nämndens svar är\s*:?\s*(.*)$", re.IGNORECASE)
SENTENCE_END = (".", "!", "?", ":", ";", "”", '"', ")", "*")


def normalise(text: str) -> str:
    """Lower-case words only: markdown, punctuation and spacing removed."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = MD_LINK_RE.sub(r"\1", text)
    text = re.sub(r"^\s*#+\s*", "", text)
    text = re.sub(r"^\s*\d{1,2}[.)]\s+", "", text)
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    """difflib's ratio of two normalised strings; 0 when either is empty."""
    if not a or not b:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return 0.0
    return matcher.ratio()


def strip_markdown(line: str) -> str:
    """A line without heading marks, emphasis and links: what a reader sees."""
    line = MD_LINK_RE.sub(r"\1", line)
    line = re.sub(r"^\s*#+\s*", "", line)
    line = line.replace("**", "").replace("__", "")
    line = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"\1", line)
    return line.strip()


def is_formatted_heading(line: str) -> bool:
    """A markdown heading, or a line that is bold (or italic) as a whole."""
    s = line.strip()
    if s.startswith("#"):
        return True
    inner = s.rstrip(":?").strip()
    return (
        len(inner) > 4
        and inner.startswith("**")
        and inner.endswith("**")
        and "**" not in inner[2:-2]
    )


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


def letterhead_lines(lines: list[str]) -> set[int]:
    """Indexes of lines in blocks that are an address/letterhead (page furniture)."""
    marked: set[int] = set()
    block: list[int] = []
    for i, line in enumerate([*lines, ""]):
        if line.strip():
            block.append(i)
            continue
        hits = sum(1 for j in block if LETTERHEAD_RE.match(lines[j]))
        if hits >= 2 and hits * 2 >= len(block) - 2:
            marked.update(block)
        block = []
    return marked


def clean_answer(lines: list[str], heal_page_splits: bool = True) -> str:
    """Lines of one answer as text: paragraphs split by one blank line, page splits healed.

    Links become their text, trailing spaces (markdown hard breaks) go, a paragraph
    that a page break split is joined again (unless `heal_page_splits` is false: a
    Word paragraph is never split by a page) and consecutive list items form one list.
    """
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        line = MD_LINK_RE.sub(r"\1", line).rstrip()
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    healed: list[list[str]] = []
    for para in paragraphs:
        if heal_page_splits and healed and _continues(healed[-1][-1], para[0]):
            healed[-1][-1] = healed[-1][-1].rstrip() + " " + para[0].lstrip()
            healed[-1].extend(para[1:])
        elif healed and BULLET_RE.match(healed[-1][-1]) and BULLET_RE.match(para[0]):
            # A blank line between two list items (a page break, seeds 000 and 004) is
            # not kept: one list, as DOCX and PDF can only show it.
            healed[-1].extend(para)
        else:
            healed.append(list(para))
    return "\n\n".join("\n".join(p) for p in healed).strip()


def signer_lines(lines: list[str]) -> list[str]:
    """The signature answer without a rendered signature block's rule, labels and date line.

    `**Namnförtydligande:** Jonas Magnusson` gives the name; a line of underscores (where
    the manager signs) and an empty `**Datum:** ____` are dropped.
    """
    out: list[str] = []
    for line in lines:
        if SIGNATURE_RULE_RE.match(line) or SIGNATURE_DATE_RE.match(line):
            continue
        label = SIGNATURE_NAME_RE.match(line)
        if label is not None:
            line = line[label.end() :]
        out.append(line)
    return out


def _continues(previous: str, following: str) -> bool:
    """The second paragraph is the rest of the first one's sentence (a page break)."""
    prev = previous.rstrip()
    nxt = following.lstrip()
    if not prev or not nxt or BULLET_RE.match(nxt):
        return False
    if prev.endswith(SENTENCE_END) or is_formatted_heading(prev):
        return False
    return nxt[0].islower()


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


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

    case_numbers = _unique(CASE_NUMBER_RE.findall(text))
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
        recipients=_unique(recipients),
        last_reply_date=last_reply,
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
