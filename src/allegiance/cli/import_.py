"""``allegiance import FILE... --store PATH|URL``: add RDF files to a store, validated, all or nothing.

Exit codes: 0 committed; 1 refused (SHACL violations, each printed with its focus node, path and constraint, or a
claim citing a document the store does not hold, or an excerpt not in its source's text); 2 unreadable input (the
file, line and column) or a store that cannot be opened. On 1 and 2 the store is unchanged. See
:mod:`allegiance.store.imports`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    from allegiance.cli.load import add_store_arguments

    parser.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML (by suffix), each also as .gz")
    add_store_arguments(parser)
    parser.add_argument("--graph", metavar="IRI",
                        help="the named graph for the triples (default: .../graph/import/<file stem> per file)")
    parser.add_argument("--report", type=Path, metavar="FILE", help="write the SHACL validation report as Turtle")
    parser.add_argument("--source", type=Path, action="append", default=[], metavar="FILE",
                        help="the text of a source document the new claims cite, registered as src:<file stem> "
                             "with its SHA-256 (repeatable)")
    parser.add_argument("--no-infer", action="store_true",
                        help="do not add the import's OWL RL entailments to the store's inferences graph (they are "
                             "added by default, in the same transaction)")
    parser.add_argument("--quiet", action="store_true", help="no progress or timings on standard error")


def run(args: argparse.Namespace) -> int:
    from allegiance.cli.load import open_target
    from allegiance.kb.shacl import write_report
    from allegiance.store.imports import ImportFailure, ImportRefused, Progress, import_files

    def log(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    try:
        target = open_target(args)
    except (ValueError, OSError) as exc:
        print(f"allegiance import: {exc}", file=sys.stderr)
        return 2
    shipped = _shipped_sources()
    try:
        result = import_files(target, args.files, graph=args.graph, sources=args.source, shipped_sources=shipped,
                              progress=None if args.quiet else Progress(), log=log, infer=not args.no_infer)
    except ImportFailure as exc:
        if isinstance(exc, ImportRefused) and args.report is not None and exc.validation is not None:
            write_report(exc.validation, args.report)
        print(f"allegiance import: refused, the store is unchanged: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a remote store's failure: nothing was committed unless add_quads returned
        print(f"allegiance import: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        try:
            target.close()
        except OSError as exc:  # a full disk again, say: the outcome above stands, and was already reported
            print(f"allegiance import: closing the store: {exc}", file=sys.stderr)
    if args.report is not None and result.validation is not None:
        write_report(result.validation, args.report)
    print(f"imported {result.quads} quads into {', '.join(result.graphs)}"
          + (f"; registered {', '.join(result.sources)}" if result.sources else ""))
    return 0


def _shipped_sources() -> Path | None:
    """The folder of the shipped sources' texts, when it is at hand (for the excerpts of held documents)."""
    try:
        from allegiance.paths import default_layout

        folder = default_layout().sources
    except Exception:
        return None
    return folder if folder.is_dir() else None
