"""The map's data (``/map.json``): per country, the groups operating there that pledged, and the accusations
against the state.

- *Pledges by country of operation*: a group with a pledge (``alg:Pledge``, ``org:member``) that
  ``alg:operatesIn`` the country, or a place ``alg:inCountry`` it; a country counts the distinct groups.
- *Accused states*: accusations whose ``alg:accused`` is the country, its government (``alg:governmentOf``) or a
  body of its state (``alg:partOfState``); a country counts the accusations, by status.

A country is placed on the world atlas (world-atlas' ``countries-110m.json``, whose features carry a name and an
ISO 3166-1 numeric id) only by what the graph says of it: its ``rdfs:label`` or a ``skos:altLabel`` equal to the
feature's name (case aside). The graph records no ISO codes, so a country whose names differ from the atlas's
(``United States`` / ``United States of America``) is not placed, and is listed as such with its claims.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from allegiance.plots.claims import claim_details, href
from allegiance.plots.data import local_name

from .data import _query

_COUNTRIES = """
SELECT ?c ?name WHERE { ?c a alg:Country . { ?c rdfs:label ?name } UNION { ?c skos:altLabel ?name } }
"""

_PLEDGES = """
SELECT DISTINCT ?country ?group ?claim WHERE {
  ?claim a alg:Pledge ; org:member ?group .
  ?group alg:operatesIn ?place .
  { ?place a alg:Country . BIND(?place AS ?country) } UNION { ?place alg:inCountry ?country . ?country a alg:Country }
}
"""

_ACCUSED = """
SELECT DISTINCT ?country ?accused ?via ?claim WHERE {
  ?claim a alg:Accusation ; alg:accused ?accused .
  { ?accused a alg:Country . BIND(?accused AS ?country) BIND("the country" AS ?via) }
  UNION { ?accused alg:governmentOf ?country . ?country a alg:Country . BIND("its government" AS ?via) }
  UNION { ?accused alg:partOfState ?country . ?country a alg:Country . BIND("a body of its state" AS ?via) }
}
"""

_LABELS = """
SELECT ?x (MIN(?l) AS ?label) WHERE { VALUES ?x { %s } ?x rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) }
GROUP BY ?x
"""


def atlas_features(path: Path) -> list[dict[str, Any]]:
    """The countries of a world-atlas TopoJSON file: ``{"id": ISO 3166-1 numeric or None, "name": ...}``."""
    topology = json.loads(path.read_text(encoding="utf-8"))
    return [{"id": g.get("id"), "name": g["properties"]["name"]}
            for g in topology["objects"]["countries"]["geometries"]]


def _place(names: list[str], label: str, features: list[dict[str, Any]]) -> dict[str, Any] | None:
    by_name = {f["name"].casefold(): f for f in features}
    for name in [label, *sorted(names)]:
        feature = by_name.get(name.strip().casefold())
        if feature is not None:
            return feature
    return None


def map_json(store: Any, features: list[dict[str, Any]] | None) -> dict[str, Any]:
    """``countries`` (those with a pledging group or an accusation, by label), ``unplaced`` (their IRIs that no
    atlas feature matches), ``statuses``; ``atlas`` says whether the atlas was there to place them."""
    names: dict[str, list[str]] = {}
    for r in _query(store, _COUNTRIES):
        names.setdefault(r["c"], []).append(r["name"])
    pledges = _query(store, _PLEDGES)
    accused = _query(store, _ACCUSED)
    wanted = {r["country"] for r in pledges + accused}
    agents = {r["group"] for r in pledges} | {r["accused"] for r in accused} | wanted
    label_rows = _query(store, _LABELS % " ".join(f"<{x}>" for x in sorted(agents))) if agents else []
    label = {r["x"]: r["label"] for r in label_rows}
    details = claim_details(store, [r["claim"] for r in pledges + accused])
    countries: list[dict[str, Any]] = []
    for iri in sorted(wanted, key=lambda c: (label.get(c, local_name(c) or c).lower(), c)):
        own_pledges = sorted((r for r in pledges if r["country"] == iri), key=lambda r: (r["group"], r["claim"]))
        own_accusations = sorted((r for r in accused if r["country"] == iri),
                                 key=lambda r: (r["claim"], r["accused"]))
        name = label.get(iri) or local_name(iri) or iri
        feature = _place(names.get(iri, []), name, features or [])
        by_status = Counter(details[c]["status"] or "" for c in {r["claim"] for r in own_accusations})
        countries.append({
            "iri": iri, "label": name, "href": href(iri),
            "atlas_id": feature["id"] if feature else None, "atlas_name": feature["name"] if feature else None,
            "groups": len({r["group"] for r in own_pledges}),
            "accusations": len({r["claim"] for r in own_accusations}),
            "by_status": dict(sorted(by_status.items())),
            "pledges": [{**details[r["claim"]], "group": r["group"], "group_label": label.get(r["group"]),
                         "group_href": href(r["group"])} for r in own_pledges],
            "accused": [{**details[r["claim"]], "accused": r["accused"], "accused_label": label.get(r["accused"]),
                         "via": r["via"]} for r in own_accusations],
        })
    statuses = sorted({s for c in countries for s in c["by_status"]})
    return {"atlas": features is not None, "countries": countries, "statuses": statuses,
            "unplaced": [c["iri"] for c in countries if c["atlas_name"] is None]}
