"""Where the knowledge base's files live: ontology, instances, shapes, queries and the cited sources.

They are the top-level folders of the checkout the package is installed from (``pip install -e .``);
``ALLEGIANCE_HOME`` names another knowledge base's folder, and
``ALLEGIANCE_SOURCES`` names the folder of cited source documents (default ``../shared/sources`` beside
the checkout).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _home() -> Path:
    env = os.environ.get("ALLEGIANCE_HOME")
    if env:
        return Path(env).resolve()
    return _PACKAGE_DIR.parent.parent


@dataclass(frozen=True)
class Layout:
    """The folders of one knowledge base."""

    home: Path

    @property
    def ontology(self) -> Path:
        return self.home / "ontology"

    @property
    def instances(self) -> Path:
        return self.home / "instances"

    @property
    def shapes(self) -> Path:
        return self.home / "shapes"

    @property
    def queries(self) -> Path:
        return self.home / "queries"

    @property
    def sources(self) -> Path:
        env = os.environ.get("ALLEGIANCE_SOURCES")
        if env:
            return Path(env).resolve()
        return (self.home.parent / "shared" / "sources").resolve()

    def ontology_files(self) -> list[Path]:
        return sorted(self.ontology.glob("*.ttl"))

    def instance_files(self) -> list[Path]:
        return sorted(self.instances.glob("*.ttl"))

    def shape_files(self) -> list[Path]:
        return sorted(self.shapes.glob("*.ttl"))

    def query_files(self) -> list[Path]:
        return sorted(self.queries.glob("*.rq"))


def default_layout() -> Layout:
    return Layout(_home())
