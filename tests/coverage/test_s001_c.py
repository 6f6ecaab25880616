"""Coverage of source 001 (encyclopedia article), lines 352-510: "In Islamic State territory" (In general, Iraq,
Syria) and "Groups expressing support for IS". Data: instances/s001-c-territory-groups.ttl."""

from __future__ import annotations

import pytest

from tests.conftest import ask, select

SRC = "src:001_663e35e9f03aa9a9"
HEADER = "Members of the following groups have declared support for IS, either fully or in part:"


_counter = iter(range(10**9))


def derived(node: str, excerpt_part: str | None = None) -> str:
    """A pattern: ``node`` is derived from source 001, optionally with an excerpt containing ``excerpt_part``."""
    n = next(_counter)
    pat = f"{node} prov:wasDerivedFrom {SRC} ; prov:qualifiedDerivation ?d{n} . ?d{n} prov:entity {SRC} ."
    if excerpt_part:
        esc = excerpt_part.replace("\\", "\\\\").replace('"', '\\"')
        pat += f' ?d{n} alg:excerpt ?x{n} . FILTER(CONTAINS(STR(?x{n}), "{esc}"))'
    return pat


# --- Pledges from the list "Groups expressing support for IS" --------------------------------------------
# (claim, member, kind, scope, item text in an excerpt)
PLEDGES = [
    ("id:s001-pledge-boko-haram", "id:boko-haram", "declared-support", "scope-unspecified", "Boko Haram"),
    ("id:s001-pledge-ansar-al-sharia-tunisia", "id:ansar-al-sharia-tunisia", "declared-support", "scope-unspecified", "Ansar al-Sharia (Tunisia)"),
    ("id:s001-pledge-jund-al-khilafah", "id:jund-al-khilafa", "declared-support", "scope-unspecified", "Jund al-Khilafah"),
    ("id:s001-pledge-mujahideen-shura-council-jerusalem", "id:mujahideen-shura-council-in-the-environs-of-jerusalem", "declared-support", "scope-unspecified", "Mujahideen Shura Council in the Environs of Jerusalem"),
    ("id:s001-pledge-jamaah-ansharut-tauhid", "id:jamaah-ansharut-tauhid", "declared-support", "part-of-group", "pledged support to IS"),
    ("id:s001-pledge-jamaah-ansharut-tauhid-leader", "id:jamaah-ansharut-tauhid", "allegiance", "leader-only", "after its leader pledged allegiance to IS"),
    ("id:s001-pledge-islamic-movement-of-uzbekistan", "id:islamic-movement-of-uzbekistan", "declared-support", "scope-unspecified", "Islamic Movement of Uzbekistan"),
    ("id:s001-pledge-jundallah-pakistan", "id:jundallah-pakistan", "declared-support", "scope-unspecified", "Jundallah (Pakistan)"),
    ("id:s001-pledge-caucasus-emirate", "id:caucasus-emirate", "allegiance", "some-commanders", "most of Caucasus Emirate commanders switched allegiance to IS"),
    ("id:s001-pledge-sheikh-omar-hadid-brigade", "id:sheikh-omar-hadid-brigade", "declared-support", "scope-unspecified", "Sheikh Omar Hadid Brigade"),
    ("id:s001-pledge-khalifa-islamiyah-mindanao", "id:khalifa-islamiyah-mindanao", "declared-support", "scope-unspecified", "Khalifa Islamiyah Mindanao"),
    ("id:s001-pledge-jemaah-islamiyah", "id:jemaah-islamiyah", "declared-support", "scope-unspecified", "** Jemaah Islamiyah"),
    ("id:s001-pledge-abu-sayyaf", "id:abu-sayyaf", "declared-support", "scope-unspecified", "** Abu Sayyaf"),
    ("id:s001-pledge-bangsamoro-islamic-freedom-fighters", "id:bangsamoro-islamic-freedom-fighters", "declared-support", "scope-unspecified", "** Bangsamoro Islamic Freedom Fighters"),
    ("id:s001-pledge-ansar-khalifa-philippines", "id:ansar-khalifa-philippines", "declared-support", "scope-unspecified", "** Ansar Khalifa Philippines"),
    ("id:s001-pledge-islamic-defenders-front", "id:islamic-defenders-front", "allegiance", "scope-unspecified", "Pledged allegiance and support to IS in 2014"),
    ("id:s001-pledge-saraya-al-madina-al-munawara", "id:saraya-al-madina-al-munawara", "declared-support", "scope-unspecified", "Saraya al-Madina al-Munawara"),
]


@pytest.mark.parametrize("claim,member,kind,scope,item", PLEDGES, ids=[p[0].split("-pledge-")[1] for p in PLEDGES])
def test_pledge(kb_graph, claim, member, kind, scope, item):
    assert ask(kb_graph, f"""
        {claim} a alg:Pledge ; org:member {member} ; org:organization id:islamic-state ;
            alg:pledgeKind concept:{kind} ; alg:scope concept:{scope} ; alg:status concept:alleged .
        {derived(claim, item)}
        {claim} prov:qualifiedDerivation ?h . ?h alg:excerpt "{HEADER}" .
    """)


@pytest.mark.parametrize("claim", [p[0] for p in PLEDGES], ids=[p[0].split("-pledge-")[1] for p in PLEDGES])
def test_pledge_member_is_an_armed_group_with_provenance(kb_graph, claim):
    assert ask(kb_graph, f"{claim} org:member ?m . ?m a alg:ArmedGroup ; rdfs:label ?l . {derived('?m')}")


def test_boko_haram_support_ends_2016_with_no_start(kb_graph):
    rows = select(kb_graph, """SELECT ?end ?begin WHERE { id:s001-pledge-boko-haram org:memberDuring ?i .
        ?i a time:Interval ; time:hasEnd [ time:inXSDgYear ?end ] . OPTIONAL { ?i time:hasBeginning ?begin } }""")
    assert [(str(e), b) for e, b in rows] == [("2016", None)]


def test_islamic_defenders_front_ban_2020(kb_graph):
    # "Only revealed in 2020 by the government upon its ban": the ban is an event of its own.
    assert ask(kb_graph, f"""
        id:s001-ban-islamic-defenders-front a alg:Ban ; alg:bannedOrganization id:islamic-defenders-front ;
            alg:bannedBy id:s001-agent-government-banning-fpi ; dcterms:date "2020"^^xsd:gYear .
        {derived('id:s001-ban-islamic-defenders-front', 'Only revealed in 2020 by the government upon its ban.')}
    """)


def test_islamic_defenders_front_pledge_2014_revealed_by_unnamed_government(kb_graph):
    assert ask(kb_graph, """
        id:s001-pledge-islamic-defenders-front dcterms:date "2020"^^xsd:gYear ;
            org:memberDuring [ time:hasBeginning [ time:inXSDgYear "2014"^^xsd:gYear ] ] ;
            alg:claimedBy ?gov .
        ?gov a alg:UnnamedAgent .
        FILTER NOT EXISTS { id:s001-pledge-islamic-defenders-front org:memberDuring/time:hasEnd ?e }
        FILTER NOT EXISTS { id:s001-pledge-islamic-defenders-front alg:claimedBy id:indonesia }
    """)
    assert ask(kb_graph, 'id:islamic-defenders-front skos:altLabel "FPI"@en')


def test_undated_list_pledges_carry_no_date(kb_graph):
    # The list gives no date except for the Islamic Defenders Front; TRAC's "mid-November 2014" is not theirs.
    rows = select(kb_graph, """SELECT ?p WHERE { ?p a alg:Pledge ; dcterms:date ?d .
        FILTER(STRSTARTS(STR(?p), "https://w3id.org/allegiance/id/s001-pledge-")) }""")
    mine = {p.rsplit("/", 1)[1] for (p,) in rows} & {c[0][3:] for c in PLEDGES}
    assert mine == {"s001-pledge-islamic-defenders-front"}


def test_jamaah_ansharut_tauhid_split(kb_graph):
    assert ask(kb_graph, f"""
        id:s001-split-jamaah-ansharut-tauhid a alg:Split ; org:originalOrganization id:jamaah-ansharut-tauhid ;
            org:resultingOrganization id:jamaah-ansharut-tauhid-majority-faction .
        {derived('id:s001-split-jamaah-ansharut-tauhid', 'the majority of the group split off after its leader pledged allegiance to IS')}
    """)


KIM_MEMBERS = ["id:jemaah-islamiyah", "id:abu-sayyaf", "id:bangsamoro-islamic-freedom-fighters", "id:ansar-khalifa-philippines"]


@pytest.mark.parametrize("member", KIM_MEMBERS)
def test_no_umbrella_membership_inferred_from_list_indentation(kb_graph, member):
    # The list nests these groups ("**") under Khalifa Islamiyah Mindanao; the text never says they belong to it.
    assert not ask(kb_graph, f"?a org:member {member} ; org:organization id:khalifa-islamiyah-mindanao .")


# --- Entity-resolution traps ----------------------------------------------------------------------------
def test_jund_al_khilafah_spelling_resolves_to_registry_iri(kb_graph):
    assert ask(kb_graph, 'id:jund-al-khilafa skos:altLabel "Jund al-Khilafah"@en')
    assert not ask(kb_graph, "?x a alg:Pledge ; org:member id:jund-al-khilafah")


def test_abu_sayyaf_is_the_group_not_the_saudi_sheikh(kb_graph):
    assert ask(kb_graph, "id:abu-sayyaf a alg:ArmedGroup . id:majed-al-rashed a alg:Person")
    assert not ask(kb_graph, "?p a alg:Pledge ; org:member id:majed-al-rashed")
    assert not ask(kb_graph, f"{derived('id:majed-al-rashed', 'Abu Sayyaf')}")


def test_ansar_al_sharia_is_the_tunisian_group(kb_graph):
    assert not ask(kb_graph, "?p a alg:Pledge ; org:member id:ansar-al-sharia-libya . FILTER(STRSTARTS(STR(?p), STR(id:s001-pledge-ansar)))")
    assert ask(kb_graph, "id:s001-pledge-ansar-al-sharia-tunisia org:member id:ansar-al-sharia-tunisia")


def test_jundallah_is_the_pakistani_group(kb_graph):
    rows = select(kb_graph, "SELECT ?m WHERE { id:s001-pledge-jundallah-pakistan org:member ?m }")
    assert rows == [("https://w3id.org/allegiance/id/jundallah-pakistan",)]


def test_bath_party_members_not_the_party(kb_graph):
    # IS recruited former party members, and 57 members took part at Camp Speicher: the members are population
    # groups linked to the one party IRI (alg:membersOf); the party itself is accused of nothing.
    assert ask(kb_graph, f"""
        id:bath-party-iraq a alg:PoliticalParty .
        id:former-bath-party-members-iraq a alg:PopulationGroup ; alg:membersOf id:bath-party-iraq .
        id:bath-party-iraq-members-at-camp-speicher a alg:PopulationGroup ; alg:membersOf id:bath-party-iraq .
        id:s001-accusation-iraq-bath-party-state-building alg:accused id:former-bath-party-members-iraq .
        id:s001-attribution-camp-speicher-bath-party-iraq alg:attributedTo id:bath-party-iraq-members-at-camp-speicher .
        {derived('id:bath-party-iraq', "Arab Socialist Ba'ath Party – Iraq Region")}
    """)
    assert not ask(kb_graph, "?c alg:accused|alg:attributedTo id:bath-party-iraq")


def test_no_preview_facts(kb_graph):
    # Previews give "between 1,095 and 1,700" cadets, Boko Haram's 2016 split, Ansar al-Sharia's 10,000 members.
    for bad in ("1,095", "1,700", "In 2016, the group split", "10,000 members", "Tikrit", "Hakimullah", "Humam Abdul Najid"):
        assert not ask(kb_graph, f'?d prov:entity {SRC} ; alg:excerpt ?x . FILTER(CONTAINS(STR(?x), "{bad}"))'), bad
    assert not ask(kb_graph, "?f alg:aboutEvent id:s001-attack-camp-speicher-massacre ; alg:value 1095.0")


# --- Figures --------------------------------------------------------------------------------------------
# (figure, measure, unit, value, qualifier, estimator or None, date or None, text)
VOICE = "id:s001-unnamed-article-authors"
FIGURES = [
    ("id:s001-figure-territory-people-governed-2015", "people-governed", "persons", 8000000, "approximately", VOICE, "2015", "governed approximately eight million people"),
    ("id:s001-figure-territory-area-2015", "territory-area", "square-kilometres", 90000, "approximately", VOICE, "2015", "90,000 square kilometres"),
    ("id:s001-figure-territory-civilian-employees-bamber", "civilian-employees", "persons", 22000, "approximately", "id:matthew-bamber", None, "approximately 22,000 civilian employees"),
    ("id:s001-figure-camp-speicher-cadets-executed", "casualties", "persons", 1566, "at-least", VOICE, "2014-06-12", "at least 1,566 Shia cadets"),
    ("id:s001-figure-camp-speicher-bath-members", "other-measure", "persons", 57, "exact", VOICE, "2014-06-12", "where 57 members of the"),
    ("id:s001-figure-groups-trac-groups", "groups-pledging", "organizations", 60, "exact", "id:trac", "2014-11", "identified 60 jihadist groups"),
    ("id:s001-figure-groups-trac-countries", "groups-pledging", "countries", 30, "exact", "id:trac", "2014-11", "in 30 countries"),
]


@pytest.mark.parametrize("fig,measure,unit,value,qualifier,estimator,date,text", FIGURES, ids=[f[0][3:] for f in FIGURES])
def test_figure(kb_graph, fig, measure, unit, value, qualifier, estimator, date, text):
    rows = select(kb_graph, f"""SELECT ?v ?d ?e WHERE {{ {fig} a alg:Figure ; alg:measure concept:{measure} ;
        alg:unit concept:{unit} ; alg:qualifier concept:{qualifier} ; alg:value ?v .
        OPTIONAL {{ {fig} dcterms:date ?d }} OPTIONAL {{ {fig} alg:estimator ?e }} {derived(fig, text)} }}""")
    assert len(rows) == 1, rows
    v, d, e = rows[0]
    assert float(v) == value
    assert (None if d is None else str(d)) == date
    assert e == (None if estimator is None else "https://w3id.org/allegiance/id/" + estimator[3:])


def test_peak_figures_are_about_is_in_syria_and_iraq(kb_graph):
    for fig in ("id:s001-figure-territory-people-governed-2015", "id:s001-figure-territory-area-2015"):
        assert ask(kb_graph, f"""{fig} alg:aboutOrganization id:islamic-state ; alg:place id:s001-place-is-territory-2015 .
            id:s001-place-is-territory-2015 alg:inCountry id:syria , id:iraq .""")


def test_camp_speicher_figures_point_at_the_attack(kb_graph):
    assert ask(kb_graph, """
        id:s001-figure-camp-speicher-cadets-executed alg:aboutEvent id:s001-attack-camp-speicher-massacre ;
            alg:aboutOrganization id:iraqi-air-force .
        id:s001-figure-camp-speicher-bath-members alg:aboutEvent id:s001-attack-camp-speicher-massacre ;
            alg:about id:bath-party-iraq-members-at-camp-speicher .
        id:iraqi-air-force a alg:GovernmentBody ; alg:partOfState id:iraq .
    """)


def test_territorial_control_peak_2015(kb_graph):
    assert ask(kb_graph, f"""
        id:s001-territorial-control-is-peak-2015 a alg:TerritorialControl ; alg:controllingAgent id:islamic-state ;
            alg:controlledPlace id:s001-place-is-territory-2015 ; dcterms:date "2015"^^xsd:gYear .
        id:s001-place-is-territory-2015 a alg:Place ; alg:inCountry id:syria , id:iraq .
        {derived('id:s001-territorial-control-is-peak-2015', 'creating various governing institutions')}
    """)


# --- Accusations ----------------------------------------------------------------------------------------
# (claim, accuser, accused, support types, status, text)
VOICE = "id:s001-unnamed-article-authors"
ACCUSATIONS = [
    ("id:s001-accusation-territory-civilian-employees", "id:s001-agent-counterterrorism-community", "id:civilian-employees-of-islamic-state", ["employment"], "disputed", "treats IS’s affiliates as a single homogeneous group"),
    ("id:s001-accusation-iraq-bath-party-state-building", VOICE, "id:former-bath-party-members-iraq", ["employment", "collusion"], "alleged", "they were willing to collaborate with the jihadist group"),
    ("id:s001-accusation-iraq-former-military-officers-state-building", VOICE, "id:former-iraqi-military-officers", ["employment"], "alleged", "members and Iraqi military officers"),
    ("id:s001-accusation-iraq-bath-party-camp-speicher", VOICE, "id:bath-party-iraq-members-at-camp-speicher", ["collusion"], "alleged", "participated in the execution of at least 1,566 Shia cadets"),
    ("id:s001-accusation-iraq-sunni-arabs", "id:s001-agent-sunni-arabs-iraq-accusers", "id:sunni-arabs-in-iraq", ["collusion"], "alleged", "have been accused of collaborating with IS against Assyrians"),
    ("id:s001-accusation-iraq-local-sunnis-yazidis", "id:s001-agent-local-sunnis-reports", "id:local-sunnis-iraq", ["collusion"], "alleged", "betrayed Yazidis once IS arrived"),
    ("id:s001-accusation-syria-syrian-arabs-raqqa", VOICE, "id:syrian-arabs-in-raqqa", ["collusion"], "alleged", "sided with the Islamic State."),
]


@pytest.mark.parametrize("claim,accuser,accused,types,status,text", ACCUSATIONS, ids=[a[0].split("-accusation-")[1] for a in ACCUSATIONS])
def test_accusation(kb_graph, claim, accuser, accused, types, status, text):
    types_pat = " ; ".join(f"alg:supportType concept:{t}" for t in types)
    assert ask(kb_graph, f"""
        {claim} a alg:Accusation ; alg:accuser {accuser} ; alg:accused {accused} ; alg:beneficiary id:islamic-state ;
            {types_pat} ; alg:status concept:{status} .
        {accuser} a alg:UnnamedAgent .
        {derived(claim, text)}
        {derived(accused)}
    """)


def test_state_building_period_2014_2019(kb_graph):
    for claim in ("id:s001-accusation-iraq-bath-party-state-building", "id:s001-accusation-iraq-former-military-officers-state-building"):
        rows = select(kb_graph, f"""SELECT ?b ?e WHERE {{ {claim} alg:period ?i .
            ?i time:hasBeginning [ time:inXSDgYear ?b ] ; time:hasEnd [ time:inXSDgYear ?e ] }}""")
        assert [(str(b), str(e)) for b, e in rows] == [("2014", "2019")]


def test_sunni_arabs_accused_of_acting_against_three_groups(kb_graph):
    assert ask(kb_graph, """id:s001-accusation-iraq-sunni-arabs alg:about id:assyrians , id:yazidis , id:shias .
        id:sunni-arabs-in-iraq a alg:PopulationGroup ; alg:associatedCountry id:iraq .""")
    # "Sunni Arabs in Iraq" and the "local Sunnis" who betrayed Yazidis are described differently: two IRIs.
    assert ask(kb_graph, "id:local-sunnis-iraq a alg:PopulationGroup . FILTER(id:local-sunnis-iraq != id:sunni-arabs-in-iraq)")


def test_raqqa_accusation_and_sdf_ypg(kb_graph):
    assert ask(kb_graph, """
        id:s001-accusation-syria-syrian-arabs-raqqa alg:place id:raqqa ;
            alg:about id:syrian-democratic-forces , id:peoples-protection-units .
        id:raqqa a alg:Place ; alg:inCountry id:syria .
        ?a a alg:Affiliation ; org:member id:peoples-protection-units ; org:organization id:syrian-democratic-forces ;
           alg:affiliationKind concept:umbrella-member .
        ?att a alg:Attribution ; alg:attributedTo id:syrian-democratic-forces ; alg:attributedEvent ?ev .
        ?ev a alg:Attack ; alg:place id:raqqa .
    """)


# --- Responses ------------------------------------------------------------------------------------------
# (response, respondent, text)
DISPUTES = [
    ("id:s001-dispute-territory-civilian-employees-bamber", "id:matthew-bamber", "he questions whether local employees who continued their work"),
    ("id:s001-dispute-territory-civilian-employees-khayyat", "id:munira-khayyat", "were not necessarily collaborators"),
]


@pytest.mark.parametrize("resp,respondent,text", DISPUTES, ids=["bamber", "khayyat"])
def test_dispute_of_calling_workers_collaborators(kb_graph, resp, respondent, text):
    assert ask(kb_graph, f"""
        {resp} a alg:Dispute ; alg:respondsTo id:s001-accusation-territory-civilian-employees ; alg:respondent {respondent} .
        {respondent} a alg:Person .
        {derived(resp, text)}
    """)


def test_civilian_employees_accusation_accuser_is_unnamed(kb_graph):
    assert ask(kb_graph, """id:s001-accusation-territory-civilian-employees alg:accuser ?a ; alg:reportedBy id:matthew-bamber .
        ?a a alg:UnnamedAgent .""")


# --- Camp Speicher: attack and attributions -------------------------------------------------------------
def test_camp_speicher_attack(kb_graph):
    assert ask(kb_graph, f"""
        id:s001-attack-camp-speicher-massacre a alg:Attack ; dcterms:date "2014-06-12"^^xsd:date ;
            alg:place id:iraq ; rdfs:label "Camp Speicher Massacre"@en .
        {derived('id:s001-attack-camp-speicher-massacre', 'on June 12, 2014.')}
    """)


@pytest.mark.parametrize("agent", ["id:bath-party-iraq-members-at-camp-speicher", "id:islamic-state"])
def test_camp_speicher_attribution(kb_graph, agent):
    assert ask(kb_graph, f"""
        ?a a alg:Attribution ; alg:attributedEvent id:s001-attack-camp-speicher-massacre ; alg:attributedTo {agent} .
        {derived('?a', 'Camp Speicher Massacre')}
    """)


# --- Registry entities named in this part carry provenance from source 001 -----------------------------
REGISTRY = [
    ("id:islamic-state", "At its peak in 2015, the Islamic State"),
    ("id:syria", "spanning parts of Syria"),
    ("id:iraq", "and Iraq"),
    ("id:trac", "The Terrorism Research and Analysis Consortium (TRAC)"),
    ("id:al-qaeda", "previously affiliated with al-Qaeda"),
    ("id:syrian-democratic-forces", "take Raqqa by the Syrian Democratic Forces"),
    ("id:peoples-protection-units", "People's Protection Units"),
    ("id:ansar-al-sharia-tunisia", "Ansar al-Sharia (Tunisia)"),
    ("id:jund-al-khilafa", "Jund al-Khilafah"),
    ("id:jamaah-ansharut-tauhid", "Jamaah Ansharut Tauhid"),
    ("id:jundallah-pakistan", "Jundallah (Pakistan)"),
    ("id:abu-sayyaf", "** Abu Sayyaf"),
    ("id:government-of-syria", "neglected by the previous Syrian"),
]


@pytest.mark.parametrize("entity,text", REGISTRY, ids=[r[0][3:] for r in REGISTRY])
def test_registry_entity_cited(kb_graph, entity, text):
    assert ask(kb_graph, derived(entity, text))


MINTED = [
    ("id:bath-party-iraq", "alg:PoliticalParty"), ("id:government-of-iraq", "alg:Government"),
    ("id:saddam-hussein", "alg:Person"), ("id:matthew-bamber", "alg:Person"), ("id:munira-khayyat", "alg:Person"),
    ("id:iraqi-air-force", "alg:GovernmentBody"), ("id:raqqa", "alg:Place"),
    ("id:sunni-arabs-in-iraq", "alg:PopulationGroup"), ("id:yazidis", "alg:PopulationGroup"),
    ("id:assyrians", "alg:PopulationGroup"), ("id:shias", "alg:PopulationGroup"),
    ("id:syrian-arabs-in-raqqa", "alg:PopulationGroup"), ("id:former-iraqi-military-officers", "alg:PopulationGroup"),
    ("id:civilian-employees-of-islamic-state", "alg:PopulationGroup"), ("id:boko-haram", "alg:ArmedGroup"),
    ("id:caucasus-emirate", "alg:ArmedGroup"), ("id:islamic-defenders-front", "alg:ArmedGroup"),
]


@pytest.mark.parametrize("entity,cls", MINTED, ids=[m[0][3:] for m in MINTED])
def test_minted_entity(kb_graph, entity, cls):
    assert ask(kb_graph, f"{entity} a {cls} ; rdfs:label ?l . {derived(entity)}")
