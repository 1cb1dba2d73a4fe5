"""The README is what an IT department follows: it must name every setting the program reads."""

import os
import subprocess
import sys
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


def shell_block_after(heading: str) -> str:
    """The first ```sh block of the README's section `heading`."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(f"\n{heading}\n") :]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def test_the_coordinator_example_works_as_written_on_a_fresh_database(tmp_path: Path) -> None:
    """The terminal coordinator's example, run by a shell from a fresh data folder, with the
    program installed beside this Python as `make run` installs it into .venv."""
    script = shell_block_after("### Coordinating in the terminal")
    program = Path(sys.executable).parent / "redovisa"
    assert ".venv/bin/redovisa" in script
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "OPENAI_", "DATABASE_", "SMTP_", "REDOVISA_"))
    }
    env["REDOVISA_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace(".venv/bin/redovisa", str(program))],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Anna Andersson (terminal:anna) är tillagd som samordnare." in out
    assert "för samordnare" not in out, "the terminal coordinator may coordinate"
    assert "Ärende STK-2018-1307 är registrerat." in out
    assert "STK-2018-1307 – inte påbörjad – svar senast 28 februari 2030 – Bertil Berg" in out
    assert "STK-2018-1307 (mall-2019): 0 av 8 frågor besvarade" in out  # Bertil's list
    listing = out[out.index("2 användare:") :]
    assert "Anna Andersson | terminal:anna | samordnare | Servicenämnden |" in listing
    assert "Bertil Berg | terminal:bertil | handläggare | Servicenämnden |" in listing
    assert list((tmp_path / "data" / "dokument").glob("Oversikt_*.xlsx"))
