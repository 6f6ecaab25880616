"""``allegiance check``: parse every file, check citations, reason for consistency, validate with SHACL, report.

Exit status: 0 when everything passes, 1 when there are violations (citations, consistency or shapes),
2 when an input cannot be read (the message names the file, line and column).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Identifier

from allegiance.kb.citations import CitationProblem, check_citations
from allegiance.kb.inference import closure
from allegiance.kb.load import (
    INFERENCES_GRAPH,
    ONTOLOGY_GRAPH,
    SHAPES_GRAPH,
    KnowledgeBase,
    UnreadableFile,
    load,
)
from allegiance.namespaces import ALG, GRAPH, OWL, RDF, RDFS
from allegiance.namespaces import prefixed_name as short
from allegiance.paths import Layout, MissingData, default_layout

if TYPE_CHECKING:
    from allegiance.kb.consistency import ConsistencyResult
    from allegiance.store.target import QuadStore

EXIT_OK, EXIT_VIOLATIONS, EXIT_UNREADABLE = 0, 1, 2
CONCEPTS_GRAPH = GRAPH["concepts"]  # concepts.ttl, as store/build.py names its graph


@dataclass
class Report:
    files: list[Path] = field(default_factory=list)
    triples: int = 0
    classes: int = 0
    properties: int = 0
    instances_by_class: Counter = field(default_factory=Counter)
    claims_by_kind: Counter = field(default_factory=Counter)
    citations: list[CitationProblem] = field(default_factory=list)
    consistency: ConsistencyResult | None = None
    shape_violations: list = field(default_factory=list)
    origin: str = ""  # what was checked, when not the files

    @property
    def passed(self) -> bool:
        return (not self.citations and not self.shape_violations
                and (self.consistency is None or self.consistency.ok))


def _count(kb: KnowledgeBase, data: Graph, inferred: Graph, report: Report) -> None:
    ontology = kb.ontology
    report.classes = sum(1 for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(ALG)))
    report.properties = sum(
        1 for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology.subjects(RDF.type, kind) if str(p).startswith(str(ALG)))
    instances = kb.instance_union()
    for s, o in instances.subject_objects(RDF.type):
        if isinstance(s, URIRef) and str(o).startswith(str(ALG)):
            report.instances_by_class[short(o)] += 1
    # every claim once, under its most specific asserted kind (a denial as alg:Denial, a bare claim as alg:Claim)
    full = data + inferred
    claim_kinds = {c for c in full.subjects(RDFS.subClassOf, ALG.Claim)} | {ALG.Claim}
    for claim in set((instances + inferred).subjects(RDF.type, ALG.Claim)):
        asserted = [k for k in instances.objects(claim, RDF.type) if isinstance(k, Identifier) and k in claim_kinds]
        specific = [k for k in asserted if not any((o, RDFS.subClassOf, k) in full for o in asserted if o != k)]
        report.claims_by_kind[short(sorted(specific or [ALG.Claim])[0])] += 1
    report.triples = len(data)


def build_report(kb: KnowledgeBase, reason: bool = True, shapes: bool = True) -> Report:
    data = kb.data()
    report = Report(files=[*kb.layout.ontology_files(), *kb.instance_paths.values(), *kb.layout.shape_files()])
    _count(kb, data, closure(data), report)
    report.citations = check_citations(data, kb.layout.sources)
    if reason:
        from allegiance.kb.consistency import check_consistency  # owlready2 and Java: only when reasoning

        report.consistency = check_consistency(data)
    if shapes:
        from allegiance.kb.validation import validate  # the SHACL layer

        report.shape_violations = list(validate(data, kb.shapes).violations)
    return report


def print_report(report: Report, out: TextIO) -> None:
    from allegiance.kb.validation import format_violation

    w = out.write
    what = report.origin or f"{len(report.files)} files"
    w(f"allegiance check: {what}, {report.triples} triples (ontology + instances)\n")
    w(f"  ontology: {report.classes} classes, {report.properties} properties\n")
    w("  instances by class:\n")
    for name, n in sorted(report.instances_by_class.items(), key=lambda kv: (-kv[1], kv[0])):
        w(f"    {name:32} {n:5}\n")
    w(f"  claims by kind ({sum(report.claims_by_kind.values())} in all; alg:Claim counts the claims of no subclass):\n")
    for name, n in sorted(report.claims_by_kind.items(), key=lambda kv: (-kv[1], kv[0])):
        w(f"    {name:32} {n:5}\n")
    w(f"citations: {'ok' if not report.citations else f'{len(report.citations)} problem(s)'}\n")
    for p in report.citations:
        w(f"  CITATION {short(p.node)}: {p.message}\n")
    c = report.consistency
    if c is None:
        w("consistency: not checked (--no-reasoner)\n")
    elif c.ok:
        w("consistency: HermiT finds ontology and instances consistent, no unsatisfiable class\n")
    else:
        if not c.consistent:
            w("consistency: INCONSISTENT\n")
            for line in c.culprits or ["(no disjointness clash found by the OWL RL closure; see HermiT)"]:
                w(f"  OWL {line}\n")
        for cls in c.unsatisfiable_classes:
            w(f"  UNSATISFIABLE {short(cls)}\n")
    w(f"shapes: {'conforms' if not report.shape_violations else f'{len(report.shape_violations)} violation(s)'}\n")
    for v in report.shape_violations:
        w(f"  SHACL {format_violation(v)}\n")
    w("PASS\n" if report.passed else "FAIL\n")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--instances", type=Path, action="append", default=[], metavar="FILE",
                        help="also check this instances file (an import), as if it were in instances/; repeatable")
    parser.add_argument("--no-reasoner", action="store_true", help="skip the HermiT consistency check")
    parser.add_argument("--store", metavar="PATH|URL",
                        help="check what a store holds (a folder, or a SPARQL 1.1 store's query URL) instead of the "
                             "files: its ontology, concepts and instance graphs, against its shapes graph")
    parser.add_argument("--store-update", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--store-data", metavar="URL", help="the Graph Store Protocol URL of a remote store")
    parser.add_argument("--store-default-graph", metavar="IRI",
                        help="a remote store's named graph holding the merge (left out of the check)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per request to a remote store")
    parser.add_argument("--sources", type=Path, metavar="DIR",
                        help="the folder of source texts the citations are checked against (default: the shipped "
                             "sources)")


def stored_knowledge_base(target: QuadStore, layout: Layout) -> KnowledgeBase:
    """A store's graphs read as a knowledge base: the ontology and concepts graphs as the ontology, every other
    named graph but the shapes and the inferences as instances, the store's shapes graph (else the shipped
    shapes) as the shapes."""
    graphs = target.named_graphs()
    ontology_graphs = [g for g in graphs if g in (str(ONTOLOGY_GRAPH), str(CONCEPTS_GRAPH))]
    if str(ONTOLOGY_GRAPH) not in ontology_graphs:
        raise MissingData(f"the store holds no ontology graph <{ONTOLOGY_GRAPH}>: load the knowledge base first "
                          "(allegiance load --store ...)")

    def graph(*iris: str) -> Graph:
        g = Graph()
        for iri in iris:
            data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in target.quads(iri)),
                                format=ox.RdfFormat.N_TRIPLES) or b""
            g.parse(data=data.decode("utf-8"), format="nt")
        return g

    kb = KnowledgeBase(layout=layout, ontology=graph(*ontology_graphs))
    for iri in graphs:
        if iri not in (*ontology_graphs, str(SHAPES_GRAPH), str(INFERENCES_GRAPH)):
            kb.instances[URIRef(iri)] = graph(iri)
    kb.shapes = graph(str(SHAPES_GRAPH)) if str(SHAPES_GRAPH) in graphs else load(layout).shapes
    return kb


def run(args: argparse.Namespace) -> int:
    layout = default_layout() if args.sources is None else replace(default_layout(), sources_dir=args.sources)
    try:
        if args.store:
            from allegiance.cli.load import open_target

            target = open_target(args)
            try:
                kb = stored_knowledge_base(target, layout)
            finally:
                target.close()
        else:
            kb = load(layout, extra_instances=args.instances)
    except UnreadableFile as exc:
        print(f"allegiance check: cannot read {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except (MissingData, ValueError, OSError) as exc:  # an empty or unreachable store, or bad store arguments
        print(f"allegiance check: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    report = build_report(kb, reason=not args.no_reasoner)
    if args.store:
        report.origin = f"the store {args.store}: {len(kb.instances)} instance graphs"
    print_report(report, sys.stdout)
    return EXIT_OK if report.passed else EXIT_VIOLATIONS
