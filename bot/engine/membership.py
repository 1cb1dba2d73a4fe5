"""Repairing who belongs to an ärende: who may manage it, removing a member (/ta_bort), and
telling a user they were made responsible.

/ta_bort STK-2018-1307 lists the members with a button each; /ta_bort STK-2018-1307 #12
asks for a confirmation, and its buttons carry "ja" or "nej", so nothing waits in the
conversation's state. A removal is written to the audit trail.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.engine.access import is_admin, may_coordinate
from bot.engine.messages import Block, Button, Notice, Reply, Style, say
from bot.engine.services import CaseRegisteredHook
from bot.engine.texts import CoordinationTexts
from bot.engine.turn import Turn
from bot.engine.user_choice import user_label, user_number
from bot.mall.case_numbers import normalise_case_number
from bot.mall.datafiles import PROMPTS_DIR
from bot.mall.dates import format_swedish_date
from bot.mall.errors import UserFacingError
from bot.mall.texts import Text, TextFile, text
from storage import access_repository as access_repo
from storage import membership_repository as members_repo
from storage import repository as repo
from storage.models import Case, User

# A notice listing many ärenden gets a start button for each of the first ones; the rest are
# in /arenden (a chat keyboard that long is no help).
MAX_START_BUTTONS = 20
# The ärenden listed in it, so that it stays one Telegram message (4 096 characters).
MAX_LISTED = 60


class MembershipTexts(TextFile):
    """prompts/membership.toml: removing members, and the notice to a new responsible."""

    remove_usage: Text = text()
    members_heading: Text = text("case_number")
    member_line: Text = text("user", "responsible")
    member_is_responsible: Text = text()
    remove_not_member: Text = text("user", "case_number")
    remove_self: Text = text()
    remove_confirm: Text = text("user", "case_number")
    remove_confirm_responsible: Text = text("user")
    button_remove_yes: Text = text()
    button_remove_no: Text = text()
    removed: Text = text("user", "case_number")
    remove_kept: Text = text("case_number")
    responsible_moved: Text = text("previous", "case_number", "number")
    notice_responsible: Text = text("by", "case_number", "deadline")
    notice_no_deadline: Text = text()
    notice_responsible_many: Text = text("by", "count")
    notice_case_line: Text = text("case_number", "deadline")
    notice_more_cases: Text = text("count")
    notice_more_in_list: Text = text()
    button_start: Text = text("case_number")


def load_membership_texts(path: Path | None = None) -> MembershipTexts:
    return MembershipTexts.load(path or PROMPTS_DIR / "membership.toml")


def may_manage(turn: Turn, case: Case) -> bool:
    """An administrator, the coordinator who registered the ärende, or any coordinator while
    the ärende is not registered (an official started it with /ny)."""
    user = turn.user
    if is_admin(user):
        return True
    if not may_coordinate(user):
        return False
    return case.created_by_user_id == user.id or not members_repo.is_registered(case)


class Membership:
    """The coordinators' repairs of an ärende's members."""

    def __init__(
        self,
        texts: CoordinationTexts,
        membership_texts: MembershipTexts | None = None,
        on_case_changed: CaseRegisteredHook | None = None,
    ) -> None:
        self._texts = texts
        self.texts = membership_texts or load_membership_texts()
        self._on_case_changed = on_case_changed

    def managed_case(self, turn: Turn, typed: str) -> Case:
        """The ärende `typed` names, if the user may manage it."""
        case = repo.find_case(turn.session, normalise_case_number(typed))
        if case is None or not may_manage(turn, case):
            raise UserFacingError(self._texts.assign_no_case.format(case_number=typed[:40]))
        return case

    def remove(self, turn: Turn, argument: str) -> list[Reply]:
        """/ta_bort DNR lists the members; /ta_bort DNR #12 asks; … ja removes."""
        parts = argument.split()
        if not parts or len(parts) > 3:
            raise UserFacingError(self.texts.remove_usage)
        case = self.managed_case(turn, parts[0])
        if len(parts) == 1:
            return [self._member_list(turn, case)]
        number = user_number(parts[1])
        user = access_repo.find_user_by_id(turn.session, number) if number is not None else None
        if user is None:
            raise UserFacingError(self.texts.remove_usage)
        shown = user_label(self._texts, user)
        if user.id == turn.user.id:
            raise UserFacingError(self.texts.remove_self)
        if not repo.is_member(turn.session, case.id, user.id):
            raise UserFacingError(
                self.texts.remove_not_member.format(user=shown, case_number=case.case_number)
            )
        decision = parts[2].lower() if len(parts) == 3 else ""
        if decision == "nej":
            return [say(self.texts.remove_kept.format(case_number=case.case_number))]
        if decision != "ja":
            return [self._confirmation(case, user, shown)]
        was_responsible = case.responsible_user_id == user.id
        members_repo.remove_member(turn.session, case, user.id)
        access_repo.audit(
            turn.session,
            turn.user,
            "member_removed",
            turn.now,
            case_id=case.id,
            user_id=user.id,
            was_responsible=was_responsible,
        )
        if was_responsible and self._on_case_changed is not None:
            self._on_case_changed(turn.session, case, turn.now)
        return [say(self.texts.removed.format(user=shown, case_number=case.case_number))]

    def _member_list(self, turn: Turn, case: Case) -> Reply:
        blocks = [
            Block(self.texts.members_heading.format(case_number=case.case_number), Style.BOLD)
        ]
        buttons = []
        for member in members_repo.members(turn.session, case.id):
            shown = user_label(self._texts, member)
            mark = self.texts.member_is_responsible if member.id == case.responsible_user_id else ""
            blocks.append(Block(self.texts.member_line.format(user=shown, responsible=mark)))
            if member.id != turn.user.id:
                buttons.append((Button(shown, f"/ta_bort {case.case_number} #{member.id}"),))
        blocks.append(Block(self.texts.remove_usage, Style.ITALIC))
        return Reply(tuple(blocks), tuple(buttons[:20]))

    def _confirmation(self, case: Case, user: User, shown: str) -> Reply:
        lines = [self.texts.remove_confirm.format(user=shown, case_number=case.case_number)]
        if case.responsible_user_id == user.id:
            lines.append(self.texts.remove_confirm_responsible.format(user=shown))
        command = f"/ta_bort {case.case_number} #{user.id}"
        buttons = (
            (
                Button(self.texts.button_remove_yes, f"{command} ja"),
                Button(self.texts.button_remove_no, f"{command} nej"),
            ),
        )
        return say(*lines, buttons=buttons)

    def moved_note(self, previous: User | None, case: Case) -> str | None:
        """What to say when responsibility moved from `previous`, who stays a member."""
        if previous is None or previous.id == case.responsible_user_id:
            return None
        return self.texts.responsible_moved.format(
            previous=user_label(self._texts, previous),
            case_number=case.case_number,
            number=previous.id,
        )

    def notify_responsible(self, turn: Turn, case: Case, user: User | None) -> None:
        """Note that `user` was made responsible (not oneself); `batched_notices` tells them,
        all the ärenden of one input in one message."""
        if user is None or user.id == turn.user.id:
            return
        turn.assigned.append((user.external_id, case.case_number, case.last_reply_date))

    def batched_notices(self, turn: Turn) -> list[Notice]:
        """One notice per person made responsible in this input, listing their ärenden with
        a start button each (a CSV of seven ärenden is one message, not seven)."""
        by_recipient: dict[str, dict[str, date | None]] = {}
        for recipient, case_number, deadline in turn.assigned:
            by_recipient.setdefault(recipient, {})[case_number] = deadline
        turn.assigned = []
        return [
            Notice(recipient, self._notice(turn.user.display_name, cases))
            for recipient, cases in by_recipient.items()
        ]

    def _notice(self, by: str, cases: dict[str, date | None]) -> Reply:
        texts = self.texts

        def deadline_of(day: date | None) -> str:
            return format_swedish_date(day) if day else texts.notice_no_deadline

        ordered = sorted(cases.items(), key=lambda item: (item[1] or date.max, item[0]))
        buttons = tuple(
            (Button(texts.button_start.format(case_number=number), f"/fortsatt {number}"),)
            for number, _ in ordered[:MAX_START_BUTTONS]
        )
        if len(ordered) == 1:
            number, day = ordered[0]
            notice = texts.notice_responsible.format(
                by=by, case_number=number, deadline=deadline_of(day)
            )
            return say(notice, buttons=buttons)
        lines = [texts.notice_responsible_many.format(by=by, count=len(ordered))]
        lines.extend(
            texts.notice_case_line.format(case_number=number, deadline=deadline_of(day))
            for number, day in ordered[:MAX_LISTED]
        )
        if len(ordered) > MAX_LISTED:
            lines.append(texts.notice_more_cases.format(count=len(ordered) - MAX_LISTED))
        if len(ordered) > MAX_START_BUTTONS:
            lines.append(texts.notice_more_in_list)
        return Reply((Block(lines[0]), Block("\n".join(lines[1:]))), buttons)
