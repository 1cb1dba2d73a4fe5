"""The ärende's facts in the terminal chat, through the real `redovisa chat` process: seed
001 written by hand, the copy recipient corrected in words, the PDF written with it."""

from __future__ import annotations

from pathlib import Path

from bench.seed_messages import seed_answers
from bot.mall.template import TemplateCatalog
from tests.documents import pdf_text
from tests.terminal.test_terminal_chat import run_chat


def _seed_lines(catalog: TemplateCatalog) -> list[str]:
    template = catalog.get("mall-2019")
    lines = ["/ny STK-2018-1304", "/mall mall-2019"]
    for number, pastes in sorted(seed_answers(template).items()):
        question = template.questions[number - 1]
        for paste in pastes:
            lines += [line for line in paste.splitlines() if line.strip()]
        if question.kind.collects_several_messages:
            lines.append("klar")
    return lines


def test_seed_001_in_the_terminal_with_the_copy_corrected_in_words(
    tmp_path: Path, catalog: TemplateCatalog
) -> None:
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    script = [
        *_seed_lines(catalog),
        "/dokument",
        "använt 430 000 kr",
        "Kopian ska gå till asa.pahlmblad@malmo.se, inte Anders. Resten stämmer.",
        "ja",
        "sista svarsdag är 28 februari 2020",
        "ja",
        "Svaret skickas till registrera.stk@malmo.se",
        "ja",
        "beslutsdatum är 11 mars 2019",
        "ja",
        "/uppgifter",
        "/dokument",
    ]
    output = run_chat(script, url, tmp_path)
    assert "Kopia till: asa.pahlmblad@malmo.se" in output
    assert "Du står inte vid någon fråga" not in output
    assert "Kopia till: asa.pahlmblad@malmo.se (angivet av handläggaren" in output
    pdf = next((tmp_path / "dokument").glob("Redovisning_STK-2018-1304*.pdf")).read_bytes()
    page = " ".join(pdf_text(pdf).split())
    assert "samt med kopia till: asa.pahlmblad@malmo.se" in page
    assert "anders.p.eriksson" not in page
    assert "använt 430 000 kr (86 %) · kvar 70 000 kr" in page
