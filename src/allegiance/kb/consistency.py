"""OWL 2 DL consistency: owlready2 loads ontology plus instances and HermiT classifies them.

HermiT knows only the OWL 2 datatype map, which lacks ``xsd:date``, ``xsd:gYear`` and ``xsd:gYearMonth``, the
datatypes our dates use; they are passed to HermiT as unsupported (ignored), so literal values of those types are not
range-checked by the reasoner (the SHACL shapes check them). When HermiT finds the knowledge base inconsistent, the
OWL RL closure is searched for the individuals that break a disjointness axiom, so that the report names them.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
from rdflib import Graph
from rdflib.term import Identifier

from allegiance.kb.inference import closure
from allegiance.namespaces import OWL, RDF


@dataclass
class ConsistencyResult:
    consistent: bool
    unsatisfiable_classes: list[str] = field(default_factory=list)
    culprits: list[str] = field(default_factory=list)  # human-readable explanations, when inconsistent

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable_classes


def _disjointness_culprits(data: Graph) -> list[str]:
    """Individuals typed (after OWL RL closure) with two classes declared disjoint, or with owl:Nothing."""
    full = Graph()
    full += data
    full += closure(data)
    # the terms of a parsed graph are all Identifiers (URIRef, BNode, Literal), which sort; rdflib types them as Node
    pairs: set[tuple[Identifier, Identifier]] = set()
    for a, b in full.subject_objects(OWL.disjointWith):
        if isinstance(a, Identifier) and isinstance(b, Identifier):
            pairs.add((a, b))
    for axiom in full.subjects(RDF.type, OWL.AllDisjointClasses):
        head = full.value(axiom, OWL.members)
        members = [m for m in full.items(head) if isinstance(m, Identifier)] if head is not None else []
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    found = []
    for a, b in sorted(pairs):
        both = set(full.subjects(RDF.type, a)) & set(full.subjects(RDF.type, b))
        for s in sorted(x for x in both if isinstance(x, Identifier)):
            found.append(f"{s} is both {a} and {b}, which are disjoint")
    for s in sorted(x for x in full.subjects(RDF.type, OWL.Nothing) if isinstance(x, Identifier)):
        found.append(f"{s} is an instance of owl:Nothing")
    return found


def check_consistency(data: Graph) -> ConsistencyResult:
    """Run HermiT (through owlready2) over ``data``: the ontology and the instances in one graph."""
    with tempfile.TemporaryDirectory(prefix="allegiance-owl-") as tmp:
        path = Path(tmp) / "kb.nt"
        data.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                               ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError:
            return ConsistencyResult(False, culprits=_disjointness_culprits(data))
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        world.close()
    return ConsistencyResult(True, unsatisfiable_classes=unsatisfiable)
