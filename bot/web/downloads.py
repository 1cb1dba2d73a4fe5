"""The dashboard's downloads, from the builders the chat uses: the overview's Excel file
(the same as /oversikt sends) and the year's sammanställning as PDF."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.responses import Response

from bot.arende.after_signing import SessionMaker, sammanstallning_for_year
from bot.engine.coordinator_view import overview_file, visible
from bot.engine.ledger_texts import load_ledger_texts
from bot.engine.texts import load_coordination_texts
from bot.mall.template import TemplateCatalog
from storage.models import User


def _file(name: str, media_type: str, data: bytes) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


def overview_download(
    session: Session, user_id: int, catalog: TemplateCatalog, today: date
) -> Response:
    user = session.get(User, user_id)
    assert user is not None
    attachment = overview_file(
        session, visible(session, user, catalog), catalog, load_coordination_texts(),
        load_ledger_texts(), today,
    )  # fmt: skip
    return _file(attachment.filename, attachment.mime_type, attachment.data)


def sammanstallning_download(
    sessions: SessionMaker, year: int, catalog: TemplateCatalog, today: date
) -> Response:
    _, rendered = sammanstallning_for_year(sessions, year, catalog, today)
    for name, media_type, data in rendered.files:
        if media_type == "application/pdf":
            return _file(name, media_type, data)
    raise AssertionError("the sammanställning has a PDF")
