"""Coverage of sources 003 (Global Research, "Islamic State (IS) Recruits Terrorists throughout North Africa and
Middle East") and 004 ("Foreign fighters flock to ISIS"). Data: instances/s003-global-research.ttl and
instances/s004-foreign-fighters-flock.ttl. Each table row is one fact the text states; a missing fact names
itself in the failing test id."""

from __future__ import annotations

import pytest

from tests.conftest import ask, select

S3 = "src:003_a07c87de98f3c6d8"
S4 = "src:004_c28d51e643a470ec"

_counter = iter(range(10**9))


def derived(node: str, src: str, excerpt_part: str | None = None) -> str:
    """A pattern: ``node`` is derived from ``src``, optionally with an excerpt containing ``excerpt_part``."""
    n = next(_counter)
    pat = f"{node} prov:wasDerivedFrom {src} ; prov:qualifiedDerivation ?d{n} . ?d{n} a prov:Derivation ; prov:entity {src} ."
    if excerpt_part:
        esc = excerpt_part.replace("\\", "\\\\").replace('"', '\\"')
        pat += f' ?d{n} alg:excerpt ?x{n} . FILTER(CONTAINS(STR(?x{n}), "{esc}"))'
    return pat


def _id(row) -> str:
    return row[0].split(":", 1)[1]


# =================================================================================================
# Entities
# =================================================================================================

# Registry entities each source names: (iri, source, excerpt part)
REGISTRY_CITED = [
    ("id:islamic-state", S3, "Islamic State of Iraq and Levant, with control over large parts of Iraq and Syria"),
    ("id:abu-bakr-al-baghdadi", S3, "ISIL leader Abu Bakr Al Baghdadi."),
    ("id:al-qaeda", S3, "other Al Qaida networks in North Africa"),
    ("id:ansar-al-sharia-libya", S3, "Ansar Al Sharia in Libya"),
    ("id:global-research", S3, "Articles by: Global Research News"),
    ("id:algeria", S3, "Algeria, Libya, Morocco and Tunisia"),
    ("id:libya", S3, "the Libyan city of Benghazi"),
    ("id:morocco", S3, "Algeria, Libya, Morocco and Tunisia"),
    ("id:tunisia", S3, "Algeria, Libya, Morocco and Tunisia"),
    ("id:iraq", S3, "large parts of Iraq and Syria"),
    ("id:syria", S3, "large parts of Iraq and Syria"),
    ("id:yemen", S3, "Al Qaida in Yemen"),
    ("id:united-states", S3, "U.S. Central Command-sponsored news site"),
    ("id:islamic-state", S4, "formerly known as the Islamic State of Iraq and al-Sham, or ISIS"),
    ("id:al-nusra-front", S4, "Jabhat al-Nusra is still trying to pick up the pieces"),
    ("id:al-qaeda", S4, "the general command of al-Qaeda stretched out a helping hand"),
    ("id:abu-mohammad-al-golani", S4, "Jabhat al-Nusra’s leader, Abu Mohammad Joulani"),
    ("id:afghan-taliban", S4, "media sources close to Afghanistan’s Taliban"),
    ("id:afghan-taliban", S4, "pledged his allegiance to the Afghanistan emirate"),
    ("id:mullah-omar", S4, "Mullah Omar had delegated Joulani"),
    ("id:ayman-al-zawahiri", S4, "Ayman al-Zawahri"),
    ("id:majed-al-rashed", S4, "Saudi Sheikh Majed al-Rashed (Abu Sayyaf)"),
    ("id:osama-bin-laden", S4, "Abdullah al-Azzam and Osama bin Laden"),
    ("id:saudi-arabia", S4, "Saudi Sheikh"),
    ("id:syria", S4, "foreign fighters in Syria"),
    ("id:turkey", S4, "the Turkish border"),
    ("id:afghanistan", S4, "Afghanistan’s Taliban"),
]


@pytest.mark.parametrize("iri,src,part", REGISTRY_CITED,
                         ids=[f"s{r[1][4:7]}-{_id(r)}-{i}" for i, r in enumerate(REGISTRY_CITED)])
def test_registry_entity_cited(kb_graph, iri, src, part):
    assert ask(kb_graph, derived(iri, src, part))


# Entities minted by these files: (iri, class, rdfs:label, source, excerpt part)
MINTED = [
    ("id:al-qaeda-in-the-islamic-maghreb", "alg:ArmedGroup", "Al Qaida Organization in the Islamic Maghreb", S3, "deemed the leading franchise"),
    ("id:al-qaeda-in-yemen", "alg:ArmedGroup", "Al Qaida in Yemen", S3, "Al Qaida in Yemen, AQIM"),
    ("id:uqba-ibn-nafaa-brigade", "alg:ArmedGroup", "Uqba Ibn Nafaa Brigade", S3, "identified as the Uqba Ibn Nafaa Brigade"),
    ("id:tunisian-army", "alg:GovernmentBody", "Tunisian Army", S3, "15 Tunisian Army soldiers"),
    ("id:united-states-central-command", "alg:GovernmentBody", "U.S. Central Command", S3, "U.S. Central Command-sponsored"),
    ("id:abdullah-rami", "alg:Person", "Abdullah Rami", S3, "Abdullah Rami, a leading analyst on Islamist groups"),
    ("id:mouhcine-abdul-wahed", "alg:Person", "Mouhcine Abdul Wahed", S3, "Mouhcine Abdul Wahed, a Moroccan researcher"),
    ("id:north-africa", "alg:Place", "North Africa", S3, "has set its sights on North Africa"),
    ("id:benghazi", "alg:Place", "Benghazi", S3, "the Libyan city of Benghazi"),
    ("id:algeria-tunisia-border", "alg:Place", "border between Tunisia and Algeria", S3, "along the border with Algeria"),
    ("id:jaish-mohammad-of-al-sham", "alg:ArmedGroup", "Jaish Mohammad of al-Sham", S4, "Jaish Mohammad of al-Sham [jihadist group]"),
    ("id:abu-obeida-al-masri", "alg:Person", "Abu Obeida al-Masri", S4, "led by Abu Obeida al-Masri"),
    ("id:obeid-al-shoumri", "alg:Person", "Obeid al-Shoumri", S4, "Saudi Sheikh Obeid al-Shoumri"),
    ("id:abdullah-al-azzam", "alg:Person", "Abdullah al-Azzam", S4, "in the days of Abdullah al-Azzam"),
    ("id:al-sham", "alg:Place", "al-Sham", S4, "its branch in al-Sham"),
    ("id:aleppo", "alg:Place", "Aleppo", S4, "inside Aleppo and Idlib"),
    ("id:idlib", "alg:Place", "Idlib", S4, "inside Aleppo and Idlib"),
    ("id:aazaz", "alg:Place", "Aazaz", S4, "based in Aazaz"),
    ("id:deir-ez-zor", "alg:Place", "Deir ez-Zor", S4, "its defeat in Deir ez-Zor"),
    ("id:riyadh", "alg:Place", "Riyadh", S4, "arrested in Riyadh"),
]


@pytest.mark.parametrize("iri,cls,label,src,part", MINTED, ids=[_id(r) for r in MINTED])
def test_minted_entity(kb_graph, iri, cls, label, src, part):
    assert ask(kb_graph, f'{iri} a {cls} ; rdfs:label "{label}"@en . {derived(iri, src, part)}')


# Unnamed agents: (iri, source, words its label must contain)
UNNAMED = [
    ("id:s003-unnamed-islamist-sources", S3, "Islamist sources"),
    ("id:s003-unnamed-islamist-source", S3, "unnamed source"),
    ("id:s003-unnamed-islamist-forums", S3, "Islamist forums"),
    ("id:s003-unnamed-north-african-states", S3, "North African states"),
    ("id:s003-unnamed-centcom-news-site", S3, "U.S. Central Command-sponsored news site"),
    ("id:s004-unnamed-author", S4, "unnamed author"),
    ("id:s004-unnamed-media-sources-close-to-is", S4, "media sources close to IS"),
    ("id:s004-unnamed-media-sources-close-to-taliban", S4, "media sources close to Afghanistan's Taliban"),
    ("id:s004-unnamed-page-close-to-is", S4, "page close to IS"),
    ("id:s004-unnamed-sources-close-to-is", S4, "sources close to IS"),
    ("id:s004-unnamed-jihadist-media-affiliated-with-is", S4, "jihadist media affiliated with IS"),
]


@pytest.mark.parametrize("iri,src,words", UNNAMED, ids=[_id(r) for r in UNNAMED])
def test_unnamed_agent(kb_graph, iri, src, words):
    assert ask(kb_graph, f"""
        {iri} a alg:UnnamedAgent ; rdfs:label ?l . FILTER(CONTAINS(STR(?l), "{words}"))
        FILTER NOT EXISTS {{ {iri} a alg:Person }}
        {derived(iri, src)}
    """)


def test_people_roles_and_countries(kb_graph):
    assert ask(kb_graph, 'id:abdullah-rami alg:publicRole "a leading analyst on Islamist groups"')
    assert ask(kb_graph, 'id:mouhcine-abdul-wahed alg:publicRole "a Moroccan researcher" ; alg:associatedCountry id:morocco')
    assert ask(kb_graph, 'id:obeid-al-shoumri alg:publicRole "Saudi Sheikh" ; alg:associatedCountry id:saudi-arabia')
    assert ask(kb_graph, "id:majed-al-rashed alg:associatedCountry id:saudi-arabia")
    assert ask(kb_graph, "id:abu-obeida-al-masri org:headOf id:jaish-mohammad-of-al-sham")
    assert ask(kb_graph, "id:tunisian-army alg:partOfState id:tunisia")
    assert ask(kb_graph, "id:united-states-central-command alg:partOfState id:united-states")
    assert ask(kb_graph, "id:benghazi alg:inCountry id:libya")
    assert ask(kb_graph, "id:ansar-al-sharia-libya alg:operatesIn id:libya")
    assert ask(kb_graph, "id:al-qaeda-in-yemen alg:operatesIn id:yemen")
    assert ask(kb_graph, 'id:al-qaeda-in-the-islamic-maghreb skos:altLabel "AQIM"@en')


# =================================================================================================
# Entity-resolution traps
# =================================================================================================

def test_abu_sayyaf_in_004_is_the_saudi_sheikh_not_the_philippine_group(kb_graph):
    assert ask(kb_graph, f"{derived('id:majed-al-rashed', S4, '(Abu Sayyaf)')}")
    assert ask(kb_graph, "id:majed-al-rashed a alg:Person . FILTER NOT EXISTS { id:majed-al-rashed a alg:ArmedGroup }")
    assert not ask(kb_graph, f"id:abu-sayyaf prov:wasDerivedFrom {S4}")
    assert not ask(kb_graph, f"?n prov:wasDerivedFrom {S4} ; ?p id:abu-sayyaf")
    assert not ask(kb_graph, "{ id:majed-al-rashed ?p id:abu-sayyaf } UNION { id:abu-sayyaf ?p id:majed-al-rashed }")


def test_joulani_is_golani(kb_graph):
    # "Abu Mohammad Joulani" / "Joulani" resolve to the registry IRI; no separate node is minted.
    assert ask(kb_graph, 'id:abu-mohammad-al-golani skos:altLabel "Abu Mohammad Joulani"@en , "Joulani"@en')
    rows = select(kb_graph, f"""SELECT DISTINCT ?x WHERE {{ ?x prov:wasDerivedFrom {S4} ; rdfs:label ?l .
        FILTER(CONTAINS(LCASE(STR(?l)), "joulani") && ?x != id:abu-mohammad-al-golani) FILTER NOT EXISTS {{ ?x a/rdfs:subClassOf* alg:Claim }}
        FILTER NOT EXISTS {{ ?x a/rdfs:subClassOf* alg:Event }} }}""")
    assert rows == []


def test_al_qaida_and_al_qaeda_and_zawahri_resolve_to_registry(kb_graph):
    assert ask(kb_graph, f"{derived('id:al-qaeda', S3, 'Al Qaida')} {derived('id:al-qaeda', S4, 'al-Qaeda')}")
    assert ask(kb_graph, 'id:ayman-al-zawahiri skos:altLabel "Ayman al-Zawahri"@en')
    for variant in ("Islamic State of Iraq and Levant", "ISIL", "ISIS", "IS", "Islamic State of Iraq and al-Sham"):
        assert ask(kb_graph, f'id:islamic-state skos:altLabel "{variant}"@en')


def test_ansar_al_sharia_ambiguity_recorded_not_merged(kb_graph):
    # 003's "Ansar Al Sharia, an Al Qaida branch active in Libya and Tunisia": recorded for the Libyan group with
    # a comment and a pointer to the Tunisian namesake; the two stay two IRIs.
    for claim in ("id:s003-affiliation-ansar-al-sharia-branch-of-al-qaeda", "id:s003-affiliation-isil-wooing-ansar-al-sharia",
                  "id:s003-statement-ansar-caliphate-benghazi", "id:s003-claim-appeal-ansar-al-sharia-join-isil"):
        assert ask(kb_graph, f"""{claim} rdfs:seeAlso id:ansar-al-sharia-tunisia ; rdfs:comment ?c .
            FILTER(CONTAINS(STR(?c), "Tunisia") && CONTAINS(STR(?c), "Libya"))"""), claim
    assert not ask(kb_graph, "?c alg:controllingAgent|org:member id:ansar-al-sharia-tunisia ; prov:wasDerivedFrom " + S3)
    assert not ask(kb_graph, "{ id:ansar-al-sharia-libya ?p id:ansar-al-sharia-tunisia } UNION { id:ansar-al-sharia-tunisia ?p id:ansar-al-sharia-libya }")


def test_no_pledge_to_is_recorded_from_003(kb_graph):
    # 003 reports an appeal to Ansar Al Sharia and a group "believed to have joined ISIL's network", no pledge.
    assert not ask(kb_graph, f"?p a alg:Pledge ; prov:wasDerivedFrom {S3}")


def test_no_accusation_from_these_sources(kb_graph):
    # Neither article accuses a state or person of supporting IS.
    assert not ask(kb_graph, f"?a a alg:Accusation ; prov:wasDerivedFrom ?s . VALUES ?s {{ {S3} {S4} }}")


def test_004_nodes_carry_no_date(kb_graph):
    # 004 gives no publication date and no year ("at the beginning of Ramadan", "yesterday"): nothing is dated.
    assert not ask(kb_graph, f"?n prov:wasDerivedFrom {S4} ; dcterms:date ?d . FILTER(STRSTARTS(STR(?n), STR(id:s004-)))")
    assert not ask(kb_graph, "id:s004-event-caliphate-declaration dcterms:date|alg:period ?d")


# =================================================================================================
# Claims of source 003
# =================================================================================================

# Paraphrased claims (alg:Claim): (iri, claimedBy, about values, place values, excerpt part)
CLAIMS_003 = [
    ("id:s003-claim-isil-recruiting-north-africa", "id:s003-unnamed-islamist-sources", ["id:islamic-state"],
     ["id:algeria", "id:libya", "id:morocco", "id:tunisia", "id:north-africa"], "ISIL has intensified recruiting"),
    ("id:s003-claim-recruiters-sent-young-muslims", "id:s003-unnamed-islamist-sources", ["id:islamic-state"],
     ["id:iraq", "id:syria"], "sending young Muslims to the ISIL wars in Iraq and Syria"),
    ("id:s003-claim-isil-sought-alliances", "id:global-research", ["id:islamic-state", "id:al-qaeda"],
     ["id:north-africa"], "ISIL has also sought alliances"),
    ("id:s003-claim-appeal-ansar-al-sharia-join-isil", "id:s003-unnamed-islamist-forums",
     ["id:ansar-al-sharia-libya", "id:islamic-state", "id:abu-bakr-al-baghdadi"], [], "an appeal for Ansar to join ISIL"),
    ("id:s003-claim-rami-isil-attracted-cells", "id:abdullah-rami", ["id:islamic-state", "id:al-qaeda"],
     ["id:north-africa"], "numerous smaller Al Qaida-aligned cells"),
    ("id:s003-claim-isil-directed-operations", "id:s003-unnamed-islamist-sources", ["id:islamic-state"],
     ["id:north-africa"], "signs of ISIL-directed operations"),
]


@pytest.mark.parametrize("iri,by,about,places,part", CLAIMS_003, ids=[_id(r) for r in CLAIMS_003])
def test_claim_003(kb_graph, iri, by, about, places, part):
    pat = f"{iri} a/rdfs:subClassOf* alg:Claim ; alg:claimedBy|alg:speaker {by} ; alg:status concept:alleged . {derived(iri, S3, part)}"
    pat += "".join(f" {iri} alg:about {a} ." for a in about) + "".join(f" {iri} alg:place {p} ." for p in places)
    assert ask(kb_graph, pat)


def test_appeal_dated_2014_07_23_and_rami_reported_by_centcom_site(kb_graph):
    assert ask(kb_graph, 'id:s003-claim-appeal-ansar-al-sharia-join-isil dcterms:date "2014-07-23"^^xsd:date')
    assert ask(kb_graph, "id:s003-claim-rami-isil-attracted-cells alg:reportedBy id:s003-unnamed-centcom-news-site")


# Quoted statements: (iri, speaker, quote part, source)
STATEMENTS = [
    ("id:s003-statement-cells-organized-by-returnees", "id:s003-unnamed-islamist-source",
     "The cells are being organized by North Africans who have fought", S3),
    ("id:s003-statement-cells-organized-by-returnees", "id:s003-unnamed-islamist-source",
     "very worrisome to the regimes in the area", S3),
    ("id:s003-statement-isil-infrastructure-north-africa", "id:s003-unnamed-islamist-source",
     "ISIL also wants to establish an infrastructure in North Africa", S3),
    ("id:s003-statement-rami-isis-project-hinges", "id:abdullah-rami",
     "The success or failure of the ISIS project hinges on the positions of three key jihadist organizations", S3),
    ("id:s003-statement-rami-isis-project-hinges", "id:abdullah-rami", "will just be ink on paper", S3),
    ("id:s003-statement-rami-baghdadi-can-use-them", "id:abdullah-rami",
     "Al Baghdadi can use those at any moment to carry out terrorist operations", S3),
    ("id:s003-statement-abdul-wahed-prototypes", "id:mouhcine-abdul-wahed",
     "These are prototypes for future operations in North Africa", S3),
    ("id:s004-statement-majed-al-rashed-tweet", "id:majed-al-rashed", "This is the land of al-Sham. It is the epic land.", S4),
    ("id:s004-statement-hijra-week-campaign", "id:s004-unnamed-jihadist-media-affiliated-with-is",
     "The hijra week to the caliphate state.", S4),
]


@pytest.mark.parametrize("iri,speaker,quote,src", STATEMENTS, ids=[f"{_id(r)}-{i}" for i, r in enumerate(STATEMENTS)])
def test_statement(kb_graph, iri, speaker, quote, src):
    esc = quote.replace('"', '\\"')
    assert ask(kb_graph, f"""{iri} a alg:Statement ; alg:speaker {speaker} ; alg:status concept:alleged ; alg:quote ?q .
        FILTER(CONTAINS(STR(?q), "{esc}")) {derived(iri, src, quote)}""")


def test_rami_statement_about_the_three_groups(kb_graph):
    for g in ("id:al-qaeda-in-yemen", "id:al-qaeda-in-the-islamic-maghreb", "id:ansar-al-sharia-libya", "id:islamic-state"):
        assert ask(kb_graph, f"id:s003-statement-rami-isis-project-hinges alg:about {g}"), g


# Affiliations: (iri, member, organization, kind, claimedBy, source, excerpt part)
AFFILIATIONS = [
    ("id:s003-affiliation-aqim-branch-of-al-qaeda", "id:al-qaeda-in-the-islamic-maghreb", "id:al-qaeda", "branch",
     "id:s003-unnamed-islamist-sources", S3, "deemed the leading franchise"),
    ("id:s003-affiliation-ansar-al-sharia-branch-of-al-qaeda", "id:ansar-al-sharia-libya", "id:al-qaeda", "branch",
     "id:global-research", S3, "an Al Qaida branch active in Libya and Tunisia"),
    ("id:s003-affiliation-isil-wooing-ansar-al-sharia", "id:ansar-al-sharia-libya", "id:islamic-state", "contact",
     "id:global-research", S3, "ISIL has been wooing Ansar Al Sharia"),
    ("id:s003-affiliation-uqba-ibn-nafaa-isil-network", "id:uqba-ibn-nafaa-brigade", "id:islamic-state", "umbrella-member",
     "id:s003-unnamed-islamist-sources", S3, "One group believed to have joined ISIL’s network"),
    ("id:s004-affiliation-nusra-branch-of-al-qaeda", "id:al-nusra-front", "id:al-qaeda", "branch",
     "id:s004-unnamed-author", S4, "its branch in al-Sham"),
    ("id:s004-affiliation-jaish-mohammad-ally-of-nusra", "id:jaish-mohammad-of-al-sham", "id:al-nusra-front", "ally",
     "id:s004-unnamed-author", S4, "an ally of Jabhat al-Nusra"),
]


@pytest.mark.parametrize("iri,member,org_,kind,by,src,part", AFFILIATIONS, ids=[_id(r) for r in AFFILIATIONS])
def test_affiliation(kb_graph, iri, member, org_, kind, by, src, part):
    assert ask(kb_graph, f"""{iri} a alg:Affiliation ; org:member {member} ; org:organization {org_} ;
        alg:affiliationKind concept:{kind} ; alg:claimedBy {by} ; alg:status concept:alleged .
        {derived(iri, src, part)}""")


# Territorial control: (iri, controllingAgent, controlledPlace, date or None, claimedBy, source, excerpt part)
CONTROL = [
    ("id:s003-territorial-control-isil-iraq-syria", "id:islamic-state", "id:s003-place-isil-held-parts-of-iraq-and-syria",
     None, "id:global-research", S3, "with control over large parts of Iraq and Syria"),
    ("id:s004-territorial-control-jaish-mohammad-aazaz", "id:jaish-mohammad-of-al-sham", "id:aazaz", None,
     "id:s004-unnamed-author", S4, "Jaish Mohammad controls parts of the Aazaz border city"),
]


@pytest.mark.parametrize("iri,agent,place,date,by,src,part", CONTROL, ids=[f"{_id(r)}-{r[2][3:]}" for r in CONTROL])
def test_territorial_control(kb_graph, iri, agent, place, date, by, src, part):
    pat = f"""{iri} a alg:TerritorialControl ; alg:controllingAgent {agent} ; alg:controlledPlace {place} ;
        alg:claimedBy {by} ; alg:status concept:alleged . {derived(iri, src, part)}"""
    if date:
        pat += f" {iri} dcterms:date {date} ."
    else:
        pat += f" FILTER NOT EXISTS {{ {iri} dcterms:date ?d }}"
    assert ask(kb_graph, pat)


def test_large_parts_of_iraq_and_syria_not_the_countries(kb_graph):
    assert ask(kb_graph, "id:s003-place-isil-held-parts-of-iraq-and-syria a alg:Place ; alg:inCountry id:iraq , id:syria")


def test_aqim_rebuffed_isil_is_a_rivalry(kb_graph):
    assert ask(kb_graph, f"""id:s003-affiliation-aqim-rebuffed-isil a alg:Affiliation ;
        org:member id:al-qaeda-in-the-islamic-maghreb ; org:organization id:islamic-state ;
        alg:affiliationKind concept:rival ; alg:claimedBy id:s003-unnamed-islamist-sources ; alg:status concept:alleged .
        {derived("id:s003-affiliation-aqim-rebuffed-isil", S3, "rebuffed ISIL and its plans for a caliphate")}""")


def test_benghazi_caliphate_is_a_declaration_not_control(kb_graph):
    # "Ansar declared a caliphate around the Libyan city of Benghazi": Ansar's statement, reported by Global Research.
    assert ask(kb_graph, f"""id:s003-statement-ansar-caliphate-benghazi a alg:Statement ;
        alg:speaker id:ansar-al-sharia-libya ; alg:reportedBy id:global-research ; alg:place id:benghazi ;
        dcterms:date "2014-07-30"^^xsd:date .
        {derived("id:s003-statement-ansar-caliphate-benghazi", S3, "Ansar declared a caliphate around the Libyan city of Benghazi")}""")
    assert not ask(kb_graph, "?c alg:controlledPlace id:benghazi")


def test_attack_attribution_and_casualties_003(kb_graph):
    attack = "id:s003-attack-tunisian-army-soldiers-july-2014"
    assert ask(kb_graph, f"""{attack} a alg:Attack ; dcterms:date "2014-07"^^xsd:gYearMonth ;
        alg:place id:algeria-tunisia-border ; rdfs:label ?l . {derived(attack, S3, "in July 2014")}""")
    assert ask(kb_graph, "id:algeria-tunisia-border alg:inCountry id:tunisia , id:algeria")
    # The brigade claimed responsibility: the attribution is claimed by the group itself.
    assert ask(kb_graph, f"""id:s003-attribution-uqba-ibn-nafaa-attack a alg:Attribution ; alg:attributedEvent {attack} ;
        alg:attributedTo id:uqba-ibn-nafaa-brigade ; alg:claimedBy id:uqba-ibn-nafaa-brigade ; alg:status concept:alleged .
        {derived("id:s003-attribution-uqba-ibn-nafaa-attack", S3, "which claimed responsibility for an attack")}""")
    # Not attributed to IS in the graph: the text only says the brigade is believed to have joined ISIL's network.
    assert not ask(kb_graph, f"?a alg:attributedEvent {attack} ; alg:attributedTo id:islamic-state")


# Figures: (iri, measure, value, qualifier, estimator, about (property, value), source, excerpt part)
FIGURES = [
    ("id:s003-figure-attack-tunisian-army-killed", "casualties", 15, "exact", "id:global-research",
     ("alg:aboutEvent", "id:s003-attack-tunisian-army-soldiers-july-2014"), S3, "killed 15 Tunisian Army soldiers"),
    ("id:s003-figure-lone-wolves", "fighters", ">=200", "hundreds", "id:abdullah-rami",
     ("alg:aboutOrganization", "id:islamic-state"), S3, "hundreds of so-called lone wolves"),
    ("id:s003-figure-arrests-isil-recruiters", "arrests", ">=24", "dozens", "id:s003-unnamed-north-african-states",
     ("alg:aboutOrganization", "id:islamic-state"), S3, "the arrest of dozens of suspected ISIL recruiters"),
    ("id:s004-figure-immigrants-arrived-70", "foreign-fighters", 70, "exact", "id:s004-unnamed-page-close-to-is",
     ("alg:aboutOrganization", "id:islamic-state"), S4, "receiving 70 immigrants who arrived in Syria yesterday"),
    ("id:s004-figure-immigrants-since-caliphate-370", "foreign-fighters", 370, "approximately",
     "id:s004-unnamed-sources-close-to-is", ("alg:aboutOrganization", "id:islamic-state"), S4, "around 370 immigrants"),
]


@pytest.mark.parametrize("iri,measure,value,qualifier,estimator,about,src,part", FIGURES, ids=[_id(r) for r in FIGURES])
def test_figure(kb_graph, iri, measure, value, qualifier, estimator, about, src, part):
    vague = isinstance(value, str)
    prop, value = ("alg:lowerBound", value[2:]) if vague else ("alg:value", value)
    rows = select(kb_graph, f"""SELECT ?v WHERE {{ {iri} a alg:Figure ; alg:measure concept:{measure} ;
        alg:unit concept:persons ; alg:qualifier concept:{qualifier} ; alg:estimator {estimator} ;
        {about[0]} {about[1]} ; alg:status concept:alleged ; {prop} ?v . {derived(iri, src, part)} }}""")
    assert [float(r[0]) for r in rows] == [float(value)]
    if vague:  # a vague plural has only the lower bound it implies, no value
        assert not ask(kb_graph, f"{iri} alg:value ?v")


def test_figure_dates_and_places(kb_graph):
    assert ask(kb_graph, 'id:s003-figure-arrests-isil-recruiters dcterms:date "2014"^^xsd:gYear')
    assert ask(kb_graph, "id:s003-figure-lone-wolves alg:reportedBy id:s003-unnamed-centcom-news-site")
    assert ask(kb_graph, "id:s004-figure-immigrants-arrived-70 alg:place id:syria")
    assert ask(kb_graph, "id:s004-figure-immigrants-since-caliphate-370 alg:about id:s004-event-caliphate-declaration")
    # 70 and 370 are two figures side by side, not one.
    assert ask(kb_graph, "FILTER(id:s004-figure-immigrants-arrived-70 != id:s004-figure-immigrants-since-caliphate-370)")


# =================================================================================================
# Claims and events of source 004
# =================================================================================================

# Paraphrased claims: (iri, claimedBy or None, about values, status, excerpt part)
CLAIMS_004 = [
    ("id:s004-claim-foreign-fighters-increase", "id:s004-unnamed-author", ["id:islamic-state"], "alleged",
     "the influx of foreign fighters to Syria has increased"),
    ("id:s004-claim-al-qaeda-helps-nusra", "id:s004-unnamed-author", ["id:al-qaeda", "id:al-nusra-front"], "alleged",
     "pushed al-Qaeda’s general command to send some forces"),
    ("id:s004-claim-nusra-movements-aleppo-idlib", "id:s004-unnamed-author", ["id:al-nusra-front"], "alleged",
     "strange movements inside Aleppo and Idlib"),
    ("id:s004-claim-joulani-emirate-aazaz", "id:s004-unnamed-media-sources-close-to-is",
     ["id:abu-mohammad-al-golani", "id:al-nusra-front"], "disputed", "is perhaps planning to declare his own emirate in north Aleppo"),
    ("id:s004-claim-is-aazaz-capital", "id:islamic-state", ["id:al-nusra-front"], "disputed",
     "the Islamic State mentioned that Jabhat al-Nusra plans to make Aazaz the capital of its future emirate"),
    ("id:s004-claim-omar-delegated-joulani", None, ["id:mullah-omar", "id:abu-mohammad-al-golani"], "denied",
     "news that Mullah Omar had delegated Joulani to establish an emirate in al-Sham"),
    ("id:s004-claim-joulani-step-not-blessed", "id:s004-unnamed-author",
     ["id:abu-mohammad-al-golani", "id:ayman-al-zawahiri", "id:mullah-omar"], "alleged", "his step was not blessed"),
    ("id:s004-claim-masri-report-sharia-borders", "id:abu-obeida-al-masri", ["id:jaish-mohammad-of-al-sham"], "alleged",
     "Masri expressed his intention to start applying Islamic Sharia and establishing borders"),
    ("id:s004-claim-nusra-no-borders-during-war", "id:al-nusra-front", ["id:al-nusra-front"], "alleged",
     "there should be no borders during war"),
    ("id:s004-claim-majed-al-rashed-ties-al-qaeda", "id:s004-unnamed-author",
     ["id:majed-al-rashed", "id:al-qaeda", "id:abdullah-al-azzam", "id:osama-bin-laden"], "alleged",
     "he is known for his strong ties with al-Qaeda"),
    ("id:s004-claim-majed-al-rashed-enmity-with-is", "id:s004-unnamed-author", ["id:majed-al-rashed", "id:islamic-state"],
     "alleged", "He is known for his big enmity with IS."),
    ("id:s004-claim-majed-al-rashed-promise-to-tweet", "id:majed-al-rashed", ["id:majed-al-rashed"], "alleged",
     "promised his followers to start tweeting after the Eid"),
]


@pytest.mark.parametrize("iri,by,about,status,part", CLAIMS_004, ids=[_id(r) for r in CLAIMS_004])
def test_claim_004(kb_graph, iri, by, about, status, part):
    pat = f"{iri} a/rdfs:subClassOf* alg:Claim ; alg:status concept:{status} . {derived(iri, S4, part)}"
    if by:
        pat += f" {iri} alg:claimedBy|alg:speaker {by} ."
    pat += "".join(f" {iri} alg:about {a} ." for a in about)
    assert ask(kb_graph, pat)


def test_joulani_emirate_places(kb_graph):
    assert ask(kb_graph, "id:s004-claim-joulani-emirate-aazaz alg:place id:aleppo , id:aazaz")
    assert ask(kb_graph, "id:s004-claim-is-aazaz-capital alg:place id:aazaz")
    assert ask(kb_graph, "id:s004-claim-nusra-movements-aleppo-idlib alg:place id:aleppo , id:idlib")


# Responses: (iri, class, respondsTo, respondent, onBehalfOf or None, excerpt part)
RESPONSES = [
    ("id:s004-denial-omar-delegated-joulani", "alg:Denial", "id:s004-claim-omar-delegated-joulani",
     "id:s004-unnamed-media-sources-close-to-taliban", "id:afghan-taliban", "media sources close to Afghanistan’s Taliban denied"),
    ("id:s004-dispute-joulani-emirate-media-close-to-is", "alg:Dispute", "id:s004-claim-joulani-emirate-aazaz",
     "id:s004-unnamed-author", None, "This increased doubts regarding the truthfulness of the news"),
    ("id:s004-dispute-joulani-emirate-islamic-state", "alg:Dispute", "id:s004-claim-is-aazaz-capital",
     "id:s004-unnamed-author", None, "With the inability to prove whether the plans for establishing an emirate are true"),
]


@pytest.mark.parametrize("iri,cls,claim,respondent,behalf,part", RESPONSES, ids=[_id(r) for r in RESPONSES])
def test_response(kb_graph, iri, cls, claim, respondent, behalf, part):
    pat = f"{iri} a {cls} ; alg:respondsTo {claim} ; alg:respondent {respondent} . {derived(iri, S4, part)}"
    if behalf:
        pat += f" {iri} alg:onBehalfOf {behalf} ."
    assert ask(kb_graph, pat)


def test_joulani_pledge_to_afghanistan_emirate_as_al_qaeda_notes(kb_graph):
    p = "id:s004-pledge-joulani-afghanistan-emirate"
    assert ask(kb_graph, f"""{p} a alg:Pledge ; org:member id:al-nusra-front ; org:organization id:afghan-taliban ;
        alg:pledgeKind concept:allegiance ; alg:scope concept:leader-only ; alg:claimedBy id:al-qaeda ;
        alg:about id:abu-mohammad-al-golani ; alg:status concept:alleged .
        {derived(p, S4, "the emir of its branch in al-Sham pledged his allegiance to the Afghanistan emirate")}""")
    assert not ask(kb_graph, f"{p} dcterms:date ?d")
    # The only pledge in 004, and not one to IS.
    assert select(kb_graph, f"SELECT ?p WHERE {{ ?p a alg:Pledge ; prov:wasDerivedFrom {S4} }}") == [
        ("https://w3id.org/allegiance/id/s004-pledge-joulani-afghanistan-emirate",)]


def test_renaming_isis_to_is(kb_graph):
    r = "id:s004-renaming-islamic-state"
    assert ask(kb_graph, f"""{r} a alg:Renaming ; org:originalOrganization id:islamic-state ;
        org:resultingOrganization id:islamic-state ; alg:previousName "Islamic State of Iraq and al-Sham" ;
        alg:newName "Islamic State" . {derived(r, S4, "formerly known as the Islamic State of Iraq and al-Sham")}
        FILTER NOT EXISTS {{ {r} dcterms:date ?d }}""")


# Events of 004: (iri, class, place or None, excerpt part)
EVENTS_004 = [
    ("id:s004-event-caliphate-declaration", "alg:Event", None, "the declaration of the caliphate at the beginning of Ramadan"),
    ("id:s004-event-nusra-defeat-northern-region", "alg:Event", None, "its defeat to the Islamic State"),
    ("id:s004-event-nusra-defeat-deir-ez-zor", "alg:Event", "id:deir-ez-zor", "after its defeat in Deir ez-Zor"),
    ("id:s004-event-majed-al-rashed-arrives-syria", "alg:Event", "id:syria", "the arrival of Saudi Sheikh Majed al-Rashed"),
    ("id:s004-event-obeid-al-shoumri-arrives-syria", "alg:Event", "id:syria", "Obeid al-Shoumri had arrived in Syria"),
]


@pytest.mark.parametrize("iri,cls,place,part", EVENTS_004, ids=[_id(r) for r in EVENTS_004])
def test_event_004(kb_graph, iri, cls, place, part):
    pat = f"{iri} a {cls} ; rdfs:label ?l . {derived(iri, S4, part)} FILTER NOT EXISTS {{ {iri} dcterms:date ?d }}"
    if place:
        pat += f" {iri} alg:place {place} ."
    assert ask(kb_graph, pat)


def test_nusra_defeat_attributed_to_is(kb_graph):
    assert ask(kb_graph, """id:s004-attribution-nusra-defeat-islamic-state a alg:Attribution ;
        alg:attributedEvent id:s004-event-nusra-defeat-northern-region ; alg:attributedTo id:islamic-state ;
        alg:claimedBy id:s004-unnamed-author ; alg:status concept:alleged .""")
    # The Deir ez-Zor defeat names no victor and is kept apart from the northern one.
    assert not ask(kb_graph, "?a alg:attributedEvent id:s004-event-nusra-defeat-deir-ez-zor")


def test_status_follows_responses(kb_graph):
    # Every claim of these two files carries exactly the status its responses give it.
    rows = select(kb_graph, """SELECT ?c ?s WHERE {
        ?c a ?cls ; alg:status ?s . ?cls rdfs:subClassOf* alg:Claim .
        FILTER(STRSTARTS(STR(?c), STR(id:s003-)) || STRSTARTS(STR(?c), STR(id:s004-)))
        BIND(IF(EXISTS { ?d alg:respondsTo ?c ; a alg:Denial }, concept:denied,
             IF(EXISTS { ?d alg:respondsTo ?c ; a alg:Dispute }, concept:disputed,
             IF(EXISTS { ?d alg:respondsTo ?c ; a alg:Corroboration }, concept:corroborated, concept:alleged))) AS ?e)
        FILTER(?s != ?e) }""")
    assert rows == []
