"""A Wikidata-shaped export of the graph's pledges and branch ties, for people who contribute back to Wikidata.

What is exported (``docs/wikidata-export.md`` gives the reasons and the limits):

* an ``alg:Pledge`` of ``alg:pledgeKind concept:allegiance`` and ``alg:scope concept:whole-group`` becomes the
  statement *member* P945 (allegiance) *organization*;
* an ``alg:Affiliation`` of ``alg:affiliationKind concept:branch`` becomes *member* P749 (parent organization)
  *organization*, and one of ``concept:umbrella-member`` *member* P361 (part of) *organization*;
* only when both sides carry a Wikidata mapping in the data (exactly one ``skos:exactMatch wd:Q...``); nothing is
  looked up, and no identifier is ever made up;
* only claims whose ``alg:status`` is ``concept:alleged`` or ``concept:corroborated`` (a claim without a status has
  no response, so it counts as alleged): a denied or disputed claim is left out;
* qualifiers P580 (start time) and P582 (end time) from the beginning and end of ``org:memberDuring``, at the
  precision the data gives (year 9, month 10, day 11);
* one reference per report: S854 (reference URL) only when the source document records its web address
  (``dcterms:source``, an http(s) IRI), else S1476 (title) and, when the document gives it, S577 (publication date,
  ``dcterms:issued``).

Every other claim is listed in :attr:`Export.left_out` with the reason. Two renderings: QuickStatements (version 1
commands, one tab-separated line per report) and a JSON document whose statements follow Wikibase's JSON (mainsnak,
qualifiers, references), each with the IRIs of the claims and sources it comes from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, SKOS, TIME, XSD
from rdflib.term import Node

from allegiance.namespaces import ALG, CONCEPT

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
_QID = re.compile(r"^http://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")

P_ALLEGIANCE = "P945"
P_PARENT_ORGANIZATION = "P749"
P_PART_OF = "P361"
P_START_TIME = "P580"
P_END_TIME = "P582"
P_REFERENCE_URL = "P854"
P_TITLE = "P1476"
P_PUBLICATION_DATE = "P577"

EXPORTED_STATUSES = {CONCEPT.alleged, CONCEPT.corroborated}
AFFILIATION_PROPERTIES = {CONCEPT.branch: P_PARENT_ORGANIZATION, CONCEPT["umbrella-member"]: P_PART_OF}

# Wikibase time precision by the datatype of the stated date
_PRECISION = {XSD.gYear: 9, XSD.gYearMonth: 10, XSD.date: 11}


@dataclass(frozen=True)
class Time:
    """A Wikibase time value: the date's text as stated, and its precision (9 year, 10 month, 11 day)."""

    year: int
    month: int
    day: int
    precision: int

    @classmethod
    def from_literal(cls, literal: Literal) -> Time:
        precision = _PRECISION.get(literal.datatype) if isinstance(literal.datatype, URIRef) else None
        m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(literal))
        if precision is None or m is None:
            raise ValueError(f"not a date of year, month or day precision: {literal.n3()}")
        year, month, day = (int(g) if g else 0 for g in m.groups())
        return cls(year, month if precision >= 10 else 0, day if precision >= 11 else 0, precision)

    def quickstatements(self) -> str:
        return f"+{self.year:04d}-{self.month:02d}-{self.day:02d}T00:00:00Z/{self.precision}"

    def wikibase(self) -> dict[str, object]:
        return {"time": f"+{self.year:04d}-{self.month:02d}-{self.day:02d}T00:00:00Z", "timezone": 0, "before": 0,
                "after": 0, "precision": self.precision, "calendarmodel": "http://www.wikidata.org/entity/Q1985727"}


@dataclass(frozen=True)
class Reference:
    source: URIRef
    url: str | None = None
    title: Literal | None = None
    published: Time | None = None

    def snaks(self) -> list[tuple[str, object]]:
        if self.url is not None:
            return [(P_REFERENCE_URL, self.url)]
        out: list[tuple[str, object]] = []
        if self.title is not None:
            out.append((P_TITLE, self.title))
        if self.published is not None:
            out.append((P_PUBLICATION_DATE, self.published))
        return out


@dataclass(frozen=True)
class Statement:
    """One Wikidata statement drawn from one report (claim node) of the graph."""

    claim: URIRef
    subject: str  # Q-id
    property: str  # P-id
    value: str  # Q-id
    start: Time | None
    end: Time | None
    references: tuple[Reference, ...]

    def quickstatements(self) -> list[str]:
        """One QuickStatements line per reference (QuickStatements adds each reference to the one statement)."""
        head = [self.subject, self.property, self.value]
        if self.start is not None:
            head += [P_START_TIME, self.start.quickstatements()]
        if self.end is not None:
            head += [P_END_TIME, self.end.quickstatements()]
        lines = []
        for ref in self.references or (Reference(self.claim),):
            cells = list(head)
            for prop, value in ref.snaks():
                cells += ["S" + prop[1:], _qs_value(value)]
            lines.append("\t".join(cells))
        return lines

    def wikibase(self) -> dict[str, object]:
        qualifiers: dict[str, list[dict[str, object]]] = {}
        if self.start is not None:
            qualifiers[P_START_TIME] = [_snak(P_START_TIME, self.start)]
        if self.end is not None:
            qualifiers[P_END_TIME] = [_snak(P_END_TIME, self.end)]
        return {
            "subject": self.subject,
            "mainsnak": _snak(self.property, self.value),
            "type": "statement",
            "rank": "normal",
            "qualifiers": qualifiers,
            "references": [{"snaks": {p: [_snak(p, v)] for p, v in ref.snaks()}, "source": str(ref.source)}
                           for ref in self.references],
            "claim": str(self.claim),
        }


@dataclass
class Export:
    statements: list[Statement] = field(default_factory=list)
    left_out: list[tuple[URIRef, str]] = field(default_factory=list)

    def quickstatements(self) -> str:
        return "".join(line + "\n" for s in self.statements for line in s.quickstatements())

    def json(self) -> str:
        doc = {
            "statements": [s.wikibase() for s in self.statements],
            "left_out": [{"claim": str(c), "reason": r} for c, r in self.left_out],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def entities(self) -> set[str]:
        return {q for s in self.statements for q in (s.subject, s.value)}


def _qs_value(value: object) -> str:
    if isinstance(value, Time):
        return value.quickstatements()
    if isinstance(value, Literal):  # monolingual text; QuickStatements strings cannot hold a double quote
        text = " ".join(str(value).split()).replace('"', "'")
        return f'{value.language or "en"}:"{text}"'
    return f'"{value}"' if str(value).startswith("http") else str(value)


def _snak(prop: str, value: object) -> dict[str, object]:
    datavalue: dict[str, object]
    if isinstance(value, Time):
        datavalue = {"type": "time", "value": value.wikibase()}
    elif isinstance(value, Literal):
        datavalue = {"type": "monolingualtext",
                     "value": {"text": " ".join(str(value).split()), "language": value.language or "en"}}
    elif prop == P_REFERENCE_URL:
        datavalue = {"type": "string", "value": str(value)}
    else:
        datavalue = {"type": "wikibase-entityid", "value": {"entity-type": "item", "id": str(value)}}
    return {"snaktype": "value", "property": prop, "datavalue": datavalue}


def wikidata_id(graph: Graph, node: Node | None) -> str | None:
    """The Q-id the data maps ``node`` to: its one ``skos:exactMatch`` Wikidata item, else None (no mapping, or
    several, which would be ambiguous)."""
    if node is None:
        return None
    ids = {m.group(1) for o in graph.objects(node, SKOS.exactMatch) if (m := _QID.match(str(o)))}
    return ids.pop() if len(ids) == 1 else None


def _instant(graph: Graph, instant: Node | None) -> Time | None:
    if instant is None:
        return None
    for p in (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear):
        value = graph.value(instant, p)
        if isinstance(value, Literal):
            return Time.from_literal(value)
    return None


def _references(graph: Graph, claim: URIRef) -> tuple[Reference, ...]:
    refs = []
    for doc in sorted(d for d in graph.objects(claim, PROV.wasDerivedFrom) if isinstance(d, URIRef)):
        urls = sorted(str(u) for u in graph.objects(doc, DCTERMS.source)
                      if isinstance(u, URIRef) and str(u).startswith(("http://", "https://")))
        if urls:
            refs.append(Reference(doc, url=urls[0]))
            continue
        titles = sorted((t for t in graph.objects(doc, DCTERMS.title) if isinstance(t, Literal)),
                        key=lambda t: (t.language != "en", str(t)))
        issued = graph.value(doc, DCTERMS.issued)
        refs.append(Reference(doc, title=titles[0] if titles else None,
                              published=Time.from_literal(issued) if isinstance(issued, Literal) else None))
    return tuple(refs)


def _property_of(graph: Graph, claim: URIRef) -> tuple[str | None, list[str]]:
    """The Wikidata property a claim becomes, or None with the reasons it is left out."""
    if (claim, RDF.type, ALG.Pledge) in graph:
        kind, scope = graph.value(claim, ALG.pledgeKind), graph.value(claim, ALG.scope)
        reasons = []
        if kind != CONCEPT.allegiance:
            reasons.append(f"pledge of kind {_local(kind)} (P945 is allegiance, not declared support)")
        if scope != CONCEPT["whole-group"]:
            reasons.append(f"pledge of scope {_local(scope)} (P945 would say the whole group pledged)")
        return (None if reasons else P_ALLEGIANCE), reasons
    kind = graph.value(claim, ALG.affiliationKind)
    prop = AFFILIATION_PROPERTIES.get(kind) if isinstance(kind, URIRef) else None
    if prop is None:
        return None, [f"affiliation of kind {_local(kind)} (no Wikidata property states it)"]
    return prop, []


def _local(node: Node | None) -> str:
    return "none" if node is None else str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def export(graph: Graph) -> Export:
    """The statements the graph's pledges and affiliations give, and every such claim left out with its reason."""
    out = Export()
    claims = {c for k in (ALG.Pledge, ALG.Affiliation) for c in graph.subjects(RDF.type, k) if isinstance(c, URIRef)}
    for claim in sorted(claims):
        member, organization = graph.value(claim, ORG.member), graph.value(claim, ORG.organization)
        prop, reasons = _property_of(graph, claim)
        status = graph.value(claim, ALG.status)
        if status is not None and status not in EXPORTED_STATUSES:
            reasons.append(f"status {_local(status)} (only alleged and corroborated claims are exported)")
        subject, value = wikidata_id(graph, member), wikidata_id(graph, organization)
        for node, qid in ((member, subject), (organization, value)):
            if qid is None:
                reasons.append(f"no Wikidata mapping in the data for {_local(node)}")
        if prop is None or subject is None or value is None or reasons:
            out.left_out.append((claim, "; ".join(reasons)))
            continue
        interval = graph.value(claim, ORG.memberDuring)
        start = _instant(graph, graph.value(interval, TIME.hasBeginning)) if interval is not None else None
        end = _instant(graph, graph.value(interval, TIME.hasEnd)) if interval is not None else None
        out.statements.append(Statement(claim, subject, prop, value, start, end, _references(graph, claim)))
    return out
