"""What coordinators and administrators do in the chat: invite, revoke, register, overview.

/registrera asks for an ärende's fields one at a time (bot/engine/registration.py); a CSV
or XLSX file sent by a coordinator registers many ärenden at once, all or none.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from bot.engine import case_sheet
from bot.engine.access import ROLE_BY_SWEDISH_WORD, ROLE_NAMES, is_admin, may_coordinate
from bot.engine.case_numbers import normalise_case_number
from bot.engine.messages import Attachment, Block, Button, Reply, Style, say
from bot.engine.registration import CASE_FIELDS, ParseContext, summary_lines
from bot.engine.state import Awaiting, ConversationState
from bot.engine.templates import TemplateCatalog
from bot.errors import UserFacingError
from bot.review.dates import format_swedish_date
from storage import access_repository as access_repo
from storage import repository as repo
from storage.models import Case, User
from storage.reminder_repository import OverviewRow, overview_rows

INVITE_VALID_FOR = timedelta(days=7)
STATUS_NAMES = {
    "not_started": "inte påbörjad",
    "in_progress": "pågår",
    "finished": "klar",
    "sent_for_signature": "klar, PDF för underskrift skapad",
}

# Called with (session, case, now) after an ärende is registered or its deadline set,
# so that its reminders are (re)created.
CaseRegisteredHook = Callable[[Any, Case, datetime], None]


class CoordinatorDesk:
    """The coordinators' commands. `turn` is the engine's Turn (session, user, state, now)."""

    COMMANDS = ("inbjudan", "sparra", "anvandare", "registrera", "oversikt", "ansvarig")

    def __init__(
        self, catalog: TemplateCatalog, on_case_registered: CaseRegisteredHook | None = None
    ) -> None:
        self._catalog = catalog
        self._on_case_registered = on_case_registered

    def run(self, turn: Any, name: str, argument: str) -> list[Reply]:
        if not may_coordinate(turn.user):
            raise UserFacingError("Det kommandot är till för samordnare.")
        handler = {
            "inbjudan": self._invite,
            "sparra": self._revoke,
            "anvandare": self._users,
            "registrera": self._start_registration,
            "oversikt": self._overview,
            "ansvarig": self._assign,
        }[name]
        return handler(turn, argument)

    # -- users ----------------------------------------------------------------------------

    def _invite(self, turn: Any, argument: str) -> list[Reply]:
        word = argument.strip().lower() or "handläggare"
        role = ROLE_BY_SWEDISH_WORD.get(word)
        if role is None:
            raise UserFacingError("Skriv /inbjudan handläggare eller /inbjudan samordnare.")
        invite = access_repo.create_invite(
            turn.session, role, turn.user, turn.now, INVITE_VALID_FOR
        )
        access_repo.audit(turn.session, turn.user, "invite_created", turn.now, role=role)
        until = format_swedish_date(invite.expires_at.date())
        return [
            say(
                f"Inbjudningskod för en {ROLE_NAMES[role]}: {invite.code}",
                f"Koden gäller en gång, till och med {until}. Den nya användaren skriver "
                f"/start {invite.code} till mig.",
            )
        ]

    def _revoke(self, turn: Any, argument: str) -> list[Reply]:
        if not is_admin(turn.user):
            raise UserFacingError("Bara en administratör kan spärra användare.")
        user = _user_by_number(turn, argument)
        if user is None:
            raise UserFacingError("Skriv /sparra och användarens nummer (se /anvandare).")
        if user.id == turn.user.id:
            raise UserFacingError("Du kan inte spärra dig själv.")
        user.active = False
        access_repo.audit(turn.session, turn.user, "user_revoked", turn.now, target_user=user.id)
        return [say(f"{user.display_name} (#{user.id}) är spärrad och når inte längre boten.")]

    def _assign(self, turn: Any, argument: str) -> list[Reply]:
        """Make a user the responsible official of an ärende: /ansvarig STK-2018-1307 #12."""
        parts = argument.split(maxsplit=1)
        if len(parts) != 2:
            raise UserFacingError(
                "Skriv /ansvarig, diarienumret och användarens nummer eller namn, "
                "till exempel /ansvarig STK-2018-1307 #12."
            )
        case = repo.find_case(turn.session, normalise_case_number(parts[0]))
        if case is None or not (is_admin(turn.user) or case.created_by_user_id == turn.user.id):
            raise UserFacingError(f"Du har inget registrerat ärende {parts[0][:40]}.")
        context = ParseContext(turn.session, self._catalog)
        user_id = CASE_FIELDS[-1].parse(parts[1], context)
        user = (
            access_repo.find_user_by_id(turn.session, user_id) if isinstance(user_id, int) else None
        )
        if user is None:
            raise UserFacingError(
                "Ange vem som ska vara ansvarig, med nummer (se /anvandare) eller namn."
            )
        case.responsible_user_id = user.id
        repo.add_member(turn.session, case, user, turn.now)
        access_repo.audit(
            turn.session, turn.user, "responsible_set", turn.now, case_id=case.id, user_id=user.id
        )
        if self._on_case_registered is not None and case.last_reply_date is not None:
            self._on_case_registered(turn.session, case, turn.now)
        return [say(f"{user.display_name} är nu ansvarig för {case.case_number} och når ärendet.")]

    def _users(self, turn: Any, _argument: str) -> list[Reply]:
        users = access_repo.users_with_role(turn.session, "official", "coordinator", "admin")
        lines = [Block("Användare", Style.HEADING)]
        lines.extend(
            Block(f"#{u.id} {u.display_name} – {ROLE_NAMES.get(u.role, u.role)}") for u in users
        )
        return [Reply(tuple(lines))]

    # -- registering ärenden --------------------------------------------------------------

    def _start_registration(self, turn: Any, _argument: str) -> list[Reply]:
        state: ConversationState = turn.state
        state.question_index = None
        state.clear_waiting()
        state.awaiting = Awaiting.REGISTRATION
        state.registration = {}
        return [self._ask_field(turn, "Nytt ärende. Avbryt när som helst med /avbryt.")]

    def _ask_field(self, turn: Any, note: str | None = None) -> Reply:
        state: ConversationState = turn.state
        step = len(state.registration)
        field = CASE_FIELDS[step]
        blocks = [Block(note)] if note else []
        blocks.append(Block(f"Steg {step + 1} av {len(CASE_FIELDS)}: {field.prompt}", Style.BOLD))
        buttons: tuple[tuple[Button, ...], ...] = ()
        if field.key == "template_id":
            buttons = tuple((Button(t.name, t.id),) for t in self._catalog.all())
        elif field.key == "responsible_user_id":
            officials = access_repo.users_with_role(turn.session, "official")[:8]
            buttons = tuple((Button(u.display_name, f"#{u.id}"),) for u in officials)
            buttons += ((Button("Ingen än", "ingen"),),)
        return Reply(tuple(blocks), buttons)

    def registration_input(self, turn: Any, text: str) -> list[Reply]:
        """One answer in the step-by-step registration; a bad value is asked for again."""
        state: ConversationState = turn.state
        context = ParseContext(turn.session, self._catalog)
        if len(state.registration) >= len(CASE_FIELDS):
            return self._confirm_registration(turn, text, context)
        field = CASE_FIELDS[len(state.registration)]
        value = field.parse(text, context)
        state.registration = {**state.registration, field.key: value}
        if len(state.registration) < len(CASE_FIELDS):
            return [self._ask_field(turn)]
        lines = ["Stämmer det här?", *summary_lines(state.registration, context)]
        return [say(*lines, buttons=((Button("Ja, registrera", "ja"), Button("Nej", "nej")),))]

    def _confirm_registration(self, turn: Any, text: str, context: ParseContext) -> list[Reply]:
        state: ConversationState = turn.state
        answer = text.strip().lower().lstrip("/")
        if answer in ("nej", "n"):
            state.clear_waiting()
            state.registration = {}
            return [say("Inget registrerades.")]
        if answer not in ("ja", "j"):
            raise UserFacingError("Svara ja för att registrera ärendet eller nej för att avbryta.")
        values = state.registration
        case = self.register(turn, values, context)
        state.clear_waiting()
        state.registration = {}
        return [say(f"Ärende {case.case_number} är registrerat. Påminnelser är inlagda.")]

    def register(self, turn: Any, values: dict[str, Any], context: ParseContext) -> Case:
        responsible_id = values.get("responsible_user_id")
        responsible = (
            access_repo.find_user_by_id(turn.session, responsible_id)
            if isinstance(responsible_id, int)
            else None
        )
        # The diarienummer may have been taken since it was typed; check again.
        CASE_FIELDS[0].parse(str(values["case_number"]), context)
        case = access_repo.register_case(
            turn.session,
            case_number=str(values["case_number"]),
            template_id=str(values["template_id"]),
            committee=str(values["committee"]),
            granted_amount_kr=int(values["granted_amount_kr"]),
            decision_date=date.fromisoformat(str(values["decision_date"])),
            last_reply_date=date.fromisoformat(str(values["last_reply_date"])),
            recipients=list(values["recipients"]),
            responsible=responsible,
            coordinator=turn.user,
            now=turn.now,
            perspectives=values.get("perspectives"),
        )
        access_repo.audit(
            turn.session,
            turn.user,
            "case_registered",
            turn.now,
            case_id=case.id,
            responsible_user_id=responsible.id if responsible else None,
        )
        if self._on_case_registered is not None:
            self._on_case_registered(turn.session, case, turn.now)
        return case

    def import_sheet(self, turn: Any, filename: str, data: bytes) -> list[Reply]:
        """Register every row of a CSV/XLSX file, or none of them with a per-row report."""
        if not may_coordinate(turn.user):
            raise UserFacingError("Bara samordnare kan registrera ärenden från en fil.")
        rows = case_sheet.read_rows(filename, data)
        context = ParseContext(turn.session, self._catalog)
        parsed, problems = case_sheet.parse_rows(rows, context)
        if problems:
            lines = [
                f"Inget registrerades: {len(problems)} rad(er) har fel. Rätta dem och skicka filen igen."
            ]
            lines.extend(problems[:40])
            if len(problems) > 40:
                lines.append(f"… och {len(problems) - 40} fel till.")
            return [say(*lines)]
        for values in parsed:
            self.register(turn, values, context)
        return [
            say(f"{len(parsed)} ärenden är registrerade från {filename}. Påminnelser är inlagda.")
        ]

    # -- overview -------------------------------------------------------------------------

    def _question_count(self, template_id: str) -> int:
        return len(self._catalog.get(template_id).questions) if template_id in self._catalog else 0

    def _overview(self, turn: Any, _argument: str) -> list[Reply]:
        owner = None if is_admin(turn.user) else turn.user.id
        rows = overview_rows(turn.session, owner)
        if not rows:
            return [say("Du har inga registrerade ärenden än. Registrera ett med /registrera.")]
        blocks = [Block("Översikt, sorterad efter sista svarsdatum", Style.HEADING)]
        for row in rows[:50]:
            blocks.append(Block(overview_line(row, self._question_count(row.template_id))))
        if len(rows) > 50:
            blocks.append(Block(f"… och {len(rows) - 50} till; alla finns i Excel-filen."))
        workbook = case_sheet.overview_workbook(
            [overview_cells(row, self._question_count(row.template_id)) for row in rows]
        )
        attachment = Attachment(
            f"Oversikt_{turn.now.date().isoformat()}.xlsx",
            workbook,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        return [Reply(tuple(blocks), attachments=(attachment,))]


def _user_by_number(turn: Any, argument: str) -> User | None:
    number = argument.strip().lstrip("#")
    if not (number.isdecimal() and number.isascii() and len(number) <= 9):
        return None
    return access_repo.find_user_by_id(turn.session, int(number))


def overview_state(row: OverviewRow, total: int) -> str:
    """The row's state in Swedish, with the last review's open findings when there are any."""
    if row.state == "in_progress":
        text = f"pågår, {row.answered} av {total} besvarade"
    else:
        text = STATUS_NAMES.get(row.state, row.state)
    if row.open_findings:
        text += f", {row.open_findings} öppna anmärkningar"
    return text


def overview_line(row: OverviewRow, total: int) -> str:
    deadline = format_swedish_date(row.last_reply_date) if row.last_reply_date else "inget datum"
    who = row.responsible_name or "ingen ansvarig"
    return f"{row.case_number} – {overview_state(row, total)} – svar senast {deadline} – {who}"


def overview_cells(row: OverviewRow, total: int) -> list[object]:
    return [
        row.case_number,
        row.committee or "",
        row.template_id,
        overview_state(row, total),
        row.answered,
        row.open_findings,
        row.last_reply_date,
        row.responsible_name or "",
    ]
