"""Answering queries on a remote SPARQL 1.1 store: the :class:`~.executor.Executor` interface, by forwarding.

:meth:`RemoteExecutor.run` sends a job's query to the store over the SPARQL 1.1 Protocol (POST form) and returns
an :class:`~.jobs.Answer` or raises a typed :class:`~.errors.QueryFailure`, as the local executor does:

* **The text sent** is the query, with the SEP-0007 substitutions as a ``VALUES`` block first in its WHERE group
  (:mod:`.where`: the variables are bound before they are used, as SEP-0007's pre-binding does; a trailing
  ``VALUES`` is not joined correctly by Virtuoso 7), then ``LIMIT``/``OFFSET`` for a page. Substitutions come only
  with the project's own query texts (canned queries, the linked-data pages), never with a client's. Every term and
  variable is written by pyoxigraph (``str()`` of its terms), never by formatting a user's value. A base IRI becomes
  a leading ``BASE``; the job's dataset the protocol's ``default-graph-uri`` / ``named-graph-uri`` (none given: the
  served merge, see :class:`~allegiance.store.remote.RemoteStore`).
* **Formats.** The store is asked for SPARQL JSON results or N-Triples (by the query's form,
  :func:`.where.query_form`), and the answer is re-serialized by pyoxigraph into the format negotiated with the
  project's table (:mod:`.formats`), in a thread (never on the event loop). Passing ``Accept`` through would leave
  each store's own media types and serializations (Virtuoso's ``text/rdf+n3``, its ``nodeID://`` blank nodes, SPARQL
  1.0 JSON) to the client; re-serializing gives the same formats, the same 406s, and the same byte cap as the
  embedded store.
* **Limits.** One deadline covers the request and the re-serialization (past it: 503, ``QueryTimeout``; the store
  may keep running the query: give it its own limit). The store's answer is read up to four times the byte cap,
  and the answer sent must fit the cap (422 past it). At most ``workers`` requests are in flight at a time.
* **Errors.** A 4xx from the store is the query's fault (400; a syntax message gives ``QuerySyntaxError``); a store
  that cannot be reached, or fails, is 503 with a message naming it.
* **Cache.** As the local executor's, keyed by the store's version (constant while the server runs: a remote store
  can be written by others, so cached answers are served only for ``--cache-ttl`` seconds).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pyoxigraph as ox

from allegiance.sparql import errors
from allegiance.sparql.executor import AnswerCache
from allegiance.sparql.formats import OFFERS, Format, Kind, choose, describe
from allegiance.sparql.jobs import Answer, Job, Term, from_wire
from allegiance.sparql.where import query_form, with_values_first
from allegiance.store.remote import FORM, GRAPH_ACCEPT, SPARQL_JSON, _rdf_format, parse_results_json

_VARIABLE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\u00B7\u00C0-\uFFFF]*$")
_SYNTAX = re.compile(r"syntax|parse|parsing|SP030|unexpected|expected|lexical", re.IGNORECASE)


def values_clause(substitutions: Mapping[str, Term]) -> str:
    """SEP-0007 substitutions as a SPARQL ``VALUES`` clause of one row, written by pyoxigraph."""
    if not substitutions:
        return ""
    names = []
    for name in substitutions:
        if not _VARIABLE.match(name):
            raise errors.BadRequest(f"not a SPARQL variable name: {name[:40]!r}")
        names.append(str(ox.Variable(name)))
    terms = " ".join(str(from_wire(t)) for t in substitutions.values())
    return f"VALUES ({' '.join(names)}) {{ ({terms}) }}"


def query_text(job: Job, page: tuple[int, int] | None = None) -> str:
    """The text sent to the store: BASE, the query with its substitutions as a VALUES block first in its WHERE
    group, then LIMIT/OFFSET (``page``: limit, offset)."""
    text = job.query
    if job.substitutions:
        text = with_values_first(text, values_clause(job.substitutions))
    if job.base_iri:
        text = f"BASE {ox.NamedNode(job.base_iri)}\n{text}"
    if page is not None:
        text = f"{text}\nLIMIT {int(page[0])} OFFSET {int(page[1])}"
    return text


def _reserialize(body: bytes, content_type: str, job: Job, max_bytes: int) -> tuple[bytes, Format, Kind]:
    """The store's answer in the negotiated format (runs in a thread)."""
    parsed: Any
    if "json" in content_type or "sparql-results" in content_type:
        try:
            parsed = parse_results_json(body)
        except (SyntaxError, ValueError) as exc:
            raise errors.Unavailable(f"the store's answer is not valid SPARQL JSON: {exc}") from None
        kind = Kind.BOOLEAN if isinstance(parsed, ox.QueryBoolean) else Kind.SOLUTIONS
    else:
        try:
            fmt_in = _rdf_format(content_type)
            parsed = list(ox.parse(body, format=fmt_in))
        except (SyntaxError, ValueError, Exception) as exc:  # noqa: BLE001 - RemoteStoreError or a parse error
            raise errors.Unavailable(f"the store's answer is not an RDF graph read here: {exc}") from None
        kind = Kind.GRAPH
    offers = OFFERS[kind]
    fmt = choose(offers, job.accept, job.format)
    if fmt is None:
        raise errors.NotAcceptable(f"no acceptable format for this answer; available: {describe(offers)}")
    if kind is Kind.GRAPH:
        rdf = getattr(ox.RdfFormat, fmt.name)
        union = ox.DefaultGraph()
        if rdf.supports_datasets:
            items: list[Any] = [ox.Quad(q.subject, q.predicate, q.object, union) for q in parsed]
        else:
            items = [q.triple if isinstance(q, ox.Quad) else q for q in parsed]
        out = ox.serialize(items, format=rdf)
    else:
        out = parsed.serialize(format=getattr(ox.QueryResultsFormat, fmt.name))
    assert out is not None
    if len(out) > max_bytes:
        raise errors.AnswerTooLarge(f"the answer is larger than the limit of {max_bytes} bytes")
    return out, fmt, kind


def _accept(query: str) -> str:
    """What to ask the store for: a graph for CONSTRUCT and DESCRIBE, results otherwise (Virtuoso answers a
    CONSTRUCT with SPARQL JSON results, and a SELECT with an RDF encoding of its results, when both are offered)."""
    form = query_form(query)
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_ACCEPT
    if form in ("SELECT", "ASK"):
        return SPARQL_JSON
    return f"{SPARQL_JSON}, {GRAPH_ACCEPT}"


def _has_rows(body: bytes, content_type: str) -> bool:
    """Whether a probe's answer has a solution (runs in a thread: pyoxigraph's results stay in the thread that
    parsed them)."""
    if "json" not in content_type and "sparql-results" not in content_type:
        return bool(body.strip())
    parsed = parse_results_json(body)
    return any(True for _ in parsed) if isinstance(parsed, ox.QuerySolutions) else bool(parsed)


class RemoteExecutor:
    """The Executor's interface, answered by a remote SPARQL 1.1 store."""

    def __init__(self, query_url: str, *, workers: int = 4, timeout: float = 10.0, max_bytes: int = 64 << 20,
                 cache_bytes: int = 32 << 20, cache_ttl: float = 60.0, default_graph: str | None = None,
                 version: Callable[[], str] | None = None):
        self.query_url = query_url
        self.size = max(2, workers)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.default_graph = default_graph
        self.cache = AnswerCache(cache_bytes, cache_ttl)
        self._version = version or (lambda: f"remote {query_url}")
        self.http: httpx.AsyncClient | None = None
        self._slots: asyncio.Semaphore | None = None
        self.killed = 0

    def version(self) -> str:
        return self._version()

    async def start(self) -> None:
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout + 5, connect=10.0), follow_redirects=False,
                                      limits=httpx.Limits(max_connections=self.size))
        self._slots = asyncio.Semaphore(self.size)

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()

    def worker_pids(self) -> list[int]:
        return []

    def etag(self, job: Job) -> str:
        return '"' + job.key(self.version()) + '"'

    def _form(self, job: Job, text: str) -> dict[str, Any]:
        data: dict[str, Any] = {"query": text}
        defaults = job.dataset.default_graphs
        if defaults is None:
            if self.default_graph:
                data["default-graph-uri"] = [self.default_graph]
        else:  # None in the list: the served merge (the store's default graph, or its merge graph)
            graphs = [self.default_graph if g is None else g for g in defaults]
            if any(g is not None for g in graphs):
                data["default-graph-uri"] = [g for g in graphs if g is not None]
        if job.dataset.named_graphs is not None:
            data["named-graph-uri"] = list(job.dataset.named_graphs)
        return data

    async def _fetch(self, job: Job, text: str) -> tuple[bytes, str]:
        assert self.http is not None, "RemoteExecutor.start() was not awaited"
        url = self.query_url
        cap = 4 * self.max_bytes
        try:
            async with self.http.stream("POST", url, data=self._form(job, text),
                                        headers={"Accept": _accept(job.query),
                                                 "Content-Type": FORM}) as response:
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > cap and response.status_code < 400:
                        raise errors.AnswerTooLarge(f"the store's answer is larger than {cap} bytes (four times "
                                                    f"the answer limit of {self.max_bytes} bytes)")
                    chunks.append(chunk)
                    if response.status_code >= 400 and size > 65536:
                        break
                body = b"".join(chunks)
                status, content_type = response.status_code, response.headers.get("content-type", "")
        except httpx.TimeoutException:
            raise errors.QueryTimeout(f"the SPARQL store at {url} did not answer within the time limit") from None
        except httpx.HTTPError as exc:
            raise errors.Unavailable(f"the SPARQL store at {url} cannot be reached: {exc}") from None
        if status >= 400:
            message = " ".join(body.decode("utf-8", errors="replace").split())[:600]
            if 400 <= status < 500 and status not in (401, 403, 407, 408, 429):
                cls = errors.QuerySyntaxError if _SYNTAX.search(message) else errors.BadRequest
                raise cls(f"the SPARQL store refused the query (HTTP {status}): {message}")
            if status == 500 and _SYNTAX.search(message) and "37000" in message:  # Virtuoso's compile errors
                raise errors.BadRequest(f"the SPARQL store refused the query (HTTP {status}): {message}")
            raise errors.Unavailable(f"the SPARQL store at {url} failed (HTTP {status}): {message}")
        return body, content_type

    async def _answer(self, job: Job) -> Answer:
        page = job.page
        has_next: bool | None = None
        if page is None:
            body, content_type = await self._fetch(job, query_text(job))
        else:
            (body, content_type), (probe, probe_type) = await asyncio.gather(
                self._fetch(job, query_text(job, (page.size, page.offset))),
                self._fetch(job, query_text(job, (1, page.offset + page.size))))
            has_next = await asyncio.to_thread(_has_rows, probe, probe_type)
        out, fmt, kind = await asyncio.to_thread(_reserialize, body, content_type, job, self.max_bytes)
        return Answer(out, fmt, kind, self.etag(job), has_next)

    async def run(self, job: Job, client: str = "-", *, timeout: float | None = None) -> Answer:
        """The complete answer to ``job``, or a :class:`~.errors.QueryFailure`."""
        assert self._slots is not None, "RemoteExecutor.start() was not awaited"
        key = job.key(self.version())
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        limit = self.timeout if timeout is None else timeout
        try:
            async with asyncio.timeout(limit):
                async with self._slots:
                    answer = await self._answer(job)
        except TimeoutError:
            self.killed += 1
            raise errors.QueryTimeout(f"the query was stopped: it ran over the time limit of {limit:g} s") from None
        self.cache.put(key, answer)
        return answer

