"""The one budget rule and the one status rule of the model of an ärende."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.arende.budget import Confirmation, FactSource, decide_budget
from bot.mall.case_status import CaseStatus, derive_status
from bot.review.budget import read_budget

WHEN = datetime(2020, 2, 1, 9, 0, tzinfo=UTC)
SAID = read_budget("Nämnden beviljades 400 000 kr och har använt 380 000 kr.")


def test_what_the_official_confirmed_wins_over_the_registration_and_the_answer() -> None:
    history = (
        Confirmation(500_000, 400_000, WHEN, "read"),
        Confirmation(450_000, 420_000, WHEN, "corrected"),
    )
    budget = decide_budget(history=history, registered_granted_kr=500_000, reading=SAID)
    assert (budget.granted_kr, budget.used_kr, budget.remaining_kr) == (450_000, 420_000, 30_000)
    assert budget.granted and budget.granted.source is FactSource.CONFIRMED
    assert budget.share_used == 93 and budget.confirmed
    assert budget.registered_granted_kr == 500_000  # kept, for the coordinator's comparison


def test_without_a_confirmation_the_registration_then_a_sure_reading() -> None:
    registered = decide_budget(history=(), registered_granted_kr=500_000, reading=SAID)
    assert registered.granted and registered.granted.source is FactSource.REGISTERED
    assert registered.granted_kr == 500_000
    assert registered.used and registered.used.source is FactSource.REPORT
    assert registered.used_kr == 380_000 and not registered.confirmed

    read = decide_budget(history=(), registered_granted_kr=None, reading=SAID)
    assert read.granted and read.granted.source is FactSource.REPORT
    assert read.granted_kr == 400_000


def test_parts_across_sentences_are_added_as_the_review_reads_them() -> None:
    reading = read_budget(
        "Kostnaderna för utbildningen uppgick till 118 000 kr. Därutöver 77 000 kr för material."
    )
    budget = decide_budget(history=(), registered_granted_kr=180_000, reading=reading)
    assert (budget.granted_kr, budget.used_kr) == (180_000, 195_000)


@pytest.mark.parametrize(
    "answer", ["Vi har inte räknat klart.", "Ungefär hälften av pengarna har gått åt.", ""]
)
def test_an_unsure_or_missing_figure_is_unknown_never_zero(answer: str) -> None:
    reading = read_budget(answer) if answer else None
    budget = decide_budget(history=(), registered_granted_kr=None, reading=reading)
    assert budget.used_kr is None and budget.share_used is None and budget.remaining_kr is None
    assert budget.granted_kr is None


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (dict(answered=0), CaseStatus.NOT_STARTED),
        (dict(answered=3), CaseStatus.IN_PROGRESS),
        (dict(answered=8), CaseStatus.FINISHED),
        (dict(answered=8, documents_made=True), CaseStatus.SENT_FOR_SIGNATURE),
        (dict(answered=3, documents_made=True), CaseStatus.IN_PROGRESS),  # answers emptied
        (dict(answered=8, signed=True), CaseStatus.SIGNED),
        (dict(answered=8, signed=True, changed=True), CaseStatus.CHANGED_AFTER_SIGNING),
        (dict(answered=8, signed=True, submitted=True), CaseStatus.SUBMITTED),
        (dict(answered=8, signed=True, changed=True, submitted=True), CaseStatus.SUBMITTED),
    ],
)
def test_the_status_is_derived_from_the_stored_facts(
    facts: dict[str, object], status: CaseStatus
) -> None:
    derived = derive_status(
        answered=int(facts["answered"]),  # type: ignore[call-overload]
        questions=8,
        documents_made=bool(facts.get("documents_made")),
        signed=bool(facts.get("signed")),
        changed_after_signing=bool(facts.get("changed")),
        submitted=bool(facts.get("submitted")),
    )
    assert derived is status
