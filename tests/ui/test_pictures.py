"""The interactive pictures' data endpoints (/network.json, /network/neighbours.json, /timeline.json, /map.json),
their pages and vendor mounts, on small stores with exactly known answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from allegiance.paths import Layout
from allegiance.plots import claims, geo
from allegiance.web import pictures

from .conftest import ID
from .conftest_pictures import ATLAS, geo_store  # noqa: F401  (a fixture)

NETWORK_PAGES = ("/network", "/timeline", "/map")


def short(iri):
    return iri.removeprefix(ID) if isinstance(iri, str) else iri


@pytest.fixture(scope="module")
def small(small_store):
    with TestClient(Starlette(routes=pictures.routes(small_store))) as c:
        yield c


@pytest.fixture(scope="module")
def geo_client(geo_store, tmp_path_factory):  # noqa: F811
    """The app over geo_store, with a node_modules of its own holding a world atlas of five countries."""
    home = tmp_path_factory.mktemp("home")
    atlas = home / "node_modules" / "world-atlas"
    atlas.mkdir(parents=True)
    geometries = [{"type": "Polygon", "arcs": [], "id": f["id"], "properties": {"name": f["name"]}} for f in ATLAS]
    (atlas / "countries-110m.json").write_text(json.dumps(
        {"type": "Topology", "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
         "arcs": []}), encoding="utf-8")
    with TestClient(Starlette(routes=pictures.routes(geo_store, layout=Layout(home)))) as c:
        yield c


def test_network_json_edges(small):
    data = small.get("/network.json").json()
    edges = [{k: short(v) for k, v in e.items() if k in ("id", "source", "target", "relation", "kind", "status",
                                                         "start", "end", "from_year", "to_year")}
             for e in data["edges"]]
    assert edges == [
        {"id": "a1", "source": "g1", "target": "aq", "relation": "affiliation", "kind": "ally", "status": None,
         "start": "2012", "end": "2013", "from_year": 2012, "to_year": 2013},
        {"id": "p1", "source": "g1", "target": "is", "relation": "pledge", "kind": "allegiance", "status": "alleged",
         "start": "2014-11", "end": None, "from_year": 2014, "to_year": None},
        {"id": "p2", "source": "g2", "target": "aq", "relation": "pledge", "kind": "allegiance", "status": "alleged",
         "start": "2010", "end": "2014-06", "from_year": 2010, "to_year": 2014},
        {"id": "p3", "source": "g2", "target": "is", "relation": "pledge", "kind": "declared-support",
         "status": "denied", "start": "2015", "end": None, "from_year": 2015, "to_year": None},
        {"id": "p4", "source": "g3", "target": "is", "relation": "pledge", "kind": "declared-support",
         "status": "alleged", "start": None, "end": None, "from_year": None, "to_year": None},
        {"id": "c1#state>g3", "source": "state", "target": "g3", "relation": "accusation", "kind": None,
         "status": None, "start": "2014-06-10", "end": "2014-06-10", "from_year": 2014, "to_year": 2014},
        {"id": "c2#state>g1", "source": "state", "target": "g1", "relation": "accusation", "kind": None,
         "status": None, "start": "2015", "end": "2015", "from_year": 2015, "to_year": 2015},
        {"id": "c3#g1>state", "source": "g1", "target": "state", "relation": "accusation", "kind": None,
         "status": None, "start": None, "end": None, "from_year": None, "to_year": None},
    ]
    assert {e["href"] for e in data["edges"]} == {f"/id/{c}.html" for c in
                                                 ("a1", "p1", "p2", "p3", "p4", "c1", "c2", "c3")}


def test_network_json_nodes_and_facets(small):
    data = small.get("/network.json").json()
    assert [(short(n["id"]), n["label"], n["degree"], n["href"]) for n in data["nodes"]] == [
        ("aq", "al-Qaeda", 2, "/id/aq.html"), ("g1", "Group One", 4, "/id/g1.html"),
        ("g3", "Group Three", 2, "/id/g3.html"), ("g2", "Group Two", 2, "/id/g2.html"),
        ("is", "Islamic State", 3, "/id/is.html"), ("state", "Some State", 3, "/id/state.html")]
    assert data["years"] == [2010, 2011, 2012, 2013, 2014, 2015]
    assert data["kinds"] == [{"relation": "pledge", "kind": "allegiance"},
                             {"relation": "pledge", "kind": "declared-support"},
                             {"relation": "affiliation", "kind": "ally"}, {"relation": "accusation", "kind": None}]
    assert data["statuses"] == ["", "alleged", "denied"]
    assert data["undated"] == 2


def test_network_json_types_hostility_and_sources(geo_client):
    data = geo_client.get("/network.json").json()
    nodes = {short(n["id"]): (n["type"], n["category"]) for n in data["nodes"]}
    assert nodes["is"] == ("QuasiState", "quasi-state") and nodes["g1"] == ("ArmedGroup", "group")
    assert nodes["gov-turkey"] == ("Government", "state") and nodes["mit"] == ("IntelligenceAgency", "state")
    assert nodes["us"] == ("Country", "state") and nodes["someone"] == ("Person", "person")
    edges = {short(e["claim"]): e for e in data["edges"]}
    assert edges["h1"]["relation"] == "hostility" and edges["h1"]["kind"] == "rival"
    assert {"relation": "hostility", "kind": "rival"} in data["kinds"]
    assert edges["p1"]["sources"] == [{"iri": "https://w3id.org/allegiance/source/doc", "title": "A Document",
                                       "href": "/source/doc.html"}]
    assert edges["p1"]["excerpt"] == "Group One pledged" and edges["p1"]["label"] == "Group One pledges allegiance"


def test_neighbours(small):
    r = small.get("/network/neighbours.json", params={"entity": ID + "g3"})
    assert r.status_code == 200
    data = r.json()
    assert data["entity"] == ID + "g3"
    assert sorted(short(e["id"]) for e in data["edges"]) == ["c1#state>g3", "p4"]
    assert [(short(n["id"]), n["center"]) for n in data["nodes"]] == [("g3", True), ("is", False), ("state", False)]
    # a known IRI without ties: no nodes; an unknown one: 404; not an IRI: 400 (the one error builder)
    assert small.get("/network/neighbours.json", params={"entity": ID + "p1"}).json() == {
        "entity": ID + "p1", "nodes": [], "edges": []}
    r = small.get("/network/neighbours.json", params={"entity": ID + "nobody"},
                  headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.json()["parameter"] == "entity"
    assert small.get("/network/neighbours.json", params={"entity": "g3> } <x"}).status_code == 400
    assert small.get("/network/neighbours.json").status_code == 400


def test_timeline_json(geo_client):
    data = geo_client.get("/timeline.json").json()
    assert data["lanes"] == ["pledge", "hostility", "accusation", "response", "designation", "renaming"]
    assert [(short(m["claim"]), m["lane"], m["date"], m["which"], m["precision"], m["start"], m["end"], m["status"])
            for m in data["marks"]] == [
        ("h1", "hostility", "2013", "began", "year", "2013-01-01", "2013-12-31", None),
        ("c1", "accusation", "2014", "stated", "year", "2014-01-01", "2014-12-31", "denied"),
        ("d1", "response", "2014-07", "stated", "month", "2014-07-01", "2014-07-31", None),
        ("p1", "pledge", "2014-11", "stated", "month", "2014-11-01", "2014-11-30", "alleged"),
        ("c2", "accusation", "2015-03-02", "stated", "day", "2015-03-02", "2015-03-02", "alleged"),
    ]
    p1 = next(m for m in data["marks"] if short(m["claim"]) == "p1")
    assert p1["href"] == "/id/p1.html" and p1["label"] == "Group One pledges allegiance"
    assert [s["title"] for s in p1["sources"]] == ["A Document"] and p1["excerpt"] == "Group One pledged"
    assert [(short(m["claim"]), m["lane"]) for m in data["undated"]] == [
        ("p2", "pledge"), ("p3", "pledge"), ("c3", "accusation"), ("c4", "accusation"), ("des1", "designation"),
        ("r1", "renaming")]
    assert data["statuses"] == ["", "alleged", "denied"]


def test_map_json(geo_client):
    data = geo_client.get("/map.json").json()
    assert data["atlas"] is True and data["statuses"] == ["alleged", "denied"]
    got = [(short(c["iri"]), c["atlas_id"], c["atlas_name"], c["groups"], c["accusations"], c["by_status"])
           for c in data["countries"]]
    assert got == [("libya", "434", "Libya", 2, 0, {}), ("syria", "760", "Syria", 1, 0, {}),
                   ("turkey", "792", "Turkey", 0, 2, {"alleged": 1, "denied": 1}),
                   ("us", None, None, 0, 1, {"alleged": 1})]  # "United States" is not the atlas's name
    assert data["unplaced"] == [ID + "us"]
    countries = {short(c["iri"]): c for c in data["countries"]}
    assert [(short(p["iri"]), short(p["group"]), p["group_label"]) for p in countries["libya"]["pledges"]] == [
        ("p1", "g1", "Group One"), ("p3", "g1", "Group One"), ("p2", "g2", "Group Two")]
    assert [(short(a["iri"]), short(a["accused"]), a["via"], a["status"]) for a in countries["turkey"]["accused"]] \
        == [("c1", "gov-turkey", "its government", "denied"), ("c2", "mit", "a body of its state", "alleged")]
    assert countries["turkey"]["href"] == "/id/turkey.html"


def test_map_without_atlas_places_nothing(geo_store):  # noqa: F811
    data = geo.map_json(geo_store, None)
    assert data["atlas"] is False and len(data["unplaced"]) == 4
    assert geo.map_json(geo_store, ATLAS)["unplaced"] == [ID + "us"]


def test_precision_spans():
    assert claims.span("2016") == ("2016-01-01", "2016-12-31")
    assert claims.span("2016-02") == ("2016-02-01", "2016-02-29")  # a leap year
    assert claims.span("2015-02") == ("2015-02-01", "2015-02-28")
    assert claims.span("2015-02-03") == ("2015-02-03", "2015-02-03")
    assert claims.span("") is None and claims.precision("someday") is None
    assert claims.href(ID + "x") == "/id/x.html" and claims.href("http://www.wikidata.org/entity/Q1") is None


@pytest.mark.parametrize("path", NETWORK_PAGES)
def test_pages_load_only_local_files(small, path):
    r = small.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    refs = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', r.text)
    assert refs and all(ref.startswith("/") and not ref.startswith("//") or ref == "data:," for ref in refs), refs
    assert "/static/ui/pictures.css" in refs


def test_vendor_files_are_served_from_node_modules(small):
    for package, (_folder, main) in pictures.VENDOR.items():
        r = small.get(f"/static/vendor/{package}/{main}")
        assert r.status_code == (200 if pictures.vendor_installed(package) else 404), package


def test_pages_without_node_modules_say_npm_ci(small_store, tmp_path):
    app = Starlette(routes=pictures.routes(small_store, layout=Layout(tmp_path)))
    with TestClient(app) as c:
        for path, needs in (("/network", "cytoscape"), ("/timeline", "d3"), ("/map", "topojson-client")):
            page = c.get(path).text
            assert "npm ci" in page and needs in page and "/static/vendor/" not in page, path
        r = c.get("/static/vendor/cytoscape/cytoscape.min.js")
        assert r.status_code == 404 and "npm ci" in r.text
        assert c.get("/map.json").json()["atlas"] is False


def test_static_pictures_stay(small):
    assert small.get("/plots/network.svg?year=2015").headers["content-type"].startswith("image/svg+xml")
    assert small.get("/plots/timeline.svg").status_code == 200
    page = small.get("/network?year=2015").text
    assert 'id="network"' in page and "<svg" in page and 'data-year="2015"' in page


def test_static_files_exist():
    static = Path(pictures.__file__).parent / "static"
    for name in ("js/network.js", "js/timeline.js", "js/map.js", "js/neighbours.js", "pictures.css"):
        assert (static / name).is_file(), name
    assert "neighbour-network" in (static / "js/neighbours.js").read_text(encoding="utf-8")[:1200]
