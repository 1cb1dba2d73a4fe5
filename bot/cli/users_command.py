"""`redovisa users`: list the users, give one a role (`set WHO --role samordnare`), remove one.

Prints what was done in Swedish; bad input gets a message on standard error and exit status 2,
and changes nothing."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.engine.user_admin import UserAdmin
from bot.mall.errors import UserFacingError
from storage.db import SessionFactory
from storage.unit_of_work import UnitOfWork

EXIT_OK, EXIT_BAD_INPUT = 0, 2
ACTIONS = {"list": "list", "lista": "list", "set": "set", "add": "set", "satt": "set",
           "remove": "remove", "ta-bort": "remove", "ta_bort": "remove"}  # fmt: skip


def add_users_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser] | None = None,
) -> None:
    users = commands.add_parser(
        "users",
        parents=parents or [],
        help="användare och roller: lista, set NAMN/ID --role ROLL, remove NAMN/ID",
        description=(
            "Utan åtgärd: listar användarna med roll, nämnd och senast aktiv. "
            "set VEM --role samordnare|handläggare|admin lägger till eller ändrar en användare; "
            "remove VEM tar bort en (ärendena finns kvar). VEM är ett Telegram-id (siffror), "
            "ett användarnamn i terminalen (som i redovisa chat --user), @användarnamn eller "
            "#nummer ur listan."
        ),
    )
    users.add_argument("action", nargs="?", default="list", help="list, set eller remove")
    users.add_argument("who", nargs="?", help="vem: Telegram-id, terminalnamn, @namn eller #nr")
    users.add_argument("--telegram", metavar="ID", help="vem, som Telegram-id")
    users.add_argument("--terminal", metavar="NAMN", help="vem, som användarnamn i terminalen")
    users.add_argument("--role", help="samordnare, handläggare eller admin")
    users.add_argument("--namn", "--name", dest="name", help="namnet som visas")
    users.add_argument("--alla", action="store_true", help="visa även borttagna användare")


def run_users_command(
    args: argparse.Namespace,
    *,
    sessions: SessionFactory,
    admin_ids: frozenset[str],
    now: datetime | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    admin = UserAdmin(admin_ids=admin_ids)
    action = ACTIONS.get(str(args.action).strip().casefold())
    who = _who(args)
    if action is None and who is None and args.role:  # "redovisa users anna --role samordnare"
        action, who = "set", str(args.action)
    if action is None:
        print(
            f"redovisa users: okänd åtgärd {str(args.action)[:40]!r}; välj list, set eller remove",
            file=stderr,
        )
        return EXIT_BAD_INPUT
    now = now or datetime.now(UTC)
    operator = getpass.getuser()
    try:
        if action == "list":
            with UnitOfWork.of(sessions).reading() as session:
                said = admin.listing(session, with_removed=args.alla)
        elif action == "set":
            said = UnitOfWork.of(sessions).write(
                lambda session: admin.set_role(session, who, args.role, args.name, operator, now)
            )
        else:
            said = UnitOfWork.of(sessions).write(
                lambda session: admin.remove(session, who, operator, now)
            )
    except UserFacingError as error:
        print(f"redovisa users: {error.message}", file=stderr)
        return EXIT_BAD_INPUT
    print("\n".join(said), file=stdout)
    return EXIT_OK


def _who(args: argparse.Namespace) -> str | None:
    """WHO as given: the positional, or --telegram ID, or --terminal NAME."""
    if args.telegram is not None:
        return f"telegram:{str(args.telegram).strip()}"
    if args.terminal is not None:
        return f"terminal:{str(args.terminal).strip()}"
    return args.who if args.who is None else str(args.who)
