"""What coordinators and administrators do in the chat: invite, revoke, register, overview.

/registrera asks for an ärende's fields one at a time (bot/engine/registration.py); a CSV
or XLSX file sent by a coordinator registers many ärenden at once, all or none.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.engine import case_sheet
from bot.engine.access import ROLE_BY_SWEDISH_WORD, is_admin, may_coordinate, role_name
from bot.engine.budget_overview import budget_text
from bot.engine.coordinator_view import overview_file, question_count, visible
from bot.engine.ledger_texts import load_ledger_texts
from bot.engine.membership import Membership
from bot.engine.messages import Block, Button, Reply, Style, say
from bot.engine.overview_findings import stale_reviews
from bot.engine.overview_view import overview_line
from bot.engine.registration import (
    CASE_FIELDS,
    LONG_PASSED_DAYS,
    ParseContext,
    days_passed,
    summary_lines,
)
from bot.engine.services import CaseRegisteredHook
from bot.engine.state import Awaiting
from bot.engine.texts import CoordinationTexts
from bot.engine.turn import Turn
from bot.engine.user_choice import name_and_username, user_label, user_number
from bot.mall.dates import format_swedish_date
from bot.mall.errors import UserFacingError
from bot.mall.template import TemplateCatalog
from storage import access_repository as access_repo
from storage import membership_repository as members_repo
from storage import repository as repo
from storage.models import Case, User

INVITE_VALID_FOR = timedelta(days=7)


class CoordinatorDesk:
    """The coordinators' commands over the engine's turn; `texts` are
    prompts/coordination.toml's. `on_case_registered` is called with (session, case, now)
    after an ärende is registered or its deadline set, so that its reminders are (re)created;
    `dashboard_url` (REDOVISA_WEB_URL) gives /oversikt a button that opens the dashboard."""

    COMMANDS = (
        "inbjudan", "sparra", "anvandare", "registrera", "oversikt", "ansvarig", "ta_bort",
    )  # fmt: skip

    def __init__(
        self,
        catalog: TemplateCatalog,
        texts: CoordinationTexts,
        on_case_registered: CaseRegisteredHook | None = None,
        dashboard_url: str | None = None,
    ) -> None:
        self._catalog = catalog
        self._dashboard_url = dashboard_url  # /oversikt's button opens it as a Mini App
        self.texts = texts
        self._on_case_registered = on_case_registered
        self._ledger_texts = load_ledger_texts()
        self.membership = Membership(texts, on_case_changed=on_case_registered)

    def _context(self, turn: Turn, from_file: bool = False) -> ParseContext:
        return ParseContext(
            turn.session, self._catalog, self.texts, turn.now.date(), from_file=from_file
        )

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
            "ta_bort": self.membership.remove,
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
        case = self.membership.managed_case(turn, parts[0])
        context = self._context(turn)
        user_id = CASE_FIELDS[-1].parse(parts[1], context)
        user = (
            access_repo.find_user_by_id(turn.session, user_id) if isinstance(user_id, int) else None
        )
        if user is None:
            raise UserFacingError(self.texts.assign_who)
        previous_id = case.responsible_user_id
        previous = access_repo.find_user_by_id(turn.session, previous_id) if previous_id else None
        case.responsible_user_id = user.id
        repo.add_member(turn.session, case, user, turn.now)
        access_repo.audit(
            turn.session,
            turn.user,
            "responsible_set",
            turn.now,
            case_id=case.id,
            user_id=user.id,
            previous_user_id=previous_id,
        )
        if self._on_case_registered is not None and case.last_reply_date is not None:
            self._on_case_registered(turn.session, case, turn.now)
        if previous_id != user.id:
            self.membership.notify_responsible(turn, case, user)
        lines = [
            self.texts.assigned.format(
                name=user_label(self.texts, user), case_number=case.case_number
            ),
            self.membership.moved_note(previous, case),
        ]
        return [say(*filter(None, lines))]

    def _users(self, turn: Turn, _argument: str) -> list[Reply]:
        users = access_repo.users_with_role(turn.session, "official", "coordinator", "admin")
        texts = self.texts
        lines = [Block(texts.users_heading, Style.HEADING)]
        lines.extend(
            Block(
                texts.user_line.format(
                    number=u.id, name=name_and_username(u), role=role_name(texts, u.role)
                )
            )
            for u in users
        )
        return [Reply(tuple(lines))]

    # -- registering ärenden --------------------------------------------------------------

    def _start_registration(self, turn: Turn, argument: str) -> list[Reply]:
        """Step by step; `/registrera STK-2018-1307` gives the first step at once (a number
        that cannot be registered is refused, and nothing is started)."""
        state = turn.state
        given: dict[str, Any] = {}
        if argument.strip():
            first = CASE_FIELDS[0]
            given = {first.key: first.parse(argument.strip(), self._context(turn))}
        state.question_index = None
        state.clear_waiting()
        state.awaiting = Awaiting.REGISTRATION
        state.registration = given
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
            buttons = tuple((Button(user_label(self.texts, u), f"#{u.id}"),) for u in officials)
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
        deadline = date.fromisoformat(str(state.registration["last_reply_date"]))
        if (days := days_passed(deadline, context)) > LONG_PASSED_DAYS:
            lines.append(
                self.texts.last_reply_date_passed_confirm.format(
                    date=format_swedish_date(deadline), days=days
                )
            )
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
        case, started = self.register(turn, values, context)
        state.clear_waiting()
        state.registration = {}
        return [say(self.texts.registered.format(case_number=case.case_number), *started)]

    def register(
        self, turn: Turn, values: dict[str, Any], context: ParseContext
    ) -> tuple[Case, list[str]]:
        """Register the ärende, or give one an official started its facts; the second value
        says, when so, who had started it (their answers stay)."""
        responsible_id = values.get("responsible_user_id")
        responsible = (
            access_repo.find_user_by_id(turn.session, responsible_id)
            if isinstance(responsible_id, int)
            else None
        )
        # The diarienummer may have been taken since it was typed; check again.
        case_number = str(CASE_FIELDS[0].parse(str(values["case_number"]), context))
        started = repo.find_case(turn.session, case_number)
        facts: dict[str, Any] = dict(
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
        notes: list[str] = []
        if started is None:
            case = access_repo.register_case(turn.session, case_number=case_number, **facts)
        else:
            names = ", ".join(
                user_label(self.texts, u) for u in members_repo.members(turn.session, started.id)
            )
            notes.append(self.texts.started_case_kept.format(case_number=case_number, names=names))
            case = members_repo.register_started_case(turn.session, started, **facts)
        access_repo.audit(
            turn.session,
            turn.user,
            "case_registered",
            turn.now,
            case_id=case.id,
            responsible_user_id=responsible.id if responsible else None,
            started_before=started is not None,
        )
        if self._on_case_registered is not None:
            self._on_case_registered(turn.session, case, turn.now)
        self.membership.notify_responsible(turn, case, responsible)
        return case, notes

    def import_sheet(self, turn: Turn, filename: str, data: bytes) -> list[Reply]:
        """Register every row of a CSV/XLSX file, or none of them with a per-row report."""
        if not may_coordinate(turn.user):
            raise UserFacingError(self.texts.import_coordinators_only)
        rows = case_sheet.read_rows(filename, data, self.texts)
        context = self._context(turn, from_file=True)
        parsed, problems = case_sheet.parse_rows(rows, context)
        if problems:
            count = len(problems)
            lines = [
                self.texts.import_refused.format(count=count)
                if count != 1
                else self.texts.import_refused_one
            ]
            lines.extend(problems[:40])
            if len(problems) > 40:
                lines.append(self.texts.import_more_problems.format(count=len(problems) - 40))
            return [say(*lines)]
        notes: list[str] = []
        for values in parsed:
            notes.extend(self.register(turn, values, context)[1])
        done = (
            self.texts.import_done.format(count=len(parsed), filename=filename)
            if len(parsed) != 1
            else self.texts.import_done_one.format(filename=filename)
        )
        return [say(done, *notes)]

    # -- overview -------------------------------------------------------------------------

    def _overview(self, turn: Turn, _argument: str) -> list[Reply]:
        seen = visible(turn.session, turn.user, self._catalog)
        rows, texts = seen.rows, self.texts
        if not rows:
            return [say(texts.overview_empty)]
        stale = stale_reviews(turn.session, rows)
        blocks = [Block(texts.overview_heading, Style.HEADING)]
        for row in rows[:50]:
            total = question_count(self._catalog, row.template_id)
            line = overview_line(texts, row, total, row.case_id in stale)
            budget = budget_text(self._ledger_texts, seen.arenden[row.case_id].budget)
            blocks.append(Block(f"{line} {budget}"))
        if len(rows) > 50:
            blocks.append(Block(texts.overview_more.format(count=len(rows) - 50)))
        attachment = overview_file(
            turn.session, seen, self._catalog, texts, self._ledger_texts, turn.now.date()
        )
        buttons: tuple[tuple[Button, ...], ...] = ()
        if self._dashboard_url:
            buttons = ((Button(texts.overview_dashboard_button, self._dashboard_url, True),),)
        return [Reply(tuple(blocks), buttons, attachments=(attachment,))]


def _user_by_number(turn: Turn, argument: str) -> User | None:
    number = user_number(argument)
    return None if number is None else access_repo.find_user_by_id(turn.session, number)
