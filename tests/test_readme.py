"""The README is what an IT department follows: it must name every setting the program reads."""

from pathlib import Path

from bot.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_lists_every_setting() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in text]
    assert missing == []


def test_readme_gives_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
