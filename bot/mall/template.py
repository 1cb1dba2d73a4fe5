"""The mall definitions: pydantic models and the loader for prompts/templates/*.toml."""

from __future__ import annotations

import string
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.mall.datafiles import DataFileError, load_toml_model


class QuestionKind(StrEnum):
    SHORT = "short"  # one message is the whole answer (a name)
    TEXT = "text"  # free text, may come in several messages
    BUDGET = "budget"  # the budget answer: free text with amounts in it
    SIGNATURE = "signature"  # the responsible manager's name

    @property
    def collects_several_messages(self) -> bool:
        return self in (QuestionKind.TEXT, QuestionKind.BUDGET)


class AnswerShape(StrEnum):
    """What an answer to a question looks like; a short message that does not fit is
    asked about before it is stored (bot/engine/talk.py)."""

    BODY = "body"  # the name of a nämnd, a company or a förening
    TITLE = "title"  # a short name, written as a title
    TEXT = "text"  # a description, in one message or several
    BUDGET = "budget"  # a budget with amounts
    SIGNATURE = "signature"  # a signature block that starts with a person's name


DEFAULT_SHAPES = {
    QuestionKind.SHORT: AnswerShape.TITLE,
    QuestionKind.TEXT: AnswerShape.TEXT,
    QuestionKind.BUDGET: AnswerShape.BUDGET,
    QuestionKind.SIGNATURE: AnswerShape.SIGNATURE,
}


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=3)
    hint: str = Field(min_length=3)
    kind: QuestionKind
    required: bool = True
    aliases: tuple[str, ...] = ()
    answer: AnswerShape | None = None  # None: the usual shape of the question's kind

    @property
    def shape(self) -> AnswerShape:
        return self.answer or DEFAULT_SHAPES[self.kind]


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    title: str
    # The finished report's title ("Redovisning av medel …"); `title` is the blank form's.
    document_title: str | None = None
    decided_by: str
    decision_date: str
    intro: tuple[str, ...]
    closing: tuple[str, ...]
    variables: tuple[str, ...]
    defaults: dict[str, str] = Field(default_factory=dict)
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_consistency(self) -> Template:
        keys = [q.key for q in self.questions]
        if len(set(keys)) != len(keys):
            raise ValueError("questions: two questions have the same key")
        for line in (*self.intro, *self.closing):
            for _, name, _, _ in string.Formatter().parse(line):
                if name is not None and name not in self.variables:
                    raise ValueError(f"the text uses {{{name}}}, which is not in variables")
        for name in self.defaults:
            if name not in self.variables:
                raise ValueError(f"defaults: {name} is not in variables")
        return self

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.key == key:
                return q
        raise KeyError(key)

    def index_of(self, key: str) -> int:
        return [q.key for q in self.questions].index(key)

    def fill(self, line: str, values: dict[str, str]) -> str:
        """Fill one fixed line; a variable with neither value nor default is an error."""
        merged = {**self.defaults, **{k: v for k, v in values.items() if v}}
        missing = [
            name
            for _, name, _, _ in string.Formatter().parse(line)
            if name is not None and name not in merged
        ]
        if missing:
            raise KeyError(f"mall {self.id}: no value for {', '.join(missing)}")
        return line.format(**merged)


class TemplateError(DataFileError):
    """A template file is broken; the message names the file and the field."""


class TemplateCatalog:
    """Every mall known to the program, by id, in a stable order."""

    def __init__(self, templates: list[Template]) -> None:
        self._by_id = {t.id: t for t in templates}

    def get(self, template_id: str) -> Template:
        return self._by_id[template_id]

    def __contains__(self, template_id: object) -> bool:
        return template_id in self._by_id

    def all(self) -> list[Template]:
        return list(self._by_id.values())


def template_named(catalog: TemplateCatalog, wanted: str) -> Template | None:
    """The mall the user means: its exact id ("mall-2019") or its year ("2019")."""
    wanted = wanted.strip().lower()
    for template in catalog.all():
        if wanted == template.id or wanted == template.id.rsplit("-", 1)[-1]:
            return template
    return None


def load_template(path: Path) -> Template:
    """Read and validate one template file."""
    return load_toml_model(path, Template, TemplateError)


def load_catalog(directory: Path) -> TemplateCatalog:
    """Load every *.toml in the folder, sorted by file name; at least one must exist."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise TemplateError(f"{directory}: inga mallar (*.toml) hittades")
    templates = [load_template(p) for p in paths]
    ids = [t.id for t in templates]
    if len(set(ids)) != len(ids):
        raise TemplateError(f"{directory}: två mallar har samma id")
    return TemplateCatalog(templates)
