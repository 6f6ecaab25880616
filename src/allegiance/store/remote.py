"""A remote SPARQL 1.1 store behind the :class:`~allegiance.store.target.QuadStore` protocol.

Reads go over the SPARQL 1.1 Protocol (``query_url``) or, for whole graphs, the Graph Store Protocol (``data_url``,
``GET ?graph=``) when it is given; writes over SPARQL 1.1 Update (``update_url``). Every request has a time-out,
and every failure names the URL and the HTTP status. Terms are always written by pyoxigraph (``str(term)`` of a
pyoxigraph term is its N-Triples form, valid in SPARQL), never by formatting a user's value.

**The default graph.** As in the embedded store, the served default graph is the set-merge of every named graph
but the shapes, materialised: in the store's own default graph (Oxigraph server, Fuseki, GraphDB), or, for stores
whose query-time default graph is the union of all their graphs (Virtuoso), in a named graph given as
``default_graph`` (``--store-default-graph``), which queries then name as their ``default-graph-uri``.

**Atomicity.** :meth:`RemoteStore.add_quads` adds a small input (``batch_quads``) and its copy in the merge in one
SPARQL Update request, one transaction on the server (Oxigraph and Virtuoso both run a request in one
transaction). A larger input is sent in batches into staging graphs (Graph Store POSTs of N-Triples when there is a
``data_url``, else SPARQL Updates), which one final update moves into place (``ADD`` to the graph and to the merge,
then ``DROP``): the data become visible all at once or not at all, and a failure part-way drops the staging graphs.
A process killed part-way may leave a staging graph (``urn:allegiance:staging:...``, never read as data; drop it).
Blank node labels mean one node only within one request, so quads linked by a blank node always travel in the same
batch, written as ``INSERT { ... } WHERE {}`` (Virtuoso refuses blank nodes in ``INSERT DATA``).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import httpx
import pyoxigraph as ox

from allegiance.kb import load as knowledge

SHAPES_GRAPH = str(knowledge.SHAPES_GRAPH)
SPARQL_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded; charset=UTF-8"  # Virtuoso reads Latin-1 without it
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
# graphs a store keeps for itself (Virtuoso's schemas and services): never the project's data
SYSTEM_GRAPH_PREFIXES = ("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp#", "http://localuriqaserver/",
                         "urn:allegiance:staging:")
STAGING = "urn:allegiance:staging:"


class RemoteStoreError(Exception):
    """A remote store refused a request or could not be reached; the message names the URL (and the status)."""

    def __init__(self, message: str, status: int | None = None, url: str = ""):
        super().__init__(message)
        self.status = status
        self.url = url


def is_url(value: str | None) -> bool:
    return bool(value) and str(value).lower().startswith(("http://", "https://"))


def _check(response: httpx.Response, what: str) -> httpx.Response:
    if response.status_code >= 400:
        text = response.text.strip().replace("\r", "")
        raise RemoteStoreError(f"{what} at {response.request.url.copy_with(query=None)} failed: HTTP "
                               f"{response.status_code}: {text[:600]}", response.status_code,
                               str(response.request.url))
    return response


def _rdf_format(content_type: str) -> ox.RdfFormat:
    mt = content_type.split(";")[0].strip().lower()
    if mt in ("application/n-triples", "text/plain", "text/ntriples"):
        return ox.RdfFormat.N_TRIPLES
    if mt in ("text/turtle", "application/x-turtle", "text/n3", "text/rdf+n3"):
        return ox.RdfFormat.TURTLE
    if mt == "application/rdf+xml":
        return ox.RdfFormat.RDF_XML
    if mt == "application/n-quads":
        return ox.RdfFormat.N_QUADS
    raise RemoteStoreError(f"the store answered a graph as {content_type!r}, which is not an RDF syntax read here")


_BNODE_CHARS = re.compile(r"[^A-Za-z0-9_]")


def _fix_term(term: dict[str, Any]) -> dict[str, Any]:
    kind = term.get("type")
    if kind == "bnode":  # Virtuoso writes "nodeID://b10000", not a blank node label
        value = str(term.get("value", ""))
        return {"type": "bnode", "value": "b" + _BNODE_CHARS.sub("_", value)}
    if kind == "typed-literal":  # the SPARQL 1.0 JSON spelling (Virtuoso)
        return {**term, "type": "literal"}
    return term


def normalize_results_json(body: bytes) -> bytes:
    """SPARQL JSON results as pyoxigraph reads them: blank node labels made valid, ``typed-literal`` renamed."""
    data = json.loads(body)
    results = data.get("results") if isinstance(data, dict) else None
    if isinstance(results, dict) and isinstance(results.get("bindings"), list):
        results["bindings"] = [{k: _fix_term(v) for k, v in row.items()} for row in results["bindings"]]
    return json.dumps(data).encode("utf-8")


def parse_results_json(body: bytes) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except SyntaxError:
        return ox.parse_query_results(normalize_results_json(body), format=ox.QueryResultsFormat.JSON)


def triple_text(s: Any, p: Any, o: Any) -> str:
    return f"{s} {p} {o} ."


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _find(parent: dict[str, str], x: str) -> str:
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _batches(quads: Sequence[ox.Quad], size: int) -> Iterator[tuple[str, list[ox.Quad]]]:
    """The quads by graph, in batches of about ``size``; quads linked by a blank node stay in one batch (a blank
    node label means one node only within one request)."""
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode):
            raise ValueError("a quad outside a named graph: the default graph is the merge of the named graphs, "
                             "so every triple must be added to a named graph")
        by_graph.setdefault(q.graph_name.value, []).append(q)
    for graph, items in by_graph.items():
        parent: dict[str, str] = {}
        for q in items:
            labels = [t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
            if len(labels) == 2:
                parent[_find(parent, labels[0])] = _find(parent, labels[1])
            elif labels:
                _find(parent, labels[0])
        groups: dict[str, list[ox.Quad]] = {}
        batch: list[ox.Quad] = []
        for q in items:
            label = next((t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)), None)
            if label is None:
                batch.append(q)
                if len(batch) >= size:
                    yield graph, batch
                    batch = []
            else:
                groups.setdefault(_find(parent, label), []).append(q)
        for group in groups.values():
            if batch and len(batch) + len(group) > size:
                yield graph, batch
                batch = []
            batch.extend(group)
        if batch:
            yield graph, batch


class RemoteStore:
    """A SPARQL 1.1 store over HTTP: query, update and (optionally) Graph Store Protocol URLs."""

    def __init__(self, query_url: str, update_url: str | None = None, data_url: str | None = None, *,
                 default_graph: str | None = None, timeout: float = 120.0, batch_quads: int = 500,
                 gsp_batch_quads: int = 200_000, client: httpx.Client | None = None):
        if not is_url(query_url):
            raise ValueError(f"not an http(s) URL: {query_url!r}")
        self.query_url = query_url
        self.update_url = update_url
        self.data_url = data_url
        self.default_graph = default_graph
        self.batch_quads = batch_quads  # per SPARQL Update (Virtuoso refuses much more than 1,000 triples in one)
        self.gsp_batch_quads = gsp_batch_quads  # per Graph Store POST
        self.http = client or httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=False)

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # -- requests
    def _post(self, url: str, data: dict[str, Any], accept: str, what: str) -> httpx.Response:
        try:
            response = self.http.post(url, data=data, headers={"Accept": accept, "Content-Type": FORM})
        except httpx.TimeoutException as exc:
            raise RemoteStoreError(f"{what} at {url} timed out ({type(exc).__name__})", None, url) from None
        except httpx.HTTPError as exc:
            raise RemoteStoreError(f"the SPARQL store at {url} cannot be reached: {exc}", None, url) from None
        return _check(response, what)

    def dataset_params(self, default_graphs: Sequence[str | None] | None = None,
                       named_graphs: Sequence[str] | None = None) -> dict[str, list[str]]:
        """The protocol's dataset parameters: ``None`` in ``default_graphs`` is the served merge."""
        params: dict[str, list[str]] = {}
        if default_graphs is None:
            default_graphs = [None]
        graphs = [self.default_graph if g is None else g for g in default_graphs]
        if any(g is not None for g in graphs):
            params["default-graph-uri"] = [g for g in graphs if g is not None]
        if named_graphs:
            params["named-graph-uri"] = list(named_graphs)
        return params

    def update(self, sparql_update: str) -> None:
        if not self.update_url:
            raise RemoteStoreError(f"no update URL for the store at {self.query_url} (give --store-update URL)")
        self._post(self.update_url, {"update": sparql_update}, "*/*", "SPARQL Update")

    def query(self, sparql: str, *, default_graph: Sequence[Any] | None = None,
              named_graphs: Sequence[Any] | None = None,
              **_: Any) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """A read-only query, answered as pyoxigraph objects (pyoxigraph's keyword arguments for the dataset)."""
        defaults = None if default_graph is None else [
            None if isinstance(g, ox.DefaultGraph) else g.value for g in default_graph]
        named = None if named_graphs is None else [g.value for g in named_graphs]
        data: dict[str, Any] = {"query": sparql, **self.dataset_params(defaults, named)}
        response = self._post(self.query_url, data, f"{SPARQL_JSON}, {GRAPH_ACCEPT}", "SPARQL query")
        content_type = response.headers.get("content-type", "")
        if "json" in content_type or "sparql-results" in content_type:
            return parse_results_json(response.content)
        memory = ox.Store()
        memory.load(response.content, format=_rdf_format(content_type))
        answer = memory.query("CONSTRUCT WHERE { ?s ?p ?o }")
        assert isinstance(answer, ox.QueryTriples)
        return answer

    # -- the QuadStore protocol
    def named_graphs(self) -> list[str]:
        # GROUP BY, not DISTINCT: Virtuoso answers this one in 0.1 s and the DISTINCT in 10 to 50 s
        answer = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        assert isinstance(answer, ox.QuerySolutions)
        graphs = {row["g"].value for row in answer if isinstance(row["g"], ox.NamedNode)}
        return sorted(g for g in graphs if g != self.default_graph and not g.startswith(SYSTEM_GRAPH_PREFIXES))

    def triples(self, graph: str | None) -> Iterator[ox.Triple]:
        """The triples of one named graph (``None``: the served merge), by GSP GET or else by CONSTRUCT."""
        target = self.default_graph if graph is None else graph
        if self.data_url and target is not None:
            url = self.data_url
            try:
                response = self.http.get(url, params={"graph": target}, headers={"Accept": GRAPH_ACCEPT})
            except httpx.HTTPError as exc:
                raise RemoteStoreError(f"the store at {url} cannot be reached: {exc}", None, url) from None
            if response.status_code == 404:
                return iter(())
            _check(response, "Graph Store GET")
            body, fmt = response.content, _rdf_format(response.headers.get("content-type", ""))
        else:
            where = "{ ?s ?p ?o }" if target is None else f"{{ GRAPH {ox.NamedNode(target)} {{ ?s ?p ?o }} }}"
            response = self._post(self.query_url, {"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {where}"},
                                  GRAPH_ACCEPT, "SPARQL CONSTRUCT")
            body, fmt = response.content, _rdf_format(response.headers.get("content-type", ""))
        return (q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(io.BytesIO(body), format=fmt))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        graphs = [graph] if graph is not None else self.named_graphs()
        for g in graphs:
            name = ox.NamedNode(g)
            for t in self.triples(g):
                yield ox.Quad(t.subject, t.predicate, t.object, name)
        if graph is None:
            union = ox.DefaultGraph()
            for t in self.triples(None):
                yield ox.Quad(t.subject, t.predicate, t.object, union)

    def _merge_block(self, triples: str) -> str:
        return f"GRAPH {ox.NamedNode(self.default_graph)} {{ {triples} }}" if self.default_graph else triples

    def _insert(self, quads: Sequence[ox.Quad], rename: dict[str, str] | None = None, merge: bool = True) -> str:
        """One SPARQL Update adding ``quads`` (to their graph, or its staging graph) and their copies in the merge."""
        by_graph: dict[str, list[str]] = {}
        merged: list[str] = []
        for q in quads:
            graph = q.graph_name
            if not isinstance(graph, ox.NamedNode):
                raise ValueError("a quad outside a named graph: the default graph is the merge of the named graphs, "
                                 "so every triple must be added to a named graph")
            line = triple_text(q.subject, q.predicate, q.object)
            by_graph.setdefault(graph.value, []).append(line)
            if merge and graph.value != SHAPES_GRAPH:
                merged.append(line)
        blocks = [f"GRAPH {ox.NamedNode((rename or {}).get(g, g))} {{\n" + "\n".join(lines) + "\n}"
                  for g, lines in by_graph.items()]
        if merged:
            blocks.append(self._merge_block("\n".join(merged)))
        body = "\n".join(blocks)
        if any(map(_has_blank, quads)):
            return f"INSERT {{\n{body}\n}} WHERE {{}}"
        return f"INSERT DATA {{\n{body}\n}}"

    def add_quads(self, quads: Iterable[ox.Quad]) -> int:
        items = list(quads)
        if not items:
            return 0
        if len(items) <= self.batch_quads:
            self.update(self._insert(items))
            return len(items)
        graphs = sorted({q.graph_name.value for q in items if isinstance(q.graph_name, ox.NamedNode)})
        token = uuid.uuid4().hex
        staging = {g: f"{STAGING}{token}:{i}" for i, g in enumerate(graphs)}
        try:
            if self.data_url:
                for graph, batch in _batches(items, self.gsp_batch_quads):
                    self._gsp_post(staging[graph], batch)
            else:
                for _graph, batch in _batches(items, self.batch_quads):
                    self.update(self._insert(batch, staging, merge=False))
            moves = []
            for g, s in staging.items():
                moves.append(f"ADD SILENT GRAPH {ox.NamedNode(s)} TO GRAPH {ox.NamedNode(g)}")
                if g != SHAPES_GRAPH:
                    into = f"GRAPH {ox.NamedNode(self.default_graph)}" if self.default_graph else "DEFAULT"
                    moves.append(f"ADD SILENT GRAPH {ox.NamedNode(s)} TO {into}")
                moves.append(f"DROP SILENT GRAPH {ox.NamedNode(s)}")
            self.update(" ;\n".join(moves))
        except BaseException:
            self.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(s)}" for s in staging.values()))
            raise
        return len(items)

    def _gsp_post(self, graph: str, quads: Sequence[ox.Quad]) -> None:
        """Add triples to ``graph`` by a Graph Store Protocol POST of N-Triples (one request, one graph)."""
        assert self.data_url is not None
        body = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
        try:
            response = self.http.post(self.data_url, params={"graph": graph}, content=body,
                                      headers={"Content-Type": "application/n-triples"})
        except httpx.TimeoutException as exc:
            raise RemoteStoreError(f"Graph Store POST at {self.data_url} timed out ({type(exc).__name__})",
                                   None, self.data_url) from None
        except httpx.HTTPError as exc:
            raise RemoteStoreError(f"the store at {self.data_url} cannot be reached: {exc}", None,
                                   self.data_url) from None
        _check(response, "Graph Store POST")

    def refresh_default_graph_update(self, graphs: Sequence[str]) -> str:
        """The update that recomputes the merge from ``graphs`` (the named graphs, shapes left out)."""
        parts = [g for g in graphs if g != SHAPES_GRAPH]
        drop = f"DROP SILENT GRAPH {ox.NamedNode(self.default_graph)}" if self.default_graph else "DROP SILENT DEFAULT"
        if not parts:
            return drop
        values = " ".join(str(ox.NamedNode(g)) for g in parts)
        return (f"{drop} ;\nINSERT {{ {self._merge_block('?s ?p ?o')} }} "
                f"WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")

    def clear_graph(self, graph: str) -> None:
        """Drop ``graph`` and recompute the merge, in one request."""
        rest = [g for g in self.named_graphs() if g != graph]
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)} ;\n" + self.refresh_default_graph_update(rest))

    def clear_graphs(self, graphs: Sequence[str]) -> None:
        """Drop several graphs and recompute the merge, in one request."""
        rest = [g for g in self.named_graphs() if g not in graphs]
        drops = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs]
        self.update(" ;\n".join([*drops, self.refresh_default_graph_update(rest)]))

    def close(self) -> None:
        self.http.close()


class RemoteServed:
    """What the web app needs of its store, for a remote one (the counterpart of a ServedStore)."""

    def __init__(self, remote: RemoteStore):
        self.store = remote
        self.path = None
        self.rebuilt = False
        self.seconds = 0.0
        self.named_graphs: tuple[str, ...] = tuple(remote.named_graphs())
        self.default_graphs: tuple[str, ...] = tuple(g for g in self.named_graphs if g != SHAPES_GRAPH)
        self._version = f"remote {remote.query_url} {uuid.uuid4().hex}"

    def version(self) -> str:
        """Constant while the server runs: a remote store's writes are not seen, cached answers expire by age."""
        return self._version

    def close(self) -> None:
        self.store.close()
