"""A VoID description of the served dataset, at ``/.well-known/void`` (RDF, negotiated).

Counts are computed once at start-up, from the store, before the query workers are forked: triples, entities,
classes, properties, distinct subjects and objects of the default graph (the union that queries see), a class
and a property partition, one ``void:subset`` per named graph with its counts, the vocabularies used, and a
``void:Linkset`` to Wikidata for the ``skos:exactMatch`` links.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from allegiance.namespaces import BASE, PREFIXES

VOID = Namespace("http://rdfs.org/ns/void#")
WIKIDATA = "http://www.wikidata.org/entity/"
DATASET = URIRef(BASE + "dataset")
LINKSETS = ("wikidata-links",)  # the linksets of the dataset, at dataset/<name>


@dataclass(frozen=True)
class Counts:
    triples: int
    entities: int
    classes: int
    properties: int
    subjects: int
    objects: int


@dataclass(frozen=True)
class Stats:
    total: Counts
    graphs: dict[str, Counts]
    class_partition: dict[str, int]  # class -> instances
    property_partition: dict[str, int]  # property -> triples
    vocabularies: tuple[str, ...]
    wikidata_links: int


_COUNTS = """SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?p) AS ?p_) (COUNT(DISTINCT ?o) AS ?o_)
  WHERE { ?s ?p ?o }"""
_ENTITIES = f"""SELECT (COUNT(DISTINCT ?s) AS ?n)
  WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }}"""
_CLASSES = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"


def _int(term) -> int:
    return int(term.value)


def _graphs(graphs: Sequence[str] | None) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """The named graphs, or (``None``) the store's default graph, the served merge."""
    return [ox.DefaultGraph()] if graphs is None else [ox.NamedNode(g) for g in graphs]


def _select(store: ox.Store, query: str, graphs: Sequence[str] | None) -> ox.QuerySolutions:
    """The solutions of a SELECT whose default graph is ``graphs`` (see ``_graphs``), with no named graph."""
    result = store.query(query, default_graph=_graphs(graphs), named_graphs=[])
    assert isinstance(result, ox.QuerySolutions), "a SELECT query returns solutions"
    return result


def _counts(store: ox.Store, graphs: Sequence[str] | None) -> Counts:
    row = next(iter(_select(store, _COUNTS, graphs)))
    entities = _int(next(iter(_select(store, _ENTITIES, graphs)))["n"])
    classes = _int(next(iter(_select(store, _CLASSES, graphs)))["n"])
    return Counts(_int(row["t"]), entities, classes, _int(row["p_"]), _int(row["s_"]), _int(row["o_"]))


def compute(store: ox.Store, named_graphs: Sequence[str]) -> Stats:
    """Counts of the default graph (the served merge) and of each named graph."""
    classes = {r["c"].value: _int(r["n"]) for r in _select(
        store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c", None)}
    properties = {r["p"].value: _int(r["n"]) for r in _select(
        store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p", None)}
    links = _int(next(iter(_select(
        store, f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{SKOS.exactMatch}> ?o FILTER STRSTARTS(STR(?o), "{WIKIDATA}") }}',
        None)))["n"])
    known = sorted(set(PREFIXES.values()), key=len, reverse=True)
    vocabularies = set()
    for term in [*classes, *properties]:
        for ns in known:
            if term.startswith(ns) and not ns.startswith(BASE + "id/"):
                vocabularies.add(ns)
                break
    return Stats(_counts(store, None), {g: _counts(store, [g]) for g in named_graphs},
                 classes, properties, tuple(sorted(vocabularies)), links)


def _add_counts(g: Graph, node, counts: Counts) -> None:
    for p, value in ((VOID.triples, counts.triples), (VOID.entities, counts.entities),
                     (VOID.classes, counts.classes), (VOID.properties, counts.properties),
                     (VOID.distinctSubjects, counts.subjects), (VOID.distinctObjects, counts.objects)):
        g.add((node, p, Literal(value, datatype=XSD.integer)))


def describe(stats: Stats, sparql_endpoint: str, public_base: str = BASE, dump: tuple[str, int] | None = None) -> Graph:
    """The VoID description; ``dump``: the URL of the complete dump and its number of quads."""
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    ds = DATASET
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("allegiance: the public record on collaboration with the Islamic State",
                                      lang="en")))
    g.add((ds, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    g.add((ds, VOID.uriSpace, Literal(public_base)))
    g.add((ds, VOID.exampleResource, URIRef(public_base + "id/islamic-state")))
    g.add((ds, VOID.rootResource, URIRef(public_base + "ontology")))
    if dump is not None:
        url, quads = dump
        g.add((ds, VOID.dataDump, URIRef(url)))
        g.add((URIRef(url), DCTERMS.format, Literal("application/n-quads")))
        g.add((URIRef(url), DCTERMS.extent, Literal(f"{quads} quads, gzip-compressed N-Quads: every quad of the "
                                                    "store, the default graph (the merge) included", lang="en")))
        g.add((URIRef(url), DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    for vocab in stats.vocabularies:
        g.add((ds, VOID.vocabulary, URIRef(vocab)))
    _add_counts(g, ds, stats.total)
    for cls, n in sorted(stats.class_partition.items()):
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for prop, n in sorted(stats.property_partition.items()):
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))
    for graph_iri, counts in sorted(stats.graphs.items()):
        sub = URIRef(graph_iri)
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        _add_counts(g, sub, counts)
    wikidata = URIRef("http://www.wikidata.org/")  # the Wikidata dataset
    g.add((wikidata, RDF.type, VOID.Dataset))
    g.add((wikidata, VOID.uriSpace, Literal(WIKIDATA)))
    g.add((wikidata, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql")))
    linkset = URIRef(BASE + "dataset/" + LINKSETS[0])
    g.add((ds, VOID.subset, linkset))
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.linkPredicate, SKOS.exactMatch))
    g.add((linkset, VOID.subjectsTarget, ds))
    g.add((linkset, VOID.objectsTarget, wikidata))
    g.add((linkset, VOID.target, ds))
    g.add((linkset, VOID.target, wikidata))
    g.add((linkset, VOID.triples, Literal(stats.wikidata_links, datatype=XSD.integer)))
    return g
