"""The ``allegiance`` command: one subcommand per concern, each in its own module.

A subcommand module exposes ``configure(parser)`` (adds its arguments) and ``run(args) -> int`` (the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from allegiance import __version__

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "check": ("allegiance.cli.check", "parse, reason over and validate the knowledge base; print a report"),
    "infer": ("allegiance.cli.infer", "write the inferred triples (OWL RL closure) as N-Triples"),
    "serve": ("allegiance.cli.serve", "serve the knowledge base over the SPARQL 1.1 Protocol, with linked-data pages"),
    "query": ("allegiance.cli.query", "run a canned query from queries/"),
    "plot": ("allegiance.cli.plot", "draw the allegiance network or the timeline as SVG or PNG"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="allegiance", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"allegiance {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # that concern is not part of this build
            raise
        sp = sub.add_parser(name, help=help_text, description=help_text)
        module.configure(sp)
        sp.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
