"""What the Telegram adapter itself says, read from prompts/telegram.toml and checked the
way the engine's texts are (bot/engine/texts.py); everything about the report comes from
the engine."""

from __future__ import annotations

from pathlib import Path

from bot.engine.texts import BotTexts, load_text_file
from bot.mall.datafiles import PROMPTS_DIR

# The kinds of message (bot/telegram/handlers.py) that have their own unsupported_<kind>;
# any other kind gets unsupported_other.
KINDS_WITH_TEXT = (
    "sticker", "photo", "voice", "video_note", "video", "audio", "animation",
    "location", "contact", "poll", "dice", "venue",
)  # fmt: skip

# Each text and the names it may use; a text using another name is refused at load.
TELEGRAM_TEXT_VARIABLES: dict[str, tuple[str, ...]] = {
    "private_only": ("username",),
    "apology": (),
    "file_too_big": (),
    "file_unreadable": (),
    "old_button": (),
    "edit_not_text": (),
    "resumed_after_restart": (),
    "unsupported": ("reason",),
    **{f"unsupported_{kind}": () for kind in KINDS_WITH_TEXT},
    "unsupported_other": (),
}


def load_telegram_texts(path: Path | None = None) -> BotTexts:
    """Read the adapter's texts; a missing text or an undeclared {name} stops the program."""
    return load_text_file(path or PROMPTS_DIR / "telegram.toml", TELEGRAM_TEXT_VARIABLES)


def unsupported(texts: BotTexts, kind: str | None) -> str:
    """A short explanation for a message kind the bot does not handle."""
    reason = texts[f"unsupported_{kind}"] if kind in KINDS_WITH_TEXT else texts.unsupported_other
    return texts.unsupported.format(reason=reason)
