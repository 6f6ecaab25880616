"""One act, many reports; hostility; places; dates; excerpt order: the model's conventions hold on the shipped data."""

from __future__ import annotations

import itertools

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, XSD

from .helpers import (ALG, CONCEPT, DCTERMS, ORG, PROV, claims, fold, order_excerpts, short, source_texts,
                      sources_of, stated_bounds, subclasses)

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def g(kb_graph):
    return kb_graph


# --- one act, several reports -----------------------------------------------------------------------------

def test_same_act_links_are_symmetric_closed_and_across_sources(g):
    bad = []
    for a, b in g.subject_objects(ALG.sameActAs):
        if (b, ALG.sameActAs, a) not in g:
            bad.append((short(a), short(b), "not asserted both ways"))
        for c in g.objects(b, ALG.sameActAs):
            if c != a and (a, ALG.sameActAs, c) not in g:
                bad.append((short(a), short(c), "not closed"))
        if a == b or not (sources_of(g, a) ^ sources_of(g, b)):
            bad.append((short(a), short(b), "same source"))
        for p in (ORG.member, ORG.organization, ALG.speaker):
            if g.value(a, p) is not None and g.value(b, p) is not None and p != ALG.speaker and g.value(a, p) != g.value(b, p):
                bad.append((short(a), short(b), f"different {short(p)}"))
    assert bad == []


def test_a_pledge_reported_by_several_sources_is_linked_as_one_act(g):
    """M10: Jundallah's pledge appeared three times, unrelated. Every two documents that report a pledge of the
    same organization to the same organization link at least one pair of their reports."""
    by_pair = {}
    for p in g.subjects(RDF.type, ALG.Pledge):
        key = (g.value(p, ORG.member), g.value(p, ORG.organization))
        for doc in sources_of(g, p):
            by_pair.setdefault(key, {}).setdefault(doc, set()).add(p)
    bad = []
    for key, docs in by_pair.items():
        for (d1, r1), (d2, r2) in itertools.combinations(sorted(docs.items()), 2):
            if not any((a, ALG.sameActAs, b) in g for a in r1 for b in r2):
                bad.append((short(key[0]), str(d1)[-20:], str(d2)[-20:]))
    assert bad == []


# --- hostility --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("a,b", [("islamic-state", "lashkar-e-taiba"), ("islamic-state", "jaish-e-muhammad"),
                                 ("hamas", "islamic-state"), ("islamic-state", "al-qaeda"),
                                 ("al-nusra-front", "islamic-state"), ("al-qaeda-in-the-islamic-maghreb", "islamic-state")])
def test_rivalry_the_sources_report_is_recorded(g, a, b):
    """M8: the concept rival existed and was never used."""
    from rdflib import URIRef
    A, B = URIRef("https://w3id.org/allegiance/id/" + a), URIRef("https://w3id.org/allegiance/id/" + b)
    found = [x for x in g.subjects(ALG.affiliationKind, CONCEPT.rival)
             if {g.value(x, ORG.member), g.value(x, ORG.organization)} == {A, B}]
    assert found, (a, b)


# --- places -----------------------------------------------------------------------------------------------

def test_every_place_is_linked_to_its_country(g):
    """Every place that is not a country lies in one or more countries, or says the sources name none."""
    bad = []
    for p in g.subjects(RDF.type, ALG.Place):
        if (p, RDF.type, ALG.Country) in g or (p, ALG.inCountry, None) in g:
            continue
        comment = " ".join(str(c) for c in g.objects(p, RDFS.comment))
        if "one country" not in comment:
            bad.append(short(p))
    assert bad == []


# --- dates ------------------------------------------------------------------------------------------------

def test_every_dated_claim_and_event_has_its_earliest_and_latest_day(g):
    """One documented way to filter by date: alg:earliest / alg:latest (xsd:date) derived from the stated date and
    its precision (dcterms:date, else org:memberDuring or alg:period), on every dated claim and event, in step."""
    nodes = claims(g) | {s for c in subclasses(g, ALG.Event) for s in g.subjects(RDF.type, c)}
    bad = []
    for n in nodes:
        b = stated_bounds(g, n)
        got = (g.value(n, ALG.earliest), g.value(n, ALG.latest))
        want = (None, None) if b is None else (Literal(b[0].isoformat(), datatype=XSD.date),
                                                Literal(b[1].isoformat(), datatype=XSD.date))
        if got != want:
            bad.append((short(n), got, want))
    assert bad == []


# --- excerpt order ----------------------------------------------------------------------------------------

def test_split_excerpts_keep_their_order_in_a_joined_excerpt(g):
    """Excerpts cut around link previews: alg:joinedExcerpt gives them in the order of the source, joined by ' … '."""
    texts = {stem: whole for stem, (_, whole) in source_texts().items()}
    bad = []
    for d in g.subjects(RDF.type, PROV.Derivation):
        parts = [" ".join(str(e).split()) for e in g.objects(d, ALG.excerpt)]
        joined = g.value(d, ALG.joinedExcerpt)
        if len(set(parts)) < 2:
            if joined is not None:
                bad.append((d, "joined excerpt on a single excerpt"))
            continue
        stem = str(g.value(d, PROV.entity)).rsplit("/", 1)[-1]
        ordered = order_excerpts(open_text(stem), parts)
        if joined is None or str(joined) != " … ".join(ordered):
            bad.append((str(d), joined))
    assert bad == []


def open_text(stem: str) -> str:
    from allegiance.paths import default_layout
    return (default_layout().sources / f"{stem}.txt").read_text(encoding="utf-8")
