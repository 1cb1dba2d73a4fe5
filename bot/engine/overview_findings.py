"""The last review's findings in /oversikt, marked as outdated once the answers have changed
after the review (a finding may then no longer hold)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.engine.texts import CoordinationTexts
from storage import membership_repository as members_repo
from storage.reminder_repository import OverviewRow


def stale_reviews(session: Session, rows: Sequence[OverviewRow]) -> set[int]:
    """The ärenden with findings whose answers changed after their last review."""
    ids = [row.case_id for row in rows if row.open_findings]
    reviewed = members_repo.reviewed_times(session, ids)
    answered = members_repo.last_answer_times(session, ids)
    return {
        case_id
        for case_id, when in reviewed.items()
        if case_id in answered and answered[case_id] > when
    }


def findings_text(texts: CoordinationTexts, count: int, stale: bool) -> str:
    """ ", 2 öppna anmärkningar", or the same marked as older than the answers."""
    if stale:
        if count == 1:
            return texts.status_old_findings_one
        return texts.status_old_findings.format(count=count)
    if count == 1:
        return texts.status_open_findings_one
    return texts.status_open_findings.format(count=count)
