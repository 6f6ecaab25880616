"""The ``allegiance`` command: one subcommand per concern, each in its own module.

A subcommand module exposes ``configure(parser)`` (adds its arguments) and ``run(args) -> int`` (the exit code).

Before a subcommand runs, the command line checks what it needs, and exits 2 with a message when something is
missing: the optional dependencies of its extra (``pip install 'allegiance[check]'``), and the folders of the
knowledge base it reads (``--home DIR``/``ALLEGIANCE_HOME``, ``--sources DIR``/``ALLEGIANCE_SOURCES``).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import shutil
import sys
from collections.abc import Callable, Sequence

from allegiance import __version__, paths

EXIT_MISSING = 2

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "check": ("allegiance.cli.check", "parse, reason over and validate the knowledge base; print a report"),
    "infer": ("allegiance.cli.infer", "write the inferred triples (OWL RL closure) as N-Triples"),
    "serve": ("allegiance.cli.serve", "serve the knowledge base over the SPARQL 1.1 Protocol, with linked-data pages"),
    "query": ("allegiance.cli.query", "run a canned query from queries/"),
    "plot": ("allegiance.cli.plot", "draw the allegiance network or the timeline as SVG or PNG"),
    "wikidata": ("allegiance.cli.wikidata", "pledges between Wikidata-mapped organizations as Wikidata statements"),
    "load": ("allegiance.cli.load",
             "put the shipped knowledge base into a store (a folder, or a SPARQL 1.1 store's URL)"),
    "export": ("allegiance.cli.export",
               "write a store's graphs as N-Quads, TriG, N-Triples, Turtle, JSON-LD or RDF/XML"),
    "import": ("allegiance.cli.import_", "add RDF files to a store, validated against the shapes, all or nothing"),
}

# name -> (extra, the modules it provides): a subcommand that needs an optional part of the install
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "check": ("check", ("owlready2", "pyshacl")),
    "plot": ("plots", ("matplotlib", "networkx")),
}

# name -> the parts of the knowledge base it reads (see allegiance.paths.Layout.require); a command not named
# here checks its own inputs
NEEDS: dict[str, tuple[str, ...]] = {
    "check": ("ontology", "instances", "shapes", "sources"),
    "infer": ("ontology", "instances"),
    "serve": ("ontology", "instances"),
    "query": ("ontology", "instances", "queries"),
    "plot": ("ontology", "instances"),
    "load": ("ontology", "instances"),
}

# what an extra needs beside Python packages, said when one of its commands is refused
EXTRA_NOTES: dict[str, str] = {
    "check": "; its consistency check runs HermiT, which needs Java (a JRE, `java` on PATH)",
}


def missing_modules(name: str) -> list[str]:
    """The modules of the subcommand's extra that are not installed."""
    _, modules = EXTRAS.get(name, ("", ()))
    return [m for m in modules if importlib.util.find_spec(m) is None]


def extra_message(name: str, missing: Sequence[str]) -> str:
    extra = EXTRAS[name][0]
    return (f"allegiance {name} needs the optional dependencies of the [{extra}] extra ({', '.join(missing)} "
            f"not installed): pip install 'allegiance[{extra}]'{EXTRA_NOTES.get(extra, '')}")


def _add_location_options(parser: argparse.ArgumentParser, default: object) -> None:
    taken = parser._option_string_actions  # a subcommand may define them itself
    if "--home" not in taken:
        parser.add_argument("--home", metavar="DIR", default=default,
                            help="the knowledge base: a folder holding ontology/, instances/, shapes/, queries/ "
                                 "(default: $ALLEGIANCE_HOME, else the checkout, else the copy in the package)")
    if "--sources" not in taken:
        parser.add_argument("--sources", metavar="DIR", default=default,
                            help="the folder of cited source documents (default: $ALLEGIANCE_SOURCES, "
                                 "else ../shared/sources beside the knowledge base)")


def _unavailable(name: str, missing: list[str]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        print(extra_message(name, missing), file=sys.stderr)
        return EXIT_MISSING

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="allegiance", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--version", action="version", version=f"allegiance {__version__}")
    _add_location_options(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        missing = missing_modules(name)
        module = None
        if not missing:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue  # that concern is not part of this build
                if not exc.name or name not in EXTRAS:
                    raise
                missing = [exc.name]
        if module is None:
            extra = EXTRAS[name][0]
            sp = sub.add_parser(name, help=f"{help_text} (needs the [{extra}] extra)", description=help_text,
                                add_help=False)
            sp.set_defaults(_run=_unavailable(name, missing), _needs=(), _any_arguments=True)
            continue
        sp = sub.add_parser(name, help=help_text, description=help_text)
        module.configure(sp)
        _add_location_options(sp, argparse.SUPPRESS)
        sp.set_defaults(_run=module.run, _needs=NEEDS.get(name, ()))
    return parser


def preflight(name: str | None, args: argparse.Namespace) -> None:
    """Raise :class:`~allegiance.paths.MissingData` unless the data (and programs) the command needs are there."""
    needs = getattr(args, "_needs", ())
    if needs:
        paths.default_layout().require(*needs)
    if name == "check" and not getattr(args, "no_reasoner", False) and shutil.which("java") is None:
        raise paths.MissingData("allegiance check runs HermiT, which needs Java: install a JRE (`java` on PATH), "
                                "or pass --no-reasoner to skip the consistency check")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "_any_arguments", False):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    paths.configure(home=args.home, sources=args.sources)
    try:
        preflight(args.command, args)
        return int(args._run(args) or 0)
    except paths.MissingData as exc:
        print(f"allegiance {args.command}: {exc}", file=sys.stderr)
        return EXIT_MISSING
    finally:
        paths.configure()


if __name__ == "__main__":
    sys.exit(main())
