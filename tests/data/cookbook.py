"""The cookbook (docs/cookbook.md): worked questions, each with its SPARQL and its answer as the graph gives it.

``python -m tests.data.cookbook`` rewrites the answers in docs/cookbook.md from the shipped knowledge graph;
``tests/data/test_cookbook.py`` runs every query and fails when an answer in the document differs.
The graph is loaded in-process into pyoxigraph (ontology and instances, as the endpoint's default graph has them).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from allegiance.kb.load import load
from allegiance.store import to_ox

DOC = Path(__file__).resolve().parents[2] / "docs" / "cookbook.md"
PREFIXES = {
    "id:": "https://w3id.org/allegiance/id/",
    "alg:": "https://w3id.org/allegiance/ontology#",
    "concept:": "https://w3id.org/allegiance/concept/",
    "src:": "https://w3id.org/allegiance/source/",
}
BLOCK = re.compile(r"```sparql\n(.*?)```\n\n(?:Answer[^\n]*\n\n)((?:\|[^\n]*\n)+)", re.S)


@lru_cache(maxsize=1)
def store() -> ox.Store:
    kb = load()
    s = ox.Store()
    for iri, g in kb.named_graphs():
        if str(iri).endswith("/shapes"):
            continue
        s.extend(ox.Quad(to_ox(a), to_ox(b), to_ox(c)) for a, b, c in g)
    return s


def cell(term) -> str:
    if term is None:
        return "—"
    if isinstance(term, ox.NamedNode):
        v = term.value
        for p, ns in PREFIXES.items():
            if v.startswith(ns):
                return p + v[len(ns):]
        return v
    return " ".join(term.value.replace("|", "/").split()) or "—"


def run(query: str) -> list[list[str]]:
    result = store().query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    rows = [[cell(sol[n]) for n in names] for sol in result]
    return [names, *rows]


def table(rows: list[list[str]]) -> str:
    head, *body = rows
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(out) + "\n"


def parse_table(text: str) -> list[list[str]]:
    lines = [l for l in text.strip().splitlines() if not re.fullmatch(r"\|(---\|)+", l.strip())]
    return [[c.strip() for c in l.strip().strip("|").split(" | ")] if l.strip() != "|" else [] for l in lines]


def blocks(text: str):
    return list(BLOCK.finditer(text))


def rewrite() -> None:
    text = DOC.read_text(encoding="utf-8")
    out, pos = [], 0
    for m in blocks(text):
        out.append(text[pos:m.start(2)])
        out.append(table(run(m.group(1))))
        pos = m.end(2)
    out.append(text[pos:])
    DOC.write_text("".join(out), encoding="utf-8")


if __name__ == "__main__":
    rewrite()
