"""What a coordinator sees of the ärenden: the one code path behind /oversikt, its Excel
file and the dashboard (bot/web). An administrator sees every ärende; a coordinator those
they registered; anyone else none."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from bot.documents.signed_state import changed_after_signing
from bot.engine import case_sheet
from bot.engine.access import is_admin, may_coordinate
from bot.engine.budget_overview import budget_cells, budget_headings
from bot.engine.ledger_texts import LedgerTexts
from bot.engine.messages import Attachment
from bot.engine.overview_findings import stale_reviews
from bot.engine.overview_view import overview_cells
from bot.engine.texts import CoordinationTexts
from bot.mall.template import TemplateCatalog
from storage import ledger_repository as ledger_repo
from storage.models import User
from storage.reminder_repository import OverviewRow, overview_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_rows(session: Session, user: User) -> list[OverviewRow]:
    """The ärenden `user` may follow, by deadline, with their state (a signed ärende whose
    answers changed after the signature is "changed_after_signing")."""
    if not may_coordinate(user):
        return []
    owner = None if is_admin(user) else user.id
    return with_stale_signatures(session, overview_rows(session, owner))


def with_stale_signatures(session: Session, rows: list[OverviewRow]) -> list[OverviewRow]:
    """A signed ärende whose answers changed after the signature is not "signerad" any more."""
    signed = [row.case_id for row in rows if row.state == "signed"]
    stale = changed_after_signing(session, signed) if signed else set()
    return [replace(r, state="changed_after_signing") if r.case_id in stale else r for r in rows]


def question_count(catalog: TemplateCatalog, template_id: str) -> int:
    return len(catalog.get(template_id).questions) if template_id in catalog else 0


def overview_file(
    session: Session,
    rows: list[OverviewRow],
    catalog: TemplateCatalog,
    texts: CoordinationTexts,
    ledger_texts: LedgerTexts,
    today: date,
) -> Attachment:
    """The overview of `rows` as the Excel file /oversikt sends."""
    budgets = ledger_repo.overview_budgets(session, [row.case_id for row in rows])
    stale = stale_reviews(session, rows)
    workbook = case_sheet.overview_workbook(
        [
            overview_cells(
                texts, row, question_count(catalog, row.template_id), row.case_id in stale
            )
            + budget_cells(budgets.get(row.case_id))
            for row in rows
        ],
        texts,
        budget_headings(ledger_texts),
    )
    return Attachment(texts.overview_filename.format(date=today.isoformat()), workbook, XLSX)
