"""The layout rules of the README that no linter checks: small modules."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400


def test_no_module_in_bot_or_storage_is_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("bot", "storage")
        for path in (ROOT / folder).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
