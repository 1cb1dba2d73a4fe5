"""One ärende of the coordinator's overview in Swedish: its state, its line in the chat
and its row in the Excel file."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.engine.overview_findings import findings_text
from bot.engine.texts import CoordinationTexts
from bot.mall.dates import format_swedish_date
from storage.reminder_repository import OverviewRow

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


def overview_state(
    texts: CoordinationTexts, row: OverviewRow, total: int, stale: bool = False
) -> str:
    """The row's state in Swedish, with the last review's open findings when there are any
    (marked as older than the answers when `stale`). An unknown state is shown as it is."""
    if row.state == "in_progress":
        text = texts.status_in_progress.format(answered=row.answered, total=total)
    elif row.state == "submitted" and row.submitted_at is not None:
        day = row.submitted_at.astimezone(SWEDISH_TIME).date()
        text = texts.status_submitted_on.format(date=format_swedish_date(day))
    else:
        key = STATUS_KEYS.get(row.state)
        text = texts[key] if key else row.state
    if row.open_findings:
        text += findings_text(texts, row.open_findings, stale)
    return text


def overview_line(
    texts: CoordinationTexts, row: OverviewRow, total: int, stale: bool = False
) -> str:
    deadline = (
        format_swedish_date(row.last_reply_date) if row.last_reply_date else texts.overview_no_date
    )
    return texts.overview_line.format(
        case_number=row.case_number,
        state=overview_state(texts, row, total, stale),
        deadline=deadline,
        who=row.responsible_name or texts.overview_no_responsible,
    )


def overview_cells(
    texts: CoordinationTexts, row: OverviewRow, total: int, stale: bool = False
) -> list[object]:
    return [
        row.case_number,
        row.committee or "",
        row.template_id,
        overview_state(texts, row, total, stale),
        row.answered,
        row.open_findings,
        row.last_reply_date,
        row.responsible_name or "",
    ]
