"""The language model's draft of Sammanfattning and Ärendet, over HTTP to the local fake:
offered as a suggestion, dropped when it invents an amount, a date, a name or a
perspective, or when the model fails."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from bot.documents.tjansteskrivelse import TjansteskrivelseFacts, build_tjansteskrivelse
from bot.documents.tjansteskrivelse_check import invented_facts
from bot.documents.tjansteskrivelse_llm import DraftSuggestion, draft_suggestion
from bot.mall.template import TemplateCatalog
from bot.review.llm import LlmClient
from bot.review.masking import MaskPolicy
from tests.fakes.openai_server import FakeOpenAIServer, reply, status


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def client(server: FakeOpenAIServer) -> Iterator[LlmClient]:
    with LlmClient(
        api_key="sk-test-4f1c9b2e7d6a5f3e",
        model="test-model",
        base_url=server.base_url,
        sleep=lambda _seconds: None,
    ) as llm:
        yield llm


@pytest.fixture
def facts(catalog: TemplateCatalog) -> TjansteskrivelseFacts:
    return TjansteskrivelseFacts(
        case_number="SN-2018-1996",
        template=catalog.get("mall-2018"),
        answers={
            "namnd": "Servicenämnden",
            "maluppfyllelse": "Vi utbildade 120 chefer. Kontakt: lena.lundin@malmo.se",
            "budget": "Nämnden beviljades 400 000 kr och har nyttjat 167 tkr.",
        },
        today=date(2019, 1, 10),
        committee="Servicenämnden",
        granted_amount_kr=400_000,
        used_amount_kr=167_000,  # as the model of the ärende read it from the answer
    )


def test_a_draft_is_offered_and_the_facts_travel_as_masked_data(
    server: FakeOpenAIServer, client: LlmClient, facts: TjansteskrivelseFacts
) -> None:
    server.enqueue(
        reply(
            {
                "sammanfattning": "Servicenämnden har nyttjat 167 000 kr av 400 000 kr.",
                "arendet": "Nämnden utbildade 120 chefer.\n\nFrågor till [EPOST_1].",
            }
        )
    )
    suggestion = draft_suggestion(
        client, facts, masking=MaskPolicy.from_names(["email"]), case_id=7
    )
    assert suggestion is not None
    assert suggestion.summary == "Servicenämnden har nyttjat 167 000 kr av 400 000 kr."
    assert suggestion.matter.endswith("Frågor till lena.lundin@malmo.se.")
    (request,) = server.requests
    user = request.body["messages"][1]["content"]
    data = json.loads(user.split("<data>")[1].split("</data>")[0])
    assert data["beviljat"] == "400 000 kr" and data["anvant"] == "167 000 kr"
    assert "lena.lundin@malmo.se" not in user and "[EPOST_1]" in user
    doc = build_tjansteskrivelse(facts, suggestion.summary, suggestion.matter)
    assert doc.summary == (suggestion.summary,)
    assert doc.matter == ("Nämnden utbildade 120 chefer.", "Frågor till lena.lundin@malmo.se.")


def test_a_draft_with_an_invented_amount_is_dropped(
    server: FakeOpenAIServer, client: LlmClient, facts: TjansteskrivelseFacts
) -> None:
    server.enqueue(
        reply({"sammanfattning": "Nämnden har använt 250 000 kr.", "arendet": "Allt gick bra."})
    )
    assert draft_suggestion(client, facts) is None


def test_a_failing_model_gives_no_draft_and_the_plain_text_stays(
    server: FakeOpenAIServer, client: LlmClient, facts: TjansteskrivelseFacts
) -> None:
    server.default = status(500)
    assert draft_suggestion(client, facts) is None
    assert build_tjansteskrivelse(facts).summary  # the plain summary from the answers


def _offer(
    server: FakeOpenAIServer, client: LlmClient, facts: TjansteskrivelseFacts, matter: str
) -> DraftSuggestion | None:
    server.enqueue(
        reply({"sammanfattning": "Servicenämnden har nyttjat 167 000 kr.", "arendet": matter})
    )
    return draft_suggestion(client, facts)


def test_a_draft_that_repeats_the_stored_facts_is_offered(
    server: FakeOpenAIServer, client: LlmClient, facts: TjansteskrivelseFacts
) -> None:
    stored = replace(
        facts,
        perspectives=["jamstalldhet"],
        decision_date=date(2018, 3, 14),
        answers=dict(facts.answers, underskrift="Lena Lundin\nAvdelningschef"),
    )
    matter = (
        "Servicenämnden beviljades i mars 2018 medel från Utskottet för demokrati, "
        "jämställdhet och mänskliga rättigheter för arbete med jämställdhet. Under 2018 "
        "utbildade förvaltningen 120 chefer. Lena Lundin har varit ansvarig."
    )
    suggestion = _offer(server, client, stored, matter)
    assert suggestion is not None and suggestion.matter == matter


@pytest.mark.parametrize(
    ("matter", "kind"),
    [
        ("Nämnden utbildade 120 chefer den 3 mars 2021.", "datum"),
        ("Nämnden utbildade 120 chefer under 2016.", "datum"),
        ("Nämnden utbildade 120 chefer tillsammans med Kalle Anka.", "namn"),
        ("Nämnden utbildade 120 chefer i Stockholm.", "namn"),
        ("Nämnden utbildade 120 chefer i barnets rättigheter.", "perspektiv"),
        ("Nämnden arbetade med nationella minoriteter och jämställdhet.", "perspektiv"),
        ("Nämnden har använt 250 000 kr.", "belopp"),
    ],
)
def test_a_draft_that_invents_a_fact_is_not_offered(
    server: FakeOpenAIServer,
    client: LlmClient,
    facts: TjansteskrivelseFacts,
    matter: str,
    kind: str,
) -> None:
    registered = replace(facts, perspectives=["jamstalldhet"])
    assert kind in invented_facts(registered, matter)
    assert _offer(server, client, registered, matter) is None
    assert build_tjansteskrivelse(registered).summary  # the rule draft is still there
