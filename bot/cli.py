"""The `redovisa` command: start, chat, telegram, review, render."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot.config import Settings, describe_settings
from bot.engine.messages import UserRef
from bot.engine.templates import TemplateError

log = logging.getLogger("redovisa")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redovisa",
        description="Redovisa: chattassistent för återrapportering av beviljade medel.",
        epilog="Miljövariabler (inställningar):\n" + describe_settings(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    commands.add_parser(
        "start", help="Telegram om TELEGRAM_BOT_TOKEN är satt, annars chatten i terminalen"
    )
    chat = commands.add_parser("chat", help="chatta i terminalen")
    chat.add_argument("--user", help="vem som skriver (standard: ditt användarnamn)")
    commands.add_parser("telegram", help="starta Telegram-boten")
    commands.add_parser("migrate", help="uppdatera databasens schema och avsluta")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        print(f"redovisa: felaktig inställning: {problems}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return _run(args, settings)
    except TemplateError as exc:
        print(f"redovisa: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "start":
        return run_telegram(settings) if settings.telegram_bot_token else run_chat(settings, None)
    if args.command == "chat":
        return run_chat(settings, args.user)
    if args.command == "telegram":
        return run_telegram(settings)
    if args.command == "migrate":
        from storage.db import open_database

        open_database(settings.resolved_database_url())
        return 0
    raise AssertionError(args.command)


def run_chat(settings: Settings, user_name: str | None) -> int:
    # The chat's own output is the conversation; keep library chatter out of it.
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    from bot.app import build_conversation
    from bot.terminal.chat import interactive_lines, run_chat

    name = user_name or getpass.getuser()
    conversation = build_conversation(settings)
    interactive = sys.stdin.isatty()
    lines = interactive_lines() if interactive else sys.stdin
    run_chat(
        conversation.handle,
        UserRef(external_id=f"terminal:{name}", display_name=name),
        lines,
        sys.stdout,
        settings.redovisa_data_dir / "dokument",
        interactive,
    )
    return 0


def run_telegram(settings: Settings) -> int:
    if settings.telegram_bot_token is None:
        print(
            "redovisa: TELEGRAM_BOT_TOKEN saknas; sätt den eller kör `redovisa chat`.",
            file=sys.stderr,
        )
        return 2
    print("redovisa: Telegram-boten är inte inkopplad än.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
