"""``allegiance query``: run a canned query from ``queries/`` through the server's own executor.

The query runs exactly as ``/api/<name>`` runs it: parameters bound by the engine (SEP-0007), in a sandboxed worker
with the server's time limit and byte cap (``allegiance serve``'s defaults; ``--timeout``), over a store built from
the knowledge base (or ``--store PATH``). ``json``, ``xml``, ``csv`` and ``tsv`` are the engine's own serializations;
``table`` is a fixed-width text table for reading.
"""

from __future__ import annotations

import argparse
import logging
import sys

import pyoxigraph as ox

from allegiance.config import Settings
from allegiance.namespaces import prefixed_name
from allegiance.sparql import errors
from allegiance.sparql.canned import CannedQuery, ParameterError, load_queries

FORMATS = ("json", "xml", "csv", "tsv")
MAX_CELL = 70


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", metavar="NAME", help="the query (a file name in queries/ without .rq)")
    parser.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                        help="a parameter of the query; repeatable")
    parser.add_argument("--format", "-f", default="table", choices=[*FORMATS, "table"],
                        help="output format (default %(default)s)")
    parser.add_argument("--page", type=int, metavar="N", help="only page N (from 1) of a paginated query")
    parser.add_argument("--list", action="store_true", help="list the canned queries and their parameters")
    parser.add_argument("--store", metavar="PATH|URL",
                        help="use (or build) the on-disk store here, or query the remote SPARQL 1.1 store at URL")
    parser.add_argument("--store-default-graph", metavar="IRI",
                        help="a remote store's named graph holding the merge (see allegiance serve --help)")
    parser.add_argument("--timeout", type=float, default=Settings.timeout, help="seconds (default %(default)s)")


def _fail(message: str, code: int = 2) -> int:
    print(f"allegiance query: {message}", file=sys.stderr)
    return code


def _list(queries: dict[str, CannedQuery]) -> None:
    for q in queries.values():
        params = " ".join(f"{p.name}{'' if p.required and p.default is None else '?'}" for p in q.parameters)
        print(f"{q.name:28} {q.summary}" + (f"  [{params}]" if params else ""))


def parse_params(items: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ParameterError(item, "expected KEY=VALUE")
        if key in values:
            raise ParameterError(key, "given more than once")
        values[key] = value
    return values


def _short(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return prefixed_name(term.value)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return " ".join(term.value.split())


def table(names: list[str], rows: list) -> str:
    """A fixed-width text table; cells folded to one line and cut at MAX_CELL characters."""
    cells = [[_short(row[n]) for n in names] for row in rows]
    cells = [[c if len(c) <= MAX_CELL else c[:MAX_CELL - 1] + "…" for c in line] for line in cells]
    widths = [max([len(n), *(len(line[i]) for line in cells)]) for i, n in enumerate(names)]
    out = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    queries = load_queries()
    if args.list:
        _list(queries)
        return 0
    if not args.name:
        return _fail("name a query (allegiance query --list shows them)")
    query = queries.get(args.name)
    if query is None:
        return _fail(f"no canned query named {args.name!r}; known: {', '.join(sorted(queries))}")
    try:
        job = query.job(parse_params(args.param), page=args.page,
                        format="json" if args.format == "table" else args.format)
    except ParameterError as exc:
        return _fail(str(exc))
    if query.form != "SELECT":
        return _fail(f"{query.name} is a {query.form} query; only SELECT queries are run here", 1)
    import asyncio

    from allegiance.web.app import make_executor, open_served

    logging.getLogger("allegiance").setLevel(logging.WARNING)
    settings = Settings(timeout=args.timeout, store=None if args.store is None else str(args.store),
                        store_default_graph=args.store_default_graph)
    served = open_served(settings)

    async def ask() -> bytes:
        executor = make_executor(settings, served)
        await executor.start()
        try:
            return (await executor.run(job)).body
        finally:
            await executor.close()

    try:
        body = asyncio.run(ask())
    except errors.QueryFailure as exc:
        return _fail(f"the query failed: {exc.message}", 1)
    finally:
        served.close()
    if args.format == "table":
        answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        assert isinstance(answer, ox.QuerySolutions)
        names = [v.value for v in answer.variables]
        sys.stdout.write(table(names, list(answer)))
    else:
        sys.stdout.buffer.write(body)
    sys.stdout.flush()
    return 0
