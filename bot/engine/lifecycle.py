"""A report's life from the user's side: welcome, help, where am I, a new report, the
list of ärenden, resuming one, and redeeming an invite code."""

from __future__ import annotations

from bot.engine import views
from bot.engine.access import NO_ACCESS, may_coordinate, role_name
from bot.engine.mall_choice import template_lines
from bot.engine.messages import Block, Button, Reply, Style, say
from bot.engine.parsing import COMMANDS, COORDINATOR_COMMANDS
from bot.engine.reports import Reports
from bot.engine.state import Awaiting
from bot.engine.texts import CoordinationTexts
from bot.engine.turn import Turn
from bot.mall.case_numbers import normalise_case_number
from bot.mall.errors import UserFacingError
from bot.mall.template import Template, template_named
from storage import access_repository as access_repo
from storage import membership_repository as members_repo
from storage import repository as repo
from storage.models import Case


class Lifecycle:
    """Starting, listing and resuming reports; who the user is and where they are."""

    def __init__(self, reports: Reports, coordination_texts: CoordinationTexts) -> None:
        self._reports = reports
        self._catalog = reports.catalog
        self._texts = reports.texts
        self._coordination_texts = coordination_texts

    def redeem(self, turn: Turn, code: str) -> list[Reply]:
        if turn.user.role != NO_ACCESS:
            return [say(self._texts.already_has_access)]
        invite = access_repo.redeem_invite(turn.session, code, turn.user, turn.now)
        if invite is None:
            raise UserFacingError(self._texts.invite_invalid)
        turn.user.role = invite.role
        access_repo.audit(turn.session, turn.user, "invite_redeemed", turn.now, role=invite.role)
        welcome = self._texts.access_granted.format(
            role=role_name(self._coordination_texts, invite.role)
        )
        return self.start(turn, "", note=welcome)

    def start(self, turn: Turn, argument: str, note: str | None = None) -> list[Reply]:
        if argument:
            return self.redeem(turn, argument)
        case = turn.current_case()
        blocks = [Block(note)] if note else []
        blocks.append(Block(self._texts.welcome.format(name=turn.user.display_name)))
        if may_coordinate(turn.user):
            blocks.append(Block(self._texts.welcome_coordinator))
        if case is not None:
            blocks.append(Block(self._texts.welcome_back.format(case_number=case.case_number)))
            buttons: tuple[tuple[Button, ...], ...] = (
                (Button(self._texts.button_resume, "/fortsatt"),),
            )
        else:
            buttons = ((Button(self._texts.button_new, "/ny"),),)
        return [Reply(tuple(blocks), buttons)]

    def help(self, turn: Turn, _argument: str) -> list[Reply]:
        lines = [Block(self._texts.help_heading, Style.HEADING)]
        commands = COMMANDS + (COORDINATOR_COMMANDS if may_coordinate(turn.user) else ())
        lines.extend(Block(f"/{name} – {description}") for name, description in commands)
        lines.append(Block(self._texts.help_in_words, Style.ITALIC))
        lines.append(Block(self.where_now(turn)))
        return [Reply(tuple(lines))]

    def where_now(self, turn: Turn) -> str:
        state = turn.state
        if state.awaiting is Awaiting.CASE_NUMBER:
            return self._texts.now_case_number
        if state.awaiting is Awaiting.TEMPLATE:
            return self._texts.now_template.format(case_number=state.pending_case_number)
        if state.awaiting in (
            Awaiting.CONFIRM, Awaiting.IMPORT_CONFIRM, Awaiting.UNCLEAR, Awaiting.BUDGET
        ):
            return self._texts.now_confirm
        if state.awaiting is Awaiting.REGISTRATION:
            return self._texts.now_registration
        case = turn.current_case()
        if case is None:
            return self._texts.now_nothing
        template = self._catalog.get(case.template_id)
        answered = views.answered_count(template, turn.answers(case))
        if state.question_index is None:
            return self._texts.now_report.format(
                case_number=case.case_number, answered=answered, total=len(template.questions)
            )
        return self._texts.now_question.format(
            case_number=case.case_number,
            n=state.question_index + 1,
            total=len(template.questions),
            answered=answered,
            parts=views.counted(self._texts, "parts", len(state.parts)),
        )

    def status(self, turn: Turn, _argument: str) -> list[Reply]:
        return [say(self.where_now(turn))]

    def new_report(self, turn: Turn, argument: str) -> list[Reply]:
        if not argument:
            note = self._reports.commit_parts(turn)
            turn.state.question_index = None
            turn.state.clear_waiting()
            turn.state.awaiting = Awaiting.CASE_NUMBER
            return [say(*filter(None, [note, self._texts.ask_case_number]))]
        case_number = normalise_case_number(argument)
        existing = repo.find_case(turn.session, case_number)
        if existing is not None:
            if not turn.is_member(existing):
                raise UserFacingError(
                    self._texts.case_belongs_to_other.format(case_number=case_number)
                )
            return self._reports.open_case(turn, existing, self._resuming_note(turn, existing))
        note = self._reports.commit_parts(turn)
        turn.state.question_index = None
        turn.state.clear_waiting()
        turn.state.awaiting = Awaiting.TEMPLATE
        turn.state.pending_case_number = case_number
        buttons = tuple((Button(t.name, f"/mall {t.id}"),) for t in self._catalog.all())
        question = self._texts.choose_template.format(case_number=case_number)
        lines = "\n".join(template_lines(self._texts, self._catalog))
        return [say(*filter(None, [note, question, lines]), buttons=buttons)]

    def _resuming_note(self, turn: Turn, case: Case) -> str:
        """ "You already have it" to whoever started it; to someone it was given, by whom."""
        if case.created_by_user_id == turn.user.id:
            return self._texts.case_exists_resuming.format(case_number=case.case_number)
        by = members_repo.who_assigned(turn.session, case.id, turn.user.id)
        by = by or access_repo.find_user_by_id(turn.session, case.created_by_user_id)
        name = by.display_name if by else self._coordination_texts.user_unknown
        return self._texts.case_assigned_resuming.format(case_number=case.case_number, by=name)

    def choose_template(self, turn: Turn, argument: str) -> list[Reply]:
        if turn.state.awaiting is not Awaiting.TEMPLATE or not turn.state.pending_case_number:
            raise UserFacingError(self._texts.template_out_of_place)
        template = self.match_template(argument)
        if template is None:
            names = ", ".join(t.id for t in self._catalog.all())
            raise UserFacingError(self._texts.unknown_template.format(names=names))
        case_number = turn.state.pending_case_number
        if repo.find_case(turn.session, case_number) is not None:
            turn.state.clear_waiting()
            return [say(self._texts.case_belongs_to_other.format(case_number=case_number))]
        case = repo.create_case(turn.session, case_number, template.id, turn.user, turn.now)
        access_repo.audit(turn.session, turn.user, "case_created", turn.now, case_id=case.id)
        return self._reports.open_case(
            turn,
            case,
            self._texts.report_started.format(case_number=case_number, name=template.name),
        )

    def match_template(self, argument: str) -> Template | None:
        wanted = argument.strip().lower()
        if not wanted:
            return None
        return template_named(self._catalog, wanted)

    def list_reports(self, turn: Turn, _argument: str) -> list[Reply]:
        cases = repo.cases_of_user(turn.session, turn.user.id)
        if not cases:
            return [
                say(self._texts.no_reports, buttons=((Button(self._texts.button_new, "/ny"),),))
            ]
        blocks = [Block(self._texts.reports_heading, Style.HEADING)]
        buttons = []
        for case in cases:
            template = self._catalog.get(case.template_id)
            answered = views.answered_count(template, turn.answers(case))
            blocks.append(
                Block(
                    self._texts.report_line.format(
                        case_number=case.case_number,
                        template=template.id,
                        answered=answered,
                        total=len(template.questions),
                    )
                )
            )
            buttons.append((Button(case.case_number, f"/fortsatt {case.case_number}"),))
        return [Reply(tuple(blocks), tuple(buttons[:10]))]

    def resume(self, turn: Turn, argument: str) -> list[Reply]:
        if argument:
            case_number = normalise_case_number(argument)
            case = repo.find_case(turn.session, case_number)
            if case is None or not turn.is_member(case):
                raise UserFacingError(self._texts.case_not_yours.format(case_number=case_number))
            if case.id == turn.state.case_id:
                turn.state.clear_waiting()
                return self._reports.ask(turn)
            return self._reports.open_case(turn, case)
        current = turn.current_case()
        if current is not None:
            turn.state.clear_waiting()
            if turn.state.question_index is None:
                template = self._catalog.get(current.template_id)
                index = views.first_unanswered(template, turn.answers(current))
                return self._reports.move_to(turn, index)
            return self._reports.ask(turn)
        cases = repo.cases_of_user(turn.session, turn.user.id)
        if len(cases) == 1:
            return self._reports.open_case(turn, cases[0])
        return self.list_reports(turn, "")
