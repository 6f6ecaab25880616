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


# Virtuoso 7.2 has no xsd:boolean: a boolean comes back as the integer 0 or 1, so test_answers' check of the
# pledges' "ended" column (true/false) fails there (the row comparison reads 0/1 as false/true). Exactly this test is
# expected to fail, strictly: one that starts to pass (or a new failure) shows. The other differences of Virtuoso
# were worked round in the queries and the executor (VALUES first in the WHERE group, the Accept header by query
# form, no property paths inside OPTIONAL / FILTER NOT EXISTS, an ASCII GROUP_CONCAT separator) and in its
# configuration (MaxQueryCostEstimationTime = 0): see the README's "Running on another SPARQL store".
VIRTUOSO_FAILS = {"test_pledges_remote[virtuoso]"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.name in VIRTUOSO_FAILS:
            item.add_marker(pytest.mark.xfail(reason="Virtuoso 7.2 has no xsd:boolean (0/1 for false/true)",
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
