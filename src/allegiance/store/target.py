"""What the commands need of a store, wherever it is: the embedded pyoxigraph store or a remote SPARQL 1.1 store.

``load``, ``import``, ``export`` and ``check`` speak to this protocol only, so they work unchanged against either
implementation (:class:`allegiance.store.embedded.EmbeddedStore`, :class:`allegiance.store.remote.RemoteStore`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import pyoxigraph as ox


class QuadStore(Protocol):
    def named_graphs(self) -> list[str]:
        """The IRIs of the store's named graphs."""
        ...

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad (``graph=None``), or the triples of one named graph as quads of that graph."""
        ...

    def add_quads(self, quads: Iterable[ox.Quad]) -> int:
        """Add all of ``quads`` in one transaction (all or nothing); the number added."""
        ...

    def clear_graph(self, graph: str) -> None:
        ...

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """A read-only query over the store's default graph (the served merge), answered as pyoxigraph objects."""
        ...

    def close(self) -> None:
        ...
