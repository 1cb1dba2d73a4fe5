"""Reading the TOML data files under prompts/ into validated pydantic models."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)

# The data files: mallar, the bot's texts, the language-model prompts, word lists.
PROMPTS_DIR = Path(__file__).resolve().parent.parent.parent / "prompts"


class DataFileError(Exception):
    """A data file is broken; the message names the file and the field."""


def load_toml_model(
    path: Path, model: type[ModelT], error: type[DataFileError] = DataFileError
) -> ModelT:
    """Parse the file and validate it as `model`; raise `error` naming file and field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise error(f"{path}: kan inte läsas: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(filen)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise error(f"{path}: {problems}") from exc
