"""``allegiance query NAME [--param KEY=VALUE ...] [--format json|xml|csv|tsv|table] [--page N]``.

Runs a canned query from ``queries/`` on an in-process store (:func:`allegiance.store.build`), with the API's
binding (:meth:`allegiance.canned.CannedQuery.bind`), the endpoint's SERVICE guard and the endpoint's serializers
(:mod:`allegiance.serialization`); ``table`` is a fixed-width text table for reading. A paginated query returns
every row unless ``--page`` asks for one page. Exit codes: 0 done, 1 the query failed, 2 a bad command line
(unknown query, bad or missing parameter).
"""

from __future__ import annotations

import argparse
import logging
import sys

import pyoxigraph as ox

from . import negotiation, serialization
from .canned import CannedQuery, ParameterError, load_queries
from .config import WIKIDATA_SPARQL
from .namespaces import prefixed_name
from .query_guard import QueryRefused, check

FORMATS = {"json": negotiation.SPARQL_JSON, "xml": negotiation.SPARQL_XML, "csv": negotiation.CSV,
           "tsv": negotiation.TSV}
MAX_CELL = 70


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", metavar="NAME", help="the query (a file name in queries/ without .rq)")
    parser.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                        help="a parameter of the query; repeatable")
    parser.add_argument("--format", "-f", default="table", choices=[*FORMATS, "table"],
                        help="output format (default %(default)s)")
    parser.add_argument("--page", type=int, metavar="N", help="only page N (from 1) of a paginated query")
    parser.add_argument("--list", action="store_true", help="list the canned queries and their parameters")


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


def bound_text(query: CannedQuery, values: dict[str, str], page: int | None) -> str:
    return query.bind(values) if page is None else query.bind_page(values, page)


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
    out = [" | ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip(),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in cells]
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
        text = bound_text(query, parse_params(args.param), args.page)
    except ParameterError as exc:
        return _fail(str(exc))
    try:
        check(text, (WIKIDATA_SPARQL,))
    except QueryRefused as exc:
        return _fail(exc.message, 1)
    if query.form != "SELECT":
        return _fail(f"{query.name} is a {query.form} query; only SELECT queries are run here", 1)
    from . import store

    logging.getLogger("allegiance").setLevel(logging.WARNING)
    served = store.build()
    try:
        answer = served.store.query(text, default_graph=[ox.NamedNode(g) for g in served.default_graphs])
        names = [v.value for v in answer.variables]
        rows = list(answer)
    except (SyntaxError, ValueError, OSError, RuntimeError) as exc:
        return _fail(f"the query failed: {exc}", 1)
    if args.format == "table":
        sys.stdout.write(table(names, rows))
    else:
        sys.stdout.buffer.write(serialization.solutions(names, rows, FORMATS[args.format]))
    sys.stdout.flush()
    return 0
