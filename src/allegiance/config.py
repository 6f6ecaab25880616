"""The server's settings: one frozen dataclass, checked when it is made, passed to every part of the server.

The command line (``allegiance serve``) is generated from the fields' metadata, so a default is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from allegiance.namespaces import BASE

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"


class ConfigurationError(ValueError):
    """A combination of settings that the server refuses to run with."""


def _opt(help: str, **kw: object) -> dict[str, object]:
    return {"help": help, **kw}


@dataclass(frozen=True)
class Settings:
    host: str = field(default="127.0.0.1", metadata=_opt("address to bind"))
    port: int = field(default=8000, metadata=_opt("port"))
    store: str | None = field(default=None, metadata=_opt(
        "a folder: keep the embedded store on disk here, reused at the next start while its inputs are unchanged "
        "(default: a temporary folder, removed at exit); an http(s) URL: the query URL of a remote SPARQL 1.1 store "
        "to serve instead (load it with 'allegiance load')", metavar="PATH|URL"))
    store_update: str | None = field(default=None, metadata=_opt(
        "the SPARQL 1.1 Update URL of a remote --store (default: none, read-only)", metavar="URL"))
    store_data: str | None = field(default=None, metadata=_opt(
        "the Graph Store Protocol URL of a remote --store (default: none; whole graphs are read by CONSTRUCT)",
        metavar="URL"))
    store_default_graph: str | None = field(default=None, metadata=_opt(
        "for a remote --store whose default graph is the union of all its graphs (Virtuoso): the named graph "
        "holding the served merge, used as every query's default graph (default: the store's own default graph)",
        metavar="IRI"))
    empty: bool = field(default=False, metadata=_opt(
        "serve an empty scratch store instead of the knowledge base (for conformance runs and tests): its default "
        "graph is a graph of its own, written directly, and no shapes apply"))
    load: tuple[Path, ...] = field(default=(), metadata=_opt(
        "also load this RDF file (N-Quads/TriG as given; Turtle/N-Triples/RDF-XML into a graph of its own, part of "
        "the default graph); repeatable", metavar="FILE"))
    timeout: float = field(default=10.0, metadata=_opt("seconds per query, queueing and serialization included"))
    max_answer_bytes: int = field(default=64 * 1024 * 1024, metadata=_opt(
        "bytes of one answer; a larger one gets 422, never a cut-off 200"))
    max_body: int = field(default=1_000_000, metadata=_opt("bytes of a request body"))
    header_timeout: float = field(default=10.0, metadata=_opt(
        "seconds for a request's head (request line and headers) to arrive, from the connection's start or the end "
        "of the previous response; a slower one gets 408 and the connection is closed"))
    max_header_bytes: int = field(default=64 * 1024, metadata=_opt(
        "bytes of a request's head; a larger one gets 431 and the connection is closed"))
    body_timeout: float = field(default=30.0, metadata=_opt(
        "seconds for a request's whole body to arrive, from the request's start; a slower one gets 408"))
    workers: int = field(default=4, metadata=_opt(
        "query worker processes; one client holds at most workers-1 of them at a time"))
    worker_memory_mb: int = field(default=2048, metadata=_opt("memory (data segment, MB) of one query worker"))
    memory_copy_quads: int = field(default=300_000, metadata=_opt(
        "a store of at most this many quads is copied into each worker's memory, where queries run faster; "
        "a larger one is read from disk (0: always from disk)"))
    service_allowlist: tuple[str, ...] = field(default=(WIKIDATA_SPARQL,), metadata=_opt(
        "an http(s) SERVICE endpoint queries may call; repeatable; 'none' forbids all", flag="--allow-service",
        metavar="IRI"))
    sandbox: bool = field(default=True, metadata=_opt(
        "run queries in a network namespace whose only way out is the allowlist relay; --no-sandbox turns this "
        "off (then SERVICE can reach any address the server can: only for a trusted network)"))
    cache_bytes: int = field(default=32 * 1024 * 1024, metadata=_opt("bytes of complete answers kept in memory"))
    cache_ttl: float = field(default=60.0, metadata=_opt(
        "seconds a cached answer is served (answers also expire with every write)"))
    cors_origins: tuple[str, ...] = field(default=("*",), metadata=_opt(
        "an origin allowed to read by CORS, without credentials; repeatable (default: any, like Wikidata's "
        "endpoint); 'none' turns CORS off", flag="--cors-origin", metavar="ORIGIN"))
    public_url: str | None = field(default=None, metadata=_opt(
        "the server's public URL, ending in '/', for every absolute link it writes (default: "
        "http://HOST:PORT/); links never come from the Host header"))
    public_base: str = field(default=BASE, metadata=_opt("the base IRI of the published IRIs", flag="--base-iri"))
    access_log: bool = field(default=False, metadata=_opt("log every request (uvicorn's access log)"))
    log_level: str = field(default="info", metadata=_opt(
        "log level", choices=["critical", "error", "warning", "info", "debug"]))

    def __post_init__(self) -> None:
        if min(self.timeout, self.header_timeout, self.body_timeout) <= 0:
            raise ConfigurationError("--timeout, --header-timeout and --body-timeout must be positive")
        if self.max_header_bytes < 1024:
            raise ConfigurationError("--max-header-bytes must be at least 1024")
        if min(self.max_answer_bytes, self.max_body, self.workers, self.cache_ttl + 1) < 1:
            raise ConfigurationError("--max-answer-bytes, --max-body and --workers must be at least 1")
        if self.workers < 2:
            raise ConfigurationError("--workers must be at least 2 (one client never holds them all)")
        if not self.public_base.endswith("/"):
            raise ConfigurationError("the public base IRI must end with '/'")
        if self.public_url is not None and not (self.public_url.startswith(("http://", "https://"))
                                                and self.public_url.endswith("/")):
            raise ConfigurationError("--public-url must be an http(s) URL ending with '/'")
        for name, value in (("--store-update", self.store_update), ("--store-data", self.store_data)):
            if value is not None and not value.lower().startswith(("http://", "https://")):
                raise ConfigurationError(f"{name} {value!r}: must be an http(s) URL")
            if value is not None and self.store_url is None:
                raise ConfigurationError(f"{name} is for a remote store: give --store an http(s) URL")
        for iri in self.service_allowlist:
            if not iri.startswith(("http://", "https://")):
                raise ConfigurationError(f"--allow-service {iri!r}: only http(s) endpoints can be allowed")

    @property
    def store_url(self) -> str | None:
        """The query URL of a remote store, or None for the embedded one."""
        return self.store if self.store and self.store.lower().startswith(("http://", "https://")) else None

    @property
    def store_path(self) -> Path | None:
        """The folder of the embedded store, or None (a temporary folder, or a remote store)."""
        return Path(self.store) if self.store and self.store_url is None else None

    @property
    def url(self) -> str:
        """The server's own URL, for absolute links."""
        return self.public_url or f"http://{self.host}:{self.port}/"

    @property
    def endpoint_url(self) -> str:
        return self.url + "sparql"
