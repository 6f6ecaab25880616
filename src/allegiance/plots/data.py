"""``allegiance plot``: the allegiance network and the timeline of pledges and accusations, as SVG or PNG.

The same functions draw the pictures of the web UI (``/plots/network.svg``, ``/plots/timeline.svg``) and of the
command line (``allegiance plot network|timeline --out FILE.svg|.png [--year YYYY]``):

- :func:`network_data` and :func:`timeline_data` read the knowledge base with SPARQL (over a pyoxigraph store, or
  the :class:`~allegiance.store.ServedStore` the endpoint serves, whose default graph they use);
- :func:`draw_network` and :func:`draw_timeline` draw that data with matplotlib (no pyplot: safe to call from a
  worker thread), to a path or a binary buffer, as ``svg`` (text kept as text) or ``png``.

The pictures are deterministic: the same data gives the same bytes (fixed layout seed, sorted inputs, no date in
the file's metadata, fixed SVG ids).

The network's nodes are organizations (and any other agent that pledged); its edges are pledges from the pledger
to the organization pledged to, coloured by the kind of pledge (allegiance or declared support), solid while
ongoing and dashed once ended (the period has an end), optionally with affiliations drawn apart. The graph records
no region for an organization, so the picture does not colour by region.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from allegiance.namespaces import sparql_prologue

FORMATS = ("svg", "png")
ALG = "https://w3id.org/allegiance/ontology#"
CONCEPT = "https://w3id.org/allegiance/concept/"
LAYOUT_SEED = 20140629  # the day the caliphate was proclaimed: any fixed number would do

# colours (colour-blind safe: Okabe-Ito)


# ---------------------------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    iri: str
    label: str
    role: str  # "pledgee", "ongoing", "ended" or "affiliated" (see NODE_ROLE_LABELS)


@dataclass(frozen=True)
class Edge:
    claim: str  # the alg:Pledge or alg:Affiliation
    source: str  # org:member: the pledger
    target: str  # org:organization: pledged to
    relation: str  # "pledge" or "affiliation"
    kind: str | None  # local name of alg:pledgeKind / alg:affiliationKind ("allegiance", "declared-support", "ally")
    status: str | None  # local name of alg:status ("alleged", "denied", ...)
    start: str | None  # lexical form of the period's beginning (or of dcterms:date when the period has none)
    end: str | None  # lexical form of the period's end

    @property
    def ended(self) -> bool:
        return self.end is not None

    @property
    def start_year(self) -> int | None:
        return year_of(self.start)

    @property
    def end_year(self) -> int | None:
        return year_of(self.end)

    def active_in(self, year: int) -> bool | None:
        """Whether the period covers ``year`` (comparing years only); ``None`` when it has no known start."""
        start = self.start_year
        if start is None:
            return None
        end = self.end_year
        return start <= year and (end is None or end >= year)


@dataclass(frozen=True)
class NetworkData:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    year: int | None = None
    undated: int = 0  # claims left out of a year's picture because their start is unknown
    years: tuple[int, ...] = ()  # every year some pledge is active in (for a year picker)
    affiliations: bool = False

    def node(self, iri: str) -> Node:
        return next(n for n in self.nodes if n.iri == iri)

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year, "undated": self.undated, "years": list(self.years), "affiliations": self.affiliations,
            "nodes": [asdict(n) for n in self.nodes],
            "edges": [{**asdict(e), "ended": e.ended} for e in self.edges],
        }


@dataclass(frozen=True)
class Event:
    claim: str
    kind: str  # "pledge" or "accusation"
    date: str  # lexical form: 2014-11-17, 2014-06 or 2014
    label: str  # "pledger → pledgee" or "accuser: accused"

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def month(self) -> int | None:
        return int(self.date[5:7]) if len(self.date) >= 7 and self.date[4] == "-" else None


@dataclass(frozen=True)
class TimelineData:
    events: tuple[Event, ...]
    undated: dict[str, int] = field(default_factory=dict)  # kind -> claims with no date

    KINDS = ("pledge", "accusation")

    def per_year(self) -> dict[int, dict[str, int]]:
        """Claims per year and kind, every year from the first to the last (zeros included)."""
        if not self.events:
            return {}
        counts = Counter((e.year, e.kind) for e in self.events)
        first, last = min(e.year for e in self.events), max(e.year for e in self.events)
        return {y: {k: counts[(y, k)] for k in self.KINDS} for y in range(first, last + 1)}

    def per_month(self) -> dict[tuple[int, int], dict[str, int]]:
        """Claims per (year, month) and kind, for the claims dated to the month or the day."""
        counts = Counter((e.year, e.month, e.kind) for e in self.events if e.month)
        keys = sorted({(y, m) for (y, m, _) in counts})
        return {key: {k: counts[(*key, k)] for k in self.KINDS} for key in keys}

    def year_only(self) -> dict[str, int]:
        """Claims dated to the year alone, by kind."""
        c = Counter(e.kind for e in self.events if e.month is None)
        return {k: c[k] for k in self.KINDS}

    def to_json(self) -> dict[str, Any]:
        return {
            "events": [{**asdict(e), "year": e.year, "month": e.month} for e in self.events],
            "per_year": {str(y): v for y, v in self.per_year().items()},
            "undated": dict(self.undated),
        }


def year_of(lexical: str | None) -> int | None:
    """The year of an xsd:date / gYearMonth / gYear / dateTime lexical form (its first four digits)."""
    if not lexical or len(lexical) < 4 or not lexical[:4].isdigit():
        return None
    return int(lexical[:4])


def local_name(iri: str | None) -> str | None:
    if iri is None:
        return None
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def _query(store: Any, query: str) -> list[dict[str, str]]:
    """SELECT over the default graph of a ServedStore (the served merge) or of a pyoxigraph store (then the
    union of its graphs); rows of lexical values."""
    if isinstance(store, ox.Store):
        result = store.query(sparql_prologue() + query, use_default_graph_as_union=True)
    else:
        result = store.store.query(sparql_prologue() + query)
    assert isinstance(result, ox.QuerySolutions), "a SELECT query returns solutions"
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term.value
        rows.append(row)
    return rows


_LABELS = """
SELECT ?x (SAMPLE(?en) AS ?enLabel) (SAMPLE(?any) AS ?anyLabel) WHERE {
  VALUES ?x { %s }
  OPTIONAL { ?x rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
  OPTIONAL { ?x rdfs:label ?any }
} GROUP BY ?x
"""


def _labels(store: Any, iris: Iterable[str]) -> dict[str, str]:
    iris = sorted(set(iris))
    if not iris:
        return {}
    rows = _query(store, _LABELS % " ".join(f"<{i}>" for i in iris))
    labels = {r["x"]: r.get("enLabel") or r.get("anyLabel") for r in rows}
    return {i: labels.get(i) or local_name(i) or i for i in iris}


_MEMBERSHIPS = """
SELECT ?claim ?type ?member ?organization ?kind ?status
       (MIN(STR(?s)) AS ?start) (MAX(STR(?e)) AS ?end) (MIN(STR(?d)) AS ?date)
WHERE {
  VALUES ?type { alg:Pledge alg:Affiliation }
  ?claim a ?type ; org:member ?member ; org:organization ?organization .
  OPTIONAL { ?claim alg:pledgeKind|alg:affiliationKind ?kind }
  OPTIONAL { ?claim alg:status ?status }
  OPTIONAL { ?claim org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?s }
  OPTIONAL { ?claim org:memberDuring/time:hasEnd/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?e }
  OPTIONAL { ?claim dcterms:date ?d }
}
GROUP BY ?claim ?type ?member ?organization ?kind ?status
"""


def _memberships(store: Any) -> list[Edge]:
    edges = []
    for r in _query(store, _MEMBERSHIPS):
        relation = "pledge" if r["type"] == ALG + "Pledge" else "affiliation"
        edges.append(Edge(
            claim=r["claim"], source=r["member"], target=r["organization"], relation=relation,
            kind=local_name(r.get("kind")), status=local_name(r.get("status")),
            start=r.get("start") or r.get("date"), end=r.get("end")))
    # a claim with two kinds or statuses (not valid data, but possible) is kept once, deterministically
    unique: dict[str, Edge] = {}
    for e in sorted(edges, key=lambda e: (e.claim, e.kind or "", e.status or "")):
        unique.setdefault(e.claim, e)
    return sorted(unique.values(), key=lambda e: (e.relation, e.source, e.target, e.start or "", e.claim))


def network_data(store: Any, year: int | None = None, affiliations: bool = False) -> NetworkData:
    """The allegiance network: who pledged to whom, and with ``affiliations`` the other reported ties.

    With ``year``, only the claims whose period covers that year are kept (start year <= year and no end or end
    year >= year); claims with no known start are then left out and counted in ``undated``.
    """
    every = [e for e in _memberships(store) if affiliations or e.relation == "pledge"]
    known = [y for e in every for y in (e.start_year, e.end_year) if y is not None]
    horizon = max(known, default=0)  # an ongoing pledge counts as active up to the last year the data knows
    years: set[int] = set()
    for e in every:
        if e.relation == "pledge" and e.start_year is not None:
            last = e.end_year if e.end_year is not None else horizon
            years.update(range(e.start_year, max(e.start_year, last) + 1))
    edges = every
    undated = 0
    if year is not None:
        edges = [e for e in every if e.active_in(year)]
        undated = sum(1 for e in every if e.active_in(year) is None)
    labels = _labels(store, {e.source for e in edges} | {e.target for e in edges})
    pledgees = {e.target for e in edges if e.relation == "pledge"}
    roles: dict[str, str] = {}
    for iri in labels:
        own = [e for e in edges if e.source == iri and e.relation == "pledge"]
        if iri in pledgees:
            roles[iri] = "pledgee"
        elif own:
            roles[iri] = "ended" if all(e.ended for e in own) else "ongoing"
        else:
            roles[iri] = "affiliated"
    nodes = tuple(Node(iri, labels[iri], roles[iri]) for iri in sorted(labels, key=lambda i: (labels[i].lower(), i)))
    return NetworkData(nodes, tuple(edges), year, undated, tuple(sorted(years)), affiliations)


_EVENTS = """
SELECT ?claim ?kind (MIN(?when) AS ?date) (SAMPLE(?from) AS ?fromLabel) (SAMPLE(?to) AS ?toLabel) WHERE {
  {
    ?claim a alg:Pledge ; org:member ?a ; org:organization ?b .
    BIND("pledge" AS ?kind)
    OPTIONAL { ?claim org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?s }
    OPTIONAL { ?claim dcterms:date ?d }
    BIND(COALESCE(STR(?s), STR(?d)) AS ?when)
  } UNION {
    ?claim a alg:Accusation ; alg:accuser ?a ; alg:accused ?b .
    BIND("accusation" AS ?kind)
    OPTIONAL { ?claim dcterms:date ?d }
    BIND(STR(?d) AS ?when)
  }
  OPTIONAL { ?a rdfs:label ?from FILTER(LANGMATCHES(LANG(?from), "en")) }
  OPTIONAL { ?b rdfs:label ?to FILTER(LANGMATCHES(LANG(?to), "en")) }
} GROUP BY ?claim ?kind
"""


def timeline_data(store: Any) -> TimelineData:
    """Pledges (dated by the start of their period, else by dcterms:date) and accusations (by dcterms:date)."""
    events: list[Event] = []
    undated: Counter[str] = Counter()
    for r in _query(store, _EVENTS):
        date = r.get("date")
        if date is None or year_of(date) is None:
            undated[r["kind"]] += 1
            continue
        sep = " → " if r["kind"] == "pledge" else ": "
        label = f"{r.get('fromLabel', '?')}{sep}{r.get('toLabel', '?')}"
        events.append(Event(r["claim"], r["kind"], date, label))
    events.sort(key=lambda e: (e.date, e.kind, e.claim))
    return TimelineData(tuple(events), {k: undated[k] for k in TimelineData.KINDS})


# ---------------------------------------------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------------------------------------------
