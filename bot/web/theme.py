"""The colours Telegram passes to a Mini App (themeParams), made safe for the page's CSS.

Only the known names and only `#rgb` / `#rrggbb` values are kept, so nothing a client sends
can write CSS of its own. Without a theme the page follows the browser's light or dark
preference with colours of its own (base.html)."""

from __future__ import annotations

import json
import re

COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
# Telegram's names, and the CSS variables the page uses for them.
THEME_NAMES = (
    "bg_color", "text_color", "hint_color", "link_color", "button_color", "button_text_color",
    "secondary_bg_color", "header_bg_color", "accent_text_color", "section_bg_color",
    "section_header_text_color", "subtitle_text_color", "destructive_text_color",
)  # fmt: skip
MAX_THEME = 2048


def parse_theme(raw: str | None) -> dict[str, str]:
    """The valid colours of a themeParams JSON text; {} for anything else."""
    if not raw or len(raw) > MAX_THEME:
        return {}
    try:
        given = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(given, dict):
        return {}
    return {
        name: value.lower()
        for name, value in given.items()
        if name in THEME_NAMES and isinstance(value, str) and COLOUR.match(value)
    }


def theme_css(theme: dict[str, str]) -> str:
    """`--tg-theme-bg-color: #fff; …` for the page's root, from a parsed theme."""
    return " ".join(
        f"--tg-theme-{name.replace('_', '-')}: {value};"
        for name, value in theme.items()
        if name in THEME_NAMES and COLOUR.match(value)
    )


def is_dark(theme: dict[str, str]) -> bool | None:
    """Whether the theme's background is dark; None without a background colour."""
    bg = theme.get("bg_color")
    if bg is None:
        return None
    digits = bg[1:] if len(bg) == 7 else "".join(c * 2 for c in bg[1:])
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return (0.299 * r + 0.587 * g + 0.114 * b) < 128


def serialise(theme: dict[str, str]) -> str:
    return json.dumps(theme, separators=(",", ":"))
