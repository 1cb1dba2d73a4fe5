"""One input being handled: who sent it, their state, and what it has read from the database.

The current ärende, the user's membership of an ärende and an ärende's current answers are
read at most once per input and kept on the `Turn`; saving an answer forgets the answers of
that ärende, so the next read sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.engine.messages import Notice, Reply
from bot.engine.state import ConversationState
from storage import repository as repo
from storage.models import Case, User
from storage.repository import CurrentAnswer

Clock = Callable[[], datetime]
Answers = dict[str, CurrentAnswer]
RunJobs = Callable[[list[int]], list[Reply]]


@dataclass
class Steps:
    """The replies to one input: `now` at once, then what `finish()` returns.

    All slow work is a job (bot/engine/jobs.py). `jobs` are the ids of the jobs the turn
    enqueued for its own user: `finish()` does them here with `run_jobs` (the terminal chat,
    `Conversation.handle`), unless an adapter with a job loop of its own took them over
    first (`hand_over_jobs`). `jobs_for_others` (the notices, bot/engine/notices.py) are
    only ever a job loop's: their replies go to another chat."""

    now: list[Reply]
    notices: list[Notice] = field(default_factory=list)  # sent to other users' chats as jobs
    jobs: list[int] = field(default_factory=list)
    run_jobs: RunJobs | None = None
    jobs_for_others: list[int] = field(default_factory=list)

    def hand_over_jobs(self) -> list[int]:
        """The jobs, taken out of this turn's hands (a job loop does them instead)."""
        jobs, self.jobs = [*self.jobs, *self.jobs_for_others], []
        self.jobs_for_others = []
        return jobs

    def finish(self) -> list[Reply]:
        """Do the turn's jobs here, unless a job loop took them over."""
        if self.jobs and self.run_jobs is not None:
            return self.run_jobs(self.hand_over_jobs())
        return []


@dataclass
class Turn:
    """Everything one input is handled with, and what it has read so far."""

    session: Session
    user: User
    state: ConversationState
    now: datetime
    # (case id, question key) of every answer saved in this input, in order.
    saved: list[tuple[int, str]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)  # sent to others, as jobs
    # Ärenden someone was made responsible for in this input: (their external id, the
    # diarienummer, the last reply date); told as one notice per person (membership.py).
    assigned: list[tuple[str, str, date | None]] = field(default_factory=list)
    # Slow work that must survive a crash: ids of the jobs enqueued in this transaction.
    jobs: list[int] = field(default_factory=list)
    jobs_for_others: list[int] = field(default_factory=list)  # the notices' jobs
    _cases: dict[int, Case | None] = field(default_factory=dict, repr=False)
    _members: dict[int, bool] = field(default_factory=dict, repr=False)
    _answers: dict[int, Answers] = field(default_factory=dict, repr=False)

    def case(self, case_id: int) -> Case | None:
        if case_id not in self._cases:
            self._cases[case_id] = repo.get_case(self.session, case_id)
        return self._cases[case_id]

    def is_member(self, case: Case) -> bool:
        if case.id not in self._members:
            self._members[case.id] = repo.is_member(self.session, case.id, self.user.id)
        return self._members[case.id]

    def own_case(self, case_id: int) -> Case | None:
        """The ärende with this id if the user belongs to it."""
        case = self.case(case_id)
        return case if case is not None and self.is_member(case) else None

    def current_case(self) -> Case | None:
        """The ärende the user is working on; a lost one (removed, or no longer theirs)
        resets the state."""
        if self.state.case_id is None:
            return None
        case = self.own_case(self.state.case_id)
        if case is None:
            self.state = ConversationState()
        return case

    def answers(self, case: Case) -> Answers:
        if case.id not in self._answers:
            self._answers[case.id] = repo.current_answers(self.session, case.id)
        return self._answers[case.id]

    def forget_answers(self, case: Case) -> None:
        self._answers.pop(case.id, None)

    def remember_new_case(self, case: Case) -> None:
        """A case created in this turn: its creator is a member and it has no answers."""
        self._cases[case.id] = case
        self._members[case.id] = True
