"""What a coordinator sees of the ärenden: the one code path behind /oversikt, its Excel
file and the dashboard (bot/web). An administrator sees every ärende; a coordinator those
they registered; anyone else none. Status and money come from the model of each ärende
(bot/arende), so every view shows the same."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from bot.arende.loading import load_arenden_by_id
from bot.arende.model import Arende
from bot.engine import case_sheet
from bot.engine.access import is_admin, may_coordinate
from bot.engine.budget_overview import budget_cells, budget_headings
from bot.engine.ledger_texts import LedgerTexts
from bot.engine.messages import Attachment
from bot.engine.overview_findings import stale_reviews
from bot.engine.overview_view import overview_cells
from bot.engine.texts import CoordinationTexts
from bot.mall.template import TemplateCatalog
from storage.models import User
from storage.reminder_repository import OverviewRow, overview_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Visible:
    """The ärenden a user may follow, by deadline: each row with its status filled in from
    the model, and the models by case id."""

    rows: list[OverviewRow]
    arenden: dict[int, Arende]


def visible(session: Session, user: User, catalog: TemplateCatalog) -> Visible:
    if not may_coordinate(user):
        return Visible([], {})
    owner = None if is_admin(user) else user.id
    rows = overview_rows(session, owner)
    arenden = load_arenden_by_id(session, [row.case_id for row in rows], catalog)
    rows = [replace(row, state=arenden[row.case_id].status.value) for row in rows]
    return Visible(rows, arenden)


def visible_rows(session: Session, user: User, catalog: TemplateCatalog) -> list[OverviewRow]:
    """The ärenden `user` may follow, by deadline, with their status."""
    return visible(session, user, catalog).rows


def question_count(catalog: TemplateCatalog, template_id: str) -> int:
    return len(catalog.get(template_id).questions) if template_id in catalog else 0


def overview_file(
    session: Session,
    seen: Visible,
    catalog: TemplateCatalog,
    texts: CoordinationTexts,
    ledger_texts: LedgerTexts,
    today: date,
) -> Attachment:
    """The overview of what the user sees, as the Excel file /oversikt sends."""
    stale = stale_reviews(session, seen.rows)
    workbook = case_sheet.overview_workbook(
        [
            overview_cells(
                texts, row, question_count(catalog, row.template_id), row.case_id in stale
            )
            + budget_cells(ledger_texts, seen.arenden[row.case_id].budget)
            for row in seen.rows
        ],
        texts,
        budget_headings(ledger_texts),
    )
    return Attachment(texts.overview_filename.format(date=today.isoformat()), workbook, XLSX)
