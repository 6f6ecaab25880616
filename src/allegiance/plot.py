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

import argparse
import io
import math
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from .namespaces import sparql_prologue

FORMATS = ("svg", "png")
ALG = "https://w3id.org/allegiance/ontology#"
CONCEPT = "https://w3id.org/allegiance/concept/"
LAYOUT_SEED = 20140629  # the day the caliphate was proclaimed: any fixed number would do

# colours (colour-blind safe: Okabe-Ito)
EDGE_COLOURS = {"allegiance": "#D55E00", "declared-support": "#E69F00", "affiliation": "#0072B2"}
NODE_COLOURS = {"pledgee": "#000000", "ongoing": "#D55E00", "ended": "#999999", "affiliated": "#56B4E9"}
NODE_ROLE_LABELS = {
    "pledgee": "pledged to",
    "ongoing": "pledger (a pledge not reported ended)",
    "ended": "pledger (every pledge ended)",
    "affiliated": "affiliated only",
}
TIMELINE_COLOURS = {"pledge": "#D55E00", "accusation": "#0072B2"}

_DRAW_LOCK = threading.Lock()  # matplotlib's font cache and rcParams are process-wide


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
def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout=None)


def _save(fig, path_or_buffer: str | Path | IO[bytes], fmt: str) -> None:
    import matplotlib

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}: use {' or '.join(FORMATS)}")
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "allegiance", "svg.id": None}):
        fig.savefig(path_or_buffer, format=fmt, metadata=metadata, dpi=150 if fmt == "png" else 100)


def _slug(iri: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in (local_name(iri) or "node"))


def _part_layout(g, part: list[str], order: dict[str, int]) -> dict[str, tuple[float, float]]:
    """One connected part: its hubs (every node tied to two or more others) by a seeded spring layout, and the
    nodes tied to one hub only evenly on a circle around it, in label order. Returns positions around (0, 0)
    and the part's radius."""
    import networkx as nx

    sub = g.subgraph(part)
    if len(part) <= 2:
        return {n: (2.2 * i, 0.0) for i, n in enumerate(part)}
    degree = dict(sub.degree())
    leaves = [n for n in part if degree[n] == 1 and degree[next(iter(sub[n]))] > 1]
    core = [n for n in part if n not in set(leaves)]
    by_hub: dict[str, list[str]] = defaultdict(list)
    for n in leaves:
        by_hub[next(iter(sub[n]))].append(n)
    ring = {hub: max(1.0, 1.05 * len(ls) / (2 * math.pi)) for hub, ls in by_hub.items()}
    if len(core) == 1:
        core_pos = {core[0]: (0.0, 0.0)}
    else:
        spread = 1.0 + max(ring.values(), default=1.0) * 0.75
        start = {n: (math.cos(2 * math.pi * i / len(core)), math.sin(2 * math.pi * i / len(core)))
                 for i, n in enumerate(core)}
        raw = nx.spring_layout(sub.subgraph(core), pos=start, seed=LAYOUT_SEED, iterations=300, scale=spread)
        core_pos = {n: (float(x), float(y)) for n, (x, y) in raw.items()}
    pos = dict(core_pos)
    for hub, ls in by_hub.items():
        hx, hy = core_pos[hub]
        # leave a gap towards the hub's other neighbours in the core, when it has some
        others = [core_pos[m] for m in sub[hub] if m in core_pos]
        if others:
            ox_, oy_ = sum(p[0] for p in others) / len(others) - hx, sum(p[1] for p in others) / len(others) - hy
            away = math.atan2(oy_, ox_)
            span, first = 2 * math.pi * 0.8, away + 2 * math.pi * 0.1
        else:
            span, first = 2 * math.pi, math.pi / 2
        step = span / (len(ls) if not others else max(len(ls) - 1, 1))
        for i, n in enumerate(sorted(ls, key=order.__getitem__)):
            angle = first + i * step
            pos[n] = (hx + 1.5 * ring[hub] * math.cos(angle), hy + ring[hub] * math.sin(angle))  # wide ellipse
    return pos


def _bbox(pos: dict[str, tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    return min(xs), min(ys), max(xs), max(ys)


def _layout(data: NetworkData) -> dict[str, tuple[float, float]]:
    """Node positions, deterministic (fixed seed, inputs in label order): each connected part laid out around its
    hubs, the largest part on the left and the others in rows beside it."""
    import networkx as nx

    g = nx.Graph()
    for n in data.nodes:  # nodes come sorted by label
        g.add_node(n.iri)
    for e in data.edges:
        if e.source != e.target:
            g.add_edge(e.source, e.target)
    if not g:
        return {}
    order = {n.iri: i for i, n in enumerate(data.nodes)}
    parts = sorted((sorted(c, key=order.__getitem__) for c in nx.connected_components(g)),
                   key=lambda c: (-len(c), order[c[0]]))
    placed = [_part_layout(g, part, order) for part in parts]
    result: dict[str, tuple[float, float]] = dict(placed[0])
    _, _, main_right, main_top = _bbox(placed[0])
    x0 = main_right + 3.5  # the first part's labels stand out of its box
    col_w = max((b[2] - b[0] for b in map(_bbox, placed[1:])), default=0.0) * 2 + 3.5
    x, y, row_h = x0, main_top, 0.0
    for pos in placed[1:]:
        lo_x, lo_y, hi_x, hi_y = _bbox(pos)
        w, h = hi_x - lo_x, hi_y - lo_y
        if x + w > x0 + col_w + 1e-9 and x > x0:
            x, y, row_h = x0, y - row_h - 1.2, 0.0
        result.update({n: (px - lo_x + x, py - hi_y + y) for n, (px, py) in pos.items()})
        x += w + 3.5
        row_h = max(row_h, h)
    return result


def _wrap(label: str, width: int = 24) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def network_title(data: NetworkData) -> str:
    what = "Pledges" + (" and affiliations" if data.affiliations else "")
    when = f"active in {data.year}" if data.year is not None else "all years"
    return f"{what} as reported by the sources ({when})"


def draw_network(data: NetworkData, path_or_buffer: str | Path | IO[bytes], fmt: str = "svg") -> None:
    """Draw the network: arrows from pledger to pledgee, labelled nodes, legend and title."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    with _DRAW_LOCK:
        pos = _layout(data)
        n = len(data.nodes)
        xs = [p[0] for p in pos.values()] or [0.0]
        ys = [p[1] for p in pos.values()] or [0.0]
        margin_x, margin_y = 1.9, 0.7  # room for the labels
        x_lo, x_hi = min(xs) - margin_x, max(xs) + margin_x
        y_lo, y_hi = min(ys) - margin_y, max(ys) + margin_y
        unit = min(0.95, 22 / (x_hi - x_lo), 16 / (y_hi - y_lo))  # inches per layout unit
        head, foot = 1.0, 1.1  # inches: title and notes; legend
        width = max(10.0, (x_hi - x_lo) * unit)
        height = (y_hi - y_lo) * unit + head + foot
        fig = _figure(width, height)
        plot_w = (x_hi - x_lo) * unit / width
        ax = fig.add_axes(((1 - plot_w) / 2, foot / height, plot_w, 1 - (head + foot) / height))
        ax.set_axis_off()
        ax.set_xlim(x_lo, x_hi)
        ax.set_ylim(y_lo, y_hi)
        fig.suptitle(network_title(data), fontsize=15, y=1 - 0.25 / height, va="top")
        note = [f"{sum(1 for e in data.edges if e.relation == 'pledge')} pledge claims, {n} agents"]
        if data.undated:
            note.append(f"{data.undated} claims with no known start not shown")
        note.append("the graph records no region for an organization, so none is shown")
        fig.text(0.5, 1 - 0.7 / height, "; ".join(note), ha="center", va="top", fontsize=9, color="#444444")
        if not data.nodes:
            ax.text(0.5, 0.5, "no pledge in this selection", ha="center", va="center", fontsize=14,
                    transform=ax.transAxes)
            _save(fig, path_or_buffer, fmt)
            return
        degree = Counter(e.target for e in data.edges)
        sizes = {nd.iri: 120 + 40 * min(degree[nd.iri], 30) for nd in data.nodes}
        neighbours: dict[str, set[str]] = defaultdict(set)
        for e in data.edges:
            if e.source != e.target:
                neighbours[e.source].add(e.target)
                neighbours[e.target].add(e.source)

        # edges: parallel claims between the same pair are drawn as one arrow, curved apart by kind
        grouped: dict[tuple[str, str, str, str | None, bool], list[Edge]] = defaultdict(list)
        for e in data.edges:
            colour_key = "affiliation" if e.relation == "affiliation" else (e.kind or "allegiance")
            grouped[(e.source, e.target, colour_key, e.relation, e.ended)].append(e)
        pair_rank: dict[tuple[str, str], int] = Counter()
        for (src, dst, colour_key, _relation, ended), claims in sorted(grouped.items(), key=lambda kv: kv[0][:3]):
            if src == dst or src not in pos or dst not in pos:
                continue
            rank = pair_rank[(src, dst)]
            pair_rank[(src, dst)] += 1
            arrow = FancyArrowPatch(
                pos[src], pos[dst], arrowstyle="-|>", mutation_scale=14,
                connectionstyle=f"arc3,rad={0.08 + 0.12 * rank}",
                color=EDGE_COLOURS.get(colour_key, "#666666"),
                linewidth=1.2 + 0.6 * min(len(claims) - 1, 4),
                linestyle=(0, (4, 3)) if ended else "solid",
                alpha=0.85,
                shrinkA=math.sqrt(sizes[src]) / 2 + 2, shrinkB=math.sqrt(sizes[dst]) / 2 + 2,
                zorder=1)
            arrow.set_gid(f"edge-{_slug(src)}--{_slug(dst)}-{rank}")
            ax.add_patch(arrow)

        # nodes and labels, one SVG group each (ids: node-<local name>)
        for nd in data.nodes:
            x, y = pos[nd.iri]
            dot = ax.scatter([x], [y], s=sizes[nd.iri], c=NODE_COLOURS[nd.role], edgecolors="white",
                             linewidths=1.2, zorder=3)
            dot.set_gid(f"node-{_slug(nd.iri)}")
            big = nd.role == "pledgee" or len(neighbours[nd.iri]) > 1
            if len(neighbours[nd.iri]) == 1 and not big:  # a leaf: its label points away from its hub
                hx, hy = pos[next(iter(neighbours[nd.iri]))]
                angle = math.atan2(y - hy, x - hx)
                r = math.sqrt(sizes[nd.iri]) / 2 + 3
                dx, dy = r * math.cos(angle), r * math.sin(angle)
                ha = "left" if math.cos(angle) > 0.3 else ("right" if math.cos(angle) < -0.3 else "center")
                va = "bottom" if math.sin(angle) > 0.3 else ("top" if math.sin(angle) < -0.3 else "center")
            else:
                dx, dy, ha, va = 0.0, math.sqrt(sizes[nd.iri]) / 2 + 3, "center", "bottom"
            text = ax.annotate(_wrap(nd.label), (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                               fontsize=11 if nd.role == "pledgee" else 8,
                               fontweight="bold" if nd.role == "pledgee" else "normal", zorder=4,
                               bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})
            text.set_gid(f"label-{_slug(nd.iri)}")

        handles = [Line2D([], [], marker="o", linestyle="", markersize=9, color=NODE_COLOURS[role],
                          label=NODE_ROLE_LABELS[role]) for role in NODE_COLOURS
                   if any(nd.role == role for nd in data.nodes)]
        handles += [
            Line2D([], [], color=EDGE_COLOURS["allegiance"], lw=2, label="pledge of allegiance"),
            Line2D([], [], color=EDGE_COLOURS["declared-support"], lw=2, label="declared support"),
        ]
        if data.affiliations:
            handles.append(Line2D([], [], color=EDGE_COLOURS["affiliation"], lw=2, label="affiliation"))
        handles += [
            Line2D([], [], color="#555555", lw=2, label="ongoing (no end reported)"),
            Line2D([], [], color="#555555", lw=2, linestyle=(0, (4, 3)), label="ended"),
        ]
        legend = fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), fontsize=9,
                            frameon=False, bbox_to_anchor=(0.5, 0.1 / height))
        legend.set_gid("legend")
        _save(fig, path_or_buffer, fmt)


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def draw_timeline(data: TimelineData, path_or_buffer: str | Path | IO[bytes], fmt: str = "svg") -> None:
    """Two panels: claims per year (stacked bars), and per month for the claims dated to the month."""
    from matplotlib.ticker import MaxNLocator

    with _DRAW_LOCK:
        fig = _figure(13, 8.5)
        fig.suptitle("Pledges and accusations over time, as reported by the sources", fontsize=15, y=0.98)
        notes = [f"{len(data.events)} dated claims"]
        undated = sum(data.undated.values())
        if undated:
            notes.append(", ".join(f"{v} {k}{'s' if v != 1 else ''}" for k, v in data.undated.items() if v)
                         + " with no date not shown")
        notes.append("a pledge is dated by the start of its period (else its announcement), an accusation by its "
                     "date")
        fig.text(0.5, 0.935, "; ".join(notes), ha="center", fontsize=9, color="#444444")
        top = fig.add_axes((0.07, 0.55, 0.9, 0.33))
        bottom = fig.add_axes((0.07, 0.1, 0.9, 0.33))
        per_year = data.per_year()
        if not per_year:
            top.text(0.5, 0.5, "no dated claim", ha="center", va="center", transform=top.transAxes)
        years = list(per_year)
        base = [0] * len(years)
        for kind in TimelineData.KINDS:
            values = [per_year[y][kind] for y in years]
            bars = top.bar(years, values, bottom=base, color=TIMELINE_COLOURS[kind], label=f"{kind}s", width=0.7)
            for i, patch in enumerate(bars.patches):
                patch.set_gid(f"year-{kind}-{years[i]}")
            base = [b + v for b, v in zip(base, values, strict=True)]
        for y, total in zip(years, base, strict=True):
            if total:
                top.text(y, total, str(total), ha="center", va="bottom", fontsize=8)
        top.set_title("Claims per year", fontsize=11, loc="left")
        top.set_ylabel("claims")
        top.yaxis.set_major_locator(MaxNLocator(integer=True))
        top.set_xticks(years, [str(y) for y in years])
        top.legend(loc="upper left", fontsize=9)
        top.spines[["top", "right"]].set_visible(False)

        per_month = data.per_month()
        if per_month:
            month_years = sorted({y for (y, _) in per_month})  # only the years with a claim dated to the month
            keys = [(y, m) for y in month_years for m in range(1, 13)]
            xs = [i + month_years.index(y) for i, (y, _) in enumerate(keys)]  # a gap between years
            base = [0] * len(keys)
            for kind in TimelineData.KINDS:
                values = [per_month.get(k, {}).get(kind, 0) for k in keys]
                bars = bottom.bar(xs, values, bottom=base, color=TIMELINE_COLOURS[kind], label=f"{kind}s",
                                  width=0.8)
                for i, patch in enumerate(bars.patches):
                    patch.set_gid(f"month-{kind}-{keys[i][0]}-{keys[i][1]:02d}")
                base = [b + v for b, v in zip(base, values, strict=True)]
            bottom.set_xticks(xs, [f"{_MONTHS[m - 1][0]}" + (f"\n{y}" if m == 1 else "") for (y, m) in keys],
                              fontsize=7)
            bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            bottom.text(0.5, 0.5, "no claim dated to the month", ha="center", va="center",
                        transform=bottom.transAxes)
        only_year = data.year_only()
        bottom.set_title("Claims per month (dated to the month or the day; not shown: "
                         + ", ".join(f"{v} {k}{'s' if v != 1 else ''}" for k, v in only_year.items())
                         + " dated to the year only)", fontsize=11, loc="left")
        bottom.set_ylabel("claims")
        bottom.spines[["top", "right"]].set_visible(False)
        _save(fig, path_or_buffer, fmt)


def picture(store: Any, which: str, fmt: str = "svg", year: int | None = None, affiliations: bool = False) -> bytes:
    """The network or timeline picture as bytes (what the web UI serves)."""
    buffer = io.BytesIO()
    if which == "network":
        draw_network(network_data(store, year, affiliations), buffer, fmt)
    elif which == "timeline":
        draw_timeline(timeline_data(store), buffer, fmt)
    else:
        raise ValueError(f"unknown picture {which!r}")
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------------------------------------------
def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("picture", choices=["network", "timeline"], help="which picture to draw")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="where to write it; FILE.svg or FILE.png (the suffix gives the format)")
    parser.add_argument("--year", type=int, metavar="YYYY",
                        help="network: only the pledges active in that year (start <= year <= end, or no end)")
    parser.add_argument("--affiliations", action="store_true",
                        help="network: also draw the reported affiliations (branch, ally, ...), in blue")
    parser.add_argument("--load", type=Path, action="append", default=[], metavar="FILE",
                        help="also load this RDF file, as `allegiance serve --load` does; repeatable")


def run(args: argparse.Namespace) -> int:
    from . import store as store_module
    from .knowledge import UnreadableFile

    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        print(f"allegiance plot: --out must end in .svg or .png, not {args.out.name!r}", file=sys.stderr)
        return 2
    if args.year is not None and args.picture != "network":
        print("allegiance plot: --year applies to the network only", file=sys.stderr)
        return 2
    try:
        served = store_module.build(None, args.load)
    except (UnreadableFile, OSError) as exc:
        print(f"allegiance plot: {exc}", file=sys.stderr)
        return 1
    if args.picture == "network":
        data = network_data(served, args.year, args.affiliations)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        draw_network(data, args.out, fmt)
        print(f"wrote {args.out}: {len(data.nodes)} agents, {len(data.edges)} claims", file=sys.stderr)
    else:
        tdata = timeline_data(served)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        draw_timeline(tdata, args.out, fmt)
        print(f"wrote {args.out}: {len(tdata.events)} dated claims", file=sys.stderr)
    return 0
