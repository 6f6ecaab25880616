"""The store the endpoint serves: pyoxigraph on disk, one named graph per part, the merge as default graph."""

from allegiance.store.build import ServedStore, build, loaded_graph_iri
from allegiance.terms import to_ox

__all__ = ["ServedStore", "build", "loaded_graph_iri", "to_ox"]
