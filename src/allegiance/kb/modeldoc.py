"""Documentation of the model, generated from the ontology and the instances so that it cannot drift from them.

For every class and property of the ``alg:`` namespace: its label and definition, where it sits (superclasses,
domain, range, super-properties), where it is used (how many instances or statements, with which properties or on
which classes) and, for each class, one example query that runs against the endpoint. Concept schemes are listed
after them. ``render_markdown`` gives Markdown (``docs/model.md``), ``render_html`` an HTML fragment for the
``/ontology`` page. ``python -m allegiance.kb.modeldoc [OUT]`` writes the Markdown for the shipped knowledge base.
"""

from __future__ import annotations

import html
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

ALG = Namespace("https://w3id.org/allegiance/ontology#")
_PREFIXES = {
    "alg": "https://w3id.org/allegiance/ontology#",
    "concept": "https://w3id.org/allegiance/concept/",
    "id": "https://w3id.org/allegiance/id/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
_QUERY_PROLOGUE = ("PREFIX alg: <https://w3id.org/allegiance/ontology#>\n"
                   "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")


def qname(term) -> str:
    s = str(term)
    for prefix, ns in _PREFIXES.items():
        if s.startswith(ns):
            return f"{prefix}:{s[len(ns):]}"
    return f"<{s}>"


def _text(g: Graph, term, prop) -> str:
    values = [v for v in g.objects(term, prop) if isinstance(v, Literal)]
    en = [v for v in values if v.language in (None, "en")]
    return " ".join(str(en[0] if en else values[0]).split()) if values else ""


def _class_expr(g: Graph, node) -> str:
    """A class or a union of classes, as text."""
    if isinstance(node, BNode):
        members = g.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(qname(m) for m in Collection(g, members))
    return qname(node)


def _classes_of_expr(g: Graph, node) -> list:
    if isinstance(node, BNode):
        members = g.value(node, OWL.unionOf)
        if members is not None:
            return list(Collection(g, members))
        return []
    return [node]


@dataclass
class Term:
    iri: URIRef
    kind: str  # "class", "object property", "datatype property"
    label: str
    definition: str
    parents: list[str] = field(default_factory=list)
    domain: str = ""
    range: str = ""
    count: int = 0  # instances (classes) or statements (properties)
    usage: list[tuple[str, int]] = field(default_factory=list)
    example: str = ""


def example_query(cls: URIRef) -> str:
    """One runnable query per class: five of its instances (by inference, of its subclasses too) with a label."""
    return (_QUERY_PROLOGUE + f"SELECT ?x ?label WHERE {{\n  ?x a {qname(cls)} .\n"
            "  OPTIONAL { ?x rdfs:label ?label }\n} ORDER BY ?x LIMIT 5")


def _iris(nodes: Iterable[Node]) -> list[URIRef]:
    """The IRIs among ``nodes``, sorted (blank nodes are class expressions, documented where they are used)."""
    return sorted({n for n in nodes if isinstance(n, URIRef)})


def collect(ontology: Graph, instances: Graph) -> tuple[list[Term], list[Term], list[tuple[URIRef, str, list]]]:
    """Classes, properties and concept schemes of the ontology, with their use in ``instances``."""
    classes: list[Term] = []
    for c in _iris(ontology.subjects(RDF.type, OWL.Class)):
        if not str(c).startswith(str(ALG)):
            continue
        members = set(instances.subjects(RDF.type, c))
        used = Counter(qname(p) for m in members for p in set(instances.predicates(m, None)) if p != RDF.type)
        classes.append(Term(
            iri=c, kind="class", label=_text(ontology, c, RDFS.label), definition=_text(ontology, c, SKOS.definition),
            parents=[qname(p) for p in _iris(ontology.objects(c, RDFS.subClassOf))],
            count=len(members), usage=sorted(used.items(), key=lambda kv: (-kv[1], kv[0]))[:12],
            example=example_query(c)))
    properties: list[Term] = []
    for kind, rdf_kind in (("object property", OWL.ObjectProperty), ("datatype property", OWL.DatatypeProperty)):
        for p in _iris(ontology.subjects(RDF.type, rdf_kind)):
            if not str(p).startswith(str(ALG)):
                continue
            statements = list(instances.subject_objects(p))
            on = Counter(qname(t) for s, _ in statements for t in instances.objects(s, RDF.type)
                         if str(t).startswith(str(ALG)))
            domain, rng = ontology.value(p, RDFS.domain), ontology.value(p, RDFS.range)
            properties.append(Term(
                iri=p, kind=kind, label=_text(ontology, p, RDFS.label), definition=_text(ontology, p, SKOS.definition),
                parents=[qname(x) for x in _iris(ontology.objects(p, RDFS.subPropertyOf))],
                domain=_class_expr(ontology, domain) if domain is not None else "",
                range=_class_expr(ontology, rng) if rng is not None else "",
                count=len(statements), usage=sorted(on.items(), key=lambda kv: (-kv[1], kv[0]))[:8]))
    schemes: list[tuple[URIRef, str, list[Any]]] = []
    for s in _iris(ontology.subjects(RDF.type, SKOS.ConceptScheme)):
        concepts = _iris(ontology.subjects(SKOS.inScheme, s))
        schemes.append((s, _text(ontology, s, SKOS.prefLabel),
                        [(c, _text(ontology, c, SKOS.prefLabel), _text(ontology, c, SKOS.definition),
                          sum(1 for _ in instances.subjects(None, c))) for c in concepts]))
    return classes, properties, schemes


def render_markdown(ontology: Graph, instances: Graph) -> str:
    classes, properties, schemes = collect(ontology, instances)
    out = ["# The allegiance model\n",
           "Generated from `ontology/allegiance.ttl`, `ontology/concepts.ttl` and the instances by "
           "`python -m allegiance.kb.modeldoc docs/model.md`; `tests/data/test_modeldoc.py` fails when this file is "
           "out of step. Counts are asserted triples of the instances (no inference). Conventions and patterns: "
           "[`instances/README.md`](../instances/README.md); worked questions: [`cookbook.md`](cookbook.md).\n",
           "## Classes\n",
           "| class | label | instances |", "|---|---|---|"]
    out += [f"| [`{qname(t.iri)}`](#{t.iri.split('#')[1].lower()}) | {t.label} | {t.count} |" for t in classes]
    out.append("")
    for t in classes:
        out += [f"### {t.iri.split('#')[1]}\n", f"`{qname(t.iri)}` — {t.label}. {t.definition}\n"]
        if t.parents:
            out.append("Specialises: " + ", ".join(f"`{p}`" for p in t.parents) + ".\n")
        domain_of = [qname(p.iri) for p in properties if qname(t.iri) in p.domain.split(" or ")]
        if domain_of:
            out.append("Properties with this domain: " + ", ".join(f"`{p}`" for p in domain_of) + ".\n")
        out.append(f"Instances (asserted): {t.count}." + (
            " Most used properties on them: " + ", ".join(f"`{p}` ({n})" for p, n in t.usage) + "." if t.usage else "")
            + "\n")
        out += ["Example:\n", "```sparql", t.example, "```\n"]
    out += ["## Properties\n", "| property | kind | domain | range | statements |", "|---|---|---|---|---|"]
    out += [f"| `{qname(t.iri)}` | {t.kind} | {t.domain} | {t.range} | {t.count} |" for t in properties]
    out.append("")
    for t in properties:
        out += [f"### {t.iri.split('#')[1]}\n", f"`{qname(t.iri)}` ({t.kind}) — {t.label}. {t.definition}\n",
                f"Domain: {t.domain or '—'}. Range: {t.range or '—'}."
                + (" Sub-property of " + ", ".join(f"`{p}`" for p in t.parents) + "." if t.parents else "") + "\n",
                f"Statements (asserted): {t.count}." + (
                    " Used on: " + ", ".join(f"`{c}` ({n})" for c, n in t.usage) + "." if t.usage else "") + "\n"]
    out.append("## Concept schemes\n")
    out.append("The SKOS concept schemes are documents of their own (`ontology/concepts.ttl`); the count is how many "
               "statements of the instances use each concept.\n")
    for scheme, label, concepts in schemes:
        out += [f"### {label}\n", f"`{qname(scheme)}`\n", "| concept | label | definition | used |",
                "|---|---|---|---|"]
        out += [f"| `{qname(c)}` | {lab} | {d} | {n} |" for c, lab, d, n in concepts]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_html(ontology: Graph, instances: Graph) -> str:
    """The same documentation as an HTML fragment (a <section>), for the /ontology page."""
    classes, properties, schemes = collect(ontology, instances)
    e = html.escape
    out = ['<section class="model-doc">', "<h2>Classes</h2>"]
    for t in classes:
        anchor = t.iri.split("#")[1]
        out.append(f'<article id="{e(anchor)}"><h3>{e(qname(t.iri))} — {e(t.label)}</h3><p>{e(t.definition)}</p>')
        if t.parents:
            out.append(f"<p>Specialises {e(', '.join(t.parents))}.</p>")
        out.append(f"<p>Instances: {t.count}.</p>")
        if t.usage:
            out.append("<p>Properties used: " + e(", ".join(f"{p} ({n})" for p, n in t.usage)) + ".</p>")
        out.append(f"<pre><code>{e(t.example)}</code></pre></article>")
    out.append("<h2>Properties</h2>")
    for t in properties:
        anchor = t.iri.split("#")[1]
        out.append(f'<article id="{e(anchor)}"><h3>{e(qname(t.iri))} — {e(t.label)}</h3><p>{e(t.definition)}</p>'
                   f"<p>{e(t.kind)}; domain {e(t.domain or '—')}; range {e(t.range or '—')}; "
                   f"statements: {t.count}.</p></article>")
    out.append("<h2>Concept schemes</h2>")
    for _scheme, label, concepts in schemes:
        out.append(f"<h3>{e(label)}</h3><table><tr><th>concept</th><th>label</th><th>definition</th><th>used</th></tr>")
        out += [f"<tr><td>{e(qname(c))}</td><td>{e(lab)}</td><td>{e(d)}</td><td>{n}</td></tr>"
                for c, lab, d, n in concepts]
        out.append("</table>")
    out.append("</section>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    from allegiance.kb.load import load

    argv = sys.argv[1:] if argv is None else argv
    kb = load()
    text = render_markdown(kb.ontology, kb.instance_union())
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
