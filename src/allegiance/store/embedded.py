"""The embedded store behind the :class:`~allegiance.store.target.QuadStore` protocol: pyoxigraph on disk.

Either a bare on-disk store (``EmbeddedStore.open(path)``, what ``allegiance load`` and ``export`` use) or the
:class:`~allegiance.store.build.ServedStore` a running server serves (``EmbeddedStore(served)``): then every
committed write also publishes a new read-only snapshot, so the query workers see it at their next query.

The store's default graph is the served merge: the set-merge of every named graph except the shapes graph.

* :meth:`EmbeddedStore.add_quads` writes the quads and their copies in the default graph in **one** ``Store.extend``
  transaction: all or nothing, and the merge is never stale (adding triples to a set-merge only adds them).
* :meth:`EmbeddedStore.clear_graph` drops a graph and recomputes the merge (:func:`refresh_default_graph`) in **one**
  SPARQL Update, so it is atomic too (a triple of the dropped graph may still be asserted by another).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from allegiance.kb import load as knowledge
from allegiance.store.build import ServedStore

SHAPES_GRAPH = str(knowledge.SHAPES_GRAPH)

REFRESH_DEFAULT_GRAPH = (
    "DROP SILENT DEFAULT ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <" + SHAPES_GRAPH + ">) }")


def refresh_default_graph(store: ox.Store) -> None:
    """Recompute the served default graph, the set-merge of every named graph but the shapes, in one update."""
    store.update(REFRESH_DEFAULT_GRAPH)


def in_merge(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bool:
    """Whether a named graph's triples belong to the served default graph."""
    return not isinstance(graph, ox.DefaultGraph) and not (isinstance(graph, ox.NamedNode)
                                                            and graph.value == SHAPES_GRAPH)


def check_named(quad: ox.Quad) -> ox.Quad:
    if isinstance(quad.graph_name, ox.DefaultGraph):
        raise ValueError("a quad in the default graph: the default graph is the merge of the named graphs, "
                         "so every triple must be added to a named graph")
    return quad


class EmbeddedStore:
    """A pyoxigraph store on disk (or a ServedStore's) behind the QuadStore protocol."""

    def __init__(self, served: ServedStore | None = None, *, store: ox.Store | None = None):
        if (served is None) == (store is None):
            raise TypeError("EmbeddedStore takes a ServedStore or a pyoxigraph Store")
        self.served = served
        self.store: ox.Store = served.store if served is not None else store  # type: ignore[assignment]

    @classmethod
    def open(cls, path: Path | str) -> EmbeddedStore:
        """The on-disk store at ``path`` (made if missing), read-write."""
        return cls(store=ox.Store(str(path)))

    def _committed(self) -> None:
        """Make the write durable; a served store publishes a new snapshot for its workers."""
        self.store.flush()
        if self.served is not None:
            # what ServedStore.update does after its own writes
            self.served._writes += 1
            self.served.named_graphs = tuple(sorted(
                g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)))
            self.served._snapshot()

    # -- the QuadStore protocol
    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        name = None if graph is None else ox.NamedNode(graph)
        return iter(self.store.quads_for_pattern(None, None, None, name))

    def add_quads(self, quads: Iterable[ox.Quad]) -> int:
        """Add ``quads`` (each in a named graph) and their copies in the merge, in one transaction."""
        batch: list[ox.Quad] = []
        count = 0
        union = ox.DefaultGraph()
        for quad in map(check_named, quads):
            batch.append(quad)
            count += 1
            if in_merge(quad.graph_name):
                batch.append(ox.Quad(quad.subject, quad.predicate, quad.object, union))
        self.store.extend(batch)
        self._committed()
        return count

    def clear_graph(self, graph: str) -> None:
        """Drop ``graph`` and recompute the merge, in one SPARQL Update (one transaction)."""
        self.store.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)} ;\n{REFRESH_DEFAULT_GRAPH}")
        self._committed()

    def refresh_default_graph(self) -> None:
        refresh_default_graph(self.store)
        self._committed()

    def query(self, sparql: str, **options: object) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return self.store.query(sparql, **options)  # type: ignore[arg-type]

    def close(self) -> None:
        if self.served is None:
            self.store.flush()
