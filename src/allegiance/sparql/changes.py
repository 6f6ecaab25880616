"""Computing a change to the store, inside a sandboxed worker: never in the server, never on its event loop.

A write (SPARQL Update, or a Graph Store Protocol PUT, POST or DELETE) is applied to an in-memory copy of the
current snapshot, in a query worker: so a ``LOAD`` reaches only what the sandbox lets through (the allowlist), a
runaway update is stopped by the time limit, and a malformed one never touches the store. Then, on the copy:

1. the served default graph is derived again when the store has one (the merge of every named graph but the
   shapes), and the inferences (OWL RL) are computed again when the store has an inferences graph;
2. the result is validated against the shapes graph, when the store has one: a violation fails the change with
   422 and the SHACL report (Turtle);
3. the difference with the snapshot (quads added, quads removed, graphs added and removed) goes back to the server,
   which commits it in one atomic step (:meth:`allegiance.store.ServedStore.apply`).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

from allegiance.kb.load import INFERENCES_GRAPH, SHAPES_GRAPH
from allegiance.store.embedded import REFRESH_DEFAULT_GRAPH

from . import errors, wire
from .where import with_using

SHAPES, INFERENCES = str(SHAPES_GRAPH), str(INFERENCES_GRAPH)
FORMATS = {"text/turtle": "TURTLE", "application/x-turtle": "TURTLE", "application/n-triples": "N_TRIPLES",
           "text/plain": "N_TRIPLES", "application/rdf+xml": "RDF_XML", "application/ld+json": "JSON_LD",
           "application/n-quads": "N_QUADS", "application/trig": "TRIG", "text/n3": "TURTLE"}


def _graph(ox: Any, iri: str | None) -> Any:
    return ox.DefaultGraph() if iri is None else ox.NamedNode(iri)


def _apply(ox: Any, mem: Any, job: dict[str, Any]) -> bool:
    """Apply the job's operation to ``mem``; True when it created the target graph."""
    op, iri = job["op"], job.get("graph")
    derived = bool(job.get("derived_default"))
    if op == "update":
        text = job["update"]
        if job.get("using") or job.get("using_named"):
            try:
                text = with_using(text, list(job.get("using") or ()), list(job.get("using_named") or ()))
            except ValueError as exc:
                raise errors.BadRequest(str(exc), "using-graph-uri") from None
        try:
            mem.update(text, base_iri=job.get("base_iri"))
        except SyntaxError as exc:
            raise errors.QuerySyntaxError(f"SPARQL Update syntax error: {getattr(exc, 'msg', None) or exc}",
                                          "update") from None
        except OSError as exc:
            from .worker import classify

            raise classify(exc) from None
        except (RuntimeError, ValueError) as exc:  # the update's own failure: MOVE from a graph that does not
            # exist, CREATE of one that does (without SILENT), ...: the store is left as it was
            raise errors.BadRequest(f"the update failed: {exc}", "update") from None
        return False
    if iri is None and derived:
        raise errors.Forbidden("the default graph is the merge of the named graphs (all but the shapes): "
                               "write to a named graph (?graph=IRI)")
    existed = iri is None or mem.contains_named_graph(ox.NamedNode(iri))
    if op == "delete":
        if not existed:
            raise errors.NotFound(f"no graph {iri}")
        if iri is None:
            mem.clear_graph(ox.DefaultGraph())
        else:
            mem.remove_graph(ox.NamedNode(iri))
        return False
    parts = job.get("parts") or [(job.get("media_type") or "", job.get("body") or "")]
    formats = []
    for media_type, _ in parts:
        fmt = FORMATS.get(media_type)
        if fmt is None:
            raise errors.UnsupportedMediaType(f"unsupported Content-Type {media_type!r}; send one of "
                                              + ", ".join(sorted(FORMATS)))
        if fmt in ("N_QUADS", "TRIG"):
            raise errors.BadRequest("a Graph Store request carries one graph: send triples (Turtle, N-Triples, "
                                    "RDF/XML, JSON-LD)", "content-type")
        formats.append(fmt)
    target = _graph(ox, iri)
    if op == "put" and existed:
        mem.clear_graph(target)
    if iri is not None:
        mem.add_graph(target)
    for fmt, (_, body) in zip(formats, parts, strict=True):
        try:
            quads = ox.parse(body.encode("utf-8"), format=getattr(ox.RdfFormat, fmt), base_iri=job.get("base_iri"),
                             rename_blank_nodes=True)
            mem.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
        except SyntaxError as exc:
            raise errors.BadRequest(f"the body is not valid {fmt}: {getattr(exc, 'msg', None) or exc}") from None
    return not existed


def _data_triples(ox: Any, mem: Any) -> Iterator[Any]:
    """The triples of every named graph of ``mem`` but the shapes and the inferences: what is validated and
    reasoned over, as ``allegiance check`` does."""
    for g in mem.named_graphs():
        if g.value not in (SHAPES, INFERENCES):
            for q in mem.quads_for_pattern(None, None, None, g):
                yield ox.Triple(q.subject, q.predicate, q.object)


_VALIDATORS: dict[bytes, Any] = {}  # compiled shapes, by the shapes graph's N-Triples, for the worker's life


def _validate(ox: Any, mem: Any) -> None:
    """Fail with 422 and the SHACL report when the data of ``mem`` (every named graph but the shapes and the
    inferences, as ``allegiance check`` validates) breaks its shapes graph. The shapes are compiled to SPARQL and
    run by pyoxigraph (:mod:`allegiance.kb.shacl`: the same results as pyshacl)."""
    from rdflib import Graph

    from allegiance.kb.shacl import Validator
    from allegiance.kb.validation import format_violation

    shapes_nt = ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                              for q in mem.quads_for_pattern(None, None, None, ox.NamedNode(SHAPES))),
                             format=ox.RdfFormat.N_TRIPLES) or b""
    validator = _VALIDATORS.get(shapes_nt)
    if validator is None:
        _VALIDATORS.clear()
        validator = _VALIDATORS[shapes_nt] = Validator(Graph().parse(data=shapes_nt.decode("utf-8"), format="nt"))
    data = ox.Store()
    data.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in _data_triples(ox, mem))
    result = validator.validate_store(data)
    if not result.conforms:
        lines = [format_violation(v) for v in result.violations[:20]]
        raise errors.ChangeRejected(
            f"the change breaks {len(result.violations)} constraint(s) of the shapes; nothing was written:\n"
            + "\n".join(lines),
            report=result.report_graph.serialize(format="turtle") if result.report_graph is not None else None)


def _infer(ox: Any, mem: Any) -> None:
    from rdflib import Graph

    from allegiance.kb.inference import closure

    nt = ox.serialize(_data_triples(ox, mem), format=ox.RdfFormat.N_TRIPLES) or b""
    data = Graph().parse(data=nt.decode("utf-8"), format="nt")
    inferred = closure(data).serialize(format="nt", encoding="utf-8")
    mem.clear_graph(ox.NamedNode(INFERENCES))
    mem.load(inferred, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(INFERENCES))


def execute_write(ox: Any, snapshot: Any, job: dict[str, Any], sock: socket.socket) -> None:
    mem = ox.Store()
    mem.bulk_extend(snapshot.quads_for_pattern(None, None, None, None))
    for g in snapshot.named_graphs():
        mem.add_graph(g)
    created = _apply(ox, mem, job)
    names = {g.value for g in mem.named_graphs()}
    if INFERENCES in names:
        _infer(ox, mem)
    if job.get("derived_default"):
        mem.update(REFRESH_DEFAULT_GRAPH)
    if SHAPES in names and job.get("validate", True):
        _validate(ox, mem)
    before = set(snapshot.quads_for_pattern(None, None, None, None))
    after = set(mem.quads_for_pattern(None, None, None, None))
    added, removed = after - before, before - after
    graphs_before = {g.value for g in snapshot.named_graphs()}
    body_added = ox.serialize(sorted(added, key=str), format=ox.RdfFormat.N_QUADS) or b""
    body_removed = ox.serialize(sorted(removed, key=str), format=ox.RdfFormat.N_QUADS) or b""
    head = {"created": created, "added_bytes": len(body_added), "added": len(added), "removed": len(removed),
            "graphs_added": sorted(names - graphs_before), "graphs_removed": sorted(graphs_before - names)}
    sock.sendall(wire.control(wire.PARSED, {"kind": "change"}) + wire.control(wire.HEAD, head)
                 + wire.frame(wire.DATA, body_added + body_removed) + wire.frame(wire.END, b""))
