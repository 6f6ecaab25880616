"""The endpoint's settings: one frozen dataclass, checked when it is made."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .namespaces import BASE

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"


class ConfigurationError(ValueError):
    """A combination of settings that the server refuses to run with."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    store_path: Path | None = None  # None: in memory, rebuilt at every start
    load: tuple[Path, ...] = ()  # extra N-Quads / TriG / Turtle / N-Triples files
    timeout: float = 10.0  # seconds per query, serialization included
    max_results: int = 10_000  # rows (SELECT) or triples (CONSTRUCT, DESCRIBE)
    max_body: int = 1_000_000  # bytes of a request body
    workers: int = 2  # query worker processes
    service_allowlist: tuple[str, ...] = (WIKIDATA_SPARQL,)
    cors_origins: tuple[str, ...] = ()
    cors_credentials: bool = False
    public_base: str = BASE
    log_level: str = "info"
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.cors_credentials and "*" in self.cors_origins:
            raise ConfigurationError(
                "CORS: a wildcard origin ('*') together with credentials is refused; "
                "list the allowed origins explicitly")
        if self.timeout <= 0:
            raise ConfigurationError("the query timeout must be positive")
        if self.max_results < 1 or self.max_body < 1 or self.workers < 1:
            raise ConfigurationError("--max-results, --max-body and --workers must be at least 1")
        if not self.public_base.endswith("/"):
            raise ConfigurationError("the public base IRI must end with '/'")
