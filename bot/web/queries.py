"""What each page reads, in one transaction on the dashboard's database thread. The
ärenden always come from the coordinator's own rows (bot/web/listing.py, the engine's
coordinator view), so an ärende outside them is not found."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.mall.template import TemplateCatalog
from bot.web.case_view import CasePage, case_page
from bot.web.listing import (
    SORTS,
    STATUSES,
    Filters,
    case_lines,
    committees,
    default_year,
    select_lines,
    status_counts,
)
from storage.models import User


def overview_context(
    session: Session,
    user_id: int,
    query: dict[str, str],
    catalog: TemplateCatalog,
    today: date,
) -> dict[str, Any]:
    user = session.get(User, user_id)
    assert user is not None
    lines = case_lines(session, user, today, catalog)
    filters = Filters.from_query(query, default_year(lines, today))
    groups = select_lines(lines, filters)
    in_year = [line for line in lines if filters.year is None or line.year == filters.year]
    counts = status_counts(in_year)
    return {
        "filters": filters,
        "groups": groups,
        "committees": committees(lines),
        "years": sorted({line.year for line in lines}, reverse=True),
        "statuses": STATUSES,
        "sorts": SORTS,
        "counts": counts,
        "max_count": max([1, *counts.values()]),
        "shown": sum(len(group.lines) for group in groups),  # hidden ones count: they match
        "total": len(in_year),
    }


def case_context(
    session: Session, user_id: int, case_number: str, catalog: TemplateCatalog, today: date
) -> CasePage | None:
    """The ärende's page, or None when it is not one of the coordinator's ärenden."""
    user = session.get(User, user_id)
    assert user is not None
    wanted = case_number.strip().upper()
    for line in case_lines(session, user, today, catalog):
        if line.row.case_number.upper() == wanted:
            return case_page(session, line, catalog, today)
    return None
