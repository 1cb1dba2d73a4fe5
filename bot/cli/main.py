"""The `redovisa` command's parser and dispatch: start, chat, telegram, review, render,
verify, tjansteskrivelse, sammanstallning, users, web, migrate."""

from __future__ import annotations

import argparse
import functools
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.cli.users_command import add_users_parser
from bot.config import Settings, describe_settings
from bot.engine.messages import UserRef
from bot.mall.datafiles import DataFileError

log = logging.getLogger("redovisa")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redovisa",
        description="Redovisa: chattassistent för återrapportering av beviljade medel.",
        epilog="Miljövariabler (inställningar):\n" + describe_settings(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--verbose", action="store_true", help="visa loggrader (som LOG_LEVEL=DEBUG)"
    )
    # --verbose is also taken after the command ("redovisa review --verbose FIL").
    verbose_after = argparse.ArgumentParser(add_help=False)
    verbose_after.add_argument(
        "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    add_command = functools.partial(commands.add_parser, parents=[verbose_after])
    add_command("start", help="Telegram om TELEGRAM_BOT_TOKEN är satt, annars chatten i terminalen")
    chat = add_command("chat", help="chatta i terminalen")
    chat.add_argument("--user", help="vem som skriver (standard: ditt användarnamn)")
    add_command("telegram", help="starta Telegram-boten")
    review = add_command("review", help="läs in och granska en redovisning i en fil")
    review.add_argument("path", type=Path, help="filen: .txt, .md, .docx eller .pdf")
    review.add_argument("--granted", help="det beviljade beloppet, till exempel '500 000 kr'")
    review.add_argument("--case", help="ärendets diarienummer, till exempel STK-2018-1307")
    review.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    render = add_command("render", help="skapa DOCX och/eller PDF av en redovisning")
    render.add_argument("case_number", nargs="?", help="diarienumret på ett sparat ärende")
    render.add_argument(
        "--from", dest="from_file", type=Path, help="läs svaren ur en fil i stället"
    )
    render.add_argument("--format", default="both", help="pdf, docx eller both")
    render.add_argument("--out", type=Path, default=Path("."), help="mappen filerna skrivs till")
    render.add_argument("--draft", action="store_true", help="märk som UTKAST")
    render.add_argument(
        "--force", action="store_true", help="skriv dokumentet även om filen inte är en mall"
    )
    verify = add_command(
        "verify", help="kontrollera en signerad PDF (slutstatus 0 giltig, 1 ogiltig, 2 oläslig)"
    )
    verify.add_argument("path", type=Path, help="den signerade PDF-filen")
    verify.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    tjanste = add_command(
        "tjansteskrivelse", help="utkast till nämndens tjänsteskrivelse som DOCX och PDF"
    )
    tjanste.add_argument("case_number", help="diarienumret på ett sparat ärende")
    tjanste.add_argument("--namndens-dnr", dest="committee_case_number", help="nämndens dnr")
    tjanste.add_argument(
        "--beslutsplanering",
        action="append",
        default=[],
        metavar="RAD",
        help="ett sammanträde och dess datum, till exempel 'Servicenämnden 2019-01-29' "
        "(kan anges flera gånger)",
    )
    tjanste.add_argument(
        "--skickas-till",
        action="append",
        default=[],
        metavar="MOTTAGARE",
        help="vem nämndens beslut skickas till (kan anges flera gånger)",
    )
    tjanste.add_argument(
        "--ansvarig",
        action="append",
        default=[],
        metavar="'NAMN, BEFATTNING'",
        help="en ansvarig med befattning (kan anges flera gånger)",
    )
    tjanste.add_argument(
        "--var-referens",
        metavar="'NAMN, BEFATTNING, E-POST'",
        help="handläggaren som står under Vår referens",
    )
    tjanste.add_argument("--out", type=Path, default=Path("."), help="mappen filerna skrivs till")
    summary = add_command(
        "sammanstallning", help="årets ärenden som XLSX och PDF för kommunstyrelsen"
    )
    summary.add_argument("year", nargs="?", type=int, help="året (standard: i år)")
    summary.add_argument("--out", type=Path, default=Path("."), help="mappen filerna skrivs till")
    add_users_parser(commands, parents=[verbose_after])
    web = add_command("web", help="översikten för samordnare i webbläsaren")
    web.add_argument(
        "--open", action="store_true", help="bara på 127.0.0.1, med en engångslänk att logga in"
    )
    web.add_argument("--as", dest="as_name", metavar="NAMN", help="samordnaren länken gäller")
    add_command("migrate", help="uppdatera databasens schema och avsluta")
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
    # The bot is a service whose log an operator reads; every other command is run by a person
    # at a terminal, whose screen gets no log line unless asked for (--verbose, LOG_LEVEL).
    service = args.command == "telegram" or (
        args.command == "start" and settings.telegram_bot_token is not None
    )
    logging.basicConfig(
        level=settings.resolved_log_level(service=service, verbose=args.verbose),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic announces its plugins at INFO on import; that is noise for an operator.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request URL at INFO, and a Bot API URL contains the bot's token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        return _run(args, settings)
    except DataFileError as exc:
        print(f"redovisa: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "start":
        return run_telegram(settings) if settings.telegram_bot_token else run_chat(settings, None)
    if args.command == "chat":
        return run_chat(settings, args.user)
    if args.command == "telegram":
        return run_telegram(settings)
    if args.command == "review":
        from bot.app import load_templates
        from bot.cli.review_command import run_review_command

        return run_review_command(
            args.path,
            granted=args.granted,
            case_number=args.case,
            as_json=args.json,
            catalog=load_templates(settings),
            settings=settings,
        )
    if args.command == "render":
        return run_render(args, settings)
    if args.command in ("verify", "tjansteskrivelse", "sammanstallning"):
        return run_after_signing(args, settings)
    if args.command == "users":
        return run_users(args, settings)
    if args.command == "web":
        from bot.cli.web_command import run_web_command

        return run_web_command(settings, args.open, args.as_name)
    if args.command == "migrate":
        from storage.db import open_database

        open_database(settings.resolved_database_url())
        return 0
    raise AssertionError(args.command)


def run_users(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.users_command import run_users_command
    from storage.db import open_database

    # What the command prints is the answer; keep the database's start-up notes out of it.
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    _, sessions = open_database(settings.resolved_database_url())
    admins = frozenset(f"telegram:{i}" for i in settings.telegram_admin_ids)
    return run_users_command(args, sessions=sessions, admin_ids=admins)


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
        conversation.handle_in_steps,
        UserRef(external_id=f"terminal:{name}", display_name=name),
        lines,
        sys.stdout,
        settings.redovisa_data_dir / "dokument",
        interactive,
    )
    return 0


def run_render(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import load_templates
    from bot.cli.render_command import run_render_command, run_render_from_file

    catalog = load_templates(settings)
    draft = True if args.draft else None
    if args.from_file is not None:
        return run_render_from_file(
            args.from_file, args.format, args.out, catalog=catalog, draft=draft, force=args.force
        )
    if not args.case_number:
        print("redovisa render: ange ett diarienummer eller --from FIL", file=sys.stderr)
        return 2
    from storage.db import open_database

    _, sessions = open_database(settings.resolved_database_url())
    return run_render_command(
        args.case_number,
        args.format,
        args.out,
        session_factory=sessions,
        catalog=catalog,
        draft=draft,
    )


def run_after_signing(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date

    from bot.app import load_templates
    from storage.db import open_database, open_existing_database

    if args.command == "verify":
        from bot.cli.verify_command import run_verify_command

        existing = open_existing_database(settings.resolved_database_url())
        return run_verify_command(args.path, as_json=args.json, session_factory=existing)
    _, sessions = open_database(settings.resolved_database_url())
    catalog, today = load_templates(settings), date.today()
    if args.command == "tjansteskrivelse":
        from bot.cli.tjansteskrivelse_command import run_tjansteskrivelse_command
        from bot.documents.tjansteskrivelse import GivenFacts

        given = GivenFacts(
            committee_case_number=args.committee_case_number,
            decision_planning=args.beslutsplanering,
            send_to=args.skickas_till,
            responsible=args.ansvarig,
            reference=[x.strip() for x in (args.var_referens or "").split(",") if x.strip()],
        )
        return run_tjansteskrivelse_command(
            args.case_number,
            args.out,
            session_factory=sessions,
            catalog=catalog,
            today=today,
            given=given,
        )
    from bot.cli.sammanstallning_command import run_sammanstallning_command

    return run_sammanstallning_command(
        args.year or today.year, args.out, session_factory=sessions, catalog=catalog, today=today
    )


def run_telegram(settings: Settings) -> int:
    if settings.telegram_bot_token is None:
        from bot.telegram.app import MISSING_TOKEN

        print(f"redovisa: {MISSING_TOKEN}", file=sys.stderr)
        return 2
    from bot.cli.web_command import run_telegram_with_dashboard

    return run_telegram_with_dashboard(settings)
