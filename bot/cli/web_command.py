"""`redovisa web [--open --as NAMN]`: the coordinators' dashboard on its own, and its
wiring beside the bot (`redovisa telegram` with REDOVISA_WEB_URL).

With --open it serves on 127.0.0.1 only and prints a one-time login link (ten minutes,
once) for the coordinator named on the command line: the embedded default on one machine.
Without --open it serves on REDOVISA_WEB_LISTEN for Telegram's Mini App (a TELEGRAM_BOT_TOKEN
is needed to check who opened it). Reminders go through the bot's notifier and its outbound
limiter when the dashboard runs beside the bot, else through a Bot of the dashboard's own
(when TELEGRAM_BOT_TOKEN is set).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, TextIO

from sqlalchemy import func, select

from bot.app import assemble, load_templates, system_clock
from bot.config import Settings
from bot.engine.access import may_coordinate
from bot.reminders.sender import Notifier
from bot.web.app import Dashboard, DashboardSettings
from bot.web.server import serve_alone, serve_beside
from storage.db import SessionFactory, open_database
from storage.models import User
from storage.unit_of_work import UnitOfWork

LOCAL_HOST = "127.0.0.1"


def dashboard_for(
    settings: Settings, sessions: SessionFactory, notifier: Notifier | None = None
) -> Dashboard:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    url = settings.resolved_database_url()
    return Dashboard(
        DashboardSettings(
            sessions=sessions,
            catalog=load_templates(settings),
            clock=system_clock,
            bot_token=token,
            notifier=notifier,
            secure_cookies=bool(settings.redovisa_web_url),
            db_threads=1 if url.startswith("sqlite") else 4,
            secret=DashboardSettings.secret_from_token(token),
        )
    )


def find_coordinator(sessions: SessionFactory, name: str) -> tuple[User | None, str]:
    """The user NAME names (terminal name, @username, display name or #number), and what
    is wrong when it is not an active coordinator."""
    wanted = name.strip().lstrip("@")
    with UnitOfWork.of(sessions).reading() as session:
        query = select(User).where(
            (User.external_id == f"terminal:{wanted}")
            | (func.lower(User.username) == wanted.lower())
            | (func.lower(User.display_name) == wanted.lower())
        )
        if wanted.lstrip("#").isdigit():
            query = select(User).where(User.id == int(wanted.lstrip("#")))
        users = session.scalars(query).all()
    if not users:
        return None, f"det finns ingen användare som heter {name}"
    if len(users) > 1:
        return None, f"flera användare heter {name}; ange numret, till exempel --as '#12'"
    if not may_coordinate(users[0]):
        return None, f"{users[0].display_name} är inte samordnare"
    return users[0], ""


def run_web_command(
    settings: Settings, open_local: bool, as_name: str | None, stdout: TextIO | None = None
) -> int:
    stdout = stdout or sys.stdout
    _, sessions = open_database(settings.resolved_database_url())
    dashboard = dashboard_for(settings, sessions, _own_notifier(settings))
    port = settings.redovisa_web_port
    if open_local:
        if not as_name:
            print("redovisa web: ange samordnaren med --as NAMN", file=sys.stderr)
            return 2
        user, problem = find_coordinator(sessions, as_name)
        if user is None:
            print(f"redovisa web: {problem}", file=sys.stderr)
            return 2
        link = f"http://{LOCAL_HOST}:{port}{dashboard.login_link(user.id)}"
        stdout.write(f"Öppna översikten (länken gäller en gång, i tio minuter):\n{link}\n")
        stdout.flush()
        serve_alone(dashboard, LOCAL_HOST, port)
        return 0
    if settings.telegram_bot_token is None:
        print(
            "redovisa web: utan TELEGRAM_BOT_TOKEN kan ingen logga in via Telegram; "
            "använd redovisa web --open --as NAMN på den här datorn",
            file=sys.stderr,
        )
        return 2
    serve_alone(dashboard, settings.redovisa_web_listen, port)
    return 0


def _own_notifier(settings: Settings) -> Notifier | None:
    """Without a bot in this process, reminders go through a Bot of the dashboard's own."""
    if settings.telegram_bot_token is None:
        return None
    from bot.telegram.notifier import StandaloneNotifier

    return StandaloneNotifier(settings)


def run_telegram_with_dashboard(settings: Settings) -> int:
    """`redovisa telegram`: the bot, and the dashboard beside it when REDOVISA_WEB_URL is set."""
    from bot.telegram.app import run_telegram as run_bot
    from bot.telegram.shared_inbox import inbox_for

    assembly = assemble(settings)
    retention = timedelta(days=settings.inbox_retention_days)
    inbox = inbox_for(settings.telegram_instances, assembly.sessions, assembly.clock, retention)
    beside = dashboard_beside(settings, assembly.sessions) if settings.redovisa_web_url else None
    run_bot(settings, lambda: assembly.conversation, assembly.reminder_job, inbox, beside)
    return 0


def dashboard_beside(
    settings: Settings, sessions: SessionFactory
) -> Callable[[Notifier, asyncio.Event], Coroutine[Any, Any, None]]:
    """The dashboard as the bot runs it beside itself: on the bot's loop, sending reminders
    through the bot's notifier, until the bot stops."""

    async def beside(notifier: Notifier, stop: asyncio.Event) -> None:
        dashboard = dashboard_for(settings, sessions, notifier)
        await serve_beside(
            dashboard, settings.redovisa_web_listen, settings.redovisa_web_port, stop
        )

    return beside
