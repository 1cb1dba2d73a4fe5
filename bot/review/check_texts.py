"""The fixed checks' messages and word lists, read once from prompts/review/."""

from __future__ import annotations

import re
import tomllib
from functools import cache

from pydantic import BaseModel, ConfigDict

from bot.mall.amounts import cue_pattern
from bot.mall.datafiles import PROMPTS_DIR, DataFileError, load_toml_model

REVIEW_PROMPTS = PROMPTS_DIR / "review"


@cache
def _messages() -> dict[str, str]:
    path = REVIEW_PROMPTS / "checks.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"{path}: kan inte läsas: {exc}") from exc
    return {key: str(value) for key, value in data.items()}


def message(key: str, **values: object) -> str:
    """The Swedish message `key` of checks.toml with its {names} filled."""
    return _messages()[key].format(**values)


class ReviewWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title_endings: list[str]
    title_words: list[str]
    cancelled: list[str]
    prepared_for: list[str]
    finished: list[str]
    future: list[str]
    negations: list[str]
    money_explained: list[str]
    money_nouns: list[str]
    paid: list[str]
    overspend_explained: list[str]
    swedish_common: list[str]
    foreign_common: list[str]


@cache
def review_words() -> ReviewWords:
    return load_toml_model(REVIEW_PROMPTS / "words.toml", ReviewWords)


@cache
def word_pattern(name: str) -> re.Pattern[str]:
    """The compiled pattern of one of the word lists (cancelled, money_explained, …)."""
    words: list[str] = getattr(review_words(), name)
    return cue_pattern(words)
