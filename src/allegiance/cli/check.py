"""``allegiance check``: parse every file, check citations, reason for consistency, validate with SHACL, report.

Exit status: 0 when everything passes, 1 when there are violations (citations, consistency or shapes),
2 when an input cannot be read (the message names the file, line and column).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rdflib import Graph, URIRef
from rdflib.term import Identifier

from allegiance.kb.citations import CitationProblem, check_citations
from allegiance.kb.inference import closure
from allegiance.kb.load import KnowledgeBase, UnreadableFile, load
from allegiance.namespaces import ALG, OWL, RDF, RDFS
from allegiance.namespaces import prefixed_name as short

if TYPE_CHECKING:
    from allegiance.kb.consistency import ConsistencyResult

EXIT_OK, EXIT_VIOLATIONS, EXIT_UNREADABLE = 0, 1, 2


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
    w(f"allegiance check: {len(report.files)} files, {report.triples} triples (ontology + instances)\n")
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


def run(args: argparse.Namespace) -> int:
    try:
        kb = load(extra_instances=args.instances)
    except UnreadableFile as exc:
        print(f"allegiance check: cannot read {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    report = build_report(kb, reason=not args.no_reasoner)
    print_report(report, sys.stdout)
    return EXIT_OK if report.passed else EXIT_VIOLATIONS
