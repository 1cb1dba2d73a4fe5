"""What the Telegram adapter itself says, read from prompts/telegram.toml and checked the
way the engine's texts are (bot/mall/texts.py); everything about the report comes from
the engine."""

from __future__ import annotations

from pathlib import Path

from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.texts import Text, TextFile, text

# The kinds of message (bot/telegram/handlers.py) that have their own unsupported_<kind>;
# any other kind gets unsupported_other.
KINDS_WITH_TEXT = (
    "sticker", "photo", "voice", "video_note", "video", "audio", "animation",
    "location", "contact", "poll", "dice", "venue",
)  # fmt: skip


class TelegramTexts(TextFile):
    """The adapter's texts; each declares the {names} it uses."""

    private_only: Text = text("username")
    apology: Text = text()
    file_too_big: Text = text()
    file_unreadable: Text = text()
    old_button: Text = text()
    button_not_ours: Text = text()
    button_other_chat: Text = text()
    edit_not_text: Text = text()
    resumed_after_restart: Text = text()
    unsupported: Text = text("reason")
    unsupported_sticker: Text = text()
    unsupported_photo: Text = text()
    unsupported_voice: Text = text()
    unsupported_video_note: Text = text()
    unsupported_video: Text = text()
    unsupported_audio: Text = text()
    unsupported_animation: Text = text()
    unsupported_location: Text = text()
    unsupported_contact: Text = text()
    unsupported_poll: Text = text()
    unsupported_dice: Text = text()
    unsupported_venue: Text = text()
    unsupported_other: Text = text()


def load_telegram_texts(path: Path | None = None) -> TelegramTexts:
    """Read the adapter's texts; a missing text or a wrong {name} stops the program."""
    return TelegramTexts.load(path or PROMPTS_DIR / "telegram.toml")


def unsupported(texts: TelegramTexts, kind: str | None) -> str:
    """A short explanation for a message kind the bot does not handle."""
    reason = texts[f"unsupported_{kind}"] if kind in KINDS_WITH_TEXT else texts.unsupported_other
    return texts.unsupported.format(reason=reason)
