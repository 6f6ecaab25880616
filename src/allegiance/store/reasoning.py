"""The inferences an import adds: OWL 2 RL is monotonic, so new data can only add entailments.

When the store keeps an inferences graph (``.../graph/inferences``, as ``allegiance load`` and ``serve`` build it),
:func:`new_inferences` computes the closure of the store's data together with the import (the same reasoner as
:mod:`allegiance.kb.inference`) and returns the entailed triples the inferences graph does not hold yet, as quads
of that graph. They are committed in the import's one transaction, so the inferences are never stale, and a
refused or killed import leaves them as they were.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph

from allegiance.kb.inference import closure
from allegiance.kb.load import INFERENCES_GRAPH
from allegiance.store.target import QuadStore

INFERENCES = ox.NamedNode(str(INFERENCES_GRAPH))


def _rdflib(triples: Iterable[ox.Triple]) -> Graph:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data.decode("utf-8"), format="nt")


def new_inferences(target: QuadStore, staging: ox.Store, new_graphs: Iterable[str]) -> list[ox.Quad]:
    """The entailments of (the store's data in ``staging``'s default graph) + (the new graphs) that ``target``'s
    inferences graph lacks; none when ``target`` keeps no inferences graph."""
    if str(INFERENCES_GRAPH) not in target.named_graphs():
        return []
    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for q in staging.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    for g in new_graphs:
        triples.extend(ox.Triple(q.subject, q.predicate, q.object)
                       for q in staging.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    inferred = closure(_rdflib(triples)).serialize(format="nt", encoding="utf-8")
    held = {ox.Triple(q.subject, q.predicate, q.object) for q in target.quads(str(INFERENCES_GRAPH))}
    return [ox.Quad(t.subject, t.predicate, t.object, INFERENCES)
            for t in ox.parse(inferred, format=ox.RdfFormat.N_TRIPLES) if t not in held]
