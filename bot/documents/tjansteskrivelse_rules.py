"""The tjänsteskrivelse's sentences chosen from the answers and put in the third person.

The official writes "vi har genomfört …"; a nämnd's document says "förvaltningen har
genomfört …". Nothing here invents text: every sentence is one of the answers' own, with
its first-person words replaced by the rules of prompts/tjansteskrivelse_rules.toml, or
the introduction of a list joined with the list's first items ("Följande har genomförts:
två utbildningar, fem workshops och …"). Which sentences are chosen is decided by cue
words in the same file and by word budgets given by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.documents.model import BulletList, ListItem, Paragraph, Span
from bot.documents.text_markup import clean_text, parse_blocks
from bot.mall.datafiles import PROMPTS_DIR, load_toml_model

RULES_FILE = PROMPTS_DIR / "tjansteskrivelse_rules.toml"
LONGEST_SENTENCE = 45  # words; a longer sentence is never chosen
LONGEST_ITEM = 16  # words of a list item's first sentence, to be named in a list sentence
ITEMS_NAMED = 3  # list items named in one sentence; more are "bland annat"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9”\"])")
_WORD = re.compile(r"\w+(?:-\w+)*")


class Cues(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    done: tuple[str, ...]
    purpose: tuple[str, ...]
    next: tuple[str, ...]
    leaning: tuple[str, ...]
    letterhead: tuple[str, ...]


class DraftCheck(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fixed_phrases: tuple[str, ...]


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    third_person: dict[str, str]
    reflexive: dict[str, str]
    cues: Cues
    perspective_words: dict[str, tuple[str, ...]]
    draft_check: DraftCheck


@cache
def rules(path: Path = RULES_FILE) -> Rules:
    """The rules file, read and checked once."""
    return load_toml_model(path, Rules)


def word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Whole words or phrases, case-insensitive; a trailing * matches any ending."""
    parts = []
    for word in words:
        stem = r"\s+".join(re.escape(w) for w in word.rstrip("*").split())
        parts.append(stem + (r"\w*" if word.endswith("*") else ""))
    return re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])", re.IGNORECASE)


@cache
def _cue(name: str) -> re.Pattern[str]:
    words: tuple[str, ...] = getattr(rules().cues, name)
    return word_pattern(words)


def words(text: str) -> int:
    return len(_WORD.findall(text))


def plain_spans(spans: tuple[Span, ...]) -> str:
    return " ".join("".join(span.text for span in spans).split())


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} och {names[-1]}"


def _lower_first(text: str, known: str) -> str:
    """The first letter in lower case, unless the word is an abbreviation or written with a
    capital inside a sentence elsewhere in the answer (a name: "Malmö", "Rädda Barnen")."""
    first = _WORD.match(text)
    if first is None or text[:2].isupper():
        return text
    if re.search(rf"(?<=[a-zåäö,] ){re.escape(first.group())}(?!\w)", known):
        return text
    return text[0].lower() + text[1:]


def _item_head(item: ListItem, known: str) -> str | None:
    """A list item's first sentence, shortened to be named in a sentence; None if too long."""
    sentences = split_sentences(plain_spans(item.spans))
    if not sentences:
        return None
    head = sentences[0].rstrip(".;:, ")
    if not head or words(head) > LONGEST_ITEM:
        return None
    return _lower_first(head, known)


def _list_sentence(intro: str, items: tuple[ListItem, ...], known: str) -> str | None:
    """ "Följande har genomförts: a, b och c." from a list's introduction and its items."""
    heads = [h for h in (_item_head(item, known) for item in items) if h]
    if not heads:
        return None
    lead = intro.rstrip(": ")
    if len(heads) > ITEMS_NAMED or len(heads) < len(items):
        lead += ", bland annat"
    return f"{lead}: {_join(heads[:ITEMS_NAMED])}."


def answer_sentences(text: str) -> list[str]:
    """The answer's sentences in order, emphasis marks dropped; a list is one sentence made
    of its introduction and its first items, or left out when it has none."""
    cleaned = clean_text(text)
    known = " ".join(cleaned.split())
    out: list[str] = []
    intro: str | None = None
    for block in parse_blocks(cleaned):
        if isinstance(block, Paragraph):
            sentences = split_sentences(plain_spans(block.spans))
            intro = sentences.pop() if sentences and sentences[-1].endswith(":") else None
            out += sentences
        elif isinstance(block, BulletList):
            made = _list_sentence(intro, block.items, known) if intro else None
            if made:
                out.append(made)
            intro = None
    return out


def third_person(sentence: str) -> str:
    """The sentence with its first-person words replaced ("vi" -> "förvaltningen",
    "vår" -> "förvaltningens"); "oss" after "vi" becomes "sig"."""
    r = rules()
    pattern = word_pattern(r.third_person)
    subject_seen = False

    def replace(match: re.Match[str]) -> str:
        nonlocal subject_seen
        word = match.group(0)
        lower = word.lower()
        reflexive = subject_seen and lower in r.reflexive
        new = r.reflexive[lower] if reflexive else r.third_person[lower]
        if lower in ("vi", "jag"):
            subject_seen = True
        if word[0].isupper():
            new = new[0].upper() + new[1:]
        return new

    return pattern.sub(replace, sentence)


@dataclass(frozen=True)
class Choice:
    """How to choose: the cue that makes a sentence wanted, how many and how many words."""

    cue: str | None
    sentences: int
    word_budget: int
    purpose: bool = False  # prefer the goal and purpose over what was done
    skip_amounts: bool = False  # leave out sentences that name an amount
    only_cued: bool = False  # only sentences with the cue, when any has it


_SHOUTED = re.compile(r"\b[A-ZÅÄÖ]{4,}\W+[A-ZÅÄÖ]{2,}\b")  # "ARBETSMARKNADS- OCH SOCIAL…"
_ADDRESS = re.compile(r"@|https?:|\bwww\.", re.IGNORECASE)


def is_noise(sentence: str) -> bool:
    """A letterhead, an address or a page footer caught in the answer's text."""
    return bool(
        _SHOUTED.search(sentence)
        or _ADDRESS.search(sentence)
        or _cue("letterhead").search(sentence)
    )


_AMOUNT = re.compile(r"\d[\d\s]*\s*(?:kr|kronor|tkr|mkr|miljon\w*)\b", re.IGNORECASE)


def _score(sentence: str, position: int, choice: Choice) -> float:
    score = 0.0
    if choice.cue and _cue(choice.cue).search(sentence):
        score += 2
    if choice.purpose and _cue("purpose").search(sentence):
        score += 2
    if re.search(r"\d", sentence):
        score += 0.5  # how many took part, when
    if _cue("leaning").match(sentence):
        score -= 1.5
    return score - position * 0.1  # earlier sentences first, all else equal


def choose(sentences: Sequence[str], choice: Choice, taken: Iterable[str] = ()) -> list[str]:
    """Up to `choice.sentences` sentences within the word budget, the best first by the
    cues, given back as written and in the answer's order (`third_person` rewrites them)."""
    already = set(taken)
    candidates = [
        (index, s)
        for index, s in enumerate(sentences)
        if s not in already
        and words(s) <= LONGEST_SENTENCE
        and not is_noise(s)
        and not (choice.skip_amounts and _AMOUNT.search(s))
    ]
    if choice.only_cued and choice.cue:
        cued = [c for c in candidates if _cue(choice.cue).search(c[1])]
        candidates = cued or candidates[:1]
    ranked = sorted(candidates, key=lambda c: _score(c[1], c[0], choice), reverse=True)
    chosen: list[tuple[int, str]] = []
    used = 0
    for index, sentence in ranked:
        if len(chosen) == choice.sentences:
            break
        if used + words(sentence) > choice.word_budget:
            continue
        chosen.append((index, sentence))
        used += words(sentence)
    return [s for _, s in sorted(chosen)]
