"""The nämnd's tjänsteskrivelse that asks it to approve the report (the shape of seed 003).

Built from stored data only: the answers, the ärende's facts (nämnd, decision, granted
amount, perspectives), the confirmed used amount (or the one read from the budget answer)
and who wrote and signed it. Whatever is not known is left as a visible gap,
"[uppgift saknas: …]", for the official to fill in. Without a language model the
Sammanfattning and Ärendet are put together from the answers; a drafted text the official
accepted can be passed in instead (`summary_suggestion`, `matter_suggestion`). Rendering
as DOCX and PDF/A is in tjansteskrivelse_render.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.documents.model import BulletList, Paragraph, Span
from bot.documents.phrases import Phrases, phrases
from bot.documents.text_markup import clean_line, clean_text, parse_blocks
from bot.mall.amounts import format_kronor
from bot.mall.dates import MONTHS
from bot.mall.template import QuestionKind, Template
from bot.review.perspectives import Perspective, load_keywords

SUMMARY_SENTENCES = 2  # of each answer, in the plain Sammanfattning
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9”\"])")
_TEMPLATE_MONTH = re.compile(r"^(\d{4})-(\d{2})")
# Which answers go where, by question key (both mallar use these keys).
SUMMARY_KEYS = ("maluppfyllelse",)
OUTLOOK_KEYS = ("tillvarata",)
MATTER_KEYS = ("maluppfyllelse", "forankring", "erfarenheter")


def texts() -> Phrases:
    return phrases("tjansteskrivelse")


def split_gaps(text: str) -> list[tuple[str, bool]]:
    """The text in pieces, each marked True when it is a gap ("[uppgift saknas: …]")."""
    before, _, after = texts()("gap", what="\x00").partition("\x00")
    pattern = re.compile(re.escape(before) + r".*?" + re.escape(after))
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


@dataclass(frozen=True)
class TjansteskrivelseFacts:
    """What is stored about the finished report; None or empty where nothing is."""

    case_number: str
    template: Template
    answers: Mapping[str, str]
    today: date
    committee: str | None = None
    committee_case_number: str | None = None  # the nämnd's own diarienummer
    decision_date: date | None = None
    # Decided once by the model of the ärende (bot/arende/budget.py), never read again here.
    granted_amount_kr: int | None = None
    used_amount_kr: int | None = None
    perspectives: Sequence[str] | None = None  # Perspective values
    author_name: str | None = None
    author_title: str | None = None
    author_email: str | None = None
    decision_planning: Sequence[str] = ()  # "Servicenämnden 2019-01-29", one per line
    send_to: Sequence[str] = ()
    responsible: Sequence[str] = ()  # "Lena Lundin, avdelningschef"; else the signature


@dataclass(frozen=True)
class Tjansteskrivelse:
    """The document, section by section, every string plain text."""

    case_number: str
    date: str
    reference: tuple[str, ...]
    title: str
    summary: tuple[str, ...]
    proposal: tuple[str, ...]
    basis: tuple[str, ...]
    planning: tuple[str, ...]
    send_to: tuple[str, ...]
    matter: tuple[str, ...]
    responsible: tuple[str, ...]
    gaps: tuple[str, ...] = field(default=())  # what is missing, as shown in the gaps

    def sections(self) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
        """(heading key, paragraphs, as a bullet list) in the order of seed 003."""
        return (
            ("heading_summary", self.summary, False),
            ("heading_proposal", self.proposal, False),
            ("heading_basis", self.basis, True),
            ("heading_planning", self.planning, False),
            ("heading_send_to", self.send_to, False),
            ("heading_matter", self.matter, False),
            ("heading_responsible", self.responsible, False),
        )


class _Gaps:
    def __init__(self, phrases_: Phrases) -> None:
        self._texts = phrases_
        self.missing: list[str] = []

    def __call__(self, what_key: str, **values: object) -> str:
        what = self._texts(what_key, **values)
        if what not in self.missing:
            self.missing.append(what)
        return self._texts("gap", what=what)


def _plain(spans: tuple[Span, ...]) -> str:
    return " ".join("".join(span.text for span in spans).split())


def answer_paragraphs(text: str) -> list[str]:
    """The answer as plain paragraphs: emphasis marks dropped, a bullet "• item" each."""
    out: list[str] = []
    for block in parse_blocks(clean_text(text)):
        if isinstance(block, BulletList):
            out += [f"{item.marker} {_plain(item.spans)}" for item in block.items]
        elif isinstance(block, Paragraph):
            plain = _plain(block.spans)
            if plain:
                out.append(plain)
    return out


def first_sentences(text: str, count: int) -> str:
    """The first `count` sentences of the answer's opening prose (before any list); a
    sentence that only introduces a list (ends with a colon) is left out."""
    prose: list[str] = []
    for block in parse_blocks(clean_text(text)):
        if not isinstance(block, Paragraph):
            break
        prose.append(_plain(block.spans))
    sentences = [s for s in _SENTENCE_END.split(" ".join(prose)) if s.strip()][:count]
    while sentences and sentences[-1].rstrip().endswith(":"):
        sentences.pop()
    return " ".join(sentences).strip()


def _when(facts: TjansteskrivelseFacts) -> str | None:
    if facts.decision_date:
        return f"{MONTHS[facts.decision_date.month - 1]} {facts.decision_date.year}"
    match = _TEMPLATE_MONTH.match(facts.template.decision_date)
    if match and 1 <= int(match[2]) <= 12:
        return f"{MONTHS[int(match[2]) - 1]} {match[1]}"
    return None


def _perspectives(facts: TjansteskrivelseFacts, t: Phrases) -> str:
    if not facts.perspectives:
        return t("perspectives_all")
    labels = load_keywords()
    names = [
        labels[Perspective(p)].label
        for p in facts.perspectives
        if p in Perspective._value2member_map_
    ]
    if not names:
        return t("perspectives_all")
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {t('conjunction_and')} {names[-1]}"


def budget_answer(template: Template, answers: Mapping[str, str]) -> str:
    """The text of the mall's budget question(s)."""
    keys = [q.key for q in template.questions if q.kind is QuestionKind.BUDGET]
    return "\n\n".join(answers[k] for k in keys if answers.get(k, "").strip())


def budget_figures(facts: TjansteskrivelseFacts) -> tuple[int | None, int | None]:
    """(granted, used) in kronor as the model of the ärende decided them (bot/arende/budget.py:
    confirmed, else registered, else a sure reading of the answer); None is shown as a gap."""
    return facts.granted_amount_kr, facts.used_amount_kr


def _signature_lines(facts: TjansteskrivelseFacts) -> list[str]:
    for q in facts.template.questions:
        if q.kind is QuestionKind.SIGNATURE:
            lines = [clean_line(x) for x in facts.answers.get(q.key, "").splitlines()]
            lines = [x for x in lines if x]
            if lines:
                return [", ".join(lines)]
    return []


def _answer(facts: TjansteskrivelseFacts, key: str, gap: _Gaps) -> list[str]:
    text = facts.answers.get(key, "")
    if text.strip():
        return answer_paragraphs(text)
    try:
        question = facts.template.question(key).text.rstrip(":")
    except KeyError:
        return []
    return [gap("what_answer", question=question)]


def build_tjansteskrivelse(
    facts: TjansteskrivelseFacts,
    summary_suggestion: str | None = None,
    matter_suggestion: str | None = None,
) -> Tjansteskrivelse:
    """Draft the tjänsteskrivelse from stored data.

    `summary_suggestion` / `matter_suggestion`: a Sammanfattning / Ärendet the official
    accepted (drafted by the language model); None builds them from the answers.
    """
    t = texts()
    gap = _Gaps(t)
    committee = clean_line(facts.committee or facts.answers.get("namnd", "")) or gap(
        "what_committee"
    )
    granted, used = budget_figures(facts)
    when = _when(facts)
    granted_sentence = t(
        "granted_sentence",
        committee=committee,
        when=when or gap("what_decision_time"),
        decided_by=facts.template.decided_by,
        perspectives=_perspectives(facts, t),
    )
    used_sentence = t(
        "used_sentence",
        committee=committee,
        used=format_kronor(used, non_breaking=True) if used is not None else gap("what_used"),
        granted=format_kronor(granted, non_breaking=True) if granted else gap("what_granted"),
    )

    if summary_suggestion and summary_suggestion.strip():
        summary = answer_paragraphs(summary_suggestion)
    else:
        opening = " ".join(
            [granted_sentence]
            + [first_sentences(facts.answers.get(k, ""), SUMMARY_SENTENCES) for k in SUMMARY_KEYS]
        ).strip()
        outlook = [
            first_sentences(facts.answers.get(k, ""), SUMMARY_SENTENCES) for k in OUTLOOK_KEYS
        ]
        summary = [opening, used_sentence, *(o for o in outlook if o)]

    if matter_suggestion and matter_suggestion.strip():
        matter = answer_paragraphs(matter_suggestion)
    else:
        matter = [granted_sentence]
        for key in MATTER_KEYS:
            matter += _answer(facts, key, gap)
        matter += answer_paragraphs(budget_answer(facts.template, facts.answers)) + [used_sentence]
        for key in OUTLOOK_KEYS:
            matter += _answer(facts, key, gap)

    reference = [
        clean_line(x) for x in (facts.author_name, facts.author_title, facts.author_email) if x
    ]
    if not facts.author_name:
        reference.insert(0, gap("what_reference"))
    responsible = [clean_line(x) for x in facts.responsible if clean_line(x)] or _signature_lines(
        facts
    )
    dnr = clean_line(facts.committee_case_number or "") or gap("what_committee_case_number")
    return Tjansteskrivelse(
        case_number=clean_line(facts.case_number),
        date=facts.today.isoformat(),
        reference=tuple(reference),
        title=t("title", committee_case_number=dnr),
        summary=tuple(clean_text(p) for p in summary),
        proposal=(t("proposal", committee=committee),),
        basis=(t("basis_self"), t("basis_report", case_number=clean_line(facts.case_number))),
        planning=tuple(clean_line(x) for x in facts.decision_planning if clean_line(x))
        or (gap("what_planning"),),
        send_to=tuple(clean_line(x) for x in facts.send_to if clean_line(x))
        or (t("send_to_default"),),
        matter=tuple(clean_text(p) for p in matter),
        responsible=tuple(responsible) or (gap("what_responsible"),),
        gaps=tuple(gap.missing),
    )
