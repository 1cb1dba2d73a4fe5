"""A change after the signature, said at the moment it happens (issue 20).

When an input changes an answer (or a fact the page prints) of an ärende whose signed PDF
was accepted, the reply to that input says that the signed — or, once mailed, the sent —
version no longer matches, and what to do: make new documents, sign again, send again.
"""

from __future__ import annotations

from bot.arende.signed_state import changed_after_signing
from bot.engine.fact_texts import fact_texts
from bot.engine.messages import Reply, say
from bot.engine.turn import Turn
from storage.models import Case


def stale_signature_note(case: Case) -> str:
    texts = fact_texts()
    if case.submitted_at is not None:
        return texts.changed_after_sent.format(case_number=case.case_number)
    return texts.changed_after_signed.format(case_number=case.case_number)


def after_saves(turn: Turn) -> list[Reply]:
    """For each signed ärende an answer of which this input changed: the note, once."""
    replies: list[Reply] = []
    seen: set[int] = set()
    for case_id, _key in turn.saved:
        if case_id in seen:
            continue
        seen.add(case_id)
        case = turn.case(case_id)
        if case is None or case.signed_at is None:
            continue
        if changed_after_signing(turn.session, [case.id]):
            replies.append(say(stale_signature_note(case)))
    return replies
