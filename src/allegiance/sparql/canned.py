"""Canned queries: ``.rq`` files with grlc's ``#+`` header, and their parameters bound as RDF terms.

A file stays valid SPARQL that runs unchanged in any editor: its header is YAML in ``#+`` comment lines
(``summary``, ``description``, ``tags``, ``method``, ``pagination``, ``defaults``, ``enumerate``), and its parameters
are variables named after grlc's convention:

- ``?_name`` a required parameter, ``?__name`` an optional one;
- a suffix gives the type: ``_iri``, ``_literal``, ``_integer``, ``_decimal``, ``_number``, ``_boolean``,
  ``_xsd_TYPE`` (``_xsd_date``, ``_xsd_gYear`` ...), or a language tag (``_en``). No suffix: a plain literal.

A value is parsed into an RDF term (typed and checked by rdflib) and bound by the engine itself, with pyoxigraph's
SEP-0007 ``substitutions``: the query text is never changed. SEP-0007 binds variables of the query's projection, so
a SELECT must project its parameters (``SELECT * `` or naming them; a GROUP BY query groups by them); the loader
checks this. An optional parameter that is not given stays unbound. The query's form and variables are read once,
when the file is loaded, with rdflib's SPARQL parser (the files are the project's own, never a client's).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from allegiance.paths import Layout, default_layout
from allegiance.sparql.jobs import Job, Page, Term
from allegiance.sparql.where import query_form, uses_service, variables

_PARAM = re.compile(r"^[?$](__?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)$")
_FORM_OF = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
            "DescribeQuery": "DESCRIBE"}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9\-]*$")

_SIMPLE_TYPES = {
    "iri": None,
    "literal": None,
    "integer": XSD.integer,
    "decimal": XSD.decimal,
    "number": XSD.decimal,
    "boolean": XSD.boolean,
}


class CannedQueryError(Exception):
    """A canned query file is malformed (raised when the queries are loaded)."""


class ParameterError(ValueError):
    """A request's parameter is missing, unknown or ill-typed; ``name`` is the parameter's name."""

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(f"parameter {name!r}: {message}")


@dataclass(frozen=True)
class Parameter:
    name: str                 # as exposed to users: "accused"
    variable: str             # in the query, without "?": "_accused_iri"
    required: bool
    kind: str                 # "iri", "literal", "typed" or "language"
    datatype: str | None = None
    language: str | None = None
    default: str | None = None
    enum: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        if self.kind == "iri":
            return "an IRI"
        if self.kind == "language":
            return f"a literal in language {self.language!r}"
        if self.kind == "typed":
            return f"a literal of datatype {self.datatype}"
        return "a plain literal"

    def to_term(self, raw: str) -> Node:
        """Parse a user's value into an RDF term, or raise :class:`ParameterError`."""
        if self.enum and raw not in self.enum:
            raise ParameterError(self.name, f"must be one of {', '.join(self.enum)}")
        if self.kind == "iri":
            if not _IRI.match(raw):
                raise ParameterError(self.name, f"{raw!r} is not an absolute IRI")
            return URIRef(raw)
        if self.kind == "language":
            return Literal(raw, lang=self.language)
        if self.kind == "typed":
            assert self.datatype is not None, "a typed parameter has a datatype"
            rdflib_log = logging.getLogger("rdflib.term")
            level = rdflib_log.level
            rdflib_log.setLevel(logging.CRITICAL)  # rdflib logs a traceback for every ill-typed literal
            try:
                term = Literal(raw, datatype=URIRef(self.datatype))
            finally:
                rdflib_log.setLevel(level)
            if term.ill_typed:
                raise ParameterError(self.name, f"{raw!r} is not a valid {self.datatype}")
            return term
        return Literal(raw)


def _parameter(prefix: str, body: str) -> Parameter:
    required = prefix == "_"
    variable = prefix + body
    name, _, suffix = body.partition("_")
    kind, datatype, language = "literal", None, None
    if suffix.startswith("xsd_"):
        kind, datatype = "typed", str(XSD) + suffix[4:]
    elif suffix in _SIMPLE_TYPES:
        kind = "iri" if suffix == "iri" else ("typed" if _SIMPLE_TYPES[suffix] else "literal")
        datatype = str(_SIMPLE_TYPES[suffix]) if _SIMPLE_TYPES[suffix] else None
    elif suffix and _LANG.match(suffix):
        kind, language = "language", suffix
    elif suffix:
        raise CannedQueryError(f"?{variable}: unknown parameter type {suffix!r}")
    return Parameter(name=name, variable=variable, required=required, kind=kind, datatype=datatype,
                     language=language)


@dataclass(frozen=True)
class CannedQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str
    form: str                         # SELECT, ASK, CONSTRUCT or DESCRIBE
    tags: tuple[str, ...] = ()
    method: str = "GET"
    pagination: int | None = None
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def terms(self, values: Mapping[str, str]) -> dict[str, Node]:
        """The RDF term of every parameter given or defaulted; raises :class:`ParameterError`."""
        unknown = sorted(set(values) - {p.name for p in self.parameters})
        if unknown:
            raise ParameterError(unknown[0], f"unknown parameter; this query takes "
                                             f"{', '.join(p.name for p in self.parameters) or 'none'}")
        bound: dict[str, Node] = {}
        for p in self.parameters:
            raw = values.get(p.name, p.default)
            if raw is None:
                if p.required:
                    raise ParameterError(p.name, f"missing; expected {p.description}")
                continue
            bound[p.variable] = p.to_term(raw)
        return bound

    def substitutions(self, values: Mapping[str, str]) -> dict[str, Term]:
        """Every given or defaulted parameter as a term for SEP-0007 substitution, by variable name."""
        return {variable: _wire_term(term) for variable, term in self.terms(values).items()}

    def job(self, values: Mapping[str, str], *, page: int | str | None = None, accept: str | None = None,
            format: str | None = None) -> Job:
        """The job that runs this query with ``values`` bound; a paginated query runs page ``page`` (from 1).

        Raises :class:`ParameterError` naming the parameter (``page`` included)."""
        subs = self.substitutions(values)
        if page is None and not self.pagination:
            return Job(self.text, accept=accept, format=format, substitutions=subs)
        if not self.pagination:
            raise ParameterError("page", f"{self.name} is not paginated")
        number = _page_number(page if page is not None else 1)
        return Job(self.text, accept=accept, format=format, substitutions=subs,
                   page=Page(self.pagination, (number - 1) * self.pagination))


MAX_PAGE = 10_000_000


def _page_number(page: int | str) -> int:
    text = str(page)
    if not (text.isascii() and text.isdigit()) or len(text) > 8 or int(text) < 1 or int(text) > MAX_PAGE:
        raise ParameterError("page", f"{text[:40]!r} is not a page number (1 to {MAX_PAGE})")
    return int(text)


def _wire_term(term: Node) -> Term:
    if isinstance(term, URIRef):
        return ("iri", str(term), None, None)
    assert isinstance(term, Literal)
    return ("literal", str(term), None if term.language else (str(term.datatype) if term.datatype else None),
            term.language)


def _header(text: str) -> dict[str, Any]:
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        return {}
    data = yaml.safe_load("\n".join(lines)) or {}
    if not isinstance(data, dict):
        raise CannedQueryError("the #+ header is not a YAML mapping")
    return data


def _pairs(items: Any) -> dict[str, Any]:
    """grlc writes defaults and enumerations as a list of one-key mappings (or a mapping)."""
    if items is None:
        return {}
    if isinstance(items, dict):
        return dict(items)
    merged: dict[str, Any] = {}
    for item in items:
        if isinstance(item, dict):
            merged.update(item)
        else:
            merged[str(item)] = None
    return merged


def _analyse(text: str, path: Path) -> tuple[str, set[str], set[str]]:
    """The query's form, the variables it uses and (for a SELECT) the ones it projects. The text is the project's
    own: pyoxigraph checks it by running it on an empty store (in microseconds), except a federated one, which
    rdflib parses instead, so that loading the queries never calls a SERVICE."""
    form = query_form(text)
    if form is None:
        raise CannedQueryError(f"{path.name}: not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    if uses_service(text):
        try:
            prepared = prepareQuery(text)
        except Exception as exc:  # noqa: BLE001 - rdflib raises pyparsing's and its own errors
            raise CannedQueryError(f"{path.name}: not a SPARQL query: {exc}") from exc
        # CompValue.get takes no default (its second argument is ``variables``); a SELECT's algebra always has PV
        projected = {str(v) for v in prepared.algebra.get("PV")} if form == "SELECT" else set()
    else:
        try:
            answer = ox.Store().query(text)
        except SyntaxError as exc:
            raise CannedQueryError(f"{path.name}: not a SPARQL query: {exc}") from exc
        projected = ({v.value for v in answer.variables} if isinstance(answer, ox.QuerySolutions) else set())
    return form, variables(text), projected


def parse_query_file(path: Path) -> CannedQuery:
    path = Path(path)
    name = path.stem
    if not _NAME.match(name):
        raise CannedQueryError(f"{path.name}: a canned query's file name must be lower-case words and hyphens")
    text = path.read_text(encoding="utf-8")
    try:
        header = _header(text)
    except yaml.YAMLError as exc:
        raise CannedQueryError(f"{path.name}: bad #+ header: {exc}") from exc
    form, variables, projected = _analyse(text, path)
    seen: dict[str, Parameter] = {}
    def first_use(var: str) -> int:
        return min((i for i in (text.find("?" + var), text.find("$" + var)) if i >= 0), default=len(text))

    for var in sorted(variables, key=first_use):  # in the order the text uses them
        match = _PARAM.match("?" + var)
        if match is None:
            continue
        try:
            p = _parameter(match.group(1), match.group(2))
        except CannedQueryError as exc:
            raise CannedQueryError(f"{path.name}: {exc}") from exc
        seen.setdefault(p.name, p)
    if form == "SELECT":
        missing = sorted(p.variable for p in seen.values() if p.variable not in projected)
        if missing:
            raise CannedQueryError(f"{path.name}: a SELECT must project its parameters to have them bound "
                                   f"(SEP-0007): add ?{', ?'.join(missing)} to the projection")
    defaults = _pairs(header.get("defaults"))
    enums = _pairs(header.get("enumerate"))
    params = []
    for p in seen.values():
        enum = enums.get(p.name)
        params.append(Parameter(
            name=p.name, variable=p.variable, required=p.required, kind=p.kind, datatype=p.datatype,
            language=p.language, default=None if defaults.get(p.name) is None else str(defaults[p.name]),
            enum=tuple(str(v) for v in enum) if isinstance(enum, list) else ()))
    for key in [*defaults, *enums]:
        if key not in seen:
            raise CannedQueryError(f"{path.name}: header names parameter {key!r}, which the query does not use")
    tags = header.get("tags") or []
    pagination = header.get("pagination")
    return CannedQuery(
        name=name, path=path, text=text,
        summary=str(header.get("summary", name)).strip(),
        description=str(header.get("description", "")).strip(),
        form=form,
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        method=str(header.get("method", "GET")).upper(),
        pagination=int(pagination) if pagination else None,
        parameters=tuple(params),
    )


def load_queries(layout: Layout | None = None) -> dict[str, CannedQuery]:
    """Every ``queries/*.rq`` of the knowledge base, by name."""
    layout = layout or default_layout()
    return {q.name: q for q in map(parse_query_file, layout.query_files())}
