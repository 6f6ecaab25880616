"""The HTML page of a source document (``/source/x.html``): its text with every claim's excerpts highlighted in
place, and its claims in the order the text makes them (by their first excerpt).

Without the text (the sources folder is not on this server, or its file does not match the recorded SHA-256) the
page lists the claims by label and says why there is no text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from allegiance.namespaces import prefixed_name as qname
from allegiance.namespaces import sparql_prologue
from allegiance.web.entity_page import CLAIM_KIND, EntityPage, rows
from allegiance.web.source_text import NOWHERE, SourceTexts, pattern
from allegiance.web.views import best_label, iri_view

SOURCE_CLAIMS = sparql_prologue() + f"""SELECT $E ?c ?kind ?label ?status ?statusLabel ?date ?d ?excerpt WHERE {{
  ?c prov:qualifiedDerivation ?d . ?d prov:entity $E ; alg:excerpt ?excerpt .
  {CLAIM_KIND}
  OPTIONAL {{ ?c rdfs:label ?label }}
  OPTIONAL {{ ?c alg:status ?status OPTIONAL {{ ?status skos:prefLabel ?statusLabel }} }}
  OPTIONAL {{ ?c dcterms:date ?date }}
}}"""

SOURCE_NAMED = sparql_prologue() + """SELECT DISTINCT $E ?x ?label WHERE {
  ?x prov:qualifiedDerivation ?d . ?d prov:entity $E . FILTER NOT EXISTS { ?x a alg:Claim }
  OPTIONAL { ?x rdfs:label ?label }
}"""

QUERIES = {"claims": SOURCE_CLAIMS, "named": SOURCE_NAMED}


@dataclass
class SourceClaim:
    iri: str
    kind: str
    labels: list[tuple[str, str]] = field(default_factory=list)
    status: str | None = None
    status_label: str | None = None
    date: str | None = None
    derivations: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def start(self) -> int:
        return min((s for s, _ in self.spans), default=NOWHERE)


def locate(text: str, excerpts: set[str]) -> list[tuple[int, int]]:
    """The spans of one derivation's excerpts: the longest where it first occurs, each other one at its
    occurrence nearest to it (the fragments of one passage lie together)."""
    if not excerpts:
        return []
    ordered = sorted(excerpts, key=lambda e: (-len(e), e))
    first = pattern(ordered[0]).search(text)
    if first is None:
        anchor = None
    else:
        anchor = first.start()
    spans = [(first.start(), first.end())] if first else []
    for excerpt in ordered[1:]:
        found = [(m.start(), m.end()) for m in pattern(excerpt).finditer(text)]
        if found:
            spans.append(min(found, key=lambda s: abs(s[0] - anchor) if anchor is not None else s[0]))
    return sorted(spans)


def pieces(text: str, claims: list[SourceClaim]) -> list[tuple[str, Any]]:
    """The text cut where excerpts begin and end: ("text", str), ("mark", (str, claim numbers)) and, where a
    claim's first excerpt begins, ("ref", number)."""
    starts: dict[int, list[int]] = defaultdict(list)
    bounds = {0, len(text)}
    for n, c in enumerate(claims, 1):
        for s, e in c.spans:
            bounds.update((s, e))
        if c.spans:
            starts[c.start].append(n)
    cuts = sorted(bounds)
    covering: list[tuple[int, int, int]] = [(s, e, n) for n, c in enumerate(claims, 1) for s, e in c.spans]
    out: list[tuple[str, Any]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        for n in starts.get(a, ()):
            out.append(("ref", n))
        numbers = sorted({n for s, e, n in covering if s <= a and b <= e})
        out.append(("mark", (text[a:b], numbers)) if numbers else ("text", text[a:b]))
    return out


def context(page: EntityPage, texts: SourceTexts, iri: str, answers: dict[str, bytes]) -> dict[str, Any]:
    claims: dict[str, SourceClaim] = {}
    for row in rows(answers["claims"]):
        c = claims.setdefault(row["c"]["value"], SourceClaim(row["c"]["value"], row["kind"]["value"]))
        if "label" in row and (row["label"]["value"], row["label"].get("xml:lang", "")) not in c.labels:
            c.labels.append((row["label"]["value"], row["label"].get("xml:lang", "")))
        if "status" in row:
            c.status, c.status_label = row["status"]["value"], row.get("statusLabel", {}).get("value")
        c.date = row.get("date", {}).get("value", c.date)
        c.derivations[row["d"]["value"]].add(row["excerpt"]["value"])
    text = texts.text(iri)
    if text is not None:
        for c in claims.values():
            c.spans = sorted(span for excerpts in c.derivations.values() for span in locate(text, excerpts))
    ordered = sorted(claims.values(), key=lambda c: (c.start, (best_label(c.labels) or c.iri).lower()))
    p = page.prefix
    lines = [{"n": n, "node": iri_view(c.iri, p, best_label(c.labels)), "kind": page.term_label(c.kind),
              "status": (c.status_label or qname(c.status).split(":")[-1]) if c.status else "",
              "status_key": c.status.rsplit("/", 1)[-1] if c.status else "none", "date": c.date or "",
              "found": bool(c.spans), "start": c.start}
             for n, c in enumerate(ordered, 1)]
    named = [iri_view(r["x"]["value"], p, r.get("label", {}).get("value")) for r in rows(answers["named"])]
    return {"claims": lines, "pieces": pieces(text, ordered) if text is not None else None,
            "named": sorted({v.href: v for v in named}.values(), key=lambda v: v.text.lower())}
