"""The published JSON-LD ``@context`` of the project's vocabulary, generated from the ontology.

One term per ``alg:`` class and property, named by its local name: a class maps to its IRI; an object property
to ``{"@id": ..., "@type": "@id"}`` (its values are IRIs); a datatype property to ``{"@id": ..., "@type": <its
range>}``, except a range of ``xsd:string``, which is left without ``@type`` because a plain JSON string already
is an ``xsd:string`` literal (giving the type would make the context expand plain strings and typed strings
differently from the RDF the graph holds). Beside the terms come the prefixes of the namespaces the graph uses, so
that every other IRI compacts to a prefixed name (``org:member``, ``id:islamic-state``).

``python -m allegiance.kb.context [OUT]`` writes the context for the shipped ontology to ``OUT`` (by default
``src/allegiance/web/static/context.jsonld``, which the server publishes at ``/context.jsonld`` and uses for its
JSON-LD entity documents); ``tests/test_context.py`` checks that the committed file is what this module generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from allegiance.namespaces import ALG, PREFIXES

STATIC_CONTEXT = Path(__file__).resolve().parents[1] / "web" / "static" / "context.jsonld"

# the namespaces a document of this graph uses, in the order they are written
CONTEXT_PREFIXES = ("alg", "id", "src", "concept", "prov", "org", "skos", "dcterms", "time", "rdfs", "xsd", "wd",
                    "foaf", "owl")


def _local(iri: URIRef) -> str:
    return str(iri)[len(str(ALG)):]


def _compact(iri: URIRef) -> str:
    for prefix in CONTEXT_PREFIXES:
        ns = PREFIXES[prefix]
        if str(iri).startswith(ns) and "/" not in str(iri)[len(ns):]:
            return f"{prefix}:{str(iri)[len(ns):]}"
    return str(iri)


def _own(ontology: Graph, kind: URIRef) -> list[URIRef]:
    return sorted((s for s in ontology.subjects(RDF.type, kind)
                   if isinstance(s, URIRef) and str(s).startswith(str(ALG)) and _local(s)), key=_local)


def build_context(ontology: Graph) -> dict[str, object]:
    """The ``@context`` object (prefixes, then classes, then properties, each sorted by name) for ``ontology``."""
    context: dict[str, object] = {prefix: PREFIXES[prefix] for prefix in CONTEXT_PREFIXES}
    terms: dict[str, object] = {}
    for cls in _own(ontology, OWL.Class):
        terms[_local(cls)] = _compact(cls)
    properties: dict[str, object] = {}
    for prop in _own(ontology, OWL.ObjectProperty):
        properties[_local(prop)] = {"@id": _compact(prop), "@type": "@id"}
    for prop in _own(ontology, OWL.DatatypeProperty):
        ranges = sorted(r for r in ontology.objects(prop, RDFS.range) if isinstance(r, URIRef))
        definition: dict[str, str] = {"@id": _compact(prop)}
        if len(ranges) == 1 and ranges[0] != XSD.string:
            definition["@type"] = _compact(ranges[0])
        properties[_local(prop)] = definition
    for prop in _own(ontology, OWL.AnnotationProperty):
        properties.setdefault(_local(prop), {"@id": _compact(prop)})
    clashes = sorted(set(terms) & set(properties) | (set(terms) | set(properties)) & set(CONTEXT_PREFIXES))
    if clashes:
        raise ValueError(f"JSON-LD term names used twice: {', '.join(clashes)}")
    context.update(terms)
    context.update(dict(sorted(properties.items())))
    return context


def render(ontology: Graph) -> str:
    """The context document's text: ``{"@context": {...}}``, two-space indented, ending with a newline."""
    return json.dumps({"@context": build_context(ontology)}, indent=2, ensure_ascii=False) + "\n"


def shipped_ontology() -> Graph:
    from allegiance.paths import default_layout

    graph = Graph()
    for path in default_layout().ontology_files():
        graph.parse(path, format="turtle")
    return graph


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else STATIC_CONTEXT
    out.write_text(render(shipped_ontology()), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
