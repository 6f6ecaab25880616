"""Content negotiation: which serialization answers a request, from its Accept header (q-values honoured).

Offers are tried in the server's order of preference; the Accept range that matches an offer most specifically
gives its q-value (``text/turtle`` before ``text/*`` before ``*/*``); the highest q wins, ties go to the earlier
offer; ``None`` when nothing acceptable is offered (the caller answers 406). A ``format=`` parameter (a short
name or a media type) overrides the header.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a query returns."""

    SOLUTIONS = "solutions"  # SELECT
    BOOLEAN = "boolean"  # ASK
    GRAPH = "graph"  # CONSTRUCT, DESCRIBE


@dataclass(frozen=True)
class Format:
    media_type: str  # what the response's Content-Type says
    name: str  # the serializer's name (pyoxigraph RdfFormat / QueryResultsFormat member, or "html")
    aliases: tuple[str, ...] = ()  # other media types a client may ask for with the same meaning
    short: tuple[str, ...] = ()  # names for the format= parameter
    extension: str = ""
    rdflib_name: str = ""  # rdflib's serializer for RDF documents (entity pages, descriptions)
    sd_name: str = ""  # its name in http://www.w3.org/ns/formats/ (service description)


SPARQL_JSON = Format("application/sparql-results+json", "JSON", ("application/json",), ("json", "srj"), "srj",
                     sd_name="SPARQL_Results_JSON")
SPARQL_XML = Format("application/sparql-results+xml", "XML", ("application/xml", "text/xml"), ("xml", "srx"), "srx",
                    sd_name="SPARQL_Results_XML")
CSV = Format("text/csv", "CSV", (), ("csv",), "csv", sd_name="SPARQL_Results_CSV")
TSV = Format("text/tab-separated-values", "TSV", (), ("tsv",), "tsv", sd_name="SPARQL_Results_TSV")
# N3 is a superset of Turtle: a client asking for N3 (SPARQLWrapper's N3 mode) is answered with Turtle.
TURTLE = Format("text/turtle", "TURTLE", ("application/x-turtle", "text/n3", "text/rdf+n3"),
                ("turtle", "ttl", "n3"), "ttl", "turtle", "Turtle")
N_TRIPLES = Format("application/n-triples", "N_TRIPLES", ("text/plain",), ("nt", "ntriples", "n-triples"), "nt", "nt",
                   "N-Triples")
JSON_LD = Format("application/ld+json", "JSON_LD", ("application/json",), ("jsonld", "json-ld", "json"), "jsonld",
                 "json-ld", "JSON-LD")
RDF_XML = Format("application/rdf+xml", "RDF_XML", ("application/xml", "text/xml"), ("rdfxml", "rdf", "xml"), "rdf",
                 "xml", "RDF_XML")
N_QUADS = Format("application/n-quads", "N_QUADS", (), ("nq", "nquads"), "nq", "nquads", "N-Quads")
TRIG = Format("application/trig", "TRIG", (), ("trig",), "trig", "trig", "TriG")
HTML = Format("text/html", "html", ("application/xhtml+xml",), ("html",), "html")

RESULT_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
BOOLEAN_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG)
RDF_DOCUMENT_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)

OFFERS: dict[Kind, tuple[Format, ...]] = {
    Kind.SOLUTIONS: RESULT_FORMATS, Kind.BOOLEAN: BOOLEAN_FORMATS, Kind.GRAPH: GRAPH_FORMATS,
}


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 if this range does not match ``media_type``; else 0 (*/*), 1 (type/*) or 2 (exact)."""
        t, _, s = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != t:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == s else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a missing or empty header accepts everything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        mt = fields[0].lower()
        if not mt:
            continue
        if "/" not in mt:
            mt = "*/*" if mt == "*" else mt + "/*"
        t, _, s = mt.partition("/")
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(t, s or "*", q))
    return ranges


def _quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    best_spec, best_q = -1, 0.0
    for r in ranges:
        spec = r.specificity(media_type)
        if spec > best_spec or (spec == best_spec and r.q > best_q):
            best_spec, best_q = spec, r.q
    return best_q if best_spec >= 0 else 0.0


def choose(offers: Sequence[Format], accept: str | None, override: str | None = None) -> Format | None:
    """The best offer for a ``format=`` override (short name or media type) or else for the Accept header.

    An override that names none of ``offers`` (an unknown value, or a format of another kind of answer, such as
    SPARQLWrapper's ``format=json`` on a CONSTRUCT) is ignored and the Accept header decides, as at other public
    endpoints.
    """
    if override:
        wanted = override.strip().lower()
        for f in offers:
            if wanted in f.short or wanted == f.media_type or wanted in f.aliases:
                return f
    ranges = parse_accept(accept)
    best: Format | None = None
    best_q = 0.0
    for f in offers:
        q = max(_quality(ranges, mt) for mt in (f.media_type, *f.aliases))
        # an alias matches only explicitly (never through */* on its own): */* already matched the main type
        if q > best_q:
            best, best_q = f, q
    return best


def content_type(fmt: Format) -> str:
    """The Content-Type header of an answer in ``fmt`` (text types say their charset)."""
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")


def by_name(name: str) -> Format:
    """The format of a serializer name (``JSON``, ``TURTLE`` ...), as a worker reports it."""
    for f in (*RESULT_FORMATS, *GRAPH_FORMATS, HTML):
        if f.name == name:
            return f
    raise KeyError(name)


def describe(offers: Sequence[Format]) -> str:
    return ", ".join(f.media_type for f in offers)
