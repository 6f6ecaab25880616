"""Checking citations against the cited text: every excerpt must occur in the source document it cites.

Excerpts are compared after folding every run of white space (line breaks included) to one space, so that an
excerpt copied across a line break of the source still matches; nothing else is normalised.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.term import Node

from allegiance.namespaces import ALG, DCTERMS, PROV, RDF

_WS = re.compile(r"\s+")


def fold_whitespace(text: str) -> str:
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=64)
def _folded_text(path: Path) -> str:
    return fold_whitespace(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CitationProblem:
    node: Node | None  # the node citing the source (an IRI or a blank node)
    source: Node | None
    message: str

    def __str__(self) -> str:
        return f"{self.node}: {self.message}"


def source_files(graph: Graph, sources_dir: Path) -> dict[Node, Path]:
    """Each alg:SourceDocument with the file its dcterms:identifier names in ``sources_dir``."""
    files: dict[Node, Path] = {}
    for doc in graph.subjects(RDF.type, ALG.SourceDocument):
        ident = graph.value(doc, DCTERMS.identifier)
        if ident is not None:
            files[doc] = sources_dir / str(ident)
    return files


def check_citations(graph: Graph, sources_dir: Path) -> list[CitationProblem]:
    """Every qualified derivation cites a known source document whose text contains its excerpt(s),
    the unqualified prov:wasDerivedFrom is there beside it, and each source's file matches its SHA-256."""
    problems: list[CitationProblem] = []
    files = source_files(graph, sources_dir)
    for doc, file in files.items():
        if not file.is_file():
            problems.append(CitationProblem(doc, doc, f"source file {file} not found"))
            continue
        digest = graph.value(doc, ALG.sha256)
        if digest is not None and hashlib.sha256(file.read_bytes()).hexdigest() != str(digest):
            problems.append(CitationProblem(doc, doc, f"{file.name} does not match its alg:sha256"))
    for node, derivation in graph.subject_objects(PROV.qualifiedDerivation):
        source = graph.value(derivation, PROV.entity)
        if source is None:
            problems.append(CitationProblem(node, None, "a qualified derivation names no prov:entity"))
            continue
        if (node, PROV.wasDerivedFrom, source) not in graph:
            problems.append(CitationProblem(node, source,
                                            f"qualified derivation from {source} without prov:wasDerivedFrom"))
        path = files.get(source)
        if path is None or not path.is_file():
            problems.append(CitationProblem(node, source,
                                            f"cites {source}, which is not a readable alg:SourceDocument"))
            continue
        excerpts = list(graph.objects(derivation, ALG.excerpt))
        if not excerpts:
            problems.append(CitationProblem(node, source, "a qualified derivation carries no alg:excerpt"))
        text = _folded_text(path)
        for excerpt in excerpts:
            if not isinstance(excerpt, Literal) or fold_whitespace(str(excerpt)) not in text:
                shown = fold_whitespace(str(excerpt))[:80]
                problems.append(CitationProblem(node, source, f"excerpt not found in {path.name}: {shown!r}"))
    return problems
