"""The interactive timeline's data (``/timeline.json``): one mark per dated claim or event, one lane per kind.

A mark is dated by ``dcterms:date`` (when the claim was made or the event happened), else by the beginning of its
period (``org:memberDuring`` or ``alg:period``), else by its end; ``which`` says which. Its span is what that date
can stand for at the precision stated: a year spans the year, a month the month, a day is a point. Claims with no
date at all are listed apart (``undated``), never dropped.
"""

from __future__ import annotations

from typing import Any

from allegiance.plots.claims import claim_details, precision, span
from allegiance.plots.data import ALG, _query, local_name

# (class, lane) in the order of the lanes
LANES = (("Pledge", "pledge"), ("Affiliation", "affiliation"), ("Affiliation", "hostility"),
         ("Accusation", "accusation"), ("Denial", "response"), ("Dispute", "response"),
         ("Corroboration", "response"), ("Designation", "designation"), ("Renaming", "renaming"),
         ("Split", "split or merger"), ("Merger", "split or merger"), ("Ban", "ban"),
         ("CitizenshipRevocation", "citizenship revocation"))
LANE_ORDER = tuple(dict.fromkeys(lane for _, lane in LANES))
HOSTILE_KINDS = ("rival",)

_DATES = """
SELECT ?claim ?type (MIN(STR(?k)) AS ?kind) (MIN(STR(?d)) AS ?date) (MIN(STR(?b)) AS ?begin) (MAX(STR(?e)) AS ?end)
WHERE {
  VALUES ?type { %s }
  ?claim a ?type .
  OPTIONAL { ?claim alg:affiliationKind|alg:pledgeKind ?k }
  OPTIONAL { ?claim dcterms:date ?d }
  OPTIONAL { ?claim (org:memberDuring|alg:period)/time:hasBeginning/INSTANT ?b }
  OPTIONAL { ?claim (org:memberDuring|alg:period)/time:hasEnd/INSTANT ?e }
} GROUP BY ?claim ?type
""".replace("INSTANT", "(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear)")


def _lane(cls: str, kind: str | None) -> str:
    if cls == "Affiliation" and kind in HOSTILE_KINDS:
        return "hostility"
    return next(lane for c, lane in LANES if c == cls)


def timeline_json(store: Any) -> dict[str, Any]:
    """``marks`` (sorted by date), ``undated`` (by lane, then IRI), ``lanes`` (those with a claim) and
    ``statuses``."""
    classes = sorted({c for c, _ in LANES})
    rows = _query(store, _DATES % " ".join(f"alg:{c}" for c in classes))
    first: dict[str, dict[str, str]] = {}  # a claim of two of these classes is kept once, in its first lane
    for r in sorted(rows, key=lambda r: [c for c, _ in LANES].index(r["type"].removeprefix(ALG))):
        first.setdefault(r["claim"], r)
    rows = sorted(first.values(), key=lambda r: r["claim"])
    details = claim_details(store, (r["claim"] for r in rows))
    marks, undated = [], []
    for r in rows:
        cls = r["type"].removeprefix(ALG)
        kind = local_name(r.get("kind"))
        which, date = next(((w, r[k]) for w, k in (("stated", "date"), ("began", "begin"), ("ended", "end"))
                            if precision(r.get(k))), (None, None))
        d = details.get(r["claim"], {})
        item = {"claim": r["claim"], "lane": _lane(cls, kind), "class": cls, "kind": kind,
                "label": d.get("label") or local_name(r["claim"]), "status": d.get("status"),
                "href": d.get("href"), "sources": d.get("sources", []), "excerpt": d.get("excerpt")}
        when = span(date)
        if when is None:
            undated.append(item)
            continue
        marks.append({**item, "date": date, "which": which, "precision": precision(date),
                      "start": when[0], "end": when[1]})
    marks.sort(key=lambda m: (m["start"], m["end"], LANE_ORDER.index(m["lane"]), m["claim"]))
    undated.sort(key=lambda m: (LANE_ORDER.index(m["lane"]), m["claim"]))
    present = {m["lane"] for m in marks} | {m["lane"] for m in undated}
    return {"lanes": [lane for lane in LANE_ORDER if lane in present], "marks": marks, "undated": undated,
            "statuses": sorted({m["status"] or "" for m in marks + undated})}
