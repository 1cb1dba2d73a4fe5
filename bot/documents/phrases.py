"""Swedish texts of the after-signature parts, read from a TOML file under prompts/.

A file is a table of `key = "text with {placeholders}"`. Loading checks that every key the
code needs is there; filling checks that every placeholder gets a value.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.mall.datafiles import PROMPTS_DIR, DataFileError
from bot.mall.dates import format_swedish_date

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")


class Phrases:
    """The texts of one file, by key."""

    def __init__(self, path: Path, texts: dict[str, str]) -> None:
        self.path = path
        self._texts = texts

    def __call__(self, key: str, /, **values: object) -> str:
        try:
            text = self._texts[key]
        except KeyError:
            raise KeyError(f"{self.path.name}: no text {key!r}") from None
        needed = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        missing = needed - values.keys()
        if missing:
            raise KeyError(f"{self.path.name}: {key} needs {', '.join(sorted(missing))}")
        return text.format(**values)


def load_phrases(path: Path, required: Iterable[str]) -> Phrases:
    """Read the file; raise DataFileError naming the file when it is broken or incomplete."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"{path}: kan inte läsas: {exc}") from exc
    texts = {k: v for k, v in data.items() if isinstance(v, str)}
    wrong = sorted(k for k, v in data.items() if not isinstance(v, str))
    if wrong:
        raise DataFileError(f"{path}: inte text: {', '.join(wrong)}")
    missing = [key for key in required if key not in texts]
    if missing:
        raise DataFileError(f"{path}: texter saknas: {', '.join(missing)}")
    return Phrases(path, texts)


@cache
def phrases(name: str, required: tuple[str, ...]) -> Phrases:
    """prompts/<name>.toml, loaded once."""
    return load_phrases(PROMPTS_DIR / f"{name}.toml", required)


def swedish_moment(moment: datetime) -> str:
    """26 november 2026 kl. 10.46, in Swedish time."""
    local = moment.astimezone(SWEDISH_TIME) if moment.tzinfo else moment
    return f"{format_swedish_date(local.date())} kl. {local:%H.%M}"
