"""Run every benchmark module in bench/ and print its ratios: `python -m bench [name ...]`."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def main(argv: list[str]) -> int:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(bench.__path__)
        if info.name.endswith("_bench") and (not argv or info.name in argv)
    )
    if not names:
        print("no benchmark modules found", file=sys.stderr)
        return 1
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        if hasattr(module, "run"):
            for ratio in module.run():
                print(ratio.line())
        else:  # a benchmark that prints its own figures
            module.main([])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
