"""Where the knowledge base's files live: ontology, instances, shapes, queries, and the cited sources.

The knowledge base's home (the folder holding ``ontology/``, ``instances/``, ``shapes/`` and ``queries/``) is,
first found first:

1. the folder named explicitly: ``allegiance --home DIR`` (see :func:`configure`) or ``ALLEGIANCE_HOME``;
2. the checkout the package runs from, when it holds ``ontology/`` (``pip install -e .``, ``python -m allegiance``
   from a clone);
3. the copy shipped inside the package (``allegiance/data``, in the wheel).

The cited source documents are never shipped: they are ``--sources DIR`` or ``ALLEGIANCE_SOURCES``, else
``../shared/sources`` beside the home (a checkout's neighbour).

Nothing here reports success over missing data: asking a :class:`Layout` for the files of a folder that is missing
or empty raises :class:`MissingData`, whose message names the folder; the command line turns it into exit 2.
"""

from __future__ import annotations

import importlib.resources
import os
from dataclasses import dataclass
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent

HOME_ENV = "ALLEGIANCE_HOME"
SOURCES_ENV = "ALLEGIANCE_SOURCES"

# the knowledge base's folders and the files each holds
PARTS: dict[str, str] = {"ontology": "*.ttl", "instances": "*.ttl", "shapes": "*.ttl", "queries": "*.rq"}

_explicit_home: Path | None = None
_explicit_sources: Path | None = None


class MissingData(RuntimeError):
    """A folder of the knowledge base, or of the cited sources, is missing or empty (or no home was found)."""

    def __init__(self, message: str, folder: Path | None = None) -> None:
        super().__init__(message)
        self.folder = folder


def configure(home: str | os.PathLike[str] | None = None, sources: str | os.PathLike[str] | None = None) -> None:
    """Name the home and the sources folder for this process (``--home``/``--sources``); they win over the
    environment. ``None`` clears an earlier choice."""
    global _explicit_home, _explicit_sources
    _explicit_home = Path(home).expanduser().resolve() if home is not None else None
    _explicit_sources = Path(sources).expanduser().resolve() if sources is not None else None


def explicit_home() -> Path | None:
    """The home named by ``--home`` or ``ALLEGIANCE_HOME``, if any."""
    if _explicit_home is not None:
        return _explicit_home
    env = os.environ.get(HOME_ENV)
    return Path(env).expanduser().resolve() if env else None


def explicit_sources() -> Path | None:
    """The sources folder named by ``--sources`` or ``ALLEGIANCE_SOURCES``, if any."""
    if _explicit_sources is not None:
        return _explicit_sources
    env = os.environ.get(SOURCES_ENV)
    return Path(env).expanduser().resolve() if env else None


def checkout_home() -> Path | None:
    """The checkout the package runs from (``<checkout>/src/allegiance``), when it holds ``ontology/``."""
    candidate = _PACKAGE_DIR.parent.parent
    return candidate if (candidate / "ontology").is_dir() else None


def packaged_home() -> Path | None:
    """The knowledge base shipped inside the package (``allegiance/data``), when there is one."""
    try:
        root = importlib.resources.files("allegiance") / "data"
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - the package itself is always importable
        return None
    path = Path(str(root))
    return path if (path / "ontology").is_dir() else None


def find_home() -> tuple[Path, str]:
    """The knowledge base's home and how it was found (``explicit``, ``checkout`` or ``package``)."""
    explicit = explicit_home()
    if explicit is not None:
        return explicit, "explicit"
    checkout = checkout_home()
    if checkout is not None:
        return checkout, "checkout"
    packaged = packaged_home()
    if packaged is not None:
        return packaged, "package"
    raise MissingData(
        f"no knowledge base found: no {HOME_ENV}, no checkout above {_PACKAGE_DIR} and no data shipped in the "
        f"package; pass --home DIR (a folder holding ontology/ and instances/) or set {HOME_ENV}")


@dataclass(frozen=True)
class Layout:
    """The folders of one knowledge base (and where its cited sources are)."""

    home: Path
    sources_dir: Path | None = None

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
        """The folder of cited source documents: as given, else ``../shared/sources`` beside the home."""
        explicit = self.sources_dir or explicit_sources()
        if explicit is not None:
            return explicit
        return (self.home.parent / "shared" / "sources").resolve()

    def _files(self, part: str, *, required: bool) -> list[Path]:
        folder = self.home / part
        if not folder.is_dir():
            if required:
                raise MissingData(f"the knowledge base has no {part} folder: {folder} does not exist "
                                  f"(--home or {HOME_ENV} names the folder holding {part}/)", folder)
            return []
        files = sorted(folder.glob(PARTS[part]))
        if not files and required:
            raise MissingData(f"the knowledge base's {part} folder {folder} holds no {PARTS[part]} file", folder)
        return files

    def ontology_files(self) -> list[Path]:
        """The ontology's Turtle files; :class:`MissingData` when the folder is missing or empty."""
        return self._files("ontology", required=True)

    def instance_files(self) -> list[Path]:
        """The instances' Turtle files; :class:`MissingData` when the folder is missing or empty."""
        return self._files("instances", required=True)

    def shape_files(self) -> list[Path]:
        """The SHACL shapes' files (none when the folder is missing; :meth:`require` insists on them)."""
        return self._files("shapes", required=False)

    def query_files(self) -> list[Path]:
        """The canned queries (none when the folder is missing; :meth:`require` insists on them)."""
        return self._files("queries", required=False)

    def source_files(self) -> list[Path]:
        """The cited source documents; :class:`MissingData` when their folder is missing or empty."""
        folder = self.sources
        hint = (f"the cited documents are not shipped with the package: pass --sources DIR or set {SOURCES_ENV} "
                "to their folder")
        if not folder.is_dir():
            raise MissingData(f"the cited sources folder {folder} does not exist; {hint}", folder)
        files = sorted(p for p in folder.iterdir() if p.is_file())
        if not files:
            raise MissingData(f"the cited sources folder {folder} holds no file; {hint}", folder)
        return files

    def require(self, *parts: str) -> None:
        """Raise :class:`MissingData` unless each named part (a key of :data:`PARTS`, or ``sources``) has files."""
        for part in parts:
            if part == "sources":
                self.source_files()
            elif part in PARTS:
                self._files(part, required=True)
            else:
                raise ValueError(f"unknown part of a knowledge base: {part!r}")


def default_layout() -> Layout:
    """The layout of the knowledge base found by :func:`find_home`."""
    return Layout(find_home()[0])
