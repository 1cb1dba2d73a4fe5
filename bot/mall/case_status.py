"""Where an ärende's report stands, as one status that every output shows.

The status is derived in one function, `derive_status`, from facts that are stored (how
many questions are answered, whether final documents were made, the verified signature,
whether the answers changed since it, the mail to the registrator). Nothing stores a status
of its own; the chat, `/oversikt`, the sammanställning and the dashboard all show this one.
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    NOT_STARTED = "not_started"  # inte påbörjad: no answer yet
    IN_PROGRESS = "in_progress"  # pågår: some questions answered
    FINISHED = "finished"  # klar: every question answered
    SENT_FOR_SIGNATURE = "sent_for_signature"  # the final PDF for the signature was made
    SIGNED = "signed"  # a signed PDF holding the stored answers came back
    CHANGED_AFTER_SIGNING = "changed_after_signing"  # signed, then an answer changed
    SUBMITTED = "submitted"  # inskickad: the signed report was mailed to the registrator

    @property
    def is_signed(self) -> bool:
        return self in (CaseStatus.SIGNED, CaseStatus.SUBMITTED)


def derive_status(
    *,
    answered: int,
    questions: int,
    documents_made: bool,
    signed: bool,
    changed_after_signing: bool,
    submitted: bool,
) -> CaseStatus:
    """The one rule. A mailed report stays inskickad (what the registrator got is the signed
    version); a signature counts only while the stored answers are the signed ones."""
    if submitted:
        return CaseStatus.SUBMITTED
    if signed:
        return CaseStatus.CHANGED_AFTER_SIGNING if changed_after_signing else CaseStatus.SIGNED
    if answered == 0:
        return CaseStatus.NOT_STARTED
    if questions and answered >= questions:
        return CaseStatus.SENT_FOR_SIGNATURE if documents_made else CaseStatus.FINISHED
    return CaseStatus.IN_PROGRESS
