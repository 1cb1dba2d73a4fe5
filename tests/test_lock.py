"""The lock files: a fresh clone installs exactly what was tested.

Why newer releases cannot change a fresh install: every package the Makefile installs is
named in a lock file with `==` and its hashes, installed with `--require-hashes --no-deps`
(pip then refuses any file whose hash is not listed and resolves nothing on its own), and the
project itself is built with `--no-build-isolation`, so not even setuptools is fetched fresh.
These tests hold each link of that chain.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCKS = (ROOT / "requirements.lock", ROOT / "requirements-test.lock")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")

sys.path.insert(0, str(ROOT / "scripts"))
import lock as lock_script  # noqa: E402


def _pins(lock: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _requirements(*, extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = list(project["dependencies"])
    if extra:
        names += project["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize("lock", LOCKS, ids=lambda path: path.name)
def test_every_package_is_pinned_with_hashes(lock: Path) -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
    packages = [entry for entry in entries if PIN.match(entry)]
    assert len(packages) > 40
    for entry in packages:
        assert "--hash=sha256:" in entry, entry.splitlines()[0]
    # Nothing in a lock points at a package index of its own: pip's configuration decides.
    assert "--index-url" not in lock.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lock", "extra"), [(LOCKS[0], None), (LOCKS[1], "test")], ids=["runtime", "test"]
)
def test_each_dependency_of_pyproject_is_locked_at_a_version_it_allows(
    lock: Path, extra: str | None
) -> None:
    pins = _pins(lock)
    for requirement in _requirements(extra=extra):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {lock.name}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock.name} pins {requirement.name}=={pins[name]}, outside {requirement.specifier}"
        )
    assert "setuptools" in pins, "the build backend is locked too (--no-build-isolation)"


def test_the_two_locks_agree_on_what_they_share() -> None:
    runtime, test = _pins(LOCKS[0]), _pins(LOCKS[1])
    assert set(runtime) <= set(test)
    assert {name: test[name] for name in runtime} == runtime


def test_the_locks_match_pyproject() -> None:
    assert lock_script.problems() == []


def test_a_dependency_added_to_pyproject_stops_the_install_with_the_command_that_refreshes(
    tmp_path: Path,
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject.write_text(text.replace("dependencies = [\n", 'dependencies = [\n    "rich",\n', 1))
    for lock in LOCKS:
        shutil.copy(lock, tmp_path / lock.name)
    locks = tuple(tmp_path / lock.name for lock in LOCKS)
    found = lock_script.problems(pyproject, locks)
    assert len(found) == 2 and all("pyproject.toml" in problem for problem in found)
    assert "make lock" in lock_script.REFRESH_HINT

    # The same check, as the Makefile runs it before installing anything.
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lock.py"), "check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_the_makefile_installs_exactly_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes --no-deps" in makefile
    assert "--no-deps --no-build-isolation -e ." in makefile
    assert "scripts/lock.py check" in makefile
    # No step upgrades pip or anything else outside the lock.
    assert "--upgrade" not in makefile.replace("refresh --upgrade", "")


def test_the_built_package_carries_every_data_file_of_prompts(tmp_path: Path) -> None:
    """The container image installs the wheel without the source tree: prompts/ must be in it."""
    source = tmp_path / "source"  # built from a copy, as the image's build stage does
    for name in ("pyproject.toml", "README.md"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    for name in ("bot", "storage", "prompts"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "wheels"), str(source)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "wheels").glob("redovisa-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", "prompts"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    if not tracked:  # not a git checkout: every file under prompts/
        tracked = [str(p.relative_to(ROOT)) for p in (ROOT / "prompts").rglob("*") if p.is_file()]
    missing = [path for path in tracked if path not in inside]
    assert not missing, f"not in the wheel: {missing}"
    assert "storage/migrations/env.py" in inside
    templates = [str(p.relative_to(ROOT)) for p in (ROOT / "bot" / "web" / "templates").glob("*")]
    assert templates and not [path for path in templates if path not in inside]
