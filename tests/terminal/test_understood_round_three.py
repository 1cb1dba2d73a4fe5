"""Issue 21 in the terminal chat, through the real `redovisa chat` process: a message said
to the bot is asked about or acted on, never stored; commands in words; the budget's
figures are settled before the signature question; a greeting and a mall named in a
sentence."""

from __future__ import annotations

from pathlib import Path

from tests.terminal.test_terminal_chat import run_chat
from tests.terminal.test_understood import stored

BUDGET = "Vi beviljades 500 000 kr. Hittills har vi använt 194 000 kr till utbildningar."


def test_slips_are_asked_about_commands_in_words_act_and_the_budget_comes_first(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    output = run_chat(
        [
            "hej",
            "/ny STK-2018-1304",
            "2019, kommunstyrelsens arbetsutskott",
            "vänta lite",
            "fel ruta",
            "kan du ta om frågan",
            "Arbetsmarknads- och socialnämnden",
            "sorry wrong chat",
            "Kunskapslyftet",
            "Första stycket.",
            "räcker det här eller behöver ni mer?",
            "det där skulle inte med",
            "visa vad jag skrivit",
            "Andra stycket.",
            "/klarr",
            "det var allt",
            "gå till fråga 7",
            BUDGET,
            "Klart!",
            "Anna Andersson, enhetschef",
            "jag menade 250 000, inte 194 000",
            "/budget ja",
            "Vi har använt ungefär 260 000 kr",
            "/budget ja",
            "Jonas Magnusson",
        ],
        url,
        tmp_path,
    )
    assert output.startswith("Hej jonas! Vill du börja en ny redovisning")
    assert "Jag vet inte vad jag ska göra med det" not in output
    assert "påbörjad med Mall 2019" in output
    for slip in ("vänta lite", "fel ruta", "sorry wrong chat"):
        assert f"Jag har inte sparat ”{slip}”" in output
    for slip in ("räcker det här eller behöver ni mer?", "det där skulle inte med"):
        assert f"Jag har inte lagt till ”{slip}”" in output
    assert "[Ångra: /angra]" in output
    assert "Utkast till redovisning" in output
    assert "Menade du /klar?" in output and "[/klar: /klar]" in output
    # The read-back comes alone: the signature question waits for it.
    after_budget = output.split("Svaret på fråga 7 är sparat")[1]
    assert after_budget.index("stämmer det?") < after_budget.index("Fråga 8 av 8")
    assert "Jag har inte sparat ”Anna Andersson, enhetschef”" in output
    assert "använt 250 000 kr (50 %)" in output
    assert "rättelse av budgeten" in output and "använt 260 000 kr (52 %)" in output
    assert stored(url) == {
        "namnd": "Arbetsmarknads- och socialnämnden",
        "namn": "Kunskapslyftet",
        "maluppfyllelse": "Första stycket.\n\nAndra stycket.",
        "budget": BUDGET,
        "underskrift": "Jonas Magnusson",
    }


def test_not_known_yet_leaves_an_open_point_that_status_shows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    output = run_chat(
        [
            "/ny STK-2018-1304",
            "2019",
            "/status",
            "/fraga 7",
            "Vi fick 300 000 kr och har gjort av med en del på utbildningar.",
            "klar",
            "det vet jag inte än, ekonomen har inte gjort bokslutet",
            "/status",
        ],
        url,
        tmp_path,
    )
    assert "0 delar" not in output and "skriv ditt svar på fråga 1" in output
    assert "öppen punkt tills vidare" in output
    assert "Öppen punkt: budgetens siffror i ärende STK-2018-1304" in output
    assert "underskrift" not in stored(url)
