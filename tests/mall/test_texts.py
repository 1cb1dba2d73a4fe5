"""One way to declare a text: a TextFile class, checked at load, formatted with every
variable required."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.documents.phrases import FILES as AFTER_SIGNING_FILES
from bot.documents.texts import DocumentTexts
from bot.documents.tjansteskrivelse_rules import rules
from bot.engine.after_signing_view import load_after_signing_texts
from bot.engine.earlier_report import load_previous_texts
from bot.engine.fact_texts import FactTexts
from bot.engine.ledger_texts import load_ledger_texts
from bot.engine.membership import load_membership_texts
from bot.engine.texts import load_coordination_texts, load_texts
from bot.engine.user_admin import load_user_admin_texts
from bot.mall.datafiles import PROMPTS_DIR, DataFileError
from bot.mall.texts import Text, TextFile, TextFileError, TextFormatError, text
from bot.reminders.texts import load_texts as load_reminder_texts
from bot.review.llm_prompts import PromptTemplate, load_llm_prompts, load_prompt
from bot.telegram.texts import load_telegram_texts


class Greetings(TextFile):
    welcome: Text = text("name")
    progress: Text = text("answered", "total")
    goodbye: Text = text()


GOOD = """
welcome = "Hej {name}!"
progress = "{answered} av {total} frågor besvarade."
goodbye = "Hej då."
"""


def write(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "greetings.toml"
    path.write_text(source, encoding="utf-8")
    return path


def refused(tmp_path: Path, source: str) -> str:
    path = write(tmp_path, source)
    with pytest.raises(TextFileError) as caught:
        Greetings.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    return message


def test_a_good_file_loads_and_its_texts_are_strings(tmp_path: Path) -> None:
    texts = Greetings.load(write(tmp_path, GOOD))
    assert texts.goodbye == "Hej då."
    assert isinstance(texts.goodbye, str)
    assert texts.goodbye + " Vi ses!" == "Hej då. Vi ses!"
    assert texts.welcome.format(name="Anna") == "Hej Anna!"
    assert texts.progress.format(answered=2, total=8) == "2 av 8 frågor besvarade."
    assert texts["goodbye"] == "Hej då."
    assert texts.get("no_such_text", "reserv") == "reserv"


def test_a_text_without_a_declared_variable_stops_the_load(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("Hej {name}!", "Hej!"))
    assert re.search(r"welcome: declares unused variables: name .*\{name\}", message)


def test_a_text_with_an_undeclared_variable_stops_the_load(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("{total} frågor", "{total} frågor för {vem}"))
    assert re.search(r"progress: uses undeclared variables: vem .*\{vem\}", message)
    assert "progress: declares unused" not in message


def test_a_missing_text_stops_the_load(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace('goodbye = "Hej då."', ""))
    assert "goodbye: Field required" in message


def test_an_unknown_text_stops_the_load(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD + 'godbye = "Hej då igen."\n')
    assert "godbye: Extra inputs are not permitted" in message


def test_a_text_that_is_not_a_string_or_not_a_plain_placeholder_stops_the_load(
    tmp_path: Path,
) -> None:
    assert "goodbye:" in refused(tmp_path, GOOD.replace('"Hej då."', "3"))
    message = refused(tmp_path, GOOD.replace("{name}", "{name!r}"))
    assert "welcome: {name}: only plain {name} placeholders are allowed" in message
    assert "progress: {total}:" in refused(tmp_path, GOOD.replace("{total}", "{total:>3}"))


def test_an_unreadable_file_names_the_file(tmp_path: Path) -> None:
    refused(tmp_path, "welcome = ")
    with pytest.raises(TextFileError, match="nowhere.toml"):
        Greetings.load(tmp_path / "nowhere.toml")


def test_a_broken_text_file_is_a_data_file_error_the_command_line_reports(
    tmp_path: Path,
) -> None:
    with pytest.raises(DataFileError):
        Greetings.load(write(tmp_path, GOOD.replace("{name}", "{vem}")))


def test_formatting_needs_every_variable_and_no_other(tmp_path: Path) -> None:
    texts = Greetings.load(write(tmp_path, GOOD))
    with pytest.raises(TextFormatError, match="total"):
        texts.progress.format(answered=2)
    with pytest.raises(TextFormatError, match="namn"):
        texts.welcome.format(name="Anna", namn="Anna")
    with pytest.raises(TextFormatError, match="positional"):
        texts.welcome.format("Anna", name="Anna")


def test_texts_are_read_only_and_a_misspelled_name_is_not_there(tmp_path: Path) -> None:
    texts = Greetings.load(write(tmp_path, GOOD))
    with pytest.raises(AttributeError):
        texts.welcome = Text("Tjena {name}", ("name",))  # type: ignore[misc]
    with pytest.raises(AttributeError):
        texts.welcom  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(KeyError):
        texts["welcom"]


def test_a_misspelled_text_name_fails_mypy(tmp_path: Path) -> None:
    snippet = tmp_path / "misspelled.py"
    snippet.write_text(
        "from bot.engine.texts import load_texts\n\n"
        "print(load_texts().welcom.format(name='Anna'))\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert 'has no attribute "welcom"' in run.stdout


LOADERS: dict[str, Callable[[Path], object]] = {
    "texts.toml": load_texts,
    "coordination.toml": load_coordination_texts,
    "telegram.toml": load_telegram_texts,
    "reminders.toml": load_reminder_texts,
    "membership.toml": load_membership_texts,
    **{
        f"{name}.toml": lambda path, declared=declared: declared.load(path)
        for name, declared in AFTER_SIGNING_FILES.items()
    },
    "documents.toml": DocumentTexts.load,
    "after_signing.toml": load_after_signing_texts,
    "budget_ledger.toml": load_ledger_texts,
    "users.toml": load_user_admin_texts,
    "previous.toml": load_previous_texts,
    "facts.toml": FactTexts.load,
}
# Word lists, not texts: read by their own loaders (bot/mall/amounts.py, bot/engine/cues.py,
# bot/engine/intents.py, bot/engine/talk.py, bot/documents/tjansteskrivelse_rules.py,
# bot/mall/namnder.py).
WORD_LISTS = {
    "amounts.toml", "cues.toml", "intents.toml", "talk.toml", "tjansteskrivelse_rules.toml",
    "namnder.toml",
}  # fmt: skip


def test_every_text_file_in_prompts_has_a_loader_and_loads() -> None:
    assert {path.name for path in PROMPTS_DIR.glob("*.toml")} - WORD_LISTS == set(LOADERS)
    for name, load in LOADERS.items():
        assert isinstance(load(PROMPTS_DIR / name), TextFile)
    assert rules(PROMPTS_DIR / "tjansteskrivelse_rules.toml").third_person["vi"]
    prompts = load_llm_prompts()
    # The tjänsteskrivelse's draft prompt, the second budget reader's and the second look at
    # a message the chat asked about are loaded by their own modules, the same way.
    for own in ("tjansteskrivelse", "budget_reading", "placing"):
        assert isinstance(load_prompt(PROMPTS_DIR / "llm" / f"{own}.toml"), PromptTemplate)
    assert {path.stem for path in (PROMPTS_DIR / "llm").glob("*.toml")} == {
        *vars(prompts),
        "tjansteskrivelse",
        "budget_reading",
        "placing",
    }


@pytest.mark.parametrize(
    ("name", "key", "variable"),
    [
        ("texts.toml", "welcome", "name"),
        ("coordination.toml", "registered", "case_number"),
        ("telegram.toml", "private_only", "username"),
        ("reminders.toml", "when_in_days", "days"),
    ],
)
def test_each_real_text_file_is_refused_without_a_variable(
    tmp_path: Path, name: str, key: str, variable: str
) -> None:
    source = (PROMPTS_DIR / name).read_text(encoding="utf-8")
    line = next(x for x in source.splitlines() if x.startswith(f"{key} = "))
    broken = tmp_path / name
    broken.write_text(source.replace(line, line.replace(f"{{{variable}}}", "")), encoding="utf-8")
    with pytest.raises(TextFileError) as caught:
        LOADERS[name](broken)
    assert str(caught.value).startswith(f"{broken}: {key}: declares unused variables: {variable}")
