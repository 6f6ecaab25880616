"""What a query needs to run, and what comes back: the executor's inputs and outputs, free of HTTP."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from allegiance.sparql.formats import Format, Kind

Term = tuple[str, str, str | None, str | None]  # ("iri" | "literal", value, datatype, language)


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of one query.

    ``None`` for both lists: the store's own (its default graph is the served merge of ontology, instances and
    inferences; every named graph is available; the query's FROM / FROM NAMED, if any, decide). Otherwise exactly
    the graphs named by the protocol's ``default-graph-uri`` / ``named-graph-uri`` (they override the query's).
    """

    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Page:
    size: int
    offset: int


@dataclass(frozen=True)
class Job:
    query: str
    dataset: Dataset = Dataset()
    accept: str | None = None
    format: str | None = None
    base_iri: str | None = None
    substitutions: dict[str, Term] = field(default_factory=dict)
    page: Page | None = None

    def wire(self, version: str, max_bytes: int) -> dict[str, Any]:
        data = asdict(self)
        data["default_graphs"] = data["dataset"]["default_graphs"]
        data["named_graphs"] = data["dataset"]["named_graphs"]
        del data["dataset"]
        data["version"] = version
        data["max_bytes"] = max_bytes
        return data

    @cached_property
    def _request_digest(self) -> str:
        data = json.dumps([self.query, self.dataset.default_graphs, self.dataset.named_graphs, self.accept,
                           self.format, self.base_iri, sorted(self.substitutions.items()),
                           None if self.page is None else (self.page.size, self.page.offset)])
        return hashlib.blake2b(data.encode("utf-8"), digest_size=16).hexdigest()

    def key(self, version: str) -> str:
        """The cache key: the store's version and the normalised request."""
        return f"{self._request_digest}-{hashlib.blake2b(version.encode(), digest_size=8).hexdigest()}"


@dataclass(frozen=True)
class Answer:
    body: bytes
    format: Format
    kind: Kind
    etag: str
    has_next: bool | None = None
    cached: bool = False


def from_wire(term: Term | list[str | None]) -> ox.NamedNode | ox.Literal:
    """A job's term, ``(kind, value, datatype, language)`` (:data:`Term`), for pyoxigraph."""
    kind, value, datatype, language = term
    assert value is not None
    if kind == "iri":
        return ox.NamedNode(value)
    if language:
        return ox.Literal(value, language=language)
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)
