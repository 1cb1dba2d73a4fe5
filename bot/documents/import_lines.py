"""Line by line in a draft's markdown-like text: normalising, markdown, letterheads, answers.

The patterns and small functions that the heading matcher (`import_headings`), the
parser (`import_draft`) and the readers share: what a diarienummer, an e-mail address,
a list item or a letterhead line looks like, a line as a reader sees it, and how the
lines of one answer become its text (page splits healed, see `import_draft`).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from bot.documents.model import DraftMark, SignatureBlock

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
SIGNATURE_TITLE_RE = re.compile(
    rf"^\s*(?:\*\*)?{re.escape(SignatureBlock.title_label)}(?:\*\*)?[ \t]*", re.IGNORECASE
)
# "Ort och datum: Malmö, datum enligt den digitala underskriften" / "Malmö den ____".
SIGNATURE_PLACE_RE = re.compile(
    rf"^\s*(?:\*\*)?{re.escape(SignatureBlock.place_label)}(?:\*\*)?"
    rf"[ \t]*(?:{re.escape(SignatureBlock.place)}\b.*)?$",
    re.IGNORECASE,
)
# The mall's intro: "… beslutade vid sammanträde den 11 mars 2019 om att bevilja medel …".
DECISION_RE = re.compile(r"beslutade vid sammanträde\s+(?:den\s+)?(.*?)\s+om att", re.IGNORECASE)
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
        if any(p.match(line) for p in (SIGNATURE_RULE_RE, SIGNATURE_DATE_RE, SIGNATURE_PLACE_RE)):
            continue
        label = SIGNATURE_NAME_RE.match(line) or SIGNATURE_TITLE_RE.match(line)
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


def unique(items: list[str]) -> list[str]:
    """The items in order, each only once (ignoring case)."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out
