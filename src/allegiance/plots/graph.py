"""The interactive network's data (``/network.json``) and an entity's neighbourhood (``/network/neighbours.json``).

One edge per claim (and per accused, for an accusation naming several): a pledge (``alg:Pledge``, kind
``allegiance`` or ``declared-support``) or an affiliation (``alg:Affiliation``, by ``alg:affiliationKind``) from
``org:member`` to ``org:organization``; hostility (an affiliation of kind ``rival``) as its own relation; an
accusation from ``alg:accuser`` to ``alg:accused``. Each edge carries its claim's label, status, sources and an
excerpt, and the years it covers (``from_year``/``to_year``; ``to_year`` is ``None`` for a tie not reported
ended), so the page filters without asking again. Nodes carry their label, their most specific class and their
local page.
"""

from __future__ import annotations

from typing import Any

from allegiance.plots.claims import claim_details, href, labels
from allegiance.plots.data import ALG, _memberships, _query, local_name, year_of

RELATIONS = ("pledge", "affiliation", "hostility", "accusation")
HOSTILE_KINDS = ("rival",)

# most specific first: the class a node is drawn as, and the colour family ("category") it belongs to
TYPES = (("QuasiState", "quasi-state"), ("ArmedGroup", "group"), ("PoliticalParty", "group"),
         ("MediaOrganization", "organization"), ("ResearchOrganization", "organization"),
         ("InternationalOrganization", "organization"), ("IntelligenceAgency", "state"),
         ("GovernmentBody", "state"), ("Government", "state"), ("Country", "state"), ("Person", "person"),
         ("PopulationGroup", "person"), ("UnnamedAgent", "person"), ("Organization", "organization"),
         ("Place", "place"))

_ACCUSATIONS = """
SELECT ?claim ?source ?target (MIN(STR(?d)) AS ?date) WHERE {
  ?claim a alg:Accusation ; alg:accuser ?source ; alg:accused ?target .
  OPTIONAL { ?claim dcterms:date ?d }
} GROUP BY ?claim ?source ?target
"""

_TYPES = """
SELECT ?x ?t WHERE { VALUES ?x { %s } ?x a ?t FILTER(STRSTARTS(STR(?t), STR(alg:))) }
"""


def _types(store: Any, iris: list[str]) -> dict[str, tuple[str, str]]:
    found: dict[str, set[str]] = {}
    for i in range(0, len(iris), 200):
        values = " ".join(f"<{x}>" for x in iris[i:i + 200])
        for r in _query(store, _TYPES % values):
            found.setdefault(r["x"], set()).add(r["t"].removeprefix(ALG))
    out = {}
    for iri in iris:
        mine = found.get(iri, set())
        out[iri] = next(((t, c) for t, c in TYPES if t in mine), ("Agent", "other"))
    return out


def network_json(store: Any) -> dict[str, Any]:
    """Every pledge, affiliation, hostility and accusation as an edge, and every agent they name as a node."""
    rows: list[dict[str, Any]] = []
    for e in _memberships(store):
        relation = e.relation
        if relation == "affiliation" and e.kind in HOSTILE_KINDS:
            relation = "hostility"
        rows.append({"id": e.claim, "claim": e.claim, "source": e.source, "target": e.target,
                     "relation": relation, "kind": e.kind, "start": e.start, "end": e.end,
                     "from_year": e.start_year, "to_year": e.end_year})
    for a in sorted(_query(store, _ACCUSATIONS), key=lambda a: (a["claim"], a["source"], a["target"])):
        y = year_of(a.get("date"))
        rows.append({"id": f"{a['claim']}#{local_name(a['source'])}>{local_name(a['target'])}",
                     "claim": a["claim"], "source": a["source"], "target": a["target"], "relation": "accusation",
                     "kind": None, "start": a.get("date"), "end": a.get("date"), "from_year": y, "to_year": y})
    details = claim_details(store, (r["claim"] for r in rows))
    for r in rows:
        d = details.get(r["claim"], {})
        r.update(label=d.get("label") or local_name(r["claim"]), status=d.get("status"), href=href(r["claim"]),
                 sources=d.get("sources", []), excerpt=d.get("excerpt"))
    agents = sorted({r["source"] for r in rows} | {r["target"] for r in rows})
    names = labels(store, agents)
    types = _types(store, agents)
    degree = {a: 0 for a in agents}
    for r in rows:
        degree[r["source"]] += 1
        degree[r["target"]] += 1
    nodes = [{"id": a, "label": names[a], "type": types[a][0], "category": types[a][1], "href": href(a),
              "degree": degree[a]} for a in sorted(agents, key=lambda a: (names[a].lower(), a))]
    return {"nodes": nodes, "edges": rows, **_facets(rows)}


def _facets(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the filters offer: the years some tie covers, the kinds per relation, the statuses."""
    horizon = max((y for r in rows for y in (r["from_year"], r["to_year"]) if y is not None), default=0)
    years: set[int] = set()
    for r in rows:
        if r["from_year"] is not None:
            last = r["to_year"] if r["to_year"] is not None else horizon
            years.update(range(r["from_year"], max(r["from_year"], last) + 1))
    kinds = sorted({(RELATIONS.index(r["relation"]), r["relation"], r["kind"] or "") for r in rows})
    return {"years": sorted(years), "horizon": horizon or None,
            "kinds": [{"relation": rel, "kind": kind or None} for _, rel, kind in kinds],
            "statuses": sorted({r["status"] or "" for r in rows}),
            "undated": sum(1 for r in rows if r["from_year"] is None)}


def neighbours_json(network: dict[str, Any], entity: str) -> dict[str, Any] | None:
    """The ties of one entity and the agents at their other ends (``None`` when the network does not name it)."""
    if not any(n["id"] == entity for n in network["nodes"]):
        return None
    edges = [e for e in network["edges"] if entity in (e["source"], e["target"])]
    near = {entity} | {e["source"] for e in edges} | {e["target"] for e in edges}
    nodes = [{**n, "center": n["id"] == entity} for n in network["nodes"] if n["id"] in near]
    return {"entity": entity, "nodes": nodes, "edges": edges}
