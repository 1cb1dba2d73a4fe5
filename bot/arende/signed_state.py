"""Is what was signed still what is stored? An answer changed after the signed PDF was
accepted makes the signature stale: the ärende is no longer "signerad", and its signed
PDF is not sent (a new document must be made and signed again)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache

from sqlalchemy.orm import Session

from bot.documents.verify import answers_equal, signed_answers
from storage import repository as repo
from storage import submission_repository as submissions
from storage.models import SignedReport


@lru_cache(maxsize=4096)
def _answers_in(sha256: str, content: bytes) -> tuple[tuple[str, str], ...] | None:
    """The answers attached to a signed PDF, read once per file and process."""
    answers = signed_answers(content)
    return tuple(sorted(answers.items())) if answers is not None else None


def still_signed(signed: SignedReport, current: Mapping[str, str]) -> bool:
    """Do the stored answers equal those inside the signed PDF?"""
    answers = _answers_in(signed.sha256, signed.content)
    return answers is not None and answers_equal(dict(answers), current)


def changed_after_signing(session: Session, case_ids: Collection[int]) -> set[int]:
    """The ärenden among `case_ids` whose newest verified signed PDF holds other answers
    than those stored now (or whose signed answers cannot be read any more). An ärende
    without a signed PDF is never among them."""
    changed = set()
    for case_id in case_ids:
        signed = submissions.latest_signed_report(session, case_id)
        if signed is None:
            continue
        current = {k: a.text for k, a in repo.current_answers(session, case_id).items()}
        if not still_signed(signed, current):
            changed.add(case_id)
    return changed
