"""Reading the knowledge base's Turtle files into RDF graphs, one named graph per part.

Parts: the ontology (every file of ``ontology/``), each file of ``instances/`` on its own, and the shapes.
A file that cannot be read raises :class:`UnreadableFile` naming the file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import Graph, URIRef

from allegiance.namespaces import GRAPH, PREFIXES
from allegiance.paths import Layout, default_layout

ONTOLOGY_GRAPH = URIRef(GRAPH["ontology"])
SHAPES_GRAPH = URIRef(GRAPH["shapes"])
INFERENCES_GRAPH = URIRef(GRAPH["inferences"])
# The RDF merge (a set) of ontology, instances and inferences: the served default graph.
DEFAULT_GRAPH = URIRef(GRAPH["default"])

_FORMATS = {
    ".ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE),
    ".nt": ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
    ".rdf": ("xml", pyoxigraph.RdfFormat.RDF_XML),
    ".owl": ("xml", pyoxigraph.RdfFormat.RDF_XML),
    ".jsonld": ("json-ld", None),
}


def located(path: Path, message: str, line: int | None = None, column: int | None = None) -> str:
    """``file:line:column: message``, as far as the position is known."""
    where = str(path)
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return f"{where}: {message}"


class UnreadableFile(Exception):
    """A file of the knowledge base could not be read or parsed."""

    def __init__(self, path: Path, message: str, line: int | None = None, column: int | None = None):
        self.path = Path(path)
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        return located(self.path, self.message, self.line, self.column)


def instances_graph_iri(path: Path) -> URIRef:
    """The named graph that holds one instances file, e.g. ``.../graph/instances/sources``."""
    return URIRef(GRAPH[f"instances/{Path(path).stem}"])


def parse_file(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one RDF file into ``graph`` (a new one by default), or raise :class:`UnreadableFile`."""
    path = Path(path)
    graph = Graph() if graph is None else graph
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise UnreadableFile(path, f"unknown RDF file type {suffix!r}")
    rdflib_format, ox_format = _FORMATS[suffix]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(path, exc.strerror or str(exc)) from exc
    if ox_format is not None:
        # pyoxigraph reports the exact line and column of a syntax error; rdflib only the line.
        try:
            for _ in pyoxigraph.parse(data, format=ox_format, base_iri=path.resolve().as_uri()):
                pass
        except SyntaxError as exc:
            raise UnreadableFile(path, exc.msg, exc.lineno, exc.offset) from exc
    try:
        graph.parse(data=data, format=rdflib_format, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises parser-specific exception types
        raise UnreadableFile(path, str(exc).splitlines()[0], getattr(exc, "lines", None)) from exc
    return graph


def _bind(graph: Graph) -> Graph:
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph


@dataclass
class KnowledgeBase:
    """The parsed parts of a knowledge base, each kept as its own graph."""

    layout: Layout
    ontology: Graph
    instances: dict[URIRef, Graph] = field(default_factory=dict)
    instance_paths: dict[URIRef, Path] = field(default_factory=dict)
    shapes: Graph = field(default_factory=Graph)

    def instance_union(self) -> Graph:
        union = _bind(Graph())
        for g in self.instances.values():
            union += g
        return union

    def data(self) -> Graph:
        """Ontology and every instances file in one graph: what validation and reasoning read."""
        union = _bind(Graph())
        union += self.ontology
        for g in self.instances.values():
            union += g
        return union

    def named_graphs(self) -> Iterable[tuple[URIRef, Graph]]:
        yield ONTOLOGY_GRAPH, self.ontology
        yield from self.instances.items()
        yield SHAPES_GRAPH, self.shapes


def load(layout: Layout | None = None, extra_instances: Sequence[Path] = ()) -> KnowledgeBase:
    """Parse every file of the knowledge base (and any ``extra_instances`` files)."""
    layout = layout or default_layout()
    ontology = _bind(Graph())
    for path in layout.ontology_files():
        parse_file(path, ontology)
    kb = KnowledgeBase(layout=layout, ontology=ontology)
    for path in [*layout.instance_files(), *map(Path, extra_instances)]:
        iri = instances_graph_iri(path)
        kb.instances[iri] = parse_file(path, _bind(Graph()))
        kb.instance_paths[iri] = path
    shapes = _bind(Graph())
    for path in layout.shape_files():
        parse_file(path, shapes)
    kb.shapes = shapes
    return kb
