"""Exact answers of the canned queries on the shipped knowledge base, as drawn from the source documents.

Assertions hold to stable facts (organizations, countries, values, dates, sources), not to the IRIs of unnamed
agents, which the lead may still merge. Multi-valued cells (excerpts, support types) are compared as sets.
"""

from __future__ import annotations

from collections import Counter

from .conftest import ID, S000, S001, S002, excerpts, project, values

IS_PLEDGES = {  # (organization, kind, scope, announced, source) per pledge to IS, as each source reports it
    ("abu-sayyaf", "allegiance", "whole group", "2014", S000),
    ("abu-sayyaf", "declared support", "scope not stated", None, S001),
    ("ansar-beit-al-maqdis", "allegiance", "whole group", "2014-11", S000),
    ("ansar-beit-al-maqdis", "allegiance", "whole group", "2014-11", S002),
    ("ansar-beit-al-maqdis-gaza", "allegiance", "whole group", None, S000),
    ("ansar-khalifa-philippines", "declared support", "scope not stated", None, S001),
    ("ansar-al-sharia-tunisia", "declared support", "scope not stated", None, S001),
    ("bangsamoro-islamic-freedom-fighters", "declared support", "scope not stated", None, S001),
    ("boko-haram", "declared support", "scope not stated", None, S001),
    ("caucasus-emirate", "allegiance", "some commanders", None, S001),
    ("free-sunnis-of-baalbek-brigade", "allegiance", "whole group", "2014-06", S000),
    ("islamic-defenders-front", "allegiance", "scope not stated", "2020", S001),
    ("islamic-movement-of-uzbekistan", "declared support", "scope not stated", None, S001),
    ("islamic-youth-shura-council", "allegiance", "whole group", "2014-06", S000),
    ("jamaah-ansharut-tauhid", "declared support", "part of the group", None, S001),
    ("jamaah-ansharut-tauhid", "allegiance", "leader only", None, S001),
    ("jamaah-ansharut-tauhid", "allegiance", "leader only", "2014-07", S000),
    ("jamaat-al-ahrar", "allegiance", "whole group", "2014", S000),
    ("jemaah-islamiyah", "declared support", "scope not stated", None, S001),
    ("jund-al-khilafa", "declared support", "scope not stated", None, S001),
    ("jund-al-khilafa", "allegiance", "whole group", "2014-09", S000),
    ("jundallah-pakistan", "declared support", "scope not stated", None, S001),
    ("jundallah-pakistan", "allegiance", "whole group", "2014", S000),
    ("jundallah-pakistan", "declared support", "whole group", "2014-11-17", S002),
    ("khalifa-islamiyah-mindanao", "declared support", "scope not stated", None, S001),
    ("mujahideen-shura-council-in-the-environs-of-jerusalem", "declared support", "scope not stated", None, S001),
    ("saraya-al-madina-al-munawara", "declared support", "scope not stated", None, S001),
    ("sheikh-omar-hadid-brigade", "declared support", "scope not stated", None, S001),
    ("sons-of-the-call-for-tawhid-and-jihad", "declared support", "whole group", "2014-07", S000),
    ("tehreek-e-khilafat", "allegiance", "whole group", "2014", S000),
    ("pakistani-taliban", "declared support", "some commanders", "2014-10", S002),
    ("pakistani-taliban", "allegiance", "some commanders", "2014-10", S002),
    ("s000-mujahidin-algeria", "allegiance", "scope not stated", "2014", S000),
    ("s000-mujahidin-libya", "allegiance", "scope not stated", "2014", S000),
    ("s000-mujahidin-sinai", "allegiance", "scope not stated", "2014", S000),
    ("s000-mujahidin-yemen", "allegiance", "scope not stated", "2014", S000),
    ("s000-mujahidin-arabian-peninsula", "allegiance", "scope not stated", "2014", S000),
}


def test_pledges(client):
    rows = values(client, "pledges")
    assert len(rows) == 37
    got = Counter((r["organization"].removeprefix(ID), r["kind"], r["scope"], r.get("date"), r["source"])
                  for r in rows)
    assert got == Counter(IS_PLEDGES)
    by_org = {r["organization"].removeprefix(ID): r for r in rows}
    # where it operates; whether it ended (Boko Haram: "(until 2016)", source 001)
    assert by_org["ansar-beit-al-maqdis"]["operatesIn"] in ("Sinai, Egypt", "Egypt, Sinai")
    assert by_org["jund-al-khilafa"]["operatesIn"] == "Algeria"
    assert [(r["organization"].removeprefix(ID), r["end"]) for r in rows if r["ended"] == "true"] == [
        ("boko-haram", "2016")]
    assert "(until 2016)" in excerpts(by_org["boko-haram"])
    jk = next(r for r in rows if r["organization"] == ID + "jund-al-khilafa" and r["source"] == S000)
    assert any("issued their pledge of allegiance to ISIS in September" in e for e in excerpts(jk))
    assert all(r["status"] == "alleged" for r in rows)
    # one act, several reports: Jundallah's pledge is one act reported by three sources, with their own kinds/dates
    jundallah = [r for r in rows if r["organization"] == ID + "jundallah-pakistan"]
    assert len({r["act"] for r in jundallah}) == 1 and {r["reports"] for r in jundallah} == {"3"}
    assert len({r["act"] for r in rows}) == 31


def test_accusations_against_turkey(client):
    rows = values(client, "accusations-against", accused=ID + "turkey")
    accusations = {(r["accusation"], r["accused"].removeprefix(ID), r.get("date"), r["status"]) for r in rows}
    # Turkey's general denial (and the KDP's) answers every accusation against Turkey, the 2013 DIA/JCS ones too
    assert Counter((a[1], a[2], a[3]) for a in accusations) == Counter({
        ("government-of-turkey", None, "denied"): 2, ("turkey", None, "denied"): 2, ("turkey", "2013", "denied"): 2})
    dated = {r["accuserLabel"]: set(r["supportTypes"].split(", ")) for r in rows if r.get("date") == "2013"}
    assert dated == {"Defense Intelligence Agency": {"unspecified support", "logistics and transit"},
                     "Joint Chiefs of Staff": {"unspecified support", "logistics and transit"}}
    # every denied accusation has Turkey's own denial and the KDP's denial on its behalf
    for acc in {r["accusation"] for r in rows if r["status"] == "denied"}:
        responses = {(r["responseKind"], r["respondentLabel"]) for r in rows if r["accusation"] == acc}
        assert responses == {("denial", "Turkey"), ("denial", "Kurdistan Democratic Party")}, acc
    kdp = [r for r in rows if r.get("respondentLabel") == "Kurdistan Democratic Party"]
    assert all("Turkey" in r["onBehalfOfLabel"] for r in kdp)
    assert all(r["source"] == S001 and r["excerpt"] for r in rows)


def test_accusations_against_saudi_arabia_include_the_government(client):
    rows = values(client, "accusations-against", accused=ID + "saudi-arabia")
    maliki = [r for r in rows if r["accuserLabel"] == "Nouri al-Maliki"]
    assert {r["accusedLabel"] for r in maliki} == {"Government of Saudi Arabia"}
    assert {(r["responseKind"], r["respondentLabel"]) for r in maliki} >= {("denial", "Government of Saudi Arabia")}
    assert {r["status"] for r in maliki} == {"denied"}


def test_timeline(client):
    rows = values(client, "timeline")
    assert {(r["kind"], r["year"], r.get("month"), r["claims"]) for r in rows} == {
        ("accusation", "2013", None, "2"),
        ("accusation", "2014", None, "8"), ("accusation", "2014", "6", "2"), ("accusation", "2014", "8", "2"),
        ("accusation", "2015", None, "2"), ("accusation", "2017", None, "2"),
        ("accusation", "2024", None, "1"), ("accusation", "2024", "6", "1"),
        # acts, not reports: Jundallah (000, 002) and Ansar Beit al-Maqdis (000, 002) count once each
        ("pledge", "2014", None, "17"), ("pledge", "2020", None, "1"),
        ("pledge", "2014", "6", "2"), ("pledge", "2014", "7", "2"), ("pledge", "2014", "9", "1"),
        ("pledge", "2014", "10", "2"), ("pledge", "2014", "11", "2"),
    }
    # consistent with the pledges query: 20 of the 37 reported pledges to IS are dated, one (FPI, revealed upon
    # its ban) in 2020, the others in 2014
    dated = [r for r in values(client, "pledges") if r.get("date")]
    assert len(dated) == 20 and sorted({r["date"][:4] for r in dated}) == ["2014", "2020"]


FIGHTERS = {  # (country, measure, value, qualifier, date, period start, period end)
    ("belgium", "foreign fighters", "450", "approximately", "2018", None, None),
    ("belgium", "foreign fighters", "75", "exact", "2018", None, None),
    ("france", "foreign fighters", "1700", "approximately", "2018", None, None),
    ("germany", "foreign fighters", "940", "approximately", "2018", None, None),
    ("india", "foreign fighters", "100", "approximately", "2019", None, None),
    ("netherlands", "foreign fighters", "310", "at least", None, "2012", "2018-11"),
    ("netherlands", "foreign fighters killed", "85", "exact", None, "2012", "2018-11"),
    ("netherlands", "foreign fighters returned", "55", "exact", None, "2012", "2018-11"),
    ("netherlands", "foreign fighters still in the conflict zone", "135", "exact", "2018-11", None, None),
    ("pakistan", "foreign fighters", None, "hundreds", None, None, None),
    ("sweden", "foreign fighters", "300", "approximately", "2018", None, None),
    ("united-kingdom", "foreign fighters", "400", "up to", "2014", None, None),
    ("united-states", "foreign fighters", "250", "exact", "2015", None, None),
}


def test_foreign_fighters(client):
    rows = values(client, "foreign-fighters")
    assert len(rows) == len(FIGHTERS)
    assert {(r["country"].removeprefix(ID), r["measure"], r.get("value"), r["qualifier"], r.get("date"),
             r.get("periodStart"), r.get("periodEnd")) for r in rows} == FIGHTERS
    estimators = {r["country"].removeprefix(ID): r.get("estimatorLabel") for r in rows if r.get("estimatorLabel")}
    assert estimators["united-kingdom"] == "William Hague"
    assert estimators["united-states"] == "Program on Extremism at George Washington University"
    assert {r["source"] for r in rows if r["country"] == ID + "pakistan"} == {S002}


def test_citizenship_revocations(client):
    rows = values(client, "citizenship-revocations")
    assert {(r["country"].removeprefix(ID), r["kind"], r.get("date"), r.get("persons")) for r in rows} == {
        ("australia", "revocation", "2018-08", "5"), ("australia", "cumulative total", "2018-08", "6"),
        ("denmark", "revocation", "2017-11", "1"),
        ("netherlands", "revocation", "2016", None), ("netherlands", "revocation", "2017-09", "4"),
        ("united-kingdom", "revocation", None, None), ("united-kingdom", "cumulative total", "2017", "150"),
    }
    assert len(rows) == 7 and {r["source"] for r in rows} == {S001}


def test_al_qaeda_to_islamic_state(client):
    rows = values(client, "al-qaeda-to-islamic-state")
    assert {r["organization"].removeprefix(ID) for r in rows} == {
        "islamic-youth-shura-council", "jamaat-al-ahrar", "jund-al-khilafa", "jundallah-pakistan",
        "tehreek-e-khilafat"}
    assert {(r["organization"].removeprefix(ID), r["tieKind"], r.get("tieEnd"), r["isPledgeKind"],
             r.get("isPledgeDate")) for r in rows} == {
        ("islamic-youth-shura-council", "allegiance", "2014-06", "allegiance", "2014-06"),
        ("jamaat-al-ahrar", "former affiliate", None, "allegiance", "2014"),
        ("jund-al-khilafa", "former affiliate", None, "allegiance", "2014-09"),
        ("jund-al-khilafa", "former affiliate", None, "declared support", None),
        ("jundallah-pakistan", "former affiliate", None, "allegiance", "2014"),
        ("jundallah-pakistan", "former affiliate", None, "declared support", None),
        ("jundallah-pakistan", "former affiliate", None, "declared support", "2014-11-17"),
        ("tehreek-e-khilafat", "former affiliate", None, "allegiance", "2014"),
    }
    assert {r["tieSource"] for r in rows} == {S000}


def test_organizational_changes(client):
    rows = values(client, "organizational-changes")
    assert {(r["kind"], r["original"].removeprefix(ID), r["resulting"].removeprefix(ID), r.get("previousName"),
             r.get("newName"), r["source"][-20:-17]) for r in rows} >= {
        ("renaming", "islamic-state", "islamic-state", "Islamic State of Iraq and al-Sham", "Islamic State", "004"),
        ("split", "al-qaeda", "islamic-state", None, None, "002"),
        ("split", "jamaah-ansharut-tauhid", "jamaah-ansharut-tauhid-majority-faction", None, None, "001"),
    }
    assert Counter(r["kind"] for r in rows) == Counter({"renaming": 3, "split": 3})
    abm = next(r for r in rows if r["original"] == ID + "ansar-beit-al-maqdis")
    assert (abm["kind"], abm["newName"], abm["source"]) == ("renaming", "Wilayat Sinai", S000)
    assert {r["original"].removeprefix(ID) for r in rows if r["kind"] == "split"} == {
        "al-qaeda", "jamaah-ansharut-tauhid", "pakistani-taliban"}


def test_entity_islamic_state(client):
    rows = values(client, "entity", entity=ID + "islamic-state")
    assert len(rows) == 210  # with the rivalries (Hamas, al-Qaeda, al-Nusra) recorded
    pledgers = {r["subject"] for r in rows if r["predicate"] == "http://www.w3.org/ns/org#organization"}
    assert {p for p in pledgers if "-pledge-" in p} >= {ID + "s000-pledge-jund-al-khilafa", ID + "s002-pledge-jundallah"}
    own = [r for r in rows if r["direction"] == "outgoing"]
    assert ("http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/entity/Q2429253") in {
        (r["predicate"], r["object"]) for r in own}
    assert all(r["graph"].startswith("https://w3id.org/allegiance/graph/instances/") for r in rows)
    assert not any(r["predicate"].startswith("http://www.w3.org/ns/prov#") for r in rows)
    abm = next(r for r in rows if r["subject"] == ID + "s000-pledge-ansar-beit-al-maqdis")
    assert abm["source"] == S000 and abm["excerpt"]


def test_entity_other_than_the_default(client):
    rows = values(client, "entity", entity=ID + "boko-haram")
    assert {r["subject"] for r in rows if r["direction"] == "incoming"} >= {ID + "s001-pledge-boko-haram"}
    assert values(client, "entity", entity="https://example.org/nothing") == []


def test_single_source_claims_and_sources_by_claims(client, kb_graph):
    rows = values(client, "single-source-claims")
    claims = {r["claim"]: r for r in rows}
    assert len(claims) == len(rows)
    assert claims[ID + "s002-pledge-jundallah"]["source"] == S002
    assert claims[ID + "s000-pledge-jund-al-khilafa"]["kind"] == "Pledge"
    # the same answer as an independent count of claims with one source, over the asserted data only
    q = """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX alg: <https://w3id.org/allegiance/ontology#>
           PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
           SELECT ?c WHERE { ?c a ?k ; prov:wasDerivedFrom ?s . ?k rdfs:subClassOf+ alg:Claim .
                             FILTER(?k != alg:Response) }
           GROUP BY ?c HAVING (COUNT(DISTINCT ?s) = 1)"""
    assert set(claims) == {str(r[0]) for r in kb_graph.query(q)}
    ranking = values(client, "sources-by-claims")
    assert [r["source"][-20:-17] for r in ranking][:1] == ["001"]
    assert len(ranking) == 5
    counts = [int(r["claims"]) for r in ranking]
    assert counts == sorted(counts, reverse=True)
    assert ranking[0]["title"] == "Collaboration with the Islamic State"


def test_contested_claims(client):
    rows = values(client, "contested-claims")
    assert {r["responseKind"] for r in rows} == {"denial", "dispute"}
    by_claim: dict[str, set] = {}
    for r in rows:
        by_claim.setdefault(r["claim"], set()).add((r["responseKind"], r["respondentLabel"]))
    maliki = ID + "s001-accusation-saudi-section-maliki-funding"
    assert ("denial", "Government of Saudi Arabia") in by_claim[maliki]
    assert {k for k, _ in by_claim[maliki]} == {"denial", "dispute"}
    mueller = ID + "s001-accusation-qatar-section-mueller-arming-financing"
    assert {k for k, _ in by_claim[mueller]} == {"denial"}
    assert {r["claimStatus"] for r in rows if r["claim"] == maliki} == {"denied"}
    # a claim's status follows its responses: denied if any denial, else disputed
    for claim, responses in by_claim.items():
        status = {r["claimStatus"] for r in rows if r["claim"] == claim}
        assert status == ({"denied"} if any(k == "denial" for k, _ in responses) else {"disputed"}), claim
    assert len({(r["claim"], r["response"], r["source"]) for r in rows}) == len(rows)  # no duplicate rows


WIKIDATA = {
    "australia": "Q408", "belgium": "Q31", "denmark": "Q35", "egypt": "Q79", "france": "Q142", "germany": "Q183",
    "hamas": "Q38799", "india": "Q668", "iran": "Q794", "iraq": "Q796", "islamic-state": "Q2429253",
    "israel": "Q801", "libya": "Q1016", "netherlands": "Q55", "pakistan": "Q843", "qatar": "Q846",
    "saudi-arabia": "Q851", "sweden": "Q34", "syria": "Q858", "tajikistan": "Q863", "turkey": "Q43",
    "united-kingdom": "Q145", "united-states": "Q30", "uruguay": "Q77", "al-qaeda": "Q34490",
}


def test_wikidata_mappings(client):
    rows = values(client, "wikidata-mappings")
    assert {r["entity"].removeprefix(ID): r["wikidata"].rsplit("/", 1)[1] for r in rows} == WIKIDATA
    assert len(rows) == len(WIKIDATA)
    classes = {r["entity"].removeprefix(ID): set(r["classes"].split(", ")) for r in rows}
    assert classes["islamic-state"] == {"ArmedGroup"}  # "quasi-state" only in a link preview
    assert classes["turkey"] == {"Country"}


def test_wikidata_federated_against_a_stand_in(client):
    rows = values(client, "wikidata-federated")
    assert {(r["entity"].removeprefix(ID), r["wikidataLabel"], r.get("linkedTo")) for r in rows} == {
        ("islamic-state", "Islamic State", None), ("al-qaeda", "al-Qaeda", None), ("turkey", "Turkey", None),
        ("hamas", "Hamas", "http://www.wikidata.org/entity/Q1"),
    }
    assert all(project([r], "wikidata")[0][0].startswith("http://www.wikidata.org/entity/Q") for r in rows)
