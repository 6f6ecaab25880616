"""The canned queries answered by a remote store (Oxigraph server, Virtuoso 7) through ``create_app``'s
RemoteExecutor: every shipped canned query (the federated one excepted) gives the embedded app's rows, modulo
order, and tests/api/test_answers.py's expectations hold unchanged (its tests run here against the remote app).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from allegiance.config import Settings
from allegiance.sparql.canned import load_queries
from allegiance.sparql.remote import RemoteExecutor
from allegiance.web.app import create_app
from tests.api import test_answers
from tests.api.conftest import values

pytestmark = pytest.mark.slow

SHIPPED = sorted(name for name in load_queries() if name != "wikidata-federated")
BOOLEAN_COLUMNS = {"ended"}  # the canned queries' columns of xsd:boolean values


@pytest.fixture(scope="session")
def embedded_client() -> Iterator:
    from starlette.testclient import TestClient

    app = create_app(Settings(workers=3, timeout=30, service_allowlist=()))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def client(remote_store) -> Iterator:
    """The app over the remote store (the name test_answers' tests ask for)."""
    from starlette.testclient import TestClient

    settings = Settings(workers=3, timeout=60, service_allowlist=(), store=remote_store.query_url,
                        store_default_graph=remote_store.default_graph)
    app = create_app(settings)
    assert isinstance(app.state.executor, RemoteExecutor)
    with TestClient(app) as c:
        yield c


# Virtuoso has no xsd:boolean: a boolean value comes back as the integer 0 or 1 (documented in the README)
_BOOLEANS = {"0": "false", "1": "true"}


def _cell(value: str, column: str = "") -> str:
    """A GROUP_CONCAT cell with its parts sorted: the order of a group is not defined, nor the same in two engines;
    a boolean column (``ended``) as true/false."""
    if column in BOOLEAN_COLUMNS:
        return _BOOLEANS.get(value, value)
    for separator in (" | ", ", "):
        if separator in value:
            return separator.join(sorted(value.split(separator)))
    return value


def _rows(client, name: str) -> Counter:
    # an empty GROUP_CONCAT is "" in one engine and unbound in another: both read as no value
    return Counter(tuple(sorted((k, _cell(v, k)) for k, v in r.items() if v != "")) for r in values(client, name))


@pytest.mark.parametrize("name", SHIPPED)
def test_same_rows_as_embedded(name, client, embedded_client):
    want = _rows(embedded_client, name)
    got = _rows(client, name)
    assert got == want, f"{name}: {len(got)} rows vs {len(want)} embedded; first differing: " \
                        f"{sorted((got - want).elements())[:2]} / {sorted((want - got).elements())[:2]}"


def test_parameters_bound_by_values(client, embedded_client):
    params = {"accused": test_answers.ID + "turkey"}
    def rows(c) -> Counter:
        return Counter(tuple(sorted((k, _cell(v, k)) for k, v in r.items()))
                       for r in values(c, "accusations-against", **params))

    assert rows(client) == rows(embedded_client)


def test_syntax_error_is_400(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert r.status_code == 400, r.text


def test_formats_negotiated_here(client):
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 3"},
                   headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.text.strip().endswith("true")


# tests/api/test_answers.py's checks, unchanged, against the remote app (they take the `client` fixture above)
for _name in dir(test_answers):
    if _name.startswith("test_") and "federated" not in _name:
        globals()[_name + "_remote"] = getattr(test_answers, _name)
