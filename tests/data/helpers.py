"""Shared helpers of the data tests: the cited texts (with and without link previews), claims and their dates."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from allegiance.paths import default_layout

ALG = Namespace("https://w3id.org/allegiance/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
CONCEPT = Namespace("https://w3id.org/allegiance/concept/")
ID = "https://w3id.org/allegiance/id/"

VAGUE_BOUNDS = {"dozens": 24, "hundreds": 200, "thousands": 2000, "millions": 2000000}


def short(node) -> str:
    s = str(node)
    for prefix, ns in (("id:", ID), ("alg:", str(ALG)), ("concept:", str(CONCEPT))):
        if s.startswith(ns):
            return prefix + s[len(ns):]
    return s


def fold(text: str) -> str:
    """White space folded, typographic quotes and dashes made plain (for comparing labels with the text)."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    return " ".join(text.split())


def is_preview_line(line: str) -> bool:
    """A link-preview paragraph of the encyclopedia source: the linked article's opening, cut off with ' ...'."""
    return line.rstrip().endswith(" ...")


@lru_cache(maxsize=None)
def source_texts() -> dict[str, tuple[str, str]]:
    """Per source stem: (the text without link-preview paragraphs, the whole text), both folded."""
    out = {}
    for path in sorted(Path(default_layout().sources).glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        out[path.stem] = (fold(" ".join(l for l in lines if not is_preview_line(l))), fold(" ".join(lines)))
    return out


def subclasses(g: Graph, cls) -> set:
    found, todo = {cls}, [cls]
    while todo:
        c = todo.pop()
        for s in g.subjects(RDFS.subClassOf, c):
            if s not in found:
                found.add(s)
                todo.append(s)
    return found


def subproperties(g: Graph, prop) -> set:
    found, todo = {prop}, [prop]
    while todo:
        p = todo.pop()
        for s in g.subjects(RDFS.subPropertyOf, p):
            if s not in found:
                found.add(s)
                todo.append(s)
    return found


def claims(g: Graph) -> set:
    return {s for c in subclasses(g, ALG.Claim) for s in g.subjects(RDF.type, c)}


def claimants(g: Graph, node) -> set:
    return {o for p in subproperties(g, ALG.claimedBy) for o in g.objects(node, p)}


def excerpts(g: Graph, node) -> list[str]:
    return [str(e) for d in g.objects(node, PROV.qualifiedDerivation) for e in g.objects(d, ALG.excerpt)]


def sources_of(g: Graph, node) -> set:
    return set(g.objects(node, PROV.wasDerivedFrom))


# --- dates -----------------------------------------------------------------------------------------------

def bounds_of_literal(lit: Literal) -> tuple[dt.date, dt.date]:
    """The first and last day a date literal of year, year-month or day precision stands for."""
    s = str(lit)
    if re.fullmatch(r"\d{4}", s):
        y = int(s)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if re.fullmatch(r"\d{4}-\d{2}", s):
        y, m = map(int, s.split("-"))
        return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
    d = dt.date.fromisoformat(s[:10])
    return d, d


def _instant(g: Graph, instant):
    if instant is None:
        return None
    for p in (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear):
        v = g.value(instant, p)
        if v is not None:
            return v
    return None


def stated_bounds(g: Graph, node) -> tuple[dt.date, dt.date] | None:
    """(earliest, latest) day of a claim's or event's date, derived from what the data states.

    dcterms:date when given; else the interval of org:memberDuring or alg:period: from the first day of its
    beginning (or, with only an end, of the end) to the last day of its end (or, with only a beginning, of the
    beginning). None when the node is undated.
    """
    date = g.value(node, DCTERMS.date)
    if date is not None:
        return bounds_of_literal(date)
    interval = g.value(node, ORG.memberDuring) or g.value(node, ALG.period)
    if interval is None:
        return None
    begin = _instant(g, g.value(interval, TIME.hasBeginning))
    end = _instant(g, g.value(interval, TIME.hasEnd))
    if begin is None and end is None:
        return None
    first = bounds_of_literal(begin if begin is not None else end)[0]
    last = bounds_of_literal(end if end is not None else begin)[1]
    return first, last


def order_excerpts(text: str, parts: list[str]) -> list[str]:
    """The distinct excerpts of one derivation in the order they occur in ``text`` (white space folded).

    A short excerpt can occur several times in a document: each is placed at its occurrence nearest to the
    longest excerpt of the derivation (the anchor), which occurs where the quoted passage is.
    """
    folded = " ".join(text.split())
    parts = list(dict.fromkeys(" ".join(p.split()) for p in parts))
    anchor = max(parts, key=len)
    at = folded.find(anchor)

    def position(part: str) -> int:
        hits, i = [], folded.find(part)
        while i >= 0:
            hits.append(i)
            i = folded.find(part, i + 1)
        return min(hits, key=lambda h: abs(h - at)) if hits else -1

    return sorted(parts, key=lambda p: (position(p), -len(p), p))
