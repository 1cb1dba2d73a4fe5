"""Texts with declared variables, read from TOML data files and checked at load.

A file of texts is a class with one attribute per text and the {variables} that text uses:

    class Greetings(TextFile):
        welcome: Text = text("name")
        goodbye: Text = text()

`Greetings.load(path)` reads a TOML file holding exactly those keys, each a string that
uses exactly its declared variables (plain `{name}` placeholders). A missing or unknown
key, or a text that leaves out or adds a variable, stops the program with a
`TextFileError` naming the file and the key. A misspelled attribute (`texts.welcom`) is a
mypy error, because there is no `__getattr__`.

A `Text` is a `str` (it can be shown, joined and compared as one); its `format` needs
every declared variable and no other, so a forgotten value is an error, never a gap.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, create_model

from bot.mall.datafiles import load_toml_model
from bot.mall.template import TemplateError

TextFileT = TypeVar("TextFileT", bound="TextFile")


class TextFileError(TemplateError):
    """A text file is broken; the message names the file and the key. (A TemplateError, as
    a broken text file always was; both are DataFileErrors, which the command line reports.)"""


class TextFormatError(TypeError):
    """A text was formatted without one of its variables, or with one it does not declare."""


def placeholders(text: str) -> list[str]:
    """The {names} a text uses, in order; anything but a plain {name} is a ValueError."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"{{{name}}}: only plain {{name}} placeholders are allowed")
        names.append(name)
    return names


def variable_problems(used: Iterable[str], declared: Iterable[str]) -> list[str]:
    """What is wrong when a text uses `used` but declares `declared`; [] when they agree."""
    used_set, declared_set = set(used), set(declared)
    given = " ".join(f"{{{name}}}" for name in sorted(declared_set)) or "nothing"
    problems = []
    if undeclared := sorted(used_set - declared_set):
        braced = " ".join(f"{{{name}}}" for name in undeclared)
        problems.append(
            f"uses undeclared variables: {', '.join(undeclared)} "
            f"(the text has {braced}; the program gives {given})"
        )
    if unused := sorted(declared_set - used_set):
        braced = " ".join(f"{{{name}}}" for name in unused)
        problems.append(
            f"declares unused variables: {', '.join(unused)} "
            f"(the program gives {braced}; the text must use it)"
        )
    return problems


class Text(str):
    """A text and the variables it declares; `format` needs exactly those variables."""

    variables: tuple[str, ...]

    def __new__(cls, value: str, variables: Iterable[str] = ()) -> Text:
        self = super().__new__(cls, value)
        self.variables = tuple(variables)
        return self

    def format(self, *args: object, **values: object) -> str:
        missing = [name for name in self.variables if name not in values]
        extra = [name for name in values if name not in self.variables]
        if args or missing or extra:
            raise TextFormatError(
                f"text {str(self)[:40]!r}: missing {missing or 'none'}, "
                f"not declared {extra or 'none'}"
                + (", positional values are not allowed" if args else "")
            )
        return str.format(self, **values)


class _Declared(Text):
    """The class-level declaration of a text; replaced by the loaded text in an instance."""


def text(*variables: str) -> Text:
    """Declare a text of a `TextFile` and the variables it uses."""
    return _Declared("", variables)


class TextFile:
    """Base of a file of texts: subclasses declare `name: Text = text("var", ...)`."""

    declared: ClassVar[dict[str, tuple[str, ...]]] = {}
    file_model: ClassVar[type[BaseModel]]  # the TOML file: exactly the declared keys, strings

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = dict(cls.declared)
        for name, value in list(vars(cls).items()):
            if isinstance(value, _Declared):
                if hasattr(TextFile, name):
                    raise TypeError(f"{cls.__name__}.{name}: a text cannot be named {name}")
                declared[name] = value.variables
                delattr(cls, name)  # an instance without the text has no attribute at all
        cls.declared = declared
        cls.file_model = create_model(  # type: ignore[call-overload]
            f"{cls.__name__}File",
            __config__=ConfigDict(extra="forbid", frozen=True, strict=True),
            **{key: (str, ...) for key in declared},
        )

    def __init__(self, texts: Mapping[str, str], source: str = "texts") -> None:
        """The texts, checked: exactly the declared keys, each with exactly its variables."""
        missing = [key for key in self.declared if key not in texts]
        unknown = [key for key in texts if key not in self.declared]
        problems = [f"{key}: Field required" for key in missing]
        problems += [f"{key}: unknown text (not declared by the program)" for key in unknown]
        for key, value in texts.items():
            if key not in self.declared:
                continue
            try:
                used = placeholders(value)
            except ValueError as exc:
                problems.append(f"{key}: {exc}")
                continue
            problems += [f"{key}: {p}" for p in variable_problems(used, self.declared[key])]
        if problems:
            raise TextFileError(f"{source}: {'; '.join(problems)}")
        for key, variables in self.declared.items():
            object.__setattr__(self, key, Text(texts[key], variables))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    @classmethod
    def load(cls: type[TextFileT], path: Path) -> TextFileT:
        """Read the TOML file at `path`; a broken file is a TextFileError naming file and key."""
        data = load_toml_model(path, cls.file_model, TextFileError)
        return cls(data.model_dump(), source=str(path))

    def __getitem__(self, key: str) -> Text:
        """A text whose key the program builds: `texts[f"role_{role}"]`."""
        if key not in self.declared:
            raise KeyError(key)
        value: Text = getattr(self, key)
        return value

    def get(self, key: str, default: str) -> str:
        """The text `key`, or `default` when there is no such text."""
        return self[key] if key in self.declared else default
