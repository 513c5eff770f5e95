"""`python -m server.bench <name>`: run one benchmark (orders, webhooks, runs)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from server.bench import orders, runs, webhooks

Subparsers = Any
# Each benchmark registers its subcommand and sets `func(args) -> int`. Payments add webhooks.
BENCHMARKS: list[Callable[[Subparsers], None]] = [orders.register, webhooks.register, runs.register]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.bench", description=__doc__)
    subparsers = parser.add_subparsers(dest="benchmark", metavar="benchmark", required=True)
    for register in BENCHMARKS:
        register(subparsers)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
