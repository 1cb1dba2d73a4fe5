"""The mall as data: both variants load, and a broken file is refused by name and field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import PROMPTS_DIR
from bot.engine.texts import BotTexts, load_coordination_texts, load_texts
from bot.mall.template import QuestionKind, TemplateCatalog, TemplateError, load_catalog
from bot.telegram.texts import load_telegram_texts


def test_both_variants_have_the_eight_questions_in_order(catalog: TemplateCatalog) -> None:
    for template_id in ("mall-2018", "mall-2019"):
        template = catalog.get(template_id)
        assert [q.key for q in template.questions] == [
            "namnd",
            "namn",
            "maluppfyllelse",
            "forankring",
            "erfarenheter",
            "tillvarata",
            "budget",
            "underskrift",
        ]
        assert template.question("budget").kind is QuestionKind.BUDGET
        assert template.question("underskrift").kind is QuestionKind.SIGNATURE
        assert all(q.hint for q in template.questions)


def test_the_variants_differ_as_the_seeds_do(catalog: TemplateCatalog) -> None:
    old, new = catalog.get("mall-2018"), catalog.get("mall-2019")
    assert "Utskottet för demokrati" in old.intro[0]
    # The decision date is the ärende's own fact (issue 12), the mall's 11 mars 2019 only
    # its usual value: the intro declares it as a variable instead of printing it.
    assert "den {decision_date}" in new.intro[0] and "decision_date" in new.variables
    assert new.defaults["decision_date"] == "2019-03-11"
    closing = [new.fill(line, {"case_number": "STK-2018-1307"}) for line in new.closing]
    assert "Ange diarienummer STK-2018-1307" in closing
    assert old.question("erfarenheter").text != new.question("erfarenheter").text


def copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    for source in (PROMPTS_DIR / "templates").glob("*.toml"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_a_new_years_mall_is_a_new_file(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    text = (folder / "mall-2019.toml").read_text(encoding="utf-8")
    (folder / "mall-2020.toml").write_text(text.replace('id = "mall-2019"', 'id = "mall-2020"'))
    assert "mall-2020" in load_catalog(folder)


def test_a_broken_file_is_named_with_its_field(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    path = folder / "mall-2018.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('kind = "budget"', 'kind = "pengar"'))
    with pytest.raises(TemplateError) as raised:
        load_catalog(folder)
    assert "mall-2018.toml" in str(raised.value)
    assert "questions.6.kind" in str(raised.value)


def test_an_undeclared_variable_is_an_error(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    path = folder / "mall-2019.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("{case_number}.", "{arende}."))
    with pytest.raises(TemplateError, match="arende"):
        load_catalog(folder)


def test_the_program_stops_on_a_broken_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_templates(tmp_path)
    (folder / "mall-2019.toml").write_text("id = ")
    monkeypatch.setenv("REDOVISA_TEMPLATES_DIR", str(folder))
    monkeypatch.setenv("REDOVISA_DATA_DIR", str(tmp_path / "data"))
    assert main(["review", str(tmp_path / "x.txt")]) == 2
    assert "mall-2019.toml" in capsys.readouterr().err


def test_the_bot_texts_load_and_a_missing_text_is_refused(tmp_path: Path) -> None:
    assert "Fråga" in load_texts().question_counter
    broken = tmp_path / "texts.toml"
    source = (PROMPTS_DIR / "texts.toml").read_text(encoding="utf-8")
    broken.write_text(source.replace("welcome = ", "valkommen = ", 1), encoding="utf-8")
    with pytest.raises(TemplateError, match="welcome"):
        load_texts(broken)


@pytest.mark.parametrize(
    ("load", "name", "key", "uses"),
    [
        (load_coordination_texts, "coordination.toml", "registered", "case_number"),
        (load_telegram_texts, "telegram.toml", "private_only", "username"),
    ],
)
def test_a_broken_coordination_or_telegram_text_file_is_refused_naming_the_file(
    tmp_path: Path, load: Callable[[Path], BotTexts], name: str, key: str, uses: str
) -> None:
    source = (PROMPTS_DIR / name).read_text(encoding="utf-8")
    assert load(PROMPTS_DIR / name)[key]
    missing = tmp_path / "missing" / name
    missing.parent.mkdir()
    missing.write_text(source.replace(f"\n{key} = ", f"\nx_{key} = ", 1), encoding="utf-8")
    with pytest.raises(TemplateError, match=rf"{re.escape(str(missing))}: .*{key}: Field required"):
        load(missing)
    undeclared = tmp_path / "undeclared" / name
    undeclared.parent.mkdir()
    undeclared.write_text(source.replace(f"{{{uses}}}", "{vem}", 1), encoding="utf-8")
    with pytest.raises(TemplateError, match=rf"{re.escape(str(undeclared))}: .*\{{vem\}}"):
        load(undeclared)
