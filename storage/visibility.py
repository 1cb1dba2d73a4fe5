"""Which ärenden a coordinator may see: one rule for /oversikt and the sammanställning.

A coordinator sees the ärenden they registered, and every ärende nobody has registered
yet (an official started it with /ny; any coordinator may register or repair it), as
bot/engine/membership.may_manage allows. An administrator sees all (no filter).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from storage.models import Case


def coordinator_sees(coordinator_id: int) -> ColumnElement[bool]:
    return or_(Case.created_by_user_id == coordinator_id, Case.registered_at.is_(None))
