"""The dashboard's first page: the coordinator's ärenden (the engine's coordinator view,
the same rows /oversikt shows), with status, days left and money, filtered, sorted and
grouped by nämnd."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.engine.coordinator_view import visible
from bot.mall.template import TemplateCatalog
from storage.models import Case, User
from storage.reminder_repository import OverviewRow

# The dashboard's statuses, in the order a coordinator follows them, with their Swedish names.
STATUSES = {
    "not_started": "inte påbörjad",
    "in_progress": "pågår",
    "finished": "klar",
    "signed": "signerad",
    "submitted": "inskickad",
    "changed_after_signing": "ändrad efter underskrift",
    "late": "försenad",
}
SORTS = {
    "deadline": "sista svarsdatum",
    "case_number": "diarienummer",
    "status": "status",
    "share": "andel använd",
}
NO_COMMITTEE = "Ingen nämnd angiven"
GROUP_PREVIEW = 12  # ärenden per nämnd on a page that shows every nämnd


@dataclass(frozen=True)
class CaseLine:
    """One ärende on the first page."""

    row: OverviewRow
    status: str  # a key of STATUSES
    progress: str  # the state before "late" was laid over it, in Swedish
    year: int
    days_left: int | None
    granted_kr: int | None
    used_kr: int | None
    confirmed: bool = False  # the official confirmed the figures (else read or registered)

    @property
    def share(self) -> int | None:
        if self.used_kr is None or not self.granted_kr:
            return None
        return round(100 * self.used_kr / self.granted_kr)


@dataclass(frozen=True)
class Filters:
    committee: str = ""
    status: str = ""
    year: int | None = None
    search: str = ""
    sort: str = "deadline"

    @classmethod
    def from_query(cls, query: dict[str, str], default_year: int | None) -> Filters:
        status = query.get("status", "")
        sort = query.get("sortera", "deadline")
        year_text = query.get("ar", "").strip()
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
        if year_text == "" and "ar" not in query:
            year = default_year
        return cls(
            committee=query.get("namnd", "")[:200],
            status=status if status in STATUSES else "",
            year=year,
            search=" ".join(query.get("sok", "").split())[:40],
            sort=sort if sort in SORTS else "deadline",
        )


@dataclass
class Group:
    committee: str
    lines: list[CaseLine] = field(default_factory=list)
    hidden: int = 0  # lines left out of the page (shown when the nämnd is chosen)

    @property
    def shown(self) -> list[CaseLine]:
        return self.lines[: len(self.lines) - self.hidden]

    @property
    def granted_kr(self) -> int | None:
        known = [line.granted_kr for line in self.lines if line.granted_kr is not None]
        return sum(known) if known else None

    @property
    def late(self) -> int:
        return sum(1 for line in self.lines if line.status == "late")


def base_status(row: OverviewRow) -> str:
    if row.state == "sent_for_signature":
        return "finished"
    return row.state if row.state in STATUSES else "in_progress"


def case_lines(
    session: Session, user: User, today: date, catalog: TemplateCatalog
) -> list[CaseLine]:
    """Every ärende the user may follow, as the first page shows them: status and money
    from the model of each ärende (bot/arende), as /oversikt shows them."""
    seen = visible(session, user, catalog)
    registered = _registered_at(session, [row.case_id for row in seen.rows])
    lines = []
    for row in seen.rows:
        arende = seen.arenden[row.case_id]
        base = base_status(row)
        deadline = row.last_reply_date
        late = deadline is not None and deadline < today and base != "submitted"
        lines.append(
            CaseLine(
                row=row,
                status="late" if late else base,
                progress=STATUSES[base],
                year=(arende.decision_date or deadline or registered[row.case_id].date()).year,
                days_left=(deadline - today).days if deadline is not None else None,
                granted_kr=arende.budget.granted_kr,
                used_kr=arende.budget.used_kr,
                confirmed=arende.budget.confirmed,
            )
        )
    return lines


def _registered_at(session: Session, case_ids: list[int]) -> dict[int, datetime]:
    """When each ärende was registered (the year of one without dates). Every ärende is
    read and those not asked for dropped: cheaper than thousands of bound parameters."""
    wanted = set(case_ids)
    rows = session.execute(select(Case.id, Case.created_at))
    return {case_id: created for case_id, created in rows if case_id in wanted}


def default_year(lines: Sequence[CaseLine], today: date) -> int | None:
    years = {line.year for line in lines}
    if not years:
        return None
    return today.year if today.year in years else max(years)


def _sort_key(sort: str) -> object:
    order = list(STATUSES)
    if sort == "case_number":
        return lambda line: line.row.case_number
    if sort == "status":
        return lambda line: (order.index(line.status), line.row.case_number)
    if sort == "share":
        return lambda line: (line.share is None, line.share or 0, line.row.case_number)
    return lambda line: (
        line.row.last_reply_date is None,
        line.row.last_reply_date or date.max,
        line.row.case_number,
    )


def select_lines(lines: Sequence[CaseLine], filters: Filters) -> list[Group]:
    """The lines that pass the filters, sorted, in groups by nämnd (alphabetical); without
    a nämnd chosen each group shows its first GROUP_PREVIEW (the rest one click away)."""
    search = filters.search.upper()
    chosen = [
        line
        for line in lines
        if (not filters.committee or (line.row.committee or NO_COMMITTEE) == filters.committee)
        and (not filters.status or line.status == filters.status)
        and (filters.year is None or line.year == filters.year)
        and (not search or search in line.row.case_number.upper())
    ]
    chosen.sort(key=_sort_key(filters.sort))  # type: ignore[arg-type]
    groups: dict[str, Group] = {}
    for line in chosen:
        name = line.row.committee or NO_COMMITTEE
        groups.setdefault(name, Group(name)).lines.append(line)
    chosen_groups = [groups[name] for name in sorted(groups, key=str.casefold)]
    if not filters.committee:
        for group in chosen_groups:
            group.hidden = len(group.lines[GROUP_PREVIEW:])
    return chosen_groups


def committees(lines: Sequence[CaseLine]) -> list[str]:
    return sorted({line.row.committee or NO_COMMITTEE for line in lines}, key=str.casefold)


def status_counts(lines: Sequence[CaseLine]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for line in lines:
        counts[line.status] += 1
    return counts
