"""Rendering the dashboard's pages: the Jinja2 environment, Swedish dates and amounts,
and the security headers every answer carries."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from bot.mall.amounts import format_kronor
from bot.mall.dates import format_swedish_date
from bot.web.theme import is_dark, theme_css

TEMPLATES = Path(__file__).resolve().parent / "templates"


def days_text(days: int) -> str:
    if days == 0:
        return "sista dagen i dag"
    if days == 1:
        return "1 dag kvar"
    if days > 1:
        return f"{days} dagar kvar"
    return "1 dag sen" if days == -1 else f"{-days} dagar sen"


def _date(day: date | None) -> str:
    return format_swedish_date(day) if day else "inget datum"


def _kr(value: int | None) -> str:
    return format_kronor(value, non_breaking=True) if value is not None else "okänt"


ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.globals.update(date=_date, kr=_kr, days=days_text)


def render(
    name: str, theme: dict[str, str], status_code: int = 200, **context: Any
) -> HTMLResponse:
    """The page `name` with the theme's colours; a fresh nonce lets its own style and
    script run and nothing else."""
    nonce = secrets.token_urlsafe(16)
    html = ENVIRONMENT.get_template(name).render(
        nonce=nonce, theme_css=theme_css(theme), dark=is_dark(theme), **context
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        "img-src 'self' data:; form-action 'self'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
