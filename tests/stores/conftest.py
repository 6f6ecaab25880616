"""Session fixtures: Oxigraph server and Virtuoso 7, started here, loaded with ``allegiance load``.

A server whose binary is not installed is skipped with the reason (``.ci/install-stores.sh`` installs both; in CI,
``ALLEGIANCE_REQUIRE_STORES=1`` turns that skip into a failure).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.api.conftest import TEST_QUERIES, pytest_configure  # noqa: F401 - the TestClient warning filter
from tests.stores import servers

STORES = ("oxigraph", "virtuoso")


def _start(name: str, folder) -> Iterator[servers.Server]:
    starter = {"oxigraph": servers.oxigraph, "virtuoso": servers.virtuoso}[name]
    try:
        context = starter(folder)
        server = context.__enter__()
    except FileNotFoundError as exc:
        message = f"{name} is not installed here ({exc}); .ci/install-stores.sh installs it"
        if servers.env_flag("ALLEGIANCE_REQUIRE_STORES"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield server
    finally:
        context.__exit__(None, None, None)


def store_args(server: servers.Server) -> list[str]:
    args = ["--store", server.query_url, "--store-update", server.update_url]
    if server.data_url:
        args += ["--store-data", server.data_url]
    if server.default_graph:
        args += ["--store-default-graph", server.default_graph]
    return args


# Virtuoso 7.2 loads and serves the knowledge base, but its answers differ (known, not yet worked round): a trailing
# VALUES clause is not joined as SPARQL 1.1 says (about-country: 625 rows for 13), its cost estimator refuses
# accusations-against (over 400 s estimated), and GROUP_CONCAT cells differ. Exactly these tests are expected to
# fail there, strictly: one that starts to pass (or a new failure) shows.
VIRTUOSO_FAILS = {
    *(f"test_same_rows_as_embedded[virtuoso-{q}]" for q in (
        "about-country", "accusations-against", "citizenship-revocations", "contested-claims", "entity",
        "foreign-fighters", "organizational-changes", "pledges", "sources-by-claims", "timeline")),
    *(f"{t}[virtuoso]" for t in (
        "test_parameters_bound_by_values", "test_formats_negotiated_here",
        "test_accusations_against_saudi_arabia_include_the_government_remote", "test_accusations_against_turkey_remote",
        "test_contested_claims_remote", "test_entity_islamic_state_remote", "test_entity_other_than_the_default_remote",
        "test_pledges_remote", "test_single_source_claims_and_sources_by_claims_remote", "test_timeline_remote")),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.name in VIRTUOSO_FAILS:
            item.add_marker(pytest.mark.xfail(reason="Virtuoso 7.2: trailing VALUES, cost estimator, GROUP_CONCAT",
                                              strict=True))


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def remote_store(request, tmp_path_factory) -> Iterator[servers.Server]:
    """A running store of each kind, with the knowledge base loaded by ``allegiance load``."""
    gen = _start(request.param, tmp_path_factory.mktemp(request.param))
    server = next(gen)
    loaded = subprocess.run([sys.executable, "-m", "allegiance", "load", *store_args(server)],
                            capture_output=True, text=True, timeout=600, check=False)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    yield server
    next(gen, None)


__all__ = ["TEST_QUERIES", "remote_store", "store_args"]
