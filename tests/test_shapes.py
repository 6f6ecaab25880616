"""The SHACL shapes: each constraint fires on a fixture built to break it, and only there.

Every case file in ``fixtures/shapes/`` is added to ``fixtures/shapes/_base.ttl`` (a minimal valid knowledge base with one
node of every class) and the ontology; the result must be exactly one validation result, with the focus node, path,
constraint component and shape listed in ``CASES``. For a property constraint the shape listed is the node shape that
holds the (blank) property shape.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.plugins.sparql import prepareQuery

from allegiance.kb.load import parse_file
from allegiance.namespaces import ALG, ID, OWL, PREFIXES, RDF, RDFS, SH
from allegiance.kb.validation import Violation, format_violation, qname, validate

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
ALGSH = Namespace("https://w3id.org/allegiance/shapes#")
SHAPES_GRAPH_IRI = URIRef("https://w3id.org/allegiance/shapes")
EXPAND = {**PREFIXES, "algsh": str(ALGSH), "ex": "https://example.org/"}

# (case file stem, focus node, result path or None, constraint component, shape)
CASES = [
    ("accusation-accused-not-an-agent", "id:s000-accusation-c", "alg:accused", "NodeConstraintComponent", "algsh:AccusationShape"),
    ("accusation-no-accuser", "id:s000-accusation-c", "alg:accuser", "MinCountConstraintComponent", "algsh:AccusationShape"),
    ("accusation-no-beneficiary", "id:s000-accusation-c", "alg:beneficiary", "MinCountConstraintComponent", "algsh:AccusationShape"),
    ("accusation-no-status", "id:s000-accusation-c", "alg:status", "MinCountConstraintComponent", "algsh:AccusationShape"),
    ("accusation-no-support-type", "id:s000-accusation-c", "alg:supportType", "MinCountConstraintComponent", "algsh:AccusationShape"),
    ("accusation-support-type-from-wrong-scheme", "id:s000-accusation-c", "alg:supportType", "NodeConstraintComponent", "algsh:AccusationShape"),
    ("affiliation-no-kind", "id:s000-affiliation-c", "alg:affiliationKind", "MinCountConstraintComponent", "algsh:AffiliationShape"),
    ("attack-no-english-label", "id:s000-attack-c", "rdfs:label", "QualifiedMinCountConstraintComponent", "algsh:AttackShape"),
    ("attribution-no-event", "id:s000-attribution-c", "alg:attributedEvent", "MinCountConstraintComponent", "algsh:AttributionShape"),
    ("claim-about-literal", "id:s000-statement-unnamed-militant", "alg:about", "NodeKindConstraintComponent", "algsh:ClaimShape"),
    ("claim-claimed-by-not-an-agent", "id:s000-figure-casualties-attack", "alg:claimedBy", "NodeConstraintComponent", "algsh:ClaimShape"),
    ("claim-date-datetime", "id:s000-figure-casualties-attack", "dcterms:date", "NodeConstraintComponent", "algsh:ClaimShape"),
    ("claim-dated-without-earliest-latest", "id:s000-designation-c", None, "OrConstraintComponent", "algsh:DateBoundsShape"),
    ("claim-earliest-not-a-date", "id:s000-designation-c", "alg:earliest", "DatatypeConstraintComponent", "algsh:DateBoundsShape"),
    ("claim-no-claimant", "id:s000-assessment-c", None, "OrConstraintComponent", "algsh:ClaimClaimantShape"),
    ("claim-no-english-label", "id:s000-eventreport-c", "rdfs:label", "QualifiedMinCountConstraintComponent", "algsh:ClaimLabelShape"),
    ("claim-status-not-in-scheme", "id:s000-figure-casualties-attack", "alg:status", "NodeConstraintComponent", "algsh:ClaimShape"),
    ("claim-two-dates", "id:s000-figure-casualties-attack", "dcterms:date", "MaxCountConstraintComponent", "algsh:ClaimShape"),
    ("claim-two-latest-days", "id:s000-designation-c", "alg:latest", "MaxCountConstraintComponent", "algsh:DateBoundsShape"),
    ("claim-typed-only-abstract", "id:s000-claim-c", None, "OrConstraintComponent", "algsh:ConcreteClaimShape"),
    ("concept-iri-pattern", "ex:concept-1", None, "PatternConstraintComponent", "algsh:ConceptShape"),
    ("concept-no-definition", "concept:kilograms", "skos:definition", "MinCountConstraintComponent", "algsh:ConceptShape"),
    ("concept-no-scheme", "concept:kilograms", "skos:inScheme", "MinCountConstraintComponent", "algsh:ConceptShape"),
    ("concept-scheme-no-definition", "concept:colours", "skos:definition", "MinCountConstraintComponent", "algsh:ConceptSchemeShape"),
    ("control-of-a-non-place", "id:s000-control-town-y", "alg:controlledPlace", "ClassConstraintComponent", "algsh:TerritorialControlShape"),
    ("control-of-a-whole-country", "id:s000-control-c", "alg:controlledPlace", "NotConstraintComponent", "algsh:ControlledPlaceNotCountryShape"),
    ("country-in-country", "id:country-x", "alg:inCountry", "MaxCountConstraintComponent", "algsh:CountryShape"),
    ("denial-by-a-third-party", "id:s000-denial-c", "alg:respondent", "SPARQLConstraintComponent", "algsh:DenialRespondentRule"),
    ("denial-on-behalf-of-someone-else", "id:s000-denial-c", "alg:respondent", "SPARQLConstraintComponent", "algsh:DenialRespondentRule"),
    ("derivation-blank-excerpt", "ex:derivation-1", "alg:excerpt", "PatternConstraintComponent", "algsh:DerivationShape"),
    ("derivation-entity-not-a-source", "ex:derivation-1", "prov:entity", "ClassConstraintComponent", "algsh:DerivationShape"),
    ("derivation-excerpt-language-tagged", "ex:derivation-1", "alg:excerpt", "DatatypeConstraintComponent", "algsh:DerivationShape"),
    ("derivation-no-excerpt", "ex:derivation-1", "alg:excerpt", "MinCountConstraintComponent", "algsh:DerivationShape"),
    ("designation-of-a-country", "id:s000-designation-c", "alg:designatedOrganization", "ClassConstraintComponent", "algsh:DesignationShape"),
    ("entity-altlabel-not-language-tagged", "id:group-a", "skos:altLabel", "DatatypeConstraintComponent", "algsh:EntityShape"),
    ("entity-exact-match-not-wikidata", "id:group-a", "skos:exactMatch", "PatternConstraintComponent", "algsh:EntityShape"),
    ("entity-label-not-language-tagged", "id:group-a", "rdfs:label", "DatatypeConstraintComponent", "algsh:EntityShape"),
    ("entity-no-english-label", "id:group-c", "rdfs:label", "QualifiedMinCountConstraintComponent", "algsh:EntityShape"),
    ("entity-two-english-labels", "id:group-a", "rdfs:label", "UniqueLangConstraintComponent", "algsh:EntityShape"),
    ("event-negative-number-of-persons", "id:s000-revocation-c", "alg:numberOfPersons", "MinInclusiveConstraintComponent", "algsh:EventShape"),
    ("event-undated-with-earliest-latest", "id:s000-attack-c", None, "OrConstraintComponent", "algsh:DateBoundsShape"),
    ("figure-about-event-not-an-event", "id:s000-figure-casualties-attack", "alg:aboutEvent", "ClassConstraintComponent", "algsh:FigureShape"),
    ("figure-bounds-reversed", "id:s000-figure-c", "alg:lowerBound", "SPARQLConstraintComponent", "algsh:FigureBoundsRule"),
    ("figure-lower-bound-only", "id:s000-figure-c", None, "OrConstraintComponent", "algsh:FigureShape"),
    ("figure-no-measure", "id:s000-figure-c", "alg:measure", "MinCountConstraintComponent", "algsh:FigureShape"),
    ("figure-no-value-nor-bounds", "id:s000-figure-c", None, "OrConstraintComponent", "algsh:FigureShape"),
    ("figure-unit-from-wrong-scheme", "id:s000-figure-c", "alg:unit", "NodeConstraintComponent", "algsh:FigureShape"),
    ("figure-vague-plural-with-value", "id:s000-figure-c", None, "OrConstraintComponent", "algsh:VagueFigureShape"),
    ("figure-value-not-a-number", "id:s000-figure-c", "alg:value", "NodeConstraintComponent", "algsh:FigureShape"),
    ("government-without-country", "id:government-of-z", "alg:governmentOf", "MinCountConstraintComponent", "algsh:GovernmentShape"),
    ("instant-with-two-values", "ex:instant-1", None, "XoneConstraintComponent", "algsh:InstantShape"),
    ("instant-wrong-datatype", "ex:instant-1", "time:inXSDgYear", "DatatypeConstraintComponent", "algsh:InstantShape"),
    ("interval-beginning-not-an-instant", "ex:interval-1", "time:hasBeginning", "ClassConstraintComponent", "algsh:IntervalShape"),
    ("interval-without-bounds", "ex:interval-1", None, "OrConstraintComponent", "algsh:IntervalShape"),
    ("iri-claim-without-source-number", "id:statement-c", None, "PatternConstraintComponent", "algsh:SourceNumberedIriShape"),
    ("iri-not-slug", "id:Group_C", None, "PatternConstraintComponent", "algsh:InstanceIriShape"),
    ("merger-two-results", "id:s000-merger-group-a", "org:resultingOrganization", "MaxCountConstraintComponent", "algsh:MergerShape"),
    ("organization-operates-in-not-a-place", "id:group-a", "alg:operatesIn", "ClassConstraintComponent", "algsh:OrganizationShape"),
    ("period-ends-before-it-starts", "id:s000-figure-c", "alg:period", "SPARQLConstraintComponent", "algsh:PeriodOrderRule"),
    ("person-public-role-language-tagged", "id:person-p", "alg:publicRole", "DatatypeConstraintComponent", "algsh:PersonShape"),
    ("place-in-country-not-a-country", "id:town-y", "alg:inCountry", "ClassConstraintComponent", "algsh:PlaceShape"),
    ("pledge-acceptance-from-wrong-scheme", "id:s000-pledge-c", "alg:acceptance", "NodeConstraintComponent", "algsh:PledgeShape"),
    ("pledge-date-not-its-start", "id:s000-pledge-c", "dcterms:date", "SPARQLConstraintComponent", "algsh:PledgeDateRule"),
    ("pledge-ends-before-it-starts", "id:s000-pledge-c", "org:memberDuring", "SPARQLConstraintComponent", "algsh:PledgeIntervalOrderRule"),
    ("pledge-kind-from-wrong-scheme", "id:s000-pledge-c", "alg:pledgeKind", "NodeConstraintComponent", "algsh:PledgeShape"),
    ("pledge-member-not-an-organization", "id:s000-pledge-c", "org:member", "ClassConstraintComponent", "algsh:PledgeShape"),
    ("pledge-no-kind", "id:s000-pledge-c", "alg:pledgeKind", "MinCountConstraintComponent", "algsh:PledgeShape"),
    ("pledge-no-member", "id:s000-pledge-c", "org:member", "MinCountConstraintComponent", "algsh:PledgeShape"),
    ("pledge-no-scope", "id:s000-pledge-c", "alg:scope", "MinCountConstraintComponent", "algsh:PledgeShape"),
    ("pledge-no-status", "id:s000-pledge-c", "alg:status", "MinCountConstraintComponent", "algsh:PledgeShape"),
    ("pledge-to-itself", "id:s000-pledge-c", "org:organization", "SPARQLConstraintComponent", "algsh:NoSelfMembershipRule"),
    ("pledge-two-periods", "id:s000-pledge-c", "org:memberDuring", "MaxCountConstraintComponent", "algsh:PledgeShape"),
    ("pledge-with-period", "id:s000-pledge-group-a", "alg:period", "MaxCountConstraintComponent", "algsh:PledgeShape"),
    ("population-group-country-not-a-country", "id:people-of-y", "alg:associatedCountry", "ClassConstraintComponent", "algsh:PopulationGroupShape"),
    ("prov-derived-from-not-a-source", "id:group-c", "prov:wasDerivedFrom", "ClassConstraintComponent", "algsh:ProvenanceShape"),
    ("prov-no-qualified-derivation", "id:group-c", "prov:qualifiedDerivation", "QualifiedMinCountConstraintComponent", "algsh:ProvenanceShape"),
    ("prov-no-was-derived-from", "id:group-c", "prov:wasDerivedFrom", "MinCountConstraintComponent", "algsh:ProvenanceShape"),
    ("prov-pairing-missing-plain", "id:group-a", "prov:qualifiedDerivation", "SPARQLConstraintComponent", "algsh:DerivationPairingRule"),
    ("prov-pairing-missing-qualified", "id:group-a", "prov:wasDerivedFrom", "SPARQLConstraintComponent", "algsh:DerivationPairingRule"),
    ("prov-qualified-derivation-untyped", "id:group-c", "prov:qualifiedDerivation", "ClassConstraintComponent", "algsh:ProvenanceShape"),
    ("prov-untyped-node", "id:s000-mystery-node", None, "OrConstraintComponent", "algsh:DerivedNodeTypeShape"),
    ("renaming-no-new-name", "id:s000-renaming-c", "alg:newName", "MinCountConstraintComponent", "algsh:RenamingShape"),
    ("renaming-two-iris", "id:s000-renaming-c", "org:resultingOrganization", "SPARQLConstraintComponent", "algsh:RenamingSameOrganizationRule"),
    ("response-before-the-claim", "id:s000-dispute-c", "alg:respondsTo", "SPARQLConstraintComponent", "algsh:ResponseDateRule"),
    ("response-no-responds-to", "id:s000-dispute-c", "alg:respondsTo", "MinCountConstraintComponent", "algsh:ResponseShape"),
    ("response-of-no-kind", "id:s000-response-c", None, "OrConstraintComponent", "algsh:ResponseShape"),
    ("response-responds-to-not-a-claim", "id:s000-dispute-c", "alg:respondsTo", "ClassConstraintComponent", "algsh:ResponseShape"),
    ("response-two-respondents", "id:s000-dispute-c", "alg:respondent", "MaxCountConstraintComponent", "algsh:ResponseShape"),
    ("revocation-no-revoking-state", "id:s000-revocation-c", "alg:revokingState", "MinCountConstraintComponent", "algsh:CitizenshipRevocationShape"),
    ("source-iri-pattern", "src:my-source", None, "PatternConstraintComponent", "algsh:SourceDocumentShape"),
    ("source-issued-datetime", "src:000_0123456789abcdef", "dcterms:date", "NodeConstraintComponent", "algsh:SourceDocumentShape"),
    ("source-no-sha256", "src:002_0123456789abcdef", "alg:sha256", "MinCountConstraintComponent", "algsh:SourceDocumentShape"),
    ("source-sha256-not-hex", "src:002_0123456789abcdef", "alg:sha256", "PatternConstraintComponent", "algsh:SourceDocumentShape"),
    ("split-no-original", "id:s000-split-c", "org:originalOrganization", "MinCountConstraintComponent", "algsh:SplitShape"),
    ("state-body-with-government-of", "id:army-of-x", "alg:governmentOf", "MaxCountConstraintComponent", "algsh:StateBodyShape"),
    ("statement-blank-quote", "id:s000-statement-c", "alg:quote", "PatternConstraintComponent", "algsh:StatementShape"),
    ("statement-no-speaker", "id:s000-statement-c", "alg:speaker", "MinCountConstraintComponent", "algsh:StatementShape"),
    ("status-missing-with-corroboration", "id:s000-figure-casualties-attack", "alg:status", "SPARQLConstraintComponent", "algsh:ClaimStatusRule"),
    ("status-not-following-dispute", "id:s000-pledge-group-a", "alg:status", "SPARQLConstraintComponent", "algsh:ClaimStatusRule"),
    ("unnamed-agent-exact-match", "id:s000-unnamed-militant", "skos:exactMatch", "MaxCountConstraintComponent", "algsh:UnnamedAgentShape"),
]


def iri(name: str) -> URIRef:
    prefix, local = name.split(":", 1)
    return URIRef(EXPAND[prefix] + local)


@pytest.fixture(scope="module")
def shapes(kb) -> Graph:
    return kb.shapes


@pytest.fixture(scope="module")
def base(kb) -> Graph:
    g = Graph()
    g += kb.ontology
    parse_file(FIXTURES / "_base.ttl", g)
    return g


def owning_shape(shapes: Graph, shape):
    """The shape itself if it is named; else the node shape whose sh:property it is."""
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        if parent is not None:
            return parent
    return shape


def test_base_conforms(base, shapes):
    result = validate(base, shapes)
    assert result.violations == [], "\n".join(map(format_violation, result.violations))
    assert result.conforms


def test_every_case_file_is_listed():
    files = {p.stem for p in FIXTURES.glob("*.ttl") if not p.name.startswith("_")}
    assert files == {c[0] for c in CASES}


@pytest.mark.parametrize(("case", "focus", "path", "component", "shape"), CASES, ids=[c[0] for c in CASES])
def test_case_breaks_exactly_one_constraint(case, focus, path, component, shape, base, shapes):
    data = Graph()
    data += base
    parse_file(FIXTURES / f"{case}.ttl", data)
    result = validate(data, shapes)
    assert not result.conforms
    assert len(result.violations) == 1, "\n".join(map(format_violation, result.violations))
    (v,) = result.violations
    assert v.focus_node == iri(focus)
    assert v.result_path == (iri(path) if path else None)
    assert v.constraint_component == SH[component]
    assert owning_shape(shapes, v.source_shape) == iri(shape)
    assert v.severity == SH.Violation
    assert v.message and "{?" not in v.message


def _targeted_shapes(shapes: Graph) -> set:
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    return {s for t in targets for s in shapes.subjects(t, None)}


def test_every_targeted_shape_and_every_sparql_rule_has_a_case(shapes):
    covered = {iri(c[4]) for c in CASES}
    assert sorted(_targeted_shapes(shapes) - covered) == []
    rules = set(shapes.subjects(SH.sparql, None))
    assert rules and rules <= {iri(c[4]) for c in CASES if c[3] == "SPARQLConstraintComponent"}


# --- the shapes themselves ----------------------------------------------------------------------------------

W3C_NAMESPACES = (str(RDF), str(RDFS))


def _paths(shapes: Graph):
    """Every IRI used as (or inside) an sh:path."""
    for path in shapes.objects(None, SH.path):
        if isinstance(path, URIRef):
            yield path
        else:  # a complex path: inverse / alternative / sequence
            for node in shapes.transitive_objects(path, None):
                if isinstance(node, URIRef) and node != RDF.nil and not str(node).startswith(str(SH)):
                    yield node
            for item in Collection(shapes, path) if (path, RDF.first, None) in shapes else []:
                if isinstance(item, URIRef):
                    yield item


def test_shapes_graph_is_described(shapes):
    assert (SHAPES_GRAPH_IRI, RDFS.label, None) in shapes
    assert (SHAPES_GRAPH_IRI, RDFS.comment, None) in shapes


def test_shapes_load_in_pyshacl(shapes):
    import pyshacl

    conforms, _report, text = pyshacl.validate(Graph(), shacl_graph=shapes, advanced=True, inference="none")
    assert conforms, text


def test_every_target_class_is_declared_in_the_ontology(kb, shapes):
    classes = set(kb.ontology.subjects(RDF.type, OWL.Class))
    targets = set(shapes.objects(None, SH.targetClass))
    assert targets and sorted(targets - classes) == []


def test_every_path_is_a_declared_or_w3c_property(kb, shapes):
    declared = {
        p for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty) for p in kb.ontology.subjects(RDF.type, t)
    }
    unknown = sorted({p for p in _paths(shapes) if p not in declared and not str(p).startswith(W3C_NAMESPACES)})
    assert unknown == []


def test_every_targeted_shape_is_labelled_and_every_constraint_has_a_message(shapes):
    missing = []
    for shape in _targeted_shapes(shapes):
        if (shape, RDFS.label, None) not in shapes:
            missing.append(f"{qname(shape)}: no rdfs:label")
        for prop in shapes.objects(shape, SH.property):
            if (prop, SH.message, None) not in shapes:
                missing.append(f"{qname(shape)} {qname(shapes.value(prop, SH.path))}: no sh:message")
        for constraint in shapes.objects(shape, SH.sparql):
            if (constraint, SH.message, None) not in shapes:
                missing.append(f"{qname(shape)}: SPARQL constraint without sh:message")
    assert missing == []


def test_sparql_constraints_are_portable(shapes):
    """Each query parses with only the prefixes the shapes graph declares (sh:declare), as SHACL-SPARQL requires."""
    declared = {}
    for decl in shapes.objects(SHAPES_GRAPH_IRI, SH.declare):
        declared[str(shapes.value(decl, SH.prefix))] = str(shapes.value(decl, SH.namespace))
    constraints = list(shapes.objects(None, SH.sparql))
    assert constraints
    for constraint in constraints:
        assert shapes.value(constraint, SH.prefixes) == SHAPES_GRAPH_IRI
        text = str(shapes.value(constraint, SH.select))
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in declared.items())
        prepareQuery(prologue + text, initNs={})  # raises on an undeclared prefix or a syntax error
        for forbidden in ("MINUS", "VALUES", "SERVICE"):
            assert forbidden not in text.upper().split(), f"{forbidden} is not allowed in a SPARQL constraint"



# --- the issue-9 rules (tests/data enforces them on the shipped data; these shapes hold imports to them) ---------

ISSUE_9_SHAPES = ("ClaimClaimantShape", "ClaimLabelShape", "ConcreteClaimShape", "ControlledPlaceNotCountryShape",
                  "VagueFigureShape", "DateBoundsShape", "ResponseDateRule")


def _or_members(shapes: Graph, shape) -> list:
    return list(Collection(shapes, shapes.value(shape, SH["or"])))


def _descendants(graph: Graph, start, link) -> set:
    found, todo = set(), [start]
    while todo:
        for s in graph.subjects(link, todo.pop()):
            if s not in found:
                found.add(s)
                todo.append(s)
    return found


@pytest.mark.parametrize("name", ISSUE_9_SHAPES)
def test_issue_9_shapes_say_which_rule_they_enforce(shapes, name):
    shape = ALGSH[name]
    comment = str(shapes.value(shape, RDFS.comment) or "")
    assert comment.startswith("Issue 9 rule"), comment
    assert "tests/data/" in comment


def test_the_claimant_shape_lists_every_sub_property_of_claimed_by(kb, shapes):
    listed = {shapes.value(shapes.value(m, SH.property), SH.path) for m in _or_members(shapes, ALGSH.ClaimClaimantShape)}
    assert listed == _descendants(kb.ontology, ALG.claimedBy, RDFS.subPropertyOf) | {ALG.claimedBy}


def test_the_concrete_claim_shape_lists_every_direct_subclass_of_claim(kb, shapes):
    listed = {shapes.value(m, SH["class"]) for m in _or_members(shapes, ALGSH.ConcreteClaimShape)}
    assert listed == set(kb.ontology.subjects(RDFS.subClassOf, ALG.Claim))

# --- the validation module ----------------------------------------------------------------------------------


def test_violations_are_sorted_and_formatted(base, shapes):
    data = Graph()
    data += base
    parse_file(FIXTURES / "pledge-no-kind.ttl", data)
    parse_file(FIXTURES / "figure-bounds-reversed.ttl", data)
    parse_file(FIXTURES / "iri-not-slug.ttl", data)
    first = validate(data, shapes).violations
    assert [v.focus_node for v in first] == sorted(v.focus_node for v in first)
    assert validate(data, shapes).violations == first
    lines = [format_violation(v) for v in first]
    assert all("\n" not in line for line in lines)
    assert lines[0] == (
        "Violation: id:Group_C: An entity, claim or event must be an IRI https://w3id.org/allegiance/id/<slug>, the "
        "slug lower-case ASCII letters and digits in words joined by single hyphens. [Pattern in algsh:InstanceIriShape]"
    )
    bounds = next(line for line in lines if "FigureBoundsRule" in line)
    assert bounds.startswith("Violation: id:s000-figure-c alg:lowerBound = 500: ")


def test_violation_is_a_frozen_value():
    v = Violation(ID.x, ALG.status, Literal(1), ALG.s, SH.MinCountConstraintComponent, SH.Violation, "m")
    with pytest.raises(AttributeError):
        v.message = "other"  # type: ignore[misc]
    assert v == Violation(ID.x, ALG.status, Literal(1), ALG.s, SH.MinCountConstraintComponent, SH.Violation, "m")
    assert format_violation(v) == "Violation: id:x alg:status = 1: m [MinCount in alg:s]"


# --- the shipped data ---------------------------------------------------------------------------------------


def test_shipped_data_conforms(kb, kb_graph):
    started = time.perf_counter()
    result = validate(kb_graph, kb.shapes)
    elapsed = time.perf_counter() - started
    assert result.violations == [], f"{len(result.violations)} violations:\n" + "\n".join(
        map(format_violation, result.violations)
    )
    assert result.conforms
    assert elapsed < 60, f"validation took {elapsed:.1f} s"
