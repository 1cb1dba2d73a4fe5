"""What coordinators and administrators do in the chat: invite, revoke, register, overview.

/registrera asks for an ärende's fields one at a time (bot/engine/registration.py); a CSV
or XLSX file sent by a coordinator registers many ärenden at once, all or none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.documents.signed_state import changed_after_signing
from bot.engine import case_sheet
from bot.engine.access import ROLE_BY_SWEDISH_WORD, is_admin, may_coordinate, role_name
from bot.engine.messages import Attachment, Block, Button, Reply, Style, say
from bot.engine.registration import CASE_FIELDS, ParseContext, summary_lines, user_number
from bot.engine.services import CaseRegisteredHook
from bot.engine.state import Awaiting
from bot.engine.texts import CoordinationTexts
from bot.engine.turn import Turn
from bot.mall.case_numbers import normalise_case_number
from bot.mall.dates import format_swedish_date
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog
from storage import access_repository as access_repo
from storage import repository as repo
from storage.models import Case, User
from storage.reminder_repository import OverviewRow, overview_rows

INVITE_VALID_FOR = timedelta(days=7)
SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
# Each state of an ärende and the key of its name in prompts/coordination.toml (a state
# "in_progress" is written with its progress, status_in_progress).
STATUS_KEYS = {
    "not_started": "status_not_started",
    "finished": "status_finished",
    "sent_for_signature": "status_sent_for_signature",
    "signed": "status_signed",
    "changed_after_signing": "status_changed_after_signing",
    "submitted": "status_submitted",
}


class CoordinatorDesk:
    """The coordinators' commands over the engine's turn; `texts` are
    prompts/coordination.toml's. `on_case_registered` is called with (session, case, now)
    after an ärende is registered or its deadline set, so that its reminders are (re)created."""

    COMMANDS = ("inbjudan", "sparra", "anvandare", "registrera", "oversikt", "ansvarig")

    def __init__(
        self,
        catalog: TemplateCatalog,
        texts: CoordinationTexts,
        on_case_registered: CaseRegisteredHook | None = None,
    ) -> None:
        self._catalog = catalog
        self.texts = texts
        self._on_case_registered = on_case_registered

    def _context(self, turn: Turn) -> ParseContext:
        return ParseContext(turn.session, self._catalog, self.texts)

    def run(self, turn: Turn, name: str, argument: str) -> list[Reply]:
        if not may_coordinate(turn.user):
            raise UserFacingError(self.texts.not_coordinator)
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

    def _invite(self, turn: Turn, argument: str) -> list[Reply]:
        word = argument.strip().lower() or "handläggare"
        role = ROLE_BY_SWEDISH_WORD.get(word)
        if role is None:
            raise UserFacingError(self.texts.invite_usage)
        invite = access_repo.create_invite(
            turn.session, role, turn.user, turn.now, INVITE_VALID_FOR
        )
        access_repo.audit(turn.session, turn.user, "invite_created", turn.now, role=role)
        until = format_swedish_date(invite.expires_at.date())
        return [
            say(
                self.texts.invite_code.format(role=role_name(self.texts, role), code=invite.code),
                self.texts.invite_terms.format(until=until, code=invite.code),
            )
        ]

    def _revoke(self, turn: Turn, argument: str) -> list[Reply]:
        if not is_admin(turn.user):
            raise UserFacingError(self.texts.revoke_admin_only)
        user = _user_by_number(turn, argument)
        if user is None:
            raise UserFacingError(self.texts.revoke_usage)
        if user.id == turn.user.id:
            raise UserFacingError(self.texts.revoke_self)
        user.active = False
        access_repo.audit(turn.session, turn.user, "user_revoked", turn.now, target_user=user.id)
        return [say(self.texts.revoked.format(name=user.display_name, number=user.id))]

    def _assign(self, turn: Turn, argument: str) -> list[Reply]:
        """Make a user the responsible official of an ärende: /ansvarig STK-2018-1307 #12."""
        parts = argument.split(maxsplit=1)
        if len(parts) != 2:
            raise UserFacingError(self.texts.assign_usage)
        case = repo.find_case(turn.session, normalise_case_number(parts[0]))
        if case is None or not (is_admin(turn.user) or case.created_by_user_id == turn.user.id):
            raise UserFacingError(self.texts.assign_no_case.format(case_number=parts[0][:40]))
        context = self._context(turn)
        user_id = CASE_FIELDS[-1].parse(parts[1], context)
        user = (
            access_repo.find_user_by_id(turn.session, user_id) if isinstance(user_id, int) else None
        )
        if user is None:
            raise UserFacingError(self.texts.assign_who)
        case.responsible_user_id = user.id
        repo.add_member(turn.session, case, user, turn.now)
        access_repo.audit(
            turn.session, turn.user, "responsible_set", turn.now, case_id=case.id, user_id=user.id
        )
        if self._on_case_registered is not None and case.last_reply_date is not None:
            self._on_case_registered(turn.session, case, turn.now)
        return [
            say(self.texts.assigned.format(name=user.display_name, case_number=case.case_number))
        ]

    def _users(self, turn: Turn, _argument: str) -> list[Reply]:
        users = access_repo.users_with_role(turn.session, "official", "coordinator", "admin")
        texts = self.texts
        lines = [Block(texts.users_heading, Style.HEADING)]
        lines.extend(
            Block(
                texts.user_line.format(
                    number=u.id, name=u.display_name, role=role_name(texts, u.role)
                )
            )
            for u in users
        )
        return [Reply(tuple(lines))]

    # -- registering ärenden --------------------------------------------------------------

    def _start_registration(self, turn: Turn, _argument: str) -> list[Reply]:
        state = turn.state
        state.question_index = None
        state.clear_waiting()
        state.awaiting = Awaiting.REGISTRATION
        state.registration = {}
        return [self._ask_field(turn, self.texts.registration_started)]

    def _ask_field(self, turn: Turn, note: str | None = None) -> Reply:
        state = turn.state
        step = len(state.registration)
        field = CASE_FIELDS[step]
        blocks = [Block(note)] if note else []
        prompt = self.texts[field.prompt_key]
        line = self.texts.registration_step.format(
            n=step + 1, total=len(CASE_FIELDS), prompt=prompt
        )
        blocks.append(Block(line, Style.BOLD))
        buttons: tuple[tuple[Button, ...], ...] = ()
        if field.key == "template_id":
            buttons = tuple((Button(t.name, t.id),) for t in self._catalog.all())
        elif field.key == "responsible_user_id":
            officials = access_repo.users_with_role(turn.session, "official")[:8]
            buttons = tuple((Button(u.display_name, f"#{u.id}"),) for u in officials)
            buttons += ((Button(self.texts.button_nobody_yet, "ingen"),),)
        return Reply(tuple(blocks), buttons)

    def registration_input(self, turn: Turn, text: str) -> list[Reply]:
        """One answer in the step-by-step registration; a bad value is asked for again."""
        state = turn.state
        context = self._context(turn)
        if len(state.registration) >= len(CASE_FIELDS):
            return self._confirm_registration(turn, text, context)
        field = CASE_FIELDS[len(state.registration)]
        value = field.parse(text, context)
        state.registration = {**state.registration, field.key: value}
        if len(state.registration) < len(CASE_FIELDS):
            return [self._ask_field(turn)]
        lines = [self.texts.registration_confirm, *summary_lines(state.registration, context)]
        buttons = (
            (Button(self.texts.button_yes_register, "ja"), Button(self.texts.button_no, "nej")),
        )
        return [say(*lines, buttons=buttons)]

    def _confirm_registration(self, turn: Turn, text: str, context: ParseContext) -> list[Reply]:
        state = turn.state
        answer = text.strip().lower().lstrip("/")
        if answer in ("nej", "n"):
            state.clear_waiting()
            state.registration = {}
            return [say(self.texts.registration_cancelled)]
        if answer not in ("ja", "j"):
            raise UserFacingError(self.texts.registration_yes_or_no)
        values = state.registration
        case = self.register(turn, values, context)
        state.clear_waiting()
        state.registration = {}
        return [say(self.texts.registered.format(case_number=case.case_number))]

    def register(self, turn: Turn, values: dict[str, Any], context: ParseContext) -> Case:
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

    def import_sheet(self, turn: Turn, filename: str, data: bytes) -> list[Reply]:
        """Register every row of a CSV/XLSX file, or none of them with a per-row report."""
        if not may_coordinate(turn.user):
            raise UserFacingError(self.texts.import_coordinators_only)
        rows = case_sheet.read_rows(filename, data, self.texts)
        context = self._context(turn)
        parsed, problems = case_sheet.parse_rows(rows, context)
        if problems:
            lines = [self.texts.import_refused.format(count=len(problems))]
            lines.extend(problems[:40])
            if len(problems) > 40:
                lines.append(self.texts.import_more_problems.format(count=len(problems) - 40))
            return [say(*lines)]
        for values in parsed:
            self.register(turn, values, context)
        return [say(self.texts.import_done.format(count=len(parsed), filename=filename))]

    # -- overview -------------------------------------------------------------------------

    def _question_count(self, template_id: str) -> int:
        return len(self._catalog.get(template_id).questions) if template_id in self._catalog else 0

    def _overview(self, turn: Turn, _argument: str) -> list[Reply]:
        owner = None if is_admin(turn.user) else turn.user.id
        rows = with_stale_signatures(turn.session, overview_rows(turn.session, owner))
        texts = self.texts
        if not rows:
            return [say(texts.overview_empty)]
        blocks = [Block(texts.overview_heading, Style.HEADING)]
        for row in rows[:50]:
            blocks.append(Block(overview_line(texts, row, self._question_count(row.template_id))))
        if len(rows) > 50:
            blocks.append(Block(texts.overview_more.format(count=len(rows) - 50)))
        workbook = case_sheet.overview_workbook(
            [overview_cells(texts, row, self._question_count(row.template_id)) for row in rows],
            texts,
        )
        attachment = Attachment(
            texts.overview_filename.format(date=turn.now.date().isoformat()),
            workbook,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        return [Reply(tuple(blocks), attachments=(attachment,))]


def with_stale_signatures(session: Session, rows: list[OverviewRow]) -> list[OverviewRow]:
    """A signed ärende whose answers changed after the signature is not "signerad" any more."""
    signed = [row.case_id for row in rows if row.state == "signed"]
    stale = changed_after_signing(session, signed) if signed else set()
    return [replace(r, state="changed_after_signing") if r.case_id in stale else r for r in rows]


def _user_by_number(turn: Turn, argument: str) -> User | None:
    number = user_number(argument)
    return None if number is None else access_repo.find_user_by_id(turn.session, number)


def overview_state(texts: CoordinationTexts, row: OverviewRow, total: int) -> str:
    """The row's state in Swedish, with the last review's open findings when there are any.
    An unknown state is shown as it is."""
    if row.state == "in_progress":
        text = texts.status_in_progress.format(answered=row.answered, total=total)
    elif row.state == "submitted" and row.submitted_at is not None:
        day = row.submitted_at.astimezone(SWEDISH_TIME).date()
        text = texts.status_submitted_on.format(date=format_swedish_date(day))
    else:
        key = STATUS_KEYS.get(row.state)
        text = texts[key] if key else row.state
    if row.open_findings:
        text += texts.status_open_findings.format(count=row.open_findings)
    return text


def overview_line(texts: CoordinationTexts, row: OverviewRow, total: int) -> str:
    deadline = (
        format_swedish_date(row.last_reply_date) if row.last_reply_date else texts.overview_no_date
    )
    return texts.overview_line.format(
        case_number=row.case_number,
        state=overview_state(texts, row, total),
        deadline=deadline,
        who=row.responsible_name or texts.overview_no_responsible,
    )


def overview_cells(texts: CoordinationTexts, row: OverviewRow, total: int) -> list[object]:
    return [
        row.case_number,
        row.committee or "",
        row.template_id,
        overview_state(texts, row, total),
        row.answered,
        row.open_findings,
        row.last_reply_date,
        row.responsible_name or "",
    ]
