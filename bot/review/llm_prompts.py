"""The language-model prompts as data: prompts/llm/*.toml, each with its declared variables,
checked at load against what the program passes it (bot/mall/texts.py does the checking)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from bot.mall.datafiles import PROMPTS_DIR, DataFileError, load_toml_model
from bot.mall.texts import Text, placeholders, variable_problems

LLM_PROMPTS_DIR = PROMPTS_DIR / "llm"


# --- prompts as data -------------------------------------------------------------------------


class PromptError(DataFileError):
    """A prompt file is broken, or a prompt was rendered without one of its variables."""


# What the program gives each prompt; a prompt file must declare and use exactly these.
PROMPT_VARIABLES: dict[str, tuple[str, ...]] = {
    "phrasing": ("data",),
    "consistency": ("codes", "data"),
}


class PromptTemplate(BaseModel):
    """One prompt: a fixed system text and a user text that carries the data. The file
    declares its variables; the texts are checked and filled as every text is
    (bot/mall/texts.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    purpose: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    description: str = ""
    variables: tuple[str, ...]
    data_variable: str = "data"
    system: str = Field(min_length=20)
    user: str = Field(min_length=1)
    _texts: tuple[Text, Text] = PrivateAttr()

    @model_validator(mode="after")
    def _check_variables(self) -> PromptTemplate:
        used_in_system = placeholders(self.system)
        used_in_user = placeholders(self.user)
        problems = variable_problems(used_in_system + used_in_user, self.variables)
        if problems:
            raise ValueError("; ".join(problems))
        if self.data_variable not in used_in_user:
            raise ValueError(f"the user text must carry {{{self.data_variable}}}")
        if self.data_variable in used_in_system:
            raise ValueError(f"{{{self.data_variable}}} (user text) must not be in the system text")
        self._texts = (
            Text(self.system, dict.fromkeys(used_in_system)),
            Text(self.user, dict.fromkeys(used_in_user)),
        )
        return self

    def render(self, **values: str) -> list[ChatCompletionMessageParam]:
        """The system and user messages; every declared variable must be given, no other."""
        missing = [name for name in self.variables if name not in values]
        extra = [name for name in values if name not in self.variables]
        if missing or extra:
            raise PromptError(
                f"prompt {self.id}: missing {missing or 'none'}, not declared {extra or 'none'}"
            )
        system, user = (
            text.format(**{name: values[name] for name in text.variables}).strip()
            for text in self._texts
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def load_prompt(path: Path) -> PromptTemplate:
    """Read and validate one prompt file."""
    return load_toml_model(path, PromptTemplate, PromptError)


@dataclass(frozen=True)
class LlmPrompts:
    phrasing: PromptTemplate
    consistency: PromptTemplate


def _load_for_program(directory: Path, name: str) -> PromptTemplate:
    """A prompt file that declares exactly the variables the program gives it."""
    path = directory / f"{name}.toml"
    prompt = load_prompt(path)
    problems = variable_problems(prompt.variables, PROMPT_VARIABLES[name])
    if problems:
        raise PromptError(f"{path}: variables: {'; '.join(problems)}")
    return prompt


def load_llm_prompts(directory: Path = LLM_PROMPTS_DIR) -> LlmPrompts:
    """Load phrasing.toml and consistency.toml from the folder."""
    return LlmPrompts(
        phrasing=_load_for_program(directory, "phrasing"),
        consistency=_load_for_program(directory, "consistency"),
    )


def as_data(document: object) -> str:
    """JSON for the <data> part; < and > are escaped so the text cannot close the part."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")
