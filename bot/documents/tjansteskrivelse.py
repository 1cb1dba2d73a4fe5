"""The nämnd's tjänsteskrivelse that asks it to approve the report (the shape of seed 003).

Built from stored data only, all of it in one input (`TjansteskrivelseFacts`): the
answers, the ärende's facts (nämnd, decision, granted amount, perspectives, recipients),
the confirmed used amount (or the one read from the budget answer) and who wrote and
signed it. Whatever is not known is left as a visible gap, "[uppgift saknas: …]", and
listed in `Tjansteskrivelse.gaps`. Written as seed 003 is: the nämnd as subject, in the
third person, a Sammanfattning of three short paragraphs and an Ärendet of a few, each
sentence one of the answers' own, chosen and rewritten by tjansteskrivelse_rules.py. A
drafted text the official accepted (a language model's) can replace the Sammanfattning and
the Ärendet (`summary_suggestion`, `matter_suggestion`). Rendering as DOCX and PDF/A is in
tjansteskrivelse_render.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from bot.documents.model import BulletList, Paragraph, swedish_date
from bot.documents.phrases import Phrases, phrases
from bot.documents.text_markup import clean_line, clean_text, parse_blocks
from bot.documents.tjansteskrivelse_people import (
    NAME_KEY,
    concerned_perspectives,
    responsible_lines,
    the_official,
)
from bot.documents.tjansteskrivelse_rules import (
    Choice,
    answer_sentences,
    choose,
    plain_spans,
    third_person,
)
from bot.mall.amounts import format_kronor
from bot.mall.dates import MONTHS
from bot.mall.template import QuestionKind, Template
from bot.review.perspectives import Perspective

_TEMPLATE_MONTH = re.compile(r"^(\d{4})-(\d{2})")
# Which answers go where, by question key (both mallar use these keys).
DONE_KEY, ANCHOR_KEY, EXPERIENCE_KEY, NEXT_KEY = (
    "maluppfyllelse", "forankring", "erfarenheter", "tillvarata",
)  # fmt: skip
# How many sentences, and words, each part takes from its answer (seed 003 has 424 words).
SUMMARY_DONE = Choice("done", sentences=4, word_budget=75)
SUMMARY_NEXT = Choice("next", sentences=2, word_budget=45, only_cued=True)
MATTER_BACKGROUND = Choice(None, sentences=2, word_budget=50, purpose=True)
MATTER_RESULTS = Choice("done", sentences=4, word_budget=80)
MATTER_ANCHORING = Choice(None, sentences=3, word_budget=60)
MATTER_EXPERIENCE = Choice(None, sentences=1, word_budget=40)
MATTER_BUDGET = Choice(None, sentences=2, word_budget=45, skip_amounts=True)
MATTER_NEXT = Choice("next", sentences=3, word_budget=60)


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
    perspectives: Sequence[str] | None = None  # Perspective values the grant was for
    author_name: str | None = None  # used only when it is a person's full name
    author_title: str | None = None
    author_email: str | None = None
    report_date: date | None = None  # the day the redovisning was signed
    decision_planning: Sequence[str] = ()  # "Servicenämnden 2019-01-29", one per line
    send_to: Sequence[str] = ()  # who the nämnd's decision goes to, as given
    recipients: Sequence[str] = ()  # the ärende's recipients: the first, then the copies
    responsible: Sequence[str] = ()  # "Lena Lundin, avdelningschef"; else the signature


@dataclass(frozen=True)
class GivenFacts:
    """What the official gave for this tjänsteskrivelse alone (the command's options)."""

    committee_case_number: str | None = None
    decision_planning: Sequence[str] = ()
    send_to: Sequence[str] = ()
    responsible: Sequence[str] = ()
    reference: Sequence[str] = ()  # name, title, e-mail of "Vår referens"

    def apply(self, facts: TjansteskrivelseFacts) -> TjansteskrivelseFacts:
        """The facts with what was given here put over what was stored."""
        name, title, email = ([*self.reference, None, None, None])[:3]
        return replace(
            facts,
            committee_case_number=self.committee_case_number or facts.committee_case_number,
            decision_planning=tuple(self.decision_planning) or facts.decision_planning,
            send_to=tuple(self.send_to) or facts.send_to,
            responsible=tuple(self.responsible) or facts.responsible,
            author_name=name or facts.author_name,
            author_title=title or (None if name else facts.author_title),
            author_email=email or (None if name else facts.author_email),
        )


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
    footer: str = ""
    committee_case_number: str | None = None

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

    def text(self) -> str:
        """Everything the document says, one paragraph a line (to count, search, check)."""
        parts = [self.date, *self.reference, self.title]
        for _key, paragraphs, _bullets in self.sections():
            parts += paragraphs
        return "\n".join(parts)


class _Gaps:
    def __init__(self, phrases_: Phrases) -> None:
        self._texts = phrases_
        self.missing: list[str] = []

    def __call__(self, what_key: str, **values: object) -> str:
        what = self._texts(what_key, **values)
        if what not in self.missing:
            self.missing.append(what)
        return self._texts("gap", what=what)


def answer_paragraphs(text: str) -> list[str]:
    """The answer as plain paragraphs: emphasis marks dropped, a bullet "• item" each."""
    out: list[str] = []
    for block in parse_blocks(clean_text(text)):
        if isinstance(block, BulletList):
            out += [f"{item.marker} {plain_spans(item.spans)}" for item in block.items]
        elif isinstance(block, Paragraph):
            plain = plain_spans(block.spans)
            if plain:
                out.append(plain)
    return out


def _when(facts: TjansteskrivelseFacts) -> str | None:
    if facts.decision_date:
        return f"{MONTHS[facts.decision_date.month - 1]} {facts.decision_date.year}"
    match = _TEMPLATE_MONTH.match(facts.template.decision_date)
    if match and 1 <= int(match[2]) <= 12:
        return f"{MONTHS[int(match[2]) - 1]} {match[1]}"
    return None


def named_perspectives(facts: TjansteskrivelseFacts) -> list[Perspective]:
    """The perspectives the tjänsteskrivelse names: the grant's, else the report's."""
    return concerned_perspectives(facts.perspectives, facts.answers)


def _perspectives(facts: TjansteskrivelseFacts, t: Phrases, gap: _Gaps) -> str:
    names = [t(f"perspective_{p.value}") for p in named_perspectives(facts)]
    if not names:
        return gap("what_perspectives")
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


def _sentences(facts: TjansteskrivelseFacts, key: str) -> list[str]:
    return answer_sentences(facts.answers.get(key, ""))


def _paragraph(*parts: str | Sequence[str]) -> str:
    pieces: list[str] = []
    for part in parts:
        pieces += [part] if isinstance(part, str) else [third_person(s) for s in part]
    return " ".join(p for p in pieces if p)


def _missing_answer(facts: TjansteskrivelseFacts, key: str, gap: _Gaps) -> str:
    if facts.answers.get(key, "").strip():
        return ""
    try:
        question = facts.template.question(key).text.rstrip(":")
    except KeyError:
        return ""
    return gap("what_answer", question=question)


def _summary(facts: TjansteskrivelseFacts, granted: str, used: str) -> list[str]:
    """Three short paragraphs: the grant and what was done, the money, what comes next."""
    done = choose(_sentences(facts, DONE_KEY), SUMMARY_DONE)
    coming = choose(_sentences(facts, NEXT_KEY), SUMMARY_NEXT)
    return [p for p in (_paragraph(granted, done), used, _paragraph(coming)) if p]


def _matter(facts: TjansteskrivelseFacts, granted: str, used: str, gap: _Gaps) -> list[str]:
    """Background, results, anchoring and experience, budget, continuation."""
    t = texts()
    name = clean_line(facts.answers.get(NAME_KEY, "")).rstrip(".")
    work = t("work_sentence", name=name) if name else ""
    done = _sentences(facts, DONE_KEY)
    background = choose(done, MATTER_BACKGROUND)
    results = choose(done, MATTER_RESULTS, taken=background)
    anchoring = choose(_sentences(facts, ANCHOR_KEY), MATTER_ANCHORING)
    experience = choose(_sentences(facts, EXPERIENCE_KEY), MATTER_EXPERIENCE)
    budget = choose(answer_sentences(budget_answer(facts.template, facts.answers)), MATTER_BUDGET)
    coming = choose(_sentences(facts, NEXT_KEY), MATTER_NEXT)
    paragraphs = [
        _paragraph(granted, work, background),
        _paragraph(results, _missing_answer(facts, DONE_KEY, gap)),
        _paragraph(anchoring, _missing_answer(facts, ANCHOR_KEY, gap), experience),
        _paragraph(used, budget),
        _paragraph(coming, _missing_answer(facts, NEXT_KEY, gap)),
    ]
    return [p for p in paragraphs if p]


def _reference(facts: TjansteskrivelseFacts, gap: _Gaps) -> list[str]:
    """ "Vår referens": name, title, e-mail of a person, each a gap when not known."""
    person = the_official(
        facts.template, facts.answers, facts.author_name, facts.author_title, facts.author_email
    )
    if person is None:
        return [gap("what_reference"), gap("what_reference_title"), gap("what_reference_email")]
    return [
        person.name,
        clean_line(person.title or "") or gap("what_reference_title"),
        clean_line(person.email or "") or gap("what_reference_email"),
    ]


def _send_to(facts: TjansteskrivelseFacts, gap: _Gaps) -> tuple[str, ...]:
    given = [clean_line(x) for x in facts.send_to if clean_line(x)]
    if given:
        return tuple(given)
    recipients = [clean_line(x) for x in facts.recipients if clean_line(x)]
    if recipients:
        copies = [texts()("send_to_copy", recipient=r) for r in recipients[1:]]
        return (recipients[0], *copies)
    return (gap("what_send_to"),)


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
    dnr = clean_line(facts.committee_case_number or "")
    title = t("title", committee_case_number=dnr or gap("what_committee_case_number"))
    reference = _reference(facts, gap)
    committee = clean_line(facts.committee or facts.answers.get("namnd", "")) or gap(
        "what_committee"
    )
    granted, used = budget_figures(facts)
    granted_sentence = t(
        "granted_sentence",
        committee=committee,
        when=_when(facts) or gap("what_decision_time"),
        decided_by=facts.template.decided_by,
        perspectives=_perspectives(facts, t, gap),
    )
    used_sentence = t(
        "used_sentence",
        committee=committee,
        used=format_kronor(used) if used is not None else gap("what_used"),
        granted=format_kronor(granted) if granted else gap("what_granted"),
    )
    if summary_suggestion and summary_suggestion.strip():
        summary = answer_paragraphs(summary_suggestion)
    else:
        summary = _summary(facts, granted_sentence, used_sentence)
    if matter_suggestion and matter_suggestion.strip():
        matter = answer_paragraphs(matter_suggestion)
    else:
        matter = _matter(facts, granted_sentence, used_sentence, gap)
    case_number = clean_line(facts.case_number)
    report_date = swedish_date(facts.report_date) if facts.report_date else None
    basis = (
        t("basis_self"),
        t("basis_report", case_number=case_number, date=report_date or gap("what_report_date")),
    )
    planning = tuple(clean_line(x) for x in facts.decision_planning if clean_line(x))
    send_to = _send_to(facts, gap)
    responsible = responsible_lines(facts.responsible, facts.template, facts.answers)
    return Tjansteskrivelse(
        case_number=case_number,
        date=facts.today.isoformat(),
        reference=tuple(reference),
        title=title,
        summary=tuple(clean_text(p) for p in summary),
        proposal=(t("proposal", committee=committee),),
        basis=basis,
        planning=planning or (gap("what_planning"),),
        send_to=send_to,
        matter=tuple(clean_text(p) for p in matter),
        responsible=tuple(responsible) or (gap("what_responsible"),),
        gaps=tuple(gap.missing),
        footer=t("pdf_footer", committee_case_number=dnr) if dnr else t("pdf_footer_unnumbered"),
        committee_case_number=dnr or None,
    )
