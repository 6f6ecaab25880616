"""Looking at a query before it runs: its form, its dataset clauses, and every SERVICE it would call.

Two independent readings must agree before a query may run:

* a tokenizer for SPARQL's terminals (strings, IRIs, comments, prefixed names, variables, keywords), which finds
  every ``SERVICE`` keyword and the IRI, prefixed name or variable after it (prefixes and ``BASE`` resolved);
* rdflib's parser and algebra (``parseQuery`` / ``translateQuery``), whose ``ServiceGraphPattern`` nodes name the
  same endpoints. When rdflib cannot parse a query that the engine may still accept, the tokenizer's reading
  stands alone, and a query with any ``SERVICE`` is refused.

A SERVICE is allowed only when its IRI is on the allowlist; ``SERVICE ?var`` never is. Updates are refused here:
this endpoint answers queries only. Syntax errors are left to the engine, which reports line and column.
Nothing here fetches anything: pyoxigraph reads ``FROM`` and ``GRAPH`` IRIs from its store only.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from .negotiation import Kind

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:(?:[\w\-.:%\\\u00B7\u00C0-\uFFFF]*[\w\-:%\u00B7\u00C0-\uFFFF])?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_QUERY_FORMS = {"SELECT": Kind.SOLUTIONS, "ASK": Kind.BOOLEAN, "CONSTRUCT": Kind.GRAPH, "DESCRIBE": Kind.GRAPH}
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


class QueryRefused(Exception):
    """A query that will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class GuardedQuery:
    text: str
    kind: Kind | None  # None when the tokenizer found no query form (the engine will report the syntax error)
    has_dataset_clause: bool  # FROM or FROM NAMED: the query names its own dataset
    services: tuple[str, ...]  # the SERVICE IRIs it calls (all on the allowlist)


def tokens(query: str) -> list[Token]:
    """Significant tokens (no white space or comments); an unterminated string or IRI gives 'other' tokens."""
    out = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        out.append(Token(kind, m.group(), m.start()))
    return out


def _iri_value(tok: Token, prefixes: Mapping[str, str], base: str | None) -> str | None:
    if tok.kind == "iri":
        value = tok.text[1:-1]
        return urljoin(base, value) if base else value
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


@dataclass(frozen=True)
class _Reading:
    kind: Kind | None
    update: bool
    has_from: bool
    services: tuple[str | None, ...]  # None for SERVICE ?var or an unresolvable name
    form_index: int  # index of the query-form keyword in the token list (-1 if none)


def _read(toks: list[Token]) -> _Reading:
    prefixes: dict[str, str] = {}
    base: str | None = None
    kind: Kind | None = None
    update = False
    form_index = -1
    has_from = False
    services: list[str | None] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        word = t.text.upper() if t.kind == "word" else ""
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            iri = toks[i + 2].text[1:-1]
            prefixes[toks[i + 1].text[:-1]] = urljoin(base, iri) if base else iri
            i += 3
            continue
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            iri = toks[i + 1].text[1:-1]
            base = urljoin(base, iri) if base else iri
            i += 2
            continue
        if kind is None and not update:
            if word in _QUERY_FORMS:
                kind, form_index = _QUERY_FORMS[word], i
            elif word in _UPDATE_WORDS:
                update = True
        if word == "FROM":
            has_from = True
        if word == "SERVICE":
            j = i + 1
            if j < len(toks) and toks[j].text.upper() == "SILENT":
                j += 1
            services.append(_iri_value(toks[j], prefixes, base) if j < len(toks) else None)
        i += 1
    return _Reading(kind, update, has_from, tuple(services), form_index)


def _rdflib_services(query: str) -> list[str | None] | None:
    """SERVICE targets in rdflib's algebra (None for a variable); None when rdflib cannot read the query."""
    try:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery
        from rdflib.plugins.sparql.parserutils import CompValue
        from rdflib.term import URIRef

        algebra = translateQuery(parseQuery(query)).algebra
    except Exception:  # noqa: BLE001 - any failure means "rdflib cannot read it"
        return None
    found: list[str | None] = []
    seen: set[int] = set()

    def walk(node) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                found.append(str(term) if isinstance(term, URIRef) else None)
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple, set)):
            for value in node:
                walk(value)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(algebra)
    return found


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(query: str) -> str:
    """SPARQL 1.1 section 19.2: ``\\uXXXX`` and ``\\UXXXXXXXX`` are replaced before parsing (the engine does too)."""
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def check(query: str, allowlist: Collection[str]) -> GuardedQuery:
    """The query's reading, or :class:`QueryRefused` (an update, a forbidden SERVICE)."""
    try:
        reading = _read(tokens(unescape_codepoints(query)))
    except (ValueError, OverflowError) as exc:  # a code point out of range
        raise QueryRefused(400, f"bad code point escape: {exc}") from exc
    if reading.update or reading.kind is None and _looks_like_update(query):
        raise QueryRefused(403, "updates are not accepted here: this endpoint is read-only "
                                "(SPARQL Update is not enabled)")
    services = reading.services
    if services:
        for target in services:
            if target is None:
                raise QueryRefused(403, "SERVICE with a variable or an unresolvable endpoint is not allowed")
            if target not in allowlist:
                raise QueryRefused(403, f"SERVICE <{target}> is not allowed: this endpoint calls only "
                                        f"{', '.join(sorted(allowlist)) or 'no remote endpoint'}")
        second = _rdflib_services(query)
        if second is None:
            raise QueryRefused(403, "a query with SERVICE must be readable by the guard's second parser; "
                                    "rdflib could not parse this one")
        if sorted(map(str, second)) != sorted(map(str, services)):
            raise QueryRefused(403, "the SERVICE calls of this query could not be verified")
    return GuardedQuery(query, reading.kind, reading.has_from, tuple(s for s in services if s))


def _looks_like_update(query: str) -> bool:
    try:
        from rdflib.plugins.sparql.parser import parseUpdate

        parseUpdate(query)
    except Exception:  # noqa: BLE001
        return False
    return True


def insert_values(query: str, bindings: Mapping[str, object]) -> str:
    """``query`` with ``VALUES (?a ?b) { (t1 t2) }`` placed at the start of its WHERE group.

    Values are rdflib or pyoxigraph terms (or Python str/int/float/bool), written by :func:`sparql_term`;
    placed first in the group, they bind the variables for every pattern and FILTER inside it.
    """
    if not bindings:
        return query
    toks = tokens(query)
    reading = _read(toks)
    if reading.form_index < 0:
        raise ValueError("no query form found")
    i = reading.form_index + 1
    if toks[reading.form_index].text.upper() == "CONSTRUCT" and i < len(toks) and toks[i].text == "{":
        depth = 0  # skip the template
        while i < len(toks):
            if toks[i].text == "{":
                depth += 1
            elif toks[i].text == "}":
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            i += 1
    while i < len(toks) and toks[i].text != "{":
        i += 1
    if i >= len(toks):
        raise ValueError("no WHERE group found")
    names = " ".join(f"?{name.lstrip('?$')}" for name in bindings)
    row = " ".join(sparql_term(v) for v in bindings.values())
    clause = f" VALUES ({names}) {{ ({row}) }} "
    pos = toks[i].start + 1
    return query[:pos] + clause + query[pos:]


def sparql_term(value: object) -> str:
    """An RDF term in SPARQL syntax, written by pyoxigraph's own serializer (which validates IRIs and language
    tags and escapes literals): rdflib or pyoxigraph terms, or plain Python values as literals."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    from .store import to_ox

    if isinstance(value, (bool, int, float, str)) and not isinstance(value, (URIRef, Literal)):
        value = Literal(value)  # (URIRef and Literal are str subclasses)
    if isinstance(value, (BNode, ox.BlankNode)):
        raise ValueError("blank nodes cannot be bound in a query")
    if isinstance(value, (URIRef, Literal)):
        value = to_ox(value)  # raises ValueError on an invalid IRI or language tag
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return str(value)
    raise TypeError(f"cannot bind {value!r}")
