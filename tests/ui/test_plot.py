"""The pictures' data (network_data, timeline_data) on a small store, the drawings, and `allegiance plot`."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from allegiance import cli
from allegiance.plots import data as pictures
from allegiance.plots import draw
from allegiance import store as store_module

from .conftest import GRAPH, ID, TTL

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def claims(data: pictures.NetworkData) -> set[str]:
    return {e.claim.removeprefix(ID) for e in data.edges}


def test_network_all_years(small_store):
    data = pictures.network_data(small_store)
    assert claims(data) == {"p1", "p2", "p3", "p4"}
    assert {n.label: n.role for n in data.nodes} == {
        "Islamic State": "pledgee", "al-Qaeda": "pledgee",
        "Group One": "ongoing", "Group Two": "ongoing", "Group Three": "ongoing"}
    assert [n.label for n in data.nodes] == ["al-Qaeda", "Group One", "Group Three", "Group Two", "Islamic State"]
    edges = {e.claim.removeprefix(ID): e for e in data.edges}
    assert (edges["p1"].source, edges["p1"].target) == (ID + "g1", ID + "is")
    assert (edges["p1"].kind, edges["p1"].status, edges["p1"].start, edges["p1"].end) == \
        ("allegiance", "alleged", "2014-11", None)
    assert (edges["p2"].start, edges["p2"].end, edges["p2"].ended) == ("2010", "2014-06", True)
    assert (edges["p3"].kind, edges["p3"].status) == ("declared-support", "denied")
    assert edges["p4"].start is None
    assert data.years == (2010, 2011, 2012, 2013, 2014, 2015)
    assert data.undated == 0


@pytest.mark.parametrize("year, expected, undated", [
    (2009, set(), 1),
    (2013, {"p2"}, 1),
    (2014, {"p1", "p2"}, 1),  # p2 ends in 2014-06: the years are compared
    (2015, {"p1", "p3"}, 1),
    (2030, {"p1", "p3"}, 1),  # no end: still active
])
def test_network_year_filter(small_store, year, expected, undated):
    data = pictures.network_data(small_store, year=year)
    assert claims(data) == expected
    assert data.undated == undated
    assert data.year == year
    assert {n.iri for n in data.nodes} == {e.source for e in data.edges} | {e.target for e in data.edges}


def test_network_roles_follow_the_year(small_store):
    data = pictures.network_data(small_store, year=2014)
    assert {n.label: n.role for n in data.nodes} == {
        "Islamic State": "pledgee", "al-Qaeda": "pledgee", "Group One": "ongoing", "Group Two": "ended"}


def test_network_with_affiliations(small_store):
    data = pictures.network_data(small_store, year=2012, affiliations=True)
    assert claims(data) == {"p2", "a1"}
    a1 = next(e for e in data.edges if e.claim == ID + "a1")
    assert (a1.relation, a1.kind) == ("affiliation", "ally")
    assert pictures.network_data(small_store, year=2012).edges == tuple(e for e in data.edges if e.relation == "pledge")


def test_network_over_a_plain_store():
    store = ox.Store()
    store.load(TTL.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH))
    assert claims(pictures.network_data(store)) == {"p1", "p2", "p3", "p4"}


def test_timeline_data(small_store):
    data = pictures.timeline_data(small_store)
    assert [(e.claim.removeprefix(ID), e.kind, e.date, e.year, e.month) for e in data.events] == [
        ("p2", "pledge", "2010", 2010, None),
        ("c1", "accusation", "2014-06-10", 2014, 6),
        ("p1", "pledge", "2014-11", 2014, 11),
        ("c2", "accusation", "2015", 2015, None),
        ("p3", "pledge", "2015", 2015, None),
    ]
    assert data.undated == {"pledge": 1, "accusation": 1}
    assert data.per_year() == {
        2010: {"pledge": 1, "accusation": 0}, 2011: {"pledge": 0, "accusation": 0},
        2012: {"pledge": 0, "accusation": 0}, 2013: {"pledge": 0, "accusation": 0},
        2014: {"pledge": 1, "accusation": 1}, 2015: {"pledge": 1, "accusation": 1}}
    assert data.per_month() == {(2014, 6): {"pledge": 0, "accusation": 1}, (2014, 11): {"pledge": 1, "accusation": 0}}
    assert data.year_only() == {"pledge": 2, "accusation": 1}
    labels = {e.claim.removeprefix(ID): e.label for e in data.events}
    assert labels["p1"] == "Group One → Islamic State"
    assert labels["c1"] == "Some State: Group Three"


def _svg(draw, data) -> str:
    buffer = io.BytesIO()
    draw(data, buffer, "svg")
    return buffer.getvalue().decode("utf-8")


def test_draw_network_svg_keeps_text_and_is_deterministic(small_store):
    data = pictures.network_data(small_store)
    svg = _svg(draw.draw_network, data)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in ("Islamic State", "al-Qaeda", "Group One", "Group Two", "Group Three", "pledge of allegiance",
                  "declared support", "ended", "all years"):
        assert label in svg, label
    for slug in ("is", "aq", "g1", "g2", "g3"):
        assert f'id="node-{slug}"' in svg
    assert "<dc:date>" not in svg
    assert svg == _svg(draw.draw_network, pictures.network_data(small_store))


def test_draw_network_empty_year(small_store):
    svg = _svg(draw.draw_network, pictures.network_data(small_store, year=1990))
    assert "no pledge in this selection" in svg and "active in 1990" in svg


def test_draw_timeline_png_and_svg(small_store):
    data = pictures.timeline_data(small_store)
    buffer = io.BytesIO()
    draw.draw_timeline(data, buffer, "png")
    assert buffer.getvalue().startswith(PNG_MAGIC)
    svg = _svg(draw.draw_timeline, data)
    assert "Claims per year" in svg and "pledges" in svg and "accusations" in svg
    assert 'id="year-pledge-2014"' in svg and 'id="month-accusation-2014-06"' in svg


def test_draw_rejects_unknown_format(small_store, tmp_path):
    with pytest.raises(ValueError):
        draw.draw_timeline(pictures.timeline_data(small_store), tmp_path / "x.pdf", "pdf")


@pytest.fixture()
def small_build(monkeypatch, small_store):
    monkeypatch.setattr(store_module, "build", lambda *a, **k: small_store)


def test_cli_network_svg_and_png(small_build, tmp_path):
    svg, png = tmp_path / "net.svg", tmp_path / "out" / "net.png"
    assert cli.main(["plot", "network", "--out", str(svg)]) == 0
    assert cli.main(["plot", "network", "--year", "2014", "--out", str(png)]) == 0
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "Group Three" in text and "Islamic State" in text
    assert png.read_bytes().startswith(PNG_MAGIC)


def test_cli_network_year_svg_labels(small_build, tmp_path):
    out = tmp_path / "net-2013.svg"
    assert cli.main(["plot", "network", "--year", "2013", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Group Two" in text and "al-Qaeda" in text and "Group One" not in text


def test_cli_timeline(small_build, tmp_path):
    svg, png = tmp_path / "t.svg", tmp_path / "t.png"
    assert cli.main(["plot", "timeline", "--out", str(svg)]) == 0
    assert cli.main(["plot", "timeline", "--out", str(png)]) == 0
    assert "<svg" in svg.read_text(encoding="utf-8")
    assert png.read_bytes().startswith(PNG_MAGIC)


def test_cli_refuses_bad_arguments(small_build, tmp_path, capsys):
    assert cli.main(["plot", "network", "--out", str(tmp_path / "x.pdf")]) == 2
    assert cli.main(["plot", "timeline", "--year", "2014", "--out", str(tmp_path / "x.svg")]) == 2
    assert "svg or .png" in capsys.readouterr().err


def test_cli_on_the_knowledge_base(tmp_path):
    out = tmp_path / "network.svg"
    assert cli.main(["plot", "network", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Islamic State" in text and 'id="node-islamic-state"' in text
