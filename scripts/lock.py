#!/usr/bin/env python3
"""The lock files: exact versions and hashes of everything Redovisa installs.

    python3 scripts/lock.py check             stop when pyproject.toml and the locks disagree
    python3 scripts/lock.py refresh           re-resolve what pyproject.toml changed, keep the rest
    python3 scripts/lock.py refresh --upgrade the newest versions pyproject.toml allows

`requirements.lock` holds what the program needs to run (and setuptools, to build it);
`requirements-test.lock` adds the test tools, resolved with the first file as a constraint so
that both install the same versions of what they share. Each lock starts with a digest of the
dependency lists in pyproject.toml; `check` compares it, so a dependency added, removed or
re-bounded in pyproject.toml stops the install until the locks are refreshed (`make lock`).

`check` needs only the standard library, so the Makefile can run it before anything is
installed; `refresh` needs pip-tools (in the test extra).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
RUNTIME_LOCK = ROOT / "requirements.lock"
TEST_LOCK = ROOT / "requirements-test.lock"
DIGEST_PREFIX = "# pyproject-dependencies-sha256: "
REFRESH_HINT = "run `make lock` (or `python3 scripts/lock.py refresh`) and commit the lock files"


def dependency_digest(pyproject: Path = PYPROJECT) -> str:
    """A digest of every dependency list that the locks are resolved from."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    lists = {
        "build-system": data.get("build-system", {}).get("requires", []),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "requires-python": project.get("requires-python", ""),
    }
    canonical = json.dumps(lists, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stored_digest(lock: Path) -> str | None:
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line[len(DIGEST_PREFIX) :].strip()
    return None


def problems(
    pyproject: Path = PYPROJECT, locks: tuple[Path, ...] = (RUNTIME_LOCK, TEST_LOCK)
) -> list[str]:
    """What is wrong with the locks, in words; empty when they match pyproject.toml."""
    expected = dependency_digest(pyproject)
    found: list[str] = []
    for lock in locks:
        digest = stored_digest(lock)
        if digest is None:
            found.append(f"{lock.name} is missing or was not written by scripts/lock.py")
        elif digest != expected:
            found.append(
                f"{lock.name} was resolved from other dependencies than pyproject.toml lists now"
            )
    return found


def check() -> int:
    found = problems()
    if not found:
        return 0
    for problem in found:
        print(f"lock: {problem}", file=sys.stderr)
    print(f"lock: {REFRESH_HINT}", file=sys.stderr)
    return 1


def _compile(output: Path, *, extra: str | None, constraint: Path | None, upgrade: bool) -> None:
    command = [
        sys.executable, "-m", "piptools", "compile", "--quiet",
        "--generate-hashes", "--allow-unsafe", "--strip-extras",
        "--no-emit-index-url", "--no-emit-find-links", "--no-emit-trusted-host",
        "--output-file", str(output.relative_to(ROOT)),
    ]  # fmt: skip
    command.append("--all-build-deps")  # setuptools, for the --no-build-isolation install
    if extra is not None:
        command += ["--extra", extra]
    if constraint is not None:
        command += ["--constraint", str(constraint.relative_to(ROOT))]
    if upgrade:
        command.append("--upgrade")
    command.append("pyproject.toml")
    subprocess.run(command, cwd=ROOT, check=True)
    text = output.read_text(encoding="utf-8")
    output.write_text(f"{DIGEST_PREFIX}{dependency_digest()}\n{text}", encoding="utf-8")


def refresh(upgrade: bool) -> int:
    _compile(RUNTIME_LOCK, extra=None, constraint=None, upgrade=upgrade)
    _compile(TEST_LOCK, extra="test", constraint=RUNTIME_LOCK, upgrade=upgrade)
    return check()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="stop when pyproject.toml and the locks disagree")
    refresh_parser = commands.add_parser("refresh", help="resolve the locks again")
    refresh_parser.add_argument("--upgrade", action="store_true", help="take the newest versions")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check()
    return refresh(args.upgrade)


if __name__ == "__main__":
    sys.exit(main())
