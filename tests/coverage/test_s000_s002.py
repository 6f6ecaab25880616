"""Coverage of sources 000 (The Christian Post, "ISIS' Global Network Expands") and 002 (Al-Akhbar / Reuters,
18 Nov 2014, "Taliban splinter group in Pakistan vows allegiance to ISIS").

Each table row is one fact that the sources state; a missing fact names itself in the failing test id.
"""

from __future__ import annotations

import pytest

from tests.conftest import ask, select

S000 = "src:000_fac6d62cb4587eed"
S002 = "src:002_4516765f07b340b2"


def _date_of(graph, node: str) -> tuple[str, str] | None:
    rows = select(graph, f"SELECT (STR(?d) AS ?s) (STR(DATATYPE(?d)) AS ?t) WHERE {{ {node} dcterms:date ?d }}")
    if not rows:
        return None
    assert len(rows) == 1, f"{node} has several dcterms:date"
    value, dtype = rows[0]
    return value, dtype.rsplit("#", 1)[1]


# ---------------------------------------------------------------------------------------------------------
# Pledges: (claim, source, member, organization, kind, scope, date or None)
# ---------------------------------------------------------------------------------------------------------
PLEDGES = [
    # 000: TRAC's allies and the Dabiq announcements
    ("id:s000-pledge-islamic-youth-shura-council", S000, "id:islamic-youth-shura-council", "id:islamic-state",
     "allegiance", "whole-group", ("2014-06", "gYearMonth")),
    ("id:s000-pledge-islamic-youth-shura-council-al-qaeda", S000, "id:islamic-youth-shura-council", "id:al-qaeda",
     "allegiance", "whole-group", ("2014", "gYear")),
    ("id:s000-pledge-jund-al-khilafa", S000, "id:jund-al-khilafa", "id:islamic-state",
     "allegiance", "whole-group", ("2014-09", "gYearMonth")),
    ("id:s000-pledge-ansar-beit-al-maqdis", S000, "id:ansar-beit-al-maqdis", "id:islamic-state",
     "allegiance", "whole-group", ("2014-11", "gYearMonth")),
    ("id:s000-pledge-ansar-beit-al-maqdis-gaza", S000, "id:ansar-beit-al-maqdis-gaza", "id:islamic-state",
     "allegiance", "whole-group", None),
    ("id:s000-pledge-jundallah", S000, "id:jundallah-pakistan", "id:islamic-state",
     "allegiance", "whole-group", ("2014", "gYear")),
    ("id:s000-pledge-tehreek-e-khilafat", S000, "id:tehreek-e-khilafat", "id:islamic-state",
     "allegiance", "whole-group", ("2014", "gYear")),
    ("id:s000-pledge-jamaat-al-ahrar", S000, "id:jamaat-al-ahrar", "id:islamic-state",
     "allegiance", "whole-group", ("2014", "gYear")),
    ("id:s000-pledge-abu-sayyaf", S000, "id:abu-sayyaf", "id:islamic-state",
     "allegiance", "whole-group", ("2014", "gYear")),
    ("id:s000-pledge-ashorut-tauhid", S000, "id:jamaah-ansharut-tauhid", "id:islamic-state",
     "allegiance", "leader-only", ("2014-07", "gYearMonth")),
    ("id:s000-pledge-free-sunnis-of-baalbek-brigade", S000, "id:free-sunnis-of-baalbek-brigade", "id:islamic-state",
     "allegiance", "whole-group", ("2014-06", "gYearMonth")),
    ("id:s000-pledge-sons-of-the-call-for-tawhid-and-jihad", S000, "id:sons-of-the-call-for-tawhid-and-jihad",
     "id:islamic-state", "declared-support", "whole-group", ("2014-07", "gYearMonth")),
    ("id:s000-pledge-mujahidin-arabian-peninsula", S000, "id:s000-mujahidin-arabian-peninsula", "id:islamic-state",
     "allegiance", "scope-unspecified", ("2014", "gYear")),
    ("id:s000-pledge-mujahidin-yemen", S000, "id:s000-mujahidin-yemen", "id:islamic-state",
     "allegiance", "scope-unspecified", ("2014", "gYear")),
    ("id:s000-pledge-mujahidin-sinai", S000, "id:s000-mujahidin-sinai", "id:islamic-state",
     "allegiance", "scope-unspecified", ("2014", "gYear")),
    ("id:s000-pledge-mujahidin-libya", S000, "id:s000-mujahidin-libya", "id:islamic-state",
     "allegiance", "scope-unspecified", ("2014", "gYear")),
    ("id:s000-pledge-mujahidin-algeria", S000, "id:s000-mujahidin-algeria", "id:islamic-state",
     "allegiance", "scope-unspecified", ("2014", "gYear")),
    # 002
    ("id:s002-pledge-jundallah", S002, "id:jundallah-pakistan", "id:islamic-state",
     "declared-support", "whole-group", ("2014-11-17", "date")),
    ("id:s002-pledge-five-ttp-commanders", S002, "id:pakistani-taliban", "id:islamic-state",
     "declared-support", "some-commanders", ("2014-10", "gYearMonth")),
    ("id:s002-pledge-six-ttp-commanders", S002, "id:pakistani-taliban", "id:islamic-state",
     "allegiance", "some-commanders", ("2014-10", "gYearMonth")),
    ("id:s002-pledge-ansar-beit-al-maqdis", S002, "id:ansar-beit-al-maqdis", "id:islamic-state",
     "allegiance", "whole-group", ("2014-11", "gYearMonth")),
]


@pytest.mark.parametrize("claim,source,member,organization,kind,scope,date", PLEDGES,
                         ids=[row[0].split(":", 1)[1] for row in PLEDGES])
def test_pledge(kb_graph, claim, source, member, organization, kind, scope, date):
    assert ask(kb_graph, f"""
        {claim} a alg:Pledge ; org:member {member} ; org:organization {organization} ;
            alg:pledgeKind concept:{kind} ; alg:scope concept:{scope} ; alg:status concept:alleged ;
            prov:wasDerivedFrom {source} ;
            prov:qualifiedDerivation [ prov:entity {source} ; alg:excerpt ?e ] .
    """)
    assert _date_of(kb_graph, claim) == date
    if date is not None:
        begin = select(kb_graph, f"""SELECT (STR(?b) AS ?s) WHERE {{
            {claim} org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?b }}""")
        assert begin == [(date[0],)]


def test_iysc_al_qaeda_allegiance_ends_when_it_switches(kb_graph):
    assert ask(kb_graph, """
        id:s000-pledge-islamic-youth-shura-council-al-qaeda org:memberDuring/time:hasEnd/time:inXSDgYearMonth ?end .
        FILTER (STR(?end) = "2014-06")
    """)


PLEDGE_EXTRAS = [
    # (claim, triple pattern on the claim)
    ("id:s000-pledge-mujahidin-yemen", "alg:claimedBy id:dabiq ; alg:place id:yemen"),
    ("id:s000-pledge-mujahidin-sinai", "alg:claimedBy id:dabiq ; alg:place id:sinai"),
    ("id:s000-pledge-mujahidin-arabian-peninsula", "alg:claimedBy id:dabiq ; alg:place id:arabian-peninsula"),
    ("id:s000-pledge-ashorut-tauhid", "alg:claimedBy id:s000-ashorut-tauhid-leader"),
    ("id:s002-pledge-jundallah", "alg:claimedBy id:fahad-marwat ; alg:reportedBy id:reuters"),
]


@pytest.mark.parametrize("claim,pattern", PLEDGE_EXTRAS, ids=[r[0].split(":", 1)[1] + "-extra" for r in PLEDGE_EXTRAS])
def test_pledge_details(kb_graph, claim, pattern):
    assert ask(kb_graph, f"{claim} {pattern} .")


# ---------------------------------------------------------------------------------------------------------
# Affiliations: (claim, member, organization, kind)
# ---------------------------------------------------------------------------------------------------------
AFFILIATIONS = [
    ("id:s000-affiliation-jund-al-khilafa-al-qaeda", "id:jund-al-khilafa", "id:al-qaeda", "former-affiliate"),
    ("id:s000-affiliation-jundallah-al-qaeda", "id:jundallah-pakistan", "id:al-qaeda", "former-affiliate"),
    ("id:s000-affiliation-tehreek-e-khilafat-al-qaeda", "id:tehreek-e-khilafat", "id:al-qaeda", "former-affiliate"),
    ("id:s000-affiliation-jamaat-al-ahrar-al-qaeda", "id:jamaat-al-ahrar", "id:al-qaeda", "former-affiliate"),
    ("id:s000-affiliation-jundallah-pakistani-taliban", "id:jundallah-pakistan", "id:pakistani-taliban",
     "former-affiliate"),
    ("id:s000-affiliation-tehreek-e-khilafat-pakistani-taliban", "id:tehreek-e-khilafat", "id:pakistani-taliban",
     "former-affiliate"),
    ("id:s000-affiliation-jamaat-al-ahrar-pakistani-taliban", "id:jamaat-al-ahrar", "id:pakistani-taliban",
     "former-affiliate"),
    ("id:s000-affiliation-abm-gaza-branch", "id:ansar-beit-al-maqdis-gaza", "id:ansar-beit-al-maqdis", "branch"),
    ("id:s002-affiliation-jundallah-pakistani-taliban", "id:jundallah-pakistan", "id:pakistani-taliban",
     "former-affiliate"),
    ("id:s002-affiliation-jundallah-islamic-state-contacts", "id:jundallah-pakistan", "id:islamic-state", "contact"),
    ("id:s002-affiliation-lej-islamic-state-contacts", "id:lashkar-e-jhangvi", "id:islamic-state", "contact"),
    ("id:s002-affiliation-nusra-al-qaeda", "id:al-nusra-front", "id:al-qaeda", "branch"),
]


@pytest.mark.parametrize("claim,member,organization,kind", AFFILIATIONS,
                         ids=[r[0].split(":", 1)[1] for r in AFFILIATIONS])
def test_affiliation(kb_graph, claim, member, organization, kind):
    assert ask(kb_graph, f"""
        {claim} a alg:Affiliation ; org:member {member} ; org:organization {organization} ;
            alg:affiliationKind concept:{kind} ; alg:status concept:alleged ; prov:wasDerivedFrom ?src .
    """)


def test_lej_contacts_claimed_by_unnamed_militants_and_officials(kb_graph):
    assert ask(kb_graph, """
        id:s002-affiliation-lej-islamic-state-contacts alg:claimedBy ?who .
        ?who a alg:UnnamedAgent .
    """)


# ---------------------------------------------------------------------------------------------------------
# Renamings and splits
# ---------------------------------------------------------------------------------------------------------
RENAMINGS = [
    ("id:s000-renaming-ansar-beit-al-maqdis", "id:ansar-beit-al-maqdis", "Ansar Beit al-Maqdis", "Wilayat Sinai"),
    ("id:s000-renaming-ansar-beit-al-maqdis-gaza", "id:ansar-beit-al-maqdis-gaza", "Ansar Beit al-Maqdis",
     "al-Dawla al-Islamiyya"),
]


@pytest.mark.parametrize("event,org,old,new", RENAMINGS, ids=[r[0].split(":", 1)[1] for r in RENAMINGS])
def test_renaming(kb_graph, event, org, old, new):
    assert ask(kb_graph, f"""
        {event} a alg:Renaming ; org:originalOrganization {org} ; org:resultingOrganization {org} ;
            alg:previousName "{old}" ; alg:newName "{new}" ; prov:wasDerivedFrom {S000} .
    """)


SPLITS = [
    ("id:s002-split-isis-al-qaeda", "id:al-qaeda", "id:islamic-state", None),
    ("id:s002-split-pakistani-taliban", "id:pakistani-taliban", "id:s002-pakistani-taliban-factions", ("2014", "gYear")),
]


@pytest.mark.parametrize("event,original,resulting,date", SPLITS, ids=[r[0].split(":", 1)[1] for r in SPLITS])
def test_split(kb_graph, event, original, resulting, date):
    assert ask(kb_graph, f"""
        {event} a alg:Split ; org:originalOrganization {original} ; org:resultingOrganization {resulting} ;
            prov:wasDerivedFrom {S002} .
    """)
    assert _date_of(kb_graph, event) == date


# ---------------------------------------------------------------------------------------------------------
# Territorial control: (claim, controlling agent, places, date, claimed by or None)
# ---------------------------------------------------------------------------------------------------------
CONTROL = [
    ("id:s000-control-iysc-derna", "id:islamic-youth-shura-council", ["id:derna"], ("2014-04", "gYearMonth"), None),
    ("id:s000-control-islamic-state-derna", "id:islamic-state", ["id:derna"], ("2014-10", "gYearMonth"),
     "id:islamic-youth-shura-council"),
    ("id:s002-control-islamic-state-iraq-syria", "id:islamic-state", ["id:s002-place-isis-captured-land"],
     ("2014-11-18", "date"), "id:reuters"),
]


@pytest.mark.parametrize("claim,agent,places,date,claimed_by", CONTROL, ids=[r[0].split(":", 1)[1] for r in CONTROL])
def test_territorial_control(kb_graph, claim, agent, places, date, claimed_by):
    for place in places:
        assert ask(kb_graph, f"{claim} a alg:TerritorialControl ; alg:controllingAgent {agent} ; "
                             f"alg:controlledPlace {place} ; alg:status concept:alleged .")
    assert _date_of(kb_graph, claim) == date
    if claimed_by:
        assert ask(kb_graph, f"{claim} alg:claimedBy {claimed_by} .")


def test_derna_is_in_libya(kb_graph):
    assert ask(kb_graph, "id:derna a alg:Place ; alg:inCountry id:libya .")


# ---------------------------------------------------------------------------------------------------------
# Attacks and attributions: (attribution, attack, attributed to, claimed by or None, place or None, date or None)
# ---------------------------------------------------------------------------------------------------------
ATTRIBUTIONS = [
    ("id:s000-attribution-beheading-french-man", "id:s000-attack-beheading-french-man", "id:jund-al-khilafa",
     None, None, None),
    ("id:s000-attribution-rockets-into-israel", "id:s000-attack-rockets-into-israel", "id:ansar-beit-al-maqdis-gaza",
     "id:ansar-beit-al-maqdis-gaza", "id:israel", None),
    ("id:s000-attribution-iranian-embassy-beirut-bombing", "id:s000-attack-iranian-embassy-beirut-bombing",
     "id:free-sunnis-of-baalbek-brigade", "id:free-sunnis-of-baalbek-brigade", "id:beirut", ("2013", "gYear")),
    ("id:s000-attribution-abu-sayyaf-kidnapping", "id:s000-attack-abu-sayyaf-kidnapping-german-captives",
     "id:abu-sayyaf", None, None, None),
    ("id:s000-attribution-us-coalition-airstrikes", "id:s000-attack-us-coalition-airstrikes", "id:france",
     None, None, None),
    ("id:s002-attribution-church-bombing", "id:s002-attack-church-bombing", "id:jundallah-pakistan",
     None, None, None),
    ("id:s002-attribution-air-bases", "id:s002-attack-air-bases", "id:s002-five-returnees", "id:s002-policeman",
     "id:pakistan", None),
    ("id:s002-attribution-us-led-strikes-syria", "id:s002-attack-us-led-strikes-syria", "id:united-states",
     None, "id:syria", None),
]


@pytest.mark.parametrize("attribution,attack,agent,claimed_by,place,date", ATTRIBUTIONS,
                         ids=[r[0].split(":", 1)[1] for r in ATTRIBUTIONS])
def test_attack_and_attribution(kb_graph, attribution, attack, agent, claimed_by, place, date):
    assert ask(kb_graph, f"""
        {attack} a alg:Attack ; rdfs:label ?l ; prov:wasDerivedFrom ?s .
        {attribution} a alg:Attribution ; alg:attributedEvent {attack} ; alg:attributedTo {agent} ;
            alg:status concept:alleged .
    """)
    if claimed_by:
        assert ask(kb_graph, f"{attribution} alg:claimedBy {claimed_by} .")
    if place:
        assert ask(kb_graph, f"{attack} alg:place {place} .")
    assert _date_of(kb_graph, attack) == date


def test_rockets_claim_reported_by_trac(kb_graph):
    assert ask(kb_graph, "id:s000-attribution-rockets-into-israel alg:reportedBy id:trac .")


def test_returnees_stay_anonymous(kb_graph):
    assert ask(kb_graph, "id:s002-five-returnees a alg:UnnamedAgent . id:s002-policeman a alg:UnnamedAgent .")


# ---------------------------------------------------------------------------------------------------------
# Figures: (figure, measure, unit, value or (lower, upper), qualifier, about-pattern, estimator or None, date)
# ---------------------------------------------------------------------------------------------------------
FIGURES = [
    ("id:s000-figure-allies-at-least-12", "groups-pledging", "organizations", 12, "at-least",
     "alg:aboutOrganization id:islamic-state", "id:the-christian-post", None),
    ("id:s000-figure-trac-12-organizations", "groups-pledging", "organizations", 12, "exact",
     "alg:aboutOrganization id:islamic-state", "id:trac", None),
    ("id:s000-figure-allies-9-countries", "groups-pledging", "countries", 9, "exact",
     "alg:aboutOrganization id:islamic-state", "id:the-christian-post", None),
    ("id:s000-figure-abm-fighters", "fighters", "persons", 1000, "approximately",
     "alg:aboutOrganization id:ansar-beit-al-maqdis", "id:the-christian-post", None),
    ("id:s000-figure-abu-sayyaf-ransom", "ransom", "us-dollars", 5000000, "exact",
     "alg:aboutOrganization id:abu-sayyaf", "id:the-christian-post", None),
    ("id:s000-figure-sons-of-tawhid-members", "fighters", "persons", ">=2000", "thousands",
     "alg:aboutOrganization id:sons-of-the-call-for-tawhid-and-jihad", None, None),
    ("id:s000-figure-pakistan-muslim-share", "other-measure", "percent", 97, "exact",
     "alg:aboutCountry id:pakistan", "id:the-christian-post", None),
    ("id:s002-figure-memo-recruits", "fighters", "persons", (10000, 12000), "range",
     "alg:aboutOrganization id:islamic-state ; alg:place id:pakistan", "id:government-of-pakistan",
     ("2014-11", "gYearMonth")),
    ("id:s002-figure-church-bombing-killed", "casualties", "persons", 80, "approximately",
     "alg:aboutEvent id:s002-attack-church-bombing", "id:reuters", None),
    ("id:s002-figure-pakistanis-in-syria", "foreign-fighters", "persons", ">=200", "hundreds",
     "alg:aboutCountry id:pakistan ; alg:place id:syria", "id:s002-several-militants", None),
    ("id:s002-figure-returnees-air-bases", "attack-participants", "persons", 5, "exact",
     "alg:aboutEvent id:s002-attack-air-bases", "id:s002-policeman", None),
    ("id:s002-figure-five-ttp-commanders", "other-measure", "persons", 5, "exact",
     "alg:aboutOrganization id:pakistani-taliban", "id:reuters", ("2014-10", "gYearMonth")),
    ("id:s002-figure-six-ttp-commanders", "other-measure", "persons", 6, "exact",
     "alg:aboutOrganization id:pakistani-taliban", "id:reuters", ("2014-10", "gYearMonth")),
    ("id:s002-figure-isis-killed-thousands", "casualties", "persons", ">=2000", "thousands",
     "alg:aboutOrganization id:islamic-state ; alg:place id:iraq , id:syria", "id:reuters", ("2014-11-18", "date")),
    ("id:s002-figure-isis-displaced-millions", "other-measure", "persons", ">=2000000", "millions",
     "alg:aboutOrganization id:islamic-state ; alg:place id:iraq , id:syria", "id:reuters", ("2014-11-18", "date")),
]


@pytest.mark.parametrize("figure,measure,unit,value,qualifier,about,estimator,date", FIGURES,
                         ids=[r[0].split(":", 1)[1] for r in FIGURES])
def test_figure(kb_graph, figure, measure, unit, value, qualifier, about, estimator, date):
    assert ask(kb_graph, f"""
        {figure} a alg:Figure ; alg:measure concept:{measure} ; alg:unit concept:{unit} ;
            alg:qualifier concept:{qualifier} ; {about} .
    """)
    if isinstance(value, str):  # a vague plural: only the lower bound it implies, no value
        rows = select(kb_graph, f"SELECT ?lo WHERE {{ {figure} alg:lowerBound ?lo FILTER NOT EXISTS {{ {figure} alg:value ?v }} }}")
        assert [float(v) for (v,) in rows] == [float(value[2:])]
    elif isinstance(value, tuple):
        rows = select(kb_graph, f"SELECT ?lo ?hi WHERE {{ {figure} alg:lowerBound ?lo ; alg:upperBound ?hi }}")
        assert [(float(a), float(b)) for a, b in rows] == [(float(value[0]), float(value[1]))]
    else:
        rows = select(kb_graph, f"SELECT ?v WHERE {{ {figure} alg:value ?v }}")
        assert [float(v) for (v,) in rows] == [float(value)]
    if estimator:
        assert ask(kb_graph, f"{figure} alg:estimator {estimator} .")
    assert _date_of(kb_graph, figure) == date


def test_nine_countries_are_listed(kb_graph):
    for place in ["pakistan", "algeria", "libya", "egypt", "indonesia", "lebanon", "philippines", "jordan",
                  "gaza-strip", "israel"]:
        assert ask(kb_graph, f"id:s000-figure-allies-9-countries alg:place id:{place} .")


# ---------------------------------------------------------------------------------------------------------
# The leaked memo figure is disputed, twice (a figure disputed: no denial, status disputed)
# ---------------------------------------------------------------------------------------------------------
DISPUTES = [
    ("id:s002-dispute-minister-memo", "id:s002-government-minister"),
    ("id:s002-dispute-militants-officials-memo", "id:s002-militants-and-security-officials-memo"),
]


@pytest.mark.parametrize("dispute,respondent", DISPUTES, ids=[r[0].split(":", 1)[1] for r in DISPUTES])
def test_memo_dispute(kb_graph, dispute, respondent):
    assert ask(kb_graph, f"""
        {dispute} a alg:Dispute ; alg:respondsTo id:s002-figure-memo-recruits ; alg:respondent {respondent} ;
            prov:wasDerivedFrom {S002} .
        {respondent} a alg:UnnamedAgent .
    """)


def test_memo_figure_status_is_disputed(kb_graph):
    assert ask(kb_graph, "id:s002-figure-memo-recruits alg:status concept:disputed .")
    assert not ask(kb_graph, "?d alg:respondsTo id:s002-figure-memo-recruits ; a alg:Denial .")


# ---------------------------------------------------------------------------------------------------------
# Quoted statements: (statement, speaker, words of the quotation)
# ---------------------------------------------------------------------------------------------------------
STATEMENTS = [
    ("id:s000-statement-dabiq-announcements", "id:dabiq", "pronouncing their [allegiances] to the Khalīfah"),
    ("id:s000-statement-islamic-youth-shura-council", "id:islamic-youth-shura-council",
     "It is incumbent on us to support this oppressed Islamic State"),
    ("id:s000-statement-abdelmalek-al-qaeda", "id:gouri-abdelmalek", "has deviated from the true path."),
    ("id:s000-statement-khan-beheading", "id:veryan-khan",
     "The Caliphate soldiers have actually beheaded on the Islamic State's behalf"),
    ("id:s000-statement-jundallah-spokesperson", "id:s000-jundallah-spokesperson",
     "[ISIS] is our brothers, whatever plan they have we will support them"),
    ("id:s002-statement-marwat", "id:fahad-marwat",
     "They (ISIS) are our brothers, whatever plan they have we will support them"),
    ("id:s002-statement-militant-lej-meeting", "id:s002-unnamed-militant-lej",
     "The top leadership of LeJ visited Saudi Arabia and met Islamic State leaders"),
    ("id:s002-statement-anti-shia-groups", "id:s002-unnamed-militant-anti-shia",
     "All anti-Shia groups in Pakistan will welcome and support IS in Pakistan"),
    ("id:s002-statement-mahsud", "id:saifullah-mahsud", "They are the new poster boys of Islamic jihad"),
    ("id:s002-statement-mahsud", "id:saifullah-mahsud", "these are more probing missions than anything else"),
    ("id:s002-statement-nusra-members-crusader", "id:s002-nusra-members", "crusader"),
]


@pytest.mark.parametrize("statement,speaker,words", STATEMENTS,
                         ids=[f"{r[0].split(':', 1)[1]}-{i}" for i, r in enumerate(STATEMENTS)])
def test_statement(kb_graph, statement, speaker, words):
    assert ask(kb_graph, f"{statement} a alg:Statement ; alg:speaker {speaker} ; alg:status concept:alleged .")
    rows = select(kb_graph, f"SELECT ?q WHERE {{ {statement} a alg:Statement ; alg:speaker {speaker} ; alg:quote ?q }}")
    assert any(words in str(q) for (q,) in rows), rows


# Reported (unquoted) claims: (claim, who made it, what it is about)
REPORTED = [
    ("id:s000-claim-khan-iysc-impact", "id:veryan-khan", "id:islamic-youth-shura-council"),
    ("id:s000-claim-intelligencer-al-qaeda-losing-support", "id:daily-intelligencer", "id:al-qaeda"),
    ("id:s000-claim-sons-of-tawhid-denounce-al-qaeda", "id:sons-of-the-call-for-tawhid-and-jihad", "id:al-qaeda"),
    ("id:s000-claim-trac-more-groups", "id:trac", "id:islamic-state"),
    ("id:s002-claim-analysts-sectarian-groups", "id:s002-analysts", "id:islamic-state"),
    ("id:s002-claim-analysts-ploy", "id:s002-some-analysts", "id:islamic-state"),
    ("id:s002-claim-pakistani-militants-mullah-omar", "id:s002-pakistani-militants", "id:mullah-omar"),
    ("id:s002-claim-nusra-fighters-joining-isis", "id:s002-sources-close-to-isis", "id:al-nusra-front"),
]


@pytest.mark.parametrize("claim,who,about", REPORTED, ids=[r[0].split(":", 1)[1] for r in REPORTED])
def test_reported_claim(kb_graph, claim, who, about):
    assert ask(kb_graph, f"{claim} a/rdfs:subClassOf* alg:Claim ; alg:claimedBy|alg:speaker {who} ; alg:about {about} ; prov:wasDerivedFrom ?s .")


# ---------------------------------------------------------------------------------------------------------
# People and their public roles
# ---------------------------------------------------------------------------------------------------------
PEOPLE = [
    ("id:veryan-khan", S000, "TRAC Editorial Director"),
    ("id:gouri-abdelmalek", S000, "The group's leader"),
    ("id:mohamed-morsi", S000, "Egypt's Islamist president"),
    ("id:fahad-marwat", S002, "Jundullah spokesman"),
    ("id:al-zubair-al-kuwaiti", S002, "leader of a three-man delegation representing ISIS"),
    ("id:saifullah-mahsud", S002, "of the Islamabad-based think tank FATA Research Center"),
]


@pytest.mark.parametrize("person,source,role", PEOPLE, ids=[r[0].split(":", 1)[1] for r in PEOPLE])
def test_person(kb_graph, person, source, role):
    assert ask(kb_graph, f'{person} a alg:Person ; alg:publicRole "{role}" ; prov:wasDerivedFrom {source} .')


def test_roles_link_people_to_groups(kb_graph):
    assert ask(kb_graph, "id:fahad-marwat alg:spokespersonFor id:jundallah-pakistan .")
    assert ask(kb_graph, "id:gouri-abdelmalek org:headOf id:jund-al-khilafa .")
    assert ask(kb_graph, "id:s002-ttp-spokesman a alg:UnnamedAgent ; alg:spokespersonFor id:pakistani-taliban .")


# ---------------------------------------------------------------------------------------------------------
# Registry entities that the two sources name carry this source's provenance
# ---------------------------------------------------------------------------------------------------------
CITED = [(S000, e) for e in [
    "id:islamic-state", "id:abu-bakr-al-baghdadi", "id:al-qaeda", "id:trac", "id:osama-bin-laden",
    "id:ayman-al-zawahiri", "id:jund-al-khilafa", "id:ansar-beit-al-maqdis", "id:jundallah-pakistan",
    "id:pakistani-taliban", "id:abu-sayyaf", "id:jamaah-ansharut-tauhid", "id:pakistan", "id:algeria", "id:libya",
    "id:egypt", "id:indonesia", "id:lebanon", "id:philippines", "id:jordan", "id:israel", "id:gaza-strip", "id:sinai",
    "id:yemen", "id:france", "id:united-states", "id:iraq", "id:syria"]] + [(S002, e) for e in [
    "id:islamic-state", "id:jundallah-pakistan", "id:pakistani-taliban", "id:afghan-taliban", "id:mullah-omar",
    "id:al-qaeda", "id:al-nusra-front", "id:abu-bakr-al-baghdadi", "id:ayman-al-zawahiri", "id:abu-mohammad-al-golani",
    "id:ansar-beit-al-maqdis", "id:reuters", "id:al-akhbar", "id:pakistan", "id:saudi-arabia", "id:iraq",
    "id:syria", "id:egypt", "id:united-states"]]


@pytest.mark.parametrize("source,entity", CITED, ids=[f"{s[4:7]}-{e.split(':', 1)[1]}" for s, e in CITED])
def test_registry_entity_cited(kb_graph, source, entity):
    assert ask(kb_graph, f"{entity} prov:wasDerivedFrom {source} ; "
                         f"prov:qualifiedDerivation [ prov:entity {source} ; alg:excerpt ?e ] .")


# ---------------------------------------------------------------------------------------------------------
# Entity-resolution traps
# ---------------------------------------------------------------------------------------------------------
def test_jundallah_and_jundullah_are_one_group(kb_graph):
    # 000 spells it "Jundallah", 002 "Jundullah": both pledges have the same member.
    assert ask(kb_graph, """
        id:s000-pledge-jundallah org:member id:jundallah-pakistan .
        id:s002-pledge-jundallah org:member id:jundallah-pakistan .
    """)
    # No other IRI minted from these sources for Jundallah / Jundullah.
    rows = select(kb_graph, f"""SELECT DISTINCT ?x WHERE {{
        ?x a/rdfs:subClassOf* alg:Organization ; rdfs:label|skos:altLabel ?l ; prov:wasDerivedFrom ?src .
        VALUES ?src {{ {S000} {S002} }}
        FILTER (REGEX(STR(?l), "^Jund(a|u)llah", "i")) }}""")
    assert {r[0] for r in rows} == {"https://w3id.org/allegiance/id/jundallah-pakistan"}


def test_abu_sayyat_is_the_philippine_group_not_the_saudi_sheikh(kb_graph):
    assert ask(kb_graph, "id:s000-pledge-abu-sayyaf org:member id:abu-sayyaf .")
    assert not ask(kb_graph, "?p org:member id:majed-al-rashed ; prov:wasDerivedFrom src:000_fac6d62cb4587eed .")
    assert not ask(kb_graph, "id:majed-al-rashed prov:wasDerivedFrom src:000_fac6d62cb4587eed .")


def test_ashorut_tauhid_is_jamaah_ansharut_tauhid(kb_graph):
    assert ask(kb_graph, "id:s000-pledge-ashorut-tauhid org:member id:jamaah-ansharut-tauhid .")
    assert not ask(kb_graph, """?x rdfs:label "Ashorut Tauhid"@en . FILTER (?x != id:jamaah-ansharut-tauhid)""")


def test_wilayat_sinai_is_ansar_beit_al_maqdis(kb_graph):
    assert not ask(kb_graph, """?x rdfs:label "Wilayat Sinai"@en .""")
    assert ask(kb_graph, """id:ansar-beit-al-maqdis skos:altLabel "Wilayat Sinai"@en .""")


def test_al_dawla_al_islamiyya_is_not_the_islamic_state(kb_graph):
    assert ask(kb_graph, """id:ansar-beit-al-maqdis-gaza skos:altLabel "al-Dawla al-Islamiyya"@en ; a alg:ArmedGroup .""")
    assert not ask(kb_graph, "id:ansar-beit-al-maqdis-gaza owl:sameAs|skos:exactMatch id:islamic-state .")
    assert not ask(kb_graph, "id:islamic-state owl:sameAs|skos:exactMatch id:ansar-beit-al-maqdis-gaza .")


def test_tehreek_e_khilafat_is_not_tehrik_e_taliban(kb_graph):
    assert ask(kb_graph, "id:tehreek-e-khilafat a alg:ArmedGroup .")
    assert not ask(kb_graph, "id:tehreek-e-khilafat owl:sameAs id:pakistani-taliban .")


def test_unnamed_spokesperson_of_000_stays_unnamed(kb_graph):
    # 000 quotes "a Jundallah spokesperson" without a name; 002 names Fahad Marwat for a similar quote.
    assert ask(kb_graph, "id:s000-jundallah-spokesperson a alg:UnnamedAgent ; alg:spokespersonFor id:jundallah-pakistan .")
    assert not ask(kb_graph, "id:fahad-marwat prov:wasDerivedFrom src:000_fac6d62cb4587eed .")


def test_intelligencer_spellings_are_one_outlet(kb_graph):
    assert ask(kb_graph, """id:daily-intelligencer a alg:MediaOrganization ; skos:altLabel "Daily Intellegencer"@en .""")


def test_mujahidin_of_sinai_not_resolved_to_abm(kb_graph):
    assert not ask(kb_graph, "id:s000-pledge-mujahidin-sinai org:member id:ansar-beit-al-maqdis .")


# ---------------------------------------------------------------------------------------------------------
# Claims, not facts; every node of the two files is cited
# ---------------------------------------------------------------------------------------------------------
def test_no_bare_support_triples(kb_graph):
    # The pledging groups are never made org:memberOf or sub-organizations of IS as a plain fact.
    assert not ask(kb_graph, """
        ?g org:subOrganizationOf id:islamic-state ; prov:wasDerivedFrom ?s .
        VALUES ?s { src:000_fac6d62cb4587eed src:002_4516765f07b340b2 }
    """)


@pytest.mark.parametrize("prefix,source", [("s000-", S000), ("s002-", S002)])
def test_every_minted_node_is_cited(kb_graph, prefix, source):
    rows = select(kb_graph, f"""SELECT DISTINCT ?x WHERE {{
        ?x a ?c . FILTER (STRSTARTS(STR(?x), "https://w3id.org/allegiance/id/{prefix}"))
        FILTER NOT EXISTS {{ ?x prov:wasDerivedFrom {source} ;
                               prov:qualifiedDerivation [ prov:entity {source} ; alg:excerpt ?e ] }} }}""")
    assert rows == []


def test_counts(kb_graph):
    for source, cls, minimum in [(S000, "alg:Pledge", 17), (S002, "alg:Pledge", 4), (S000, "alg:Figure", 7),
                                 (S002, "alg:Figure", 8), (S000, "alg:Attack", 4), (S002, "alg:Attack", 3)]:
        rows = select(kb_graph, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} ; prov:wasDerivedFrom {source} }}")
        assert int(rows[0][0]) >= minimum, (source, cls)
