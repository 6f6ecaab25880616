"""Every citation in the shipped instances points at real text."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from allegiance.namespaces import ALG, PROV, RDF, SRC, ID
from allegiance.kb.citations import check_citations, fold_whitespace


def test_every_excerpt_occurs_in_its_source(kb, kb_graph):
    problems = check_citations(kb_graph, kb.layout.sources)
    assert problems == [], "\n".join(map(str, problems[:40]))


def test_every_instance_node_is_derived_from_a_source(kb):
    union = kb.instance_union()
    missing = sorted(
        str(s) for s in set(union.subjects(RDF.type, None))
        if isinstance(s, URIRef) and str(s).startswith(str(ID)) and (s, PROV.wasDerivedFrom, None) not in union
    )
    assert missing == []


def test_a_changed_excerpt_is_caught(kb, tmp_path):
    # The checker must fail on an excerpt that is not in the text, and on a source file that changed.
    (tmp_path / "doc.txt").write_text("The group pledged\nallegiance in June.", encoding="utf-8")
    g = Graph()
    doc, node, d = SRC["doc"], ID["x"], BNode()
    g.add((doc, RDF.type, ALG.SourceDocument))
    from allegiance.namespaces import DCTERMS
    g.add((doc, DCTERMS.identifier, Literal("doc.txt")))
    g.add((node, PROV.wasDerivedFrom, doc))
    g.add((node, PROV.qualifiedDerivation, d))
    g.add((d, PROV.entity, doc))
    g.add((d, ALG.excerpt, Literal("pledged allegiance in June")))
    assert check_citations(g, tmp_path) == []
    g.add((d, ALG.excerpt, Literal("pledged allegiance in July")))
    assert [p.message[:22] for p in check_citations(g, tmp_path)] == ["excerpt not found in d"]
    g.add((doc, ALG.sha256, Literal("0" * 64)))
    assert any("does not match" in p.message for p in check_citations(g, tmp_path))


def test_fold_whitespace():
    assert fold_whitespace(" a\n\n b\tc ") == "a b c"
