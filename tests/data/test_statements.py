"""Statements the sources do not make: one test per class of mistake (issue 9, data audit), run on the shipped data.

Each test names the class of mistake it guards against; the comment says which findings of
``../shared/reviews/data-audit.md`` it would have caught.
"""

from __future__ import annotations

import re

import pytest
from rdflib.namespace import RDF, RDFS

from .helpers import (ALG, CONCEPT, DCTERMS, ORG, SKOS, VAGUE_BOUNDS, claimants, claims, excerpts, fold, short,
                      source_texts, sources_of, stated_bounds, subclasses)

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def g(kb_graph):
    return kb_graph


def test_every_claim_names_its_claimant(g):
    """Graph voice (C1, M7, m40): a claim without alg:claimedBy (or a sub-property) reads as the graph's assertion."""
    missing = sorted(short(c) for c in claims(g) if not claimants(g, c))
    assert missing == []


def test_every_claim_has_an_english_label(g):
    """m42: 42 claims had no rdfs:label."""
    missing = sorted(short(c) for c in claims(g)
                     if not any(getattr(l, "language", None) == "en" for l in g.objects(c, RDFS.label)))
    assert missing == []


def test_no_claim_is_typed_only_with_the_abstract_class(g):
    """47 resources were typed only alg:Claim; every claim has a concrete, defined kind."""
    concrete = subclasses(g, ALG.Claim) - {ALG.Claim}
    bare = sorted(short(c) for c in claims(g) if not any((c, RDF.type, k) in g for k in concrete))
    assert bare == []


def test_the_articles_own_voice_is_its_creator_and_only_that(g):
    """Own voice (m40): a claim the source states in its own voice is claimed by the source's dcterms:creator.

    Any claimant that is the creator of some source document speaks only for documents it created, and a claim
    whose comment says it is in the article's own voice is claimed by its source's creator.
    """
    creators = {}
    for doc in g.subjects(RDF.type, ALG.SourceDocument):
        creator = g.value(doc, DCTERMS.creator)
        assert creator is not None, f"{doc} has no dcterms:creator (the agent of its own voice)"
        creators.setdefault(creator, set()).add(doc)
    wrong = []
    for c in claims(g):
        docs = sources_of(g, c)
        own = {g.value(d, DCTERMS.creator) for d in docs}
        for who in claimants(g, c):
            if who in creators and not creators[who] & docs:
                wrong.append((short(c), short(who), "creator of another document"))
        comment = " ".join(str(x) for x in g.objects(c, RDFS.comment))
        if re.search(r"own voice", comment) and not claimants(g, c) & own:
            wrong.append((short(c), "comment says own voice", sorted(map(short, claimants(g, c)))))
    # an "unnamed author(s)" agent that is not a document's creator would be a second way of saying the same
    for agent in g.subjects(RDF.type, ALG.UnnamedAgent):
        label = str(g.value(agent, RDFS.label) or "")
        if re.match(r"unnamed authors? of the (article|document)", label) and agent not in creators:
            wrong.append((short(agent), "article-author agent that is no document's creator", label))
    assert wrong == []


def test_no_territorial_control_over_a_whole_country(g):
    """C2: the sources say 'parts of', 'large swathes', 'large parts'; a country is never the controlled place."""
    bad = sorted((short(c), short(p)) for c, p in g.subject_objects(ALG.controlledPlace) if (p, RDF.type, ALG.Country) in g)
    assert bad == []


def test_an_organization_is_not_blamed_for_what_the_text_says_its_members_did(g):
    """C3: where the excerpts speak of an organization's members, the accused or perpetrator is the members
    (a population group, alg:membersOf the organization), not the organization."""
    bad = []
    for c, target in [*g.subject_objects(ALG.accused), *g.subject_objects(ALG.attributedTo)]:
        if (target, RDF.type, ALG.PoliticalParty) in g or (target, ALG.membersOf, None) in g:
            pass
        label = str(g.value(target, RDFS.label) or "")
        if not label or not any(isinstance(t, type(target)) for t in [target]):
            continue
        text = " ".join(excerpts(g, c))
        if any(tp in subclasses(g, ALG.Organization) for tp in g.objects(target, RDF.type)):
            if re.search(r"\bmembers\b", text) and fold(label).split(" (")[0].lower() in fold(text).lower():
                bad.append((short(c), short(target)))
    assert bad == []
    for group in g.subjects(ALG.membersOf, None):
        assert (group, RDF.type, ALG.PopulationGroup) in g, short(group)


def test_labels_occur_in_the_text_not_only_in_link_previews(g):
    """m2, m1: 'JAT', 'Sinai Peninsula', 'Islamic State of Iraq and the Levant' were in link previews only."""
    texts = " ".join(t[0] for t in source_texts().values()).lower()
    bad = sorted((short(s), str(o)) for s, o in g.subject_objects(SKOS.altLabel)
                 if str(s).startswith("https://w3id.org/allegiance/id/") and fold(str(o)).lower() not in texts)
    assert bad == []


def test_no_year_in_a_comment_that_its_sources_give_only_in_a_link_preview(g):
    """C4: 'post-2003' came from the Saddam Hussein link preview."""
    texts = source_texts()
    bad = []
    for s, comment in g.subject_objects(RDFS.comment):
        docs = [str(d).rsplit("/", 1)[-1] for d in sources_of(g, s)]
        if not docs:
            continue
        for year in set(re.findall(r"(?<!bound )\b(19\d\d|20[0-3]\d)\b", str(comment))):
            if not any(year in texts[d][0] for d in docs):
                bad.append((short(s), year))
    assert bad == []


def test_the_islamic_state_is_not_typed_from_a_link_preview(g):
    """m1: only the link preview calls IS an 'unrecognized quasi-state'."""
    assert not list(g.subjects(RDF.type, ALG.QuasiState))


_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "a quarter": 25, "quarter": 25, "three-quarters": 75}


def _numbers_in(text: str) -> set[float]:
    t = fold(text).lower()
    found = {float(m.replace(",", "")) for m in re.findall(r"\d[\d,]*(?:\.\d+)?", t)}
    for w, n in _WORDS.items():
        if re.search(rf"\b{re.escape(w)}\b", t):
            found.add(float(n))
    for m in re.finditer(r"\$?(\d+|[a-z]+) million", t):
        n = float(m.group(1)) if m.group(1).isdigit() else _WORDS.get(m.group(1))
        if n:
            found.add(n * 1_000_000)
    return found


def test_every_number_of_a_figure_is_in_its_excerpts(g):
    """M2: values never in the text (1000 for 'thousands', 12 for 'dozens'). A vague plural is kept as the
    qualifier and only the lower bound it implies is given (dozens >= 24, hundreds >= 200, thousands >= 2000)."""
    bad = []
    for f in g.subjects(RDF.type, ALG.Figure):
        text = " ".join(excerpts(g, f))
        numbers = _numbers_in(text)
        qualifier = g.value(f, ALG.qualifier)
        vague = str(qualifier).rsplit("/", 1)[-1] if qualifier is not None else None
        if vague in VAGUE_BOUNDS:
            if (f, ALG.value, None) in g or float(g.value(f, ALG.lowerBound)) != VAGUE_BOUNDS[vague]:
                bad.append((short(f), "vague plural: no value, lower bound as implied"))
            if vague not in fold(text).lower():
                bad.append((short(f), f"qualifier {vague} not in the excerpt"))
            continue
        for p in (ALG.value, ALG.lowerBound, ALG.upperBound):
            v = g.value(f, p)
            if v is not None and float(v) not in numbers:
                bad.append((short(f), short(p), float(v)))
        if re.search(r"\b(dozens|hundreds|thousands|millions)\b", fold(text).lower()) and (f, ALG.value, None) in g:
            if not numbers:
                bad.append((short(f), "a vague plural given a value"))
    assert bad == []


def test_pledges_from_an_open_list_do_not_state_a_scope(g):
    """M3, m11: 'declared support for IS, either fully or in part' leaves the scope open, as do Dabiq's
    announcements 'from the mujahidin of' a region."""
    bad = []
    for p in g.subjects(RDF.type, ALG.Pledge):
        text = " ".join(excerpts(g, p))
        if ("either fully or in part" in text or "pronouncing their [allegiances]" in text) and \
                (p, ALG.scope, CONCEPT["whole-group"]) in g:
            bad.append(short(p))
    assert bad == []


def test_a_figure_about_one_event_does_not_count_a_countrys_fighters(g):
    """M6: the five returnees who took part in one attack were counted as Pakistan's returned fighters."""
    fighter_measures = {CONCEPT["foreign-fighters"], CONCEPT["foreign-fighters-returned"],
                        CONCEPT["foreign-fighters-killed"], CONCEPT["foreign-fighters-in-zone"]}
    bad = sorted(short(f) for f in g.subjects(ALG.aboutEvent, None) if g.value(f, ALG.measure) in fighter_measures)
    assert bad == []


def test_no_relation_is_inferred_from_list_layout(g):
    """M1: umbrella membership of Khalifa Islamiyah Mindanao came from the nesting of a list ('**' items)."""
    bad = sorted(short(a) for a in g.subjects(RDF.type, ALG.Affiliation)
                 if any(e.lstrip().startswith("*") for e in excerpts(g, a)))
    assert bad == []


def test_a_response_does_not_answer_a_claim_made_after_it(g):
    """M5: a 2014 dispute answered the defectors' claims of 2015-16."""
    bad = []
    for r, claim in g.subject_objects(ALG.respondsTo):
        rb, cb = stated_bounds(g, r), stated_bounds(g, claim)
        if rb and cb and rb[1] < cb[0]:
            bad.append((short(r), short(claim)))
    assert bad == []


def _targets(g, accusation) -> set:
    """The accused, widened to the country behind a government or state body (the unit of a general denial)."""
    out = set()
    for a in g.objects(accusation, ALG.accused):
        out.add(a)
        out |= set(g.objects(a, ALG.governmentOf)) | set(g.objects(a, ALG.partOfState))
    return out


def test_general_denials_answer_every_accusation_they_cover(g):
    """M4: one rule everywhere. A denial that answers several accusations against one state (a general denial,
    'denies the allegations' of some kinds of support) answers every accusation of those kinds against that state
    (its government and bodies included) in the same source document, unless the denial is dated before it."""
    bad = []
    for d in g.subjects(RDF.type, ALG.Denial):
        answered = set(g.objects(d, ALG.respondsTo))
        accusations = [a for a in answered if (a, RDF.type, ALG.Accusation) in g]
        if len(accusations) < 2:
            continue
        common = set.intersection(*(_targets(g, a) for a in accusations))
        countries = {t for t in common if (t, RDF.type, ALG.Country) in g}
        if not countries:
            continue
        docs = sources_of(g, d)
        kinds = {k for a in accusations for k in g.objects(a, ALG.supportType)}
        for other in g.subjects(RDF.type, ALG.Accusation):
            if other in answered or not (sources_of(g, other) & docs) or not (_targets(g, other) & countries):
                continue
            if not set(g.objects(other, ALG.supportType)) <= kinds:
                continue  # the denial speaks of other kinds of support
            db, ob = stated_bounds(g, d), stated_bounds(g, other)
            if db and ob and db[1] < ob[0]:
                continue
            bad.append((short(d), short(other)))
    assert sorted(bad) == []


def test_the_islamic_defenders_front_ban_is_recorded_and_the_claim_dated_when_made(g):
    """M9, m5: 'Only revealed in 2020 by the government upon its ban'."""
    bans = list(g.subjects(ALG.bannedOrganization, None))
    assert bans
    for b in bans:
        assert (b, RDF.type, ALG.Ban) in g and g.value(b, DCTERMS.date) is not None
    for p in g.subjects(RDF.type, ALG.Pledge):
        text = " ".join(excerpts(g, p))
        m = re.search(r"revealed in (\d{4})", text)
        if m:
            assert str(g.value(p, DCTERMS.date)) == m.group(1), short(p)
