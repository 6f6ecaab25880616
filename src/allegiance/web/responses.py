"""One way to answer: errors, answers and RDF documents, and the headers every response carries.

* :func:`error` is the one error builder: RFC 9457 problem+json for clients that take JSON (and for the API),
  plain text otherwise; it names the offending parameter when there is one.
* :func:`answer` turns an executor :class:`~allegiance.sparql.jobs.Answer` into a response with ``ETag``,
  ``Cache-Control`` and ``Vary``; :func:`run_query` runs a job for a request, cancels it when the client goes
  away, and maps typed failures to statuses.
* :class:`SecurityHeaders` adds ``X-Content-Type-Options`` to everything, and frame and referrer policies to HTML.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Mapping

from rdflib import Graph
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from allegiance.sparql import errors
from allegiance.sparql.executor import Executor
from allegiance.sparql.formats import RDF_DOCUMENT_FORMATS, choose, content_type, describe
from allegiance.sparql.jobs import Answer, Job

PROBLEM_JSON = "application/problem+json"
CACHE_CONTROL = "public, max-age=0, must-revalidate"  # answers change only with the store: revalidate by ETag


def _wants_json(request: Request | None) -> bool:
    accept = (request.headers.get("accept") or "").lower() if request is not None else ""
    return "json" in accept and "text/html" not in accept


def error(request: Request | None, status: int, detail: str, *, parameter: str | None = None,
          title: str | None = None, headers: Mapping[str, str] | None = None, problem: bool = False) -> Response:
    """The error response: problem+json when ``problem`` or the client takes JSON, else plain text."""
    if problem or _wants_json(request):
        body: dict[str, object] = {"type": "about:blank", "title": title or _TITLES.get(status, "Error"),
                                   "status": status, "detail": detail}
        if parameter is not None:
            body["parameter"] = parameter
        return Response(json.dumps(body, ensure_ascii=False).encode("utf-8"), status, headers=dict(headers or {}),
                        media_type=PROBLEM_JSON)
    return Response((detail.rstrip() + "\n").encode("utf-8"), status, headers=dict(headers or {}),
                    media_type="text/plain; charset=utf-8")


_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           406: "Not Acceptable", 413: "Content Too Large", 415: "Unsupported Media Type", 422: "Answer Too Large",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def failure(request: Request | None, exc: errors.QueryFailure, *, problem: bool = False) -> Response:
    headers = {"Retry-After": "5"} if exc.status == 503 else {}
    return error(request, exc.status, exc.message, parameter=exc.parameter, title=exc.title, headers=headers,
                 problem=problem)


def answer(result: Answer, headers: Mapping[str, str] | None = None) -> Response:
    return Response(result.body, 200, media_type=content_type(result.format),
                    headers={"Vary": "Accept", "ETag": result.etag, "Cache-Control": CACHE_CONTROL,
                             **(headers or {})})


async def _disconnected(request: Request) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def client_key(request: Request) -> str:
    """Whom a request counts against for fairness: the client's address."""
    return request.client.host if request.client else "-"


async def run_query(request: Request, executor: Executor, job: Job) -> Answer:
    """Run ``job`` for ``request``; cancelled (and its worker killed) as soon as the client goes away."""
    task = asyncio.ensure_future(executor.run(job, client_key(request)))
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, errors.QueryFailure):
                await task
    if task.cancelled():
        raise errors.QueryFailure("the client went away")
    return task.result()


def not_modified(request: Request, etag: str) -> Response | None:
    match = request.headers.get("if-none-match")
    if match and etag in [m.strip() for m in match.split(",")]:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept"})
    return None


async def query_response(request: Request, executor: Executor, job: Job, *, problem: bool = False,
                         headers: Callable[[Answer], Mapping[str, str]] | None = None) -> Response:
    """The whole path from a job to a response: 304, the answer, or the failure's status and message.

    ``headers`` gives headers that depend on the answer (the API's pagination links)."""
    cached = executor.cache.get(job.key(executor.version()))
    if cached is not None and (hit := not_modified(request, cached.etag)) is not None:
        return hit
    try:
        result = await run_query(request, executor, job)
    except errors.QueryFailure as exc:
        return failure(request, exc, problem=problem)
    return answer(result, headers(result) if headers is not None else None)


def rdf_response(request: Request, graph: Graph, headers: Mapping[str, str] | None = None) -> Response:
    """An rdflib graph in the negotiated RDF document format (Turtle, N-Triples, JSON-LD, RDF/XML), or 406."""
    fmt = choose(RDF_DOCUMENT_FORMATS, request.headers.get("accept"), request.query_params.get("format"))
    if fmt is None:
        return error(request, 406, "no acceptable format; available: " + describe(RDF_DOCUMENT_FORMATS))
    body = graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    return Response(body, 200, headers={"Vary": "Accept", **(headers or {})}, media_type=content_type(fmt))


class SecurityHeaders:
    """ASGI middleware: ``nosniff`` everywhere; no framing and a strict referrer policy on HTML."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                ctype = next((v for k, v in headers if k == b"content-type"), b"")
                if ctype.startswith(b"text/html"):
                    headers += [(b"x-frame-options", b"DENY"),
                                (b"content-security-policy", b"frame-ancestors 'none'; base-uri 'self'; "
                                                             b"form-action 'self'; object-src 'none'"),
                                (b"referrer-policy", b"strict-origin-when-cross-origin")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
