"""The HTML page of an entity (``/id/x.html``, ``/concept/x.html``): a summary, then its claims grouped by kind.

The summary: label and other names, kinds, where it operates, its Wikidata link, the other statements about it, where
the sources name it, counts of the claims that point at it by kind and status (a SPARQL aggregate), and the
neighbour network (a widget of :mod:`allegiance.web.pictures`). Then one section per kind of claim, one line a claim
(status, date, label, role, source), its excerpts and responses in a ``<details>``, paged (``?group=<kind>&page=N``)
so that no page grows with the graph. Every query goes through the executor; the answers are SPARQL JSON.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from allegiance.namespaces import ALG, PREFIXES, WD, sparql_prologue
from allegiance.namespaces import prefixed_name as qname
from allegiance.web.source_text import SourceTexts
from allegiance.web.views import View, best_label, iri_view, literal_view

PAGE_SIZE = 20
WIKIDATA_PAGE = "https://www.wikidata.org/wiki/"

# (the SELECTs project $E: the engine binds only projected variables)
# the most specific class of a claim ?c, as ?kind (the inferences give every subclass of alg:Claim directly)
CLAIM_KIND = """?c a ?kind . ?kind rdfs:subClassOf alg:Claim .
  FILTER NOT EXISTS { ?c a ?sub . ?sub rdfs:subClassOf ?kind . FILTER(?sub != ?kind) }"""

COUNTS = sparql_prologue() + f"""SELECT $E ?kind ?status (COUNT(DISTINCT ?c) AS ?n) WHERE {{
  ?c ?role $E . {CLAIM_KIND}
  OPTIONAL {{ ?c alg:status ?status }}
}} GROUP BY $E ?kind ?status"""

CLAIMS = sparql_prologue() + f"""SELECT $E ?c ?role ?kind ?label ?status ?statusLabel ?date ?earliest ?source
  ?sourceTitle WHERE {{
  ?c ?role $E . {CLAIM_KIND}
  OPTIONAL {{ ?c rdfs:label ?label }}
  OPTIONAL {{ ?c alg:status ?status OPTIONAL {{ ?status skos:prefLabel ?statusLabel }} }}
  OPTIONAL {{ ?c dcterms:date ?date }}
  OPTIONAL {{ ?c alg:earliest ?earliest }}
  OPTIONAL {{ ?c prov:wasDerivedFrom ?source OPTIONAL {{ ?source dcterms:title ?sourceTitle }} }}
}}"""

EXCERPTS = sparql_prologue() + """SELECT DISTINCT $E ?c ?source ?excerpt WHERE {
  ?c ?role $E . ?c a alg:Claim ; prov:qualifiedDerivation ?d . ?d prov:entity ?source ; alg:excerpt ?excerpt
}"""

RESPONSES = sparql_prologue() + """SELECT DISTINCT $E ?c ?r ?rkind ?rlabel WHERE {
  ?c ?role $E . ?c a alg:Claim . ?r alg:respondsTo ?c ; a ?rkind .
  FILTER(?rkind IN (alg:Denial, alg:Dispute, alg:Corroboration))
  OPTIONAL { ?r rdfs:label ?rlabel }
}"""

LINKED = sparql_prologue() + """SELECT DISTINCT $E ?s ?p ?label WHERE {
  ?s ?p $E . FILTER(isIRI(?s)) FILTER NOT EXISTS { ?s a alg:Claim }
  OPTIONAL { ?s rdfs:label|skos:prefLabel ?label }
} LIMIT 2000"""

OWN = sparql_prologue() + """CONSTRUCT {
  $E ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 . ?x rdfs:label ?xl . ?x skos:prefLabel ?xp . ?x dcterms:title ?xt .
} WHERE {
  { $E ?p ?o }
  UNION { $E ?p ?o . FILTER isBlank(?o) ?o ?p2 ?o2 }
  UNION { $E ?p ?o . FILTER isBlank(?o) ?o ?p2 ?o2 . FILTER isBlank(?o2) ?o2 ?p3 ?o3 }
  UNION { { $E ?p ?x } UNION { $E ?p ?o . FILTER isBlank(?o) ?o ?p2 ?x }
          { ?x rdfs:label ?xl } UNION { ?x skos:prefLabel ?xp } UNION { ?x dcterms:title ?xt } }
}"""

QUERIES = {"counts": COUNTS, "claims": CLAIMS, "excerpts": EXCERPTS, "responses": RESPONSES, "linked": LINKED}

SPECIAL = {str(RDFS.label), PREFIXES["skos"] + "altLabel", PREFIXES["rdf"] + "type", str(ALG.operatesIn),
           PREFIXES["skos"] + "exactMatch", PREFIXES["prov"] + "wasDerivedFrom",
           PREFIXES["prov"] + "qualifiedDerivation"}


class BadPage(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


def rows(body: bytes) -> list[dict[str, dict[str, str]]]:
    """The bindings of a SPARQL JSON answer."""
    return json.loads(body)["results"]["bindings"]


@dataclass
class ClaimLine:
    iri: str
    kind: str
    labels: list[tuple[str, str]] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    status: str | None = None
    status_label: str | None = None
    date: str | None = None
    earliest: str | None = None
    sources: dict[str, str | None] = field(default_factory=dict)  # IRI -> title
    excerpts: dict[str, list[str]] = field(default_factory=dict)  # source IRI -> excerpts (in text order)
    responses: list[tuple[str, str, str | None]] = field(default_factory=list)  # (IRI, kind, label)

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.earliest or self.date or "9999", (best_label(self.labels) or self.iri).lower())


class EntityPage:
    """The context of ``entity.html``, from the answers of :data:`QUERIES` and :data:`OWN` (parsed in a thread)."""

    def __init__(self, ontology: Graph, texts: SourceTexts, prefix: str):
        self.ontology, self.texts, self.prefix = ontology, texts, prefix

    def term_label(self, iri: str) -> str:
        node = URIRef(iri)
        labels = [(str(x), getattr(x, "language", None) or "") for x in self.ontology.objects(node, RDFS.label)]
        return best_label(labels) or qname(iri)

    def _roles(self, roles: set[str]) -> list[str]:
        """The most specific of the properties that link a claim to the entity (the inferences add their
        super-properties)."""
        def supers(p: str) -> set[str]:
            return {str(x) for x in self.ontology.transitive_objects(URIRef(p), RDFS.subPropertyOf)} - {p}

        broader = set().union(*(supers(r) for r in roles)) if roles else set()
        return sorted(r for r in roles if r not in broader)

    def claims(self, answers: Mapping[str, bytes]) -> dict[str, ClaimLine]:
        claims: dict[str, ClaimLine] = {}
        for row in rows(answers["claims"]):
            c = claims.setdefault(row["c"]["value"], ClaimLine(row["c"]["value"], row["kind"]["value"]))
            c.roles.add(row["role"]["value"])
            if "label" in row and (row["label"]["value"], row["label"].get("xml:lang", "")) not in c.labels:
                c.labels.append((row["label"]["value"], row["label"].get("xml:lang", "")))
            if "status" in row:
                c.status = row["status"]["value"]
                c.status_label = c.status_label or row.get("statusLabel", {}).get("value")
            c.date = row.get("date", {}).get("value", c.date)
            c.earliest = row.get("earliest", {}).get("value", c.earliest)
            if "source" in row:
                c.sources[row["source"]["value"]] = row.get("sourceTitle", {}).get("value")
        for row in rows(answers["excerpts"]):
            if (found := claims.get(row["c"]["value"])) is not None:
                found.excerpts.setdefault(row["source"]["value"], []).append(row["excerpt"]["value"])
        for line in claims.values():
            for source, items in line.excerpts.items():
                items.sort(key=lambda e, s=source: self.texts.position(s, e))  # type: ignore[misc]
        for row in rows(answers["responses"]):
            if (found := claims.get(row["c"]["value"])) is not None:
                item = (row["r"]["value"], qname(row["rkind"]["value"]).split(":")[-1].lower(),
                        row.get("rlabel", {}).get("value"))
                if item not in found.responses:
                    found.responses.append(item)
        return claims

    def line(self, c: ClaimLine) -> dict[str, Any]:
        p = self.prefix
        return {
            "id": "c-" + c.iri.rsplit("/", 1)[-1],
            "node": iri_view(c.iri, p, best_label(c.labels)),
            "status": (c.status_label or qname(c.status).split(":")[-1]) if c.status else "",
            "status_key": c.status.rsplit("/", 1)[-1] if c.status else "none",
            "date": c.date or c.earliest or "",
            "roles": [self.term_label(r) for r in self._roles(c.roles)],
            "sources": [iri_view(s, p, t) for s, t in sorted(c.sources.items())],
            "excerpts": [(iri_view(s, p, c.sources.get(s)), items) for s, items in sorted(c.excerpts.items())],
            "responses": [(kind, iri_view(r, p, label)) for r, kind, label in sorted(c.responses)],
        }

    def counts(self, body: bytes) -> dict[str, Any]:
        table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        statuses: dict[str, int] = defaultdict(int)
        for row in rows(body):
            status = row["status"]["value"].rsplit("/", 1)[-1] if "status" in row else "none"
            n = int(row["n"]["value"])
            table[row["kind"]["value"]][status] += n
            statuses[status] += n
        kinds = sorted(table, key=lambda k: (-sum(table[k].values()), k))
        order = sorted(statuses, key=lambda s: (-statuses[s], s))
        return {"kinds": [(k, self.term_label(k), _anchor(k), dict(table[k]), sum(table[k].values())) for k in kinds],
                "statuses": order, "by_status": dict(statuses), "total": sum(statuses.values())}

    def groups(self, claims: dict[str, ClaimLine], group: str | None, page: int) -> list[dict[str, Any]]:
        by_kind: dict[str, list[ClaimLine]] = defaultdict(list)
        for c in claims.values():
            by_kind[c.kind].append(c)
        if group is not None and group not in {_anchor(k) for k in by_kind}:
            raise BadPage("group", f"parameter 'group': no claims of kind {group!r} here")
        out = []
        for kind in sorted(by_kind, key=lambda k: (-len(by_kind[k]), k)):
            items = sorted(by_kind[kind], key=lambda c: c.sort_key)
            key = _anchor(kind)
            pages = max(1, -(-len(items) // PAGE_SIZE))
            current = page if key == group else 1
            if current > pages:
                raise BadPage("page", f"parameter 'page': {self.term_label(kind)} has {pages} page(s), "
                                      f"not {current}")
            shown = items[(current - 1) * PAGE_SIZE:current * PAGE_SIZE]
            out.append({"key": key, "label": self.term_label(kind), "iri": kind, "count": len(items),
                        "page": current, "pages": pages, "first": (current - 1) * PAGE_SIZE + 1,
                        "links": [(n, "?" + urlencode({"group": key, "page": n}) + "#" + key)
                                  for n in range(1, pages + 1)],
                        "claims": [self.line(c) for c in shown]})
        return out

    def linked(self, body: bytes) -> list[tuple[str, list[View]]]:
        by_property: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(dict)
        for row in rows(body):
            labels = by_property[row["p"]["value"]].setdefault(row["s"]["value"], [])
            if "label" in row:
                labels.append((row["label"]["value"], row["label"].get("xml:lang", "")))
        out = []
        for p, subjects in sorted(by_property.items(), key=lambda kv: self.term_label(kv[0])):
            views = [iri_view(s, self.prefix, best_label(labels)) for s, labels in subjects.items()]
            out.append((self.term_label(p), sorted(views, key=lambda v: v.text.lower())))
        return out

    def summary(self, g: Graph, iri: str) -> dict[str, Any]:
        node = URIRef(iri)
        p = self.prefix

        def label_of(x: Any) -> str | None:
            labels = [(str(v), getattr(v, "language", None) or "")
                      for pred in (RDFS.label, URIRef(PREFIXES["skos"] + "prefLabel"),
                                   URIRef(PREFIXES["dcterms"] + "title")) for v in g.objects(x, pred)]
            return best_label(labels)

        def view(x: Any, depth: int = 0) -> View:
            if isinstance(x, URIRef):
                return iri_view(str(x), p, label_of(x) or (self.term_label(str(x)) if str(x).startswith(
                    str(ALG)) else None))
            if hasattr(x, "datatype") or hasattr(x, "language"):
                return literal_view(str(x), str(x.datatype) if x.datatype else None, x.language)
            children = [(iri_view(str(q), p, self.term_label(str(q))), view(o, depth + 1))
                        for q, o in sorted(g.predicate_objects(x))] if depth < 3 else []
            return View("", children=children)

        names = sorted({(str(x), getattr(x, "language", None) or "")
                        for pred in (RDFS.label, URIRef(PREFIXES["skos"] + "altLabel")) for x in g.objects(node, pred)})
        title = label_of(node) or qname(iri)
        types = sorted((view(t) for t in g.objects(node, URIRef(PREFIXES["rdf"] + "type"))),
                       key=lambda v: (not v.title.startswith(str(ALG)), v.text))
        wikidata = [(str(x)[len(str(WD)):], WIKIDATA_PAGE + str(x)[len(str(WD)):])
                    for x in g.objects(node, URIRef(PREFIXES["skos"] + "exactMatch")) if str(x).startswith(str(WD))]
        statements = sorted(((iri_view(str(q), p, self.term_label(str(q))), view(o))
                             for q, o in g.predicate_objects(node) if str(q) not in SPECIAL),
                            key=lambda r: (r[0].text, r[1].text))
        derivations = []
        for d in g.objects(node, URIRef(PREFIXES["prov"] + "qualifiedDerivation")):
            source = g.value(d, URIRef(PREFIXES["prov"] + "entity"))
            if source is None:
                continue
            excerpts = sorted((str(e) for e in g.objects(d, ALG.excerpt)),
                              key=lambda e: self.texts.position(str(source), e))
            derivations.append((view(source), excerpts))
        return {"title": title, "other_names": [n for n in names if n[0] != title], "types": types,
                "operates_in": sorted((view(x) for x in g.objects(node, ALG.operatesIn)), key=lambda v: v.text),
                "wikidata": sorted(wikidata), "statements": statements,
                "derivations": sorted(derivations, key=lambda d: d[0].text)}


def _anchor(kind_iri: str) -> str:
    return kind_iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()


def page_number(raw: str | None) -> int:
    if raw is None:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise BadPage("page", f"parameter 'page': {raw[:40]!r} is not a page number")
    return int(raw)
