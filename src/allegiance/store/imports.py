"""Importing RDF files into a store: parsed, validated and provenance-checked before one all-or-nothing commit.

:func:`import_files` is ``allegiance import``:

1. **Parse** every file with pyoxigraph's streaming parsers (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML, by
   suffix, each also gzipped as ``.gz``) into a staging store in memory. A triple file goes into the named graph
   ``--graph`` or one named after the file (``.../graph/import/<stem>``); a quad file keeps its graphs (its default
   graph goes where a triple file's would). Blank nodes are renamed, so two files never share one by accident.
   A syntax error raises :class:`ParseFailure` with the file, line and column.
2. **Provenance.** Every document a new claim cites (``prov:wasDerivedFrom``, or the ``prov:entity`` of a
   ``prov:qualifiedDerivation``) must be an ``alg:SourceDocument`` the store holds, or come with the import as
   ``--source FILE``: registered as ``src:<file stem>`` with its ``dcterms:identifier`` (the file name) and
   ``alg:sha256``, as ``instances/sources.ttl`` registers the shipped ones. The excerpts of every derivation citing
   a document whose text is at hand (a ``--source``, or a shipped source) are checked against the text with the
   rules of :func:`allegiance.kb.citations.check_citations` (white space folded, nothing else).
3. **Validation.** The new triples together with the graph they join (the store's data, every named graph but
   the shapes and the inferences, which include the ontology) are validated against the shapes by
   :mod:`allegiance.kb.shacl` (the same results as pyshacl), in the staging store, before anything is written.
4. **Inferences.** When the store keeps an inferences graph, the entailments the import adds go into it
   (:mod:`allegiance.store.reasoning`; ``infer=False``, ``allegiance import --no-infer``, leaves it as it was).
5. **Commit.** The new quads go into the store in **one** transaction (:meth:`QuadStore.add_quads`: one
   ``Store.extend`` for the embedded store, a RocksDB transaction): killing the process at any moment before or
   during it leaves the store exactly as it was.

Any refusal raises :class:`ImportRefused` (violations, or provenance problems), and nothing is written.
:func:`validate_change` is the same validation for a write that does not come from files (the HTTP write routes).
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph

from allegiance.kb import load as knowledge
from allegiance.kb.citations import fold_whitespace
from allegiance.kb.shacl import FastValidationResult, to_rdflib, validator_for
from allegiance.kb.validation import format_violation, qname
from allegiance.namespaces import ALG, DCTERMS, GRAPH, PROV, RDF, SRC
from allegiance.store.target import QuadStore

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES, ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD}
# graphs of a store that are not data: validation reads every other named graph
NOT_DATA = {str(knowledge.SHAPES_GRAPH), str(knowledge.INFERENCES_GRAPH)}
SYSTEM_PREFIXES = ("urn:allegiance:staging:",)

_TYPE = ox.NamedNode(str(RDF.type))
_SOURCE_DOCUMENT = ox.NamedNode(str(ALG.SourceDocument))
_IDENTIFIER = ox.NamedNode(str(DCTERMS.identifier))
_SHA256 = ox.NamedNode(str(ALG.sha256))


class ImportFailure(Exception):
    """Why an import was not committed; ``exit_code`` is what ``allegiance import`` exits with."""

    exit_code = 1


class ParseFailure(ImportFailure):
    exit_code = 2

    def __init__(self, path: Path, message: str, line: int | None = None, column: int | None = None):
        self.path, self.message, self.line, self.column = Path(path), message, line, column
        super().__init__(str(self))

    def __str__(self) -> str:
        return knowledge.located(self.path, self.message, self.line, self.column)


class ImportRefused(ImportFailure):
    """Violations of the shapes, or provenance problems: the lines say what, for which node."""

    def __init__(self, reason: str, lines: Sequence[str], validation: FastValidationResult | None = None):
        self.reason, self.lines, self.validation = reason, list(lines), validation
        super().__init__(f"{reason}:\n" + "\n".join(f"  {line}" for line in self.lines))


@dataclass
class ImportResult:
    quads: int  # quads committed
    graphs: list[str]
    sources: list[str]  # source documents registered by --source
    seconds: dict[str, float] = field(default_factory=dict)  # parse, provenance, validate, commit
    validation: FastValidationResult | None = None


# --- progress -----------------------------------------------------------------------------------------------


class Progress:
    """A one-line counter on standard error, only when it is a terminal (no dependency)."""

    def __init__(self, stream: IO[str] | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0

    def update(self, text: str, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if force or now - self._last > 0.2:
            self._last = now
            self.stream.write(f"\r\x1b[K{text}")
            self.stream.flush()

    def done(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[K{text}\n")
            self.stream.flush()


class _CountingReader:
    """A binary file whose reads are counted (the compressed bytes, for a gzip file)."""

    def __init__(self, raw: IO[bytes], inner: IO[bytes] | None = None):
        self.raw = raw
        self.inner = inner if inner is not None else raw

    def read(self, size: int = -1) -> bytes:
        return self.inner.read(size)

    @property
    def position(self) -> int:
        return self.raw.tell()


# --- parsing ----------------------------------------------------------------------------------------------


def file_format(path: Path) -> tuple[ox.RdfFormat, bool]:
    """The RDF format of a file by its suffix (under ``.gz``), and whether it is gzipped."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    if gzipped:
        suffixes = suffixes[:-1]
    if not suffixes or suffixes[-1] not in FORMATS:
        raise ParseFailure(path, f"unknown RDF file type {''.join(Path(path).suffixes)!r} (known: "
                                 f"{', '.join(sorted(FORMATS))}, each also with .gz)")
    return FORMATS[suffixes[-1]], gzipped


def file_stem(path: Path) -> str:
    name = Path(path).name
    for suffix in reversed(Path(path).suffixes):
        name = name.removesuffix(suffix)
    return name or Path(path).stem


def import_graph_iri(path: Path) -> str:
    """The named graph a triple file goes into when no ``--graph`` is given: ``graph/import/<stem>``, the stem
    percent-encoded (``a b.ttl`` goes into ``graph/import/a%20b``)."""
    return str(GRAPH[f"import/{quote(file_stem(path), safe='')}"])


def parse_into(staging: ox.Store, path: Path, graph: str | None = None,
               progress: Progress | None = None) -> tuple[int, set[str]]:
    """Stream ``path`` into ``staging``; the number of quads, and the named graphs they went into."""
    path = Path(path)
    fmt, gzipped = file_format(path)
    target = ox.NamedNode(graph or import_graph_iri(path))
    total = path.stat().st_size if path.exists() else 0
    graphs: set[str] = set()
    count = 0
    try:
        with open(path, "rb") as raw:
            inner: IO[bytes] = gzip.open(raw, "rb") if gzipped else raw  # type: ignore[assignment]
            reader = _CountingReader(raw, inner)
            parser = ox.parse(reader, format=fmt, base_iri=path.resolve().as_uri(),  # type: ignore[arg-type]
                              rename_blank_nodes=True)
            batch: list[ox.Quad] = []
            for quad in parser:
                if isinstance(quad.graph_name, ox.DefaultGraph):
                    quad = ox.Quad(quad.subject, quad.predicate, quad.object, target)
                batch.append(quad)
                if len(batch) >= 50_000:
                    count += _flush(staging, batch, graphs)
                    if progress is not None and total:
                        progress.update(f"{path.name}: {count:,} quads, {100 * reader.position / total:.0f}%")
            count += _flush(staging, batch, graphs)
    except SyntaxError as exc:
        raise ParseFailure(path, exc.msg, exc.lineno, exc.offset) from exc
    except (OSError, EOFError, ValueError) as exc:
        raise ParseFailure(path, str(exc)) from exc
    if progress is not None:
        progress.done(f"{path.name}: {count:,} quads")
    return count, graphs


def _flush(staging: ox.Store, batch: list[ox.Quad], graphs: set[str]) -> int:
    n = len(batch)
    for q in batch:
        if isinstance(q.graph_name, ox.NamedNode):
            graphs.add(q.graph_name.value)
    staging.bulk_extend(batch)
    batch.clear()
    return n


# --- the data the import joins ------------------------------------------------------------------------------


def data_graphs(target: QuadStore) -> list[str]:
    """The store's named graphs that hold data (all but the shapes, the inferences and staging graphs)."""
    return [g for g in target.named_graphs() if g not in NOT_DATA and not g.startswith(SYSTEM_PREFIXES)]


def copy_data(target: QuadStore, into: ox.Store, skip: Iterable[str] = ()) -> int:
    """Copy the store's data graphs into the default graph of ``into``; the number of quads read."""
    skipped = set(skip)
    default = ox.DefaultGraph()
    count = 0
    for graph in data_graphs(target):
        if graph in skipped:
            continue
        batch = [ox.Quad(q.subject, q.predicate, q.object, default) for q in target.quads(graph)]
        count += len(batch)
        into.bulk_extend(batch)
    return count


def load_shapes(layout: Any = None) -> Graph:
    """The project's shapes (``shapes/``), parsed once per process."""
    global _SHAPES
    if _SHAPES is None:
        from allegiance.paths import default_layout

        layout = layout or default_layout()
        g = Graph()
        for path in layout.shape_files():
            knowledge.parse_file(path, g)
        _SHAPES = g
    return _SHAPES


_SHAPES: Graph | None = None


# --- provenance ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceText:
    iri: str
    path: Path
    identifier: str
    sha256: str


def register_source(path: Path) -> SourceText:
    """A ``--source`` file as ``instances/sources.ttl`` registers a shipped document."""
    path = Path(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ParseFailure(path, exc.strerror or str(exc)) from exc
    return SourceText(str(SRC[path.stem]), path, path.name, digest)


def source_quads(source: SourceText, graph: str) -> list[ox.Quad]:
    s, g = ox.NamedNode(source.iri), ox.NamedNode(graph)
    return [ox.Quad(s, _TYPE, _SOURCE_DOCUMENT, g), ox.Quad(s, _IDENTIFIER, ox.Literal(source.identifier), g),
            ox.Quad(s, _SHA256, ox.Literal(source.sha256), g)]


def _new_graphs_clause(graphs: Iterable[str]) -> str:
    return "VALUES ?g { " + " ".join(f"<{g}>" for g in sorted(graphs)) + " }"


def check_provenance(staging: ox.Store, new_graphs: set[str], sources: Sequence[SourceText],
                     shipped_sources: Path | None = None) -> list[str]:
    """Problems with what the new claims cite; an empty list when every citation is honest.

    ``staging`` holds the store's data in its default graph and the import in ``new_graphs``."""
    if not new_graphs:
        return []
    problems: list[str] = []
    values = _new_graphs_clause(new_graphs)
    cited = f"""
        SELECT DISTINCT ?claim ?doc WHERE {{ {values}
            {{ GRAPH ?g {{ ?claim <{PROV.wasDerivedFrom}> ?doc }} }}
            UNION {{ GRAPH ?g {{ ?claim <{PROV.qualifiedDerivation}> ?d . ?d <{PROV.entity}> ?doc }} }} }}"""
    held = {row["doc"].value for row in staging.query(  # type: ignore[union-attr]
        f"SELECT DISTINCT ?doc WHERE {{ ?doc a <{ALG.SourceDocument}> }}")}
    given = {s.iri: s for s in sources}
    for row in staging.query(cited):  # type: ignore[union-attr]
        doc = row["doc"]
        if isinstance(doc, ox.NamedNode) and (doc.value in held or doc.value in given):
            continue
        problems.append(f"{_show(row['claim'])}: cites {_show(doc)}, a source document the store does not hold; "
                        f"give its text with --source FILE")
    # the excerpts of every derivation whose document's text is at hand, as check_citations checks them
    texts: dict[str, Path] = {s.iri: s.path for s in sources}
    if shipped_sources is not None and shipped_sources.is_dir():
        for row in staging.query(  # type: ignore[union-attr]
                f"SELECT ?doc ?id WHERE {{ ?doc a <{ALG.SourceDocument}> ; <{DCTERMS.identifier}> ?id }}"):
            file = shipped_sources / row["id"].value
            if row["doc"].value not in texts and file.is_file():
                texts[row["doc"].value] = file
    derivations = f"""
        SELECT ?claim ?d ?doc ?plain (GROUP_CONCAT(?x; separator="\\u001F") AS ?excerpts) (COUNT(?x) AS ?n)
        WHERE {{ {values} GRAPH ?g {{ ?claim <{PROV.qualifiedDerivation}> ?d }}
            OPTIONAL {{ GRAPH ?g {{ ?d <{PROV.entity}> ?doc }} }}
            OPTIONAL {{ GRAPH ?g {{ ?d <{ALG.excerpt}> ?x }} }}
            BIND (EXISTS {{ GRAPH ?g {{ ?claim <{PROV.wasDerivedFrom}> ?doc }} }} AS ?plain) }}
        GROUP BY ?claim ?d ?doc ?plain"""
    folded: dict[str, str] = {}
    for row in staging.query(derivations):  # type: ignore[union-attr]
        claim, doc = row["claim"], row["doc"]
        if doc is None:
            problems.append(f"{_show(claim)}: a qualified derivation names no prov:entity")
            continue
        if row["plain"] is not None and row["plain"].value == "false":
            problems.append(f"{_show(claim)}: qualified derivation from {_show(doc)} without prov:wasDerivedFrom")
        path = texts.get(doc.value) if isinstance(doc, ox.NamedNode) else None
        if path is None:
            continue  # a held document whose text is not here: its shipped citations were checked by `check`
        if int(row["n"].value) == 0:
            problems.append(f"{_show(claim)}: a qualified derivation carries no alg:excerpt")
            continue
        if doc.value not in folded:
            folded[doc.value] = fold_whitespace(path.read_text(encoding="utf-8"))
        for excerpt in row["excerpts"].value.split("\u001f"):
            if fold_whitespace(excerpt) not in folded[doc.value]:
                problems.append(f"{_show(claim)}: excerpt not found in {path.name}: "
                                f"{fold_whitespace(excerpt)[:80]!r}")
    for source in sources:  # a registered document's text must match its recorded digest (already in the store?)
        for row in staging.query(  # type: ignore[union-attr]
                f"SELECT ?sha WHERE {{ <{source.iri}> <{ALG.sha256}> ?sha }}"):
            if row["sha"].value != source.sha256:
                problems.append(f"<{source.iri}>: {source.path.name} does not match its alg:sha256 "
                                f"{row['sha'].value}")
    return problems


def _show(term: Any) -> str:
    return qname(to_rdflib(term)) if term is not None else "-"


# --- validation ---------------------------------------------------------------------------------------------


def validate_staging(staging: ox.Store, shapes: Graph | None = None) -> FastValidationResult:
    """Validate everything in ``staging`` (its default graph and every named graph, as one graph)."""
    return validator_for(shapes if shapes is not None else load_shapes()).validate_store(
        staging, union_default_graph=True)


def validate_change(target: QuadStore, add: Iterable[ox.Quad], drop_graphs: Iterable[str] = (),
                    shapes: Graph | None = None) -> FastValidationResult:
    """What the store's data would be after dropping ``drop_graphs`` and adding ``add``, validated against the
    shapes; nothing is written. For the HTTP write routes: a GSP PUT is ``drop_graphs=[g]`` with the new
    content, a POST ``add`` alone, a DELETE ``drop_graphs`` alone; a SPARQL Update can be applied to a copy
    made with :func:`copy_data` and validated with :func:`validate_staging`."""
    staging = ox.Store()
    copy_data(target, staging, skip=drop_graphs)
    default = ox.DefaultGraph()
    staging.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in add)
    return validate_staging(staging, shapes)


# --- the import ---------------------------------------------------------------------------------------------


def import_files(target: QuadStore, files: Sequence[Path], *, graph: str | None = None,
                 sources: Sequence[Path] = (), shapes: Graph | None = None, shipped_sources: Path | None = None,
                 progress: Progress | None = None, log: Callable[[str], None] | None = None,
                 before_commit: Callable[[], None] | None = None, infer: bool = True) -> ImportResult:
    """Parse, check and validate ``files``; commit them to ``target`` in one transaction, or raise
    :class:`ImportFailure` and leave ``target`` unchanged."""
    say = log or (lambda _line: None)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    staging = ox.Store()  # in memory: the store's data in its default graph, the import in its named graphs
    new_graphs: set[str] = set()
    count = 0
    for path in files:
        n, graphs = parse_into(staging, Path(path), graph, progress)
        count += n
        new_graphs |= graphs
    registered = [register_source(Path(p)) for p in sources]
    for source in registered:
        source_graph = graph or str(GRAPH[f"import/source-{Path(source.path).stem}"])
        staging.bulk_extend(source_quads(source, source_graph))
        new_graphs.add(source_graph)
    seconds["parse"] = time.perf_counter() - started
    say(f"parsed {count:,} quads from {len(files)} file(s) in {seconds['parse']:.2f} s")

    mark = time.perf_counter()
    existing = copy_data(target, staging)
    seconds["read store"] = time.perf_counter() - mark
    say(f"read {existing:,} quads of the store's data in {seconds['read store']:.2f} s")

    mark = time.perf_counter()
    problems = check_provenance(staging, new_graphs, registered, shipped_sources)
    seconds["provenance"] = time.perf_counter() - mark
    if problems:
        raise ImportRefused("provenance", problems)

    mark = time.perf_counter()
    result = validate_staging(staging, shapes)
    seconds["validate"] = time.perf_counter() - mark
    say(f"validated in {seconds['validate']:.2f} s ({result.queries} queries): "
        f"{len(result.violations)} violation(s)")
    if not result.conforms:
        raise ImportRefused("SHACL violations", [format_violation(v) for v in result.violations], result)

    inferred: list[ox.Quad] = []
    if infer:  # the store's inferences graph, kept up to date in the same transaction (store/reasoning.py)
        from allegiance.store.reasoning import new_inferences

        mark = time.perf_counter()
        inferred = new_inferences(target, staging, new_graphs)
        seconds["infer"] = time.perf_counter() - mark
        say(f"inferred {len(inferred):,} new triples in {seconds['infer']:.2f} s")

    if before_commit is not None:
        before_commit()
    mark = time.perf_counter()
    say(f"committing {count + 3 * len(registered) + len(inferred):,} quads in one transaction")
    added = target.add_quads(itertools.chain(_new_quads(staging, new_graphs), inferred))
    seconds["commit"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    say(f"committed {added:,} quads in {seconds['commit']:.2f} s")
    return ImportResult(added, sorted(new_graphs), [s.iri for s in registered], seconds, result)


def _new_quads(staging: ox.Store, graphs: Iterable[str]) -> Iterator[ox.Quad]:
    for g in sorted(graphs):
        yield from staging.quads_for_pattern(None, None, None, ox.NamedNode(g))


__all__ = ["FORMATS", "ImportFailure", "ImportRefused", "ImportResult", "ParseFailure", "Progress", "check_provenance",
           "copy_data", "data_graphs", "file_format", "import_files", "import_graph_iri", "load_shapes", "parse_into",
           "register_source", "validate_change", "validate_staging"]
