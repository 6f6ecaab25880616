"""The OpenAPI document against the app: every route is in it (or deliberately left out), and schemathesis, driving a
real server from ``/openapi.json``, finds no server error and no answer the document does not describe (status
codes, content types, headers and JSON bodies).

schemathesis 4 (:func:`schemathesis.pytest.from_fixture` over :func:`schemathesis.openapi.from_url`),
derandomized, a bounded number of examples per operation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from starlette.routing import Mount, Route

from allegiance.config import Settings
from allegiance.sparql.canned import load_queries
from allegiance.web.openapi import ALIAS_PREFIX, document, left_out
from tests.endpoint.conftest import Server, start_server


@schemathesis.check
def no_500(ctx, response, case) -> None:
    """A 500 is a bug; a documented 502, 503 or 504 is the server saying what went wrong upstream or in time."""
    if response.status_code == 500:
        raise AssertionError(f"500 from {case.method} {case.formatted_path}: {response.text[:300]}")


CHECKS = [no_500, st_checks.status_code_conformance, st_checks.content_type_conformance,
          st_checks.response_headers_conformance, st_checks.response_schema_conformance]


def _openapi_path(template: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", template)


@pytest.fixture(scope="module")
def app_routes(tmp_path_factory) -> list[tuple[str, set[str]]]:
    """(path template, methods) of every route of an app built in-process (its lifespan is never started)."""
    from allegiance.web.app import create_app

    app = create_app(Settings(store=str(tmp_path_factory.mktemp("openapi") / "store"), workers=2))
    out = []
    for route in app.routes:
        if isinstance(route, Route):
            out.append((route.path, set(route.methods or ()) - {"HEAD"} | ({"HEAD"} & set(route.methods or ())
                                                                           if "GET" not in (route.methods or ())
                                                                           else set())))
        elif isinstance(route, Mount):
            out.append((route.path, set()))
    return out


def test_every_route_is_documented_or_deliberately_left_out(app_routes):
    doc = document(load_queries())
    missing = []
    for template, methods in app_routes:
        if left_out(template):
            continue
        path = _openapi_path(template)
        if template == "/api/{name}":  # one documented path per canned query
            documented = {m.upper() for name in load_queries() for m in doc["paths"][f"/api/{name}"]}
            if not documented:
                missing.append(template)
            continue
        if path not in doc["paths"]:
            missing.append(f"{template} (not in the document, nor in LEFT_OUT)")
            continue
        undocumented = {m for m in methods if m.lower() not in doc["paths"][path]}
        if undocumented:
            missing.append(f"{template}: methods {sorted(undocumented)} not documented")
    assert not missing, "\n".join(missing)


def test_the_document_names_no_route_the_app_does_not_serve(app_routes):
    served = {_openapi_path(t) for t, _ in app_routes} | {f"/api/{n}" for n in load_queries()}
    stale = set(document(load_queries())["paths"]) - served
    assert not stale, sorted(stale)


def test_every_alias_route_has_its_twin(app_routes):
    """/allegiance/... is left out because each route there is the same as the one without the prefix."""
    templates = {t for t, _ in app_routes}
    lonely = [t for t in templates if t.startswith(ALIAS_PREFIX + "/") and t.removeprefix(ALIAS_PREFIX) not in templates
              and t != ALIAS_PREFIX + "/"]
    assert not lonely, lonely


def test_the_enumeration_can_fail():
    """A route missing from the document is reported (the check above is not vacuous)."""
    doc = document(load_queries())
    assert "/nowhere" not in doc["paths"] and left_out("/nowhere") is None and left_out("/staticx") is None
    assert left_out("/static/vendor/d3") and left_out("/allegiance/id/{name}") and left_out("/allegiance")


# -- schemathesis against a real server


@pytest.fixture(scope="module")
def live() -> Iterator[Server]:
    s = start_server(["--timeout", "5", "--workers", "3"])
    yield s
    s.stop()


@pytest.fixture(scope="module")
def api_schema(live):
    return schemathesis.openapi.from_url(live.base + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=12, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_server_answers_as_its_openapi_document_says(case):
    case.call_and_validate(checks=CHECKS, timeout=30)
