"""The cited source documents' texts, where the server can read them, and where each excerpt sits in them.

The texts are never shipped: they are the sources folder of the layout (``--sources``, ``ALLEGIANCE_SOURCES`` or
``../shared/sources``). A document is used only when its file's SHA-256 is the one the graph records. An excerpt is
found as :mod:`allegiance.kb.citations` checks it: any run of white space matches any other.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from allegiance.namespaces import sparql_prologue

CATALOGUE = sparql_prologue() + """SELECT ?s ?file ?sha WHERE {
  ?s a alg:SourceDocument ; dcterms:identifier ?file . OPTIONAL { ?s alg:sha256 ?sha }
}"""

NOWHERE = 1 << 60  # the position of an excerpt that cannot be found (sorts last)


def pattern(excerpt: str) -> re.Pattern[str]:
    words = excerpt.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words)) if words else re.compile(r"(?!)")


class SourceTexts:
    """Source IRI -> text, read once (thread-safe: pages are rendered in threads)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._files: dict[str, tuple[str, str | None]] = {}
        self._texts: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def register(self, catalogue: dict[str, tuple[str, str | None]]) -> None:
        """``catalogue``: source IRI -> (file name, SHA-256 or None), from :data:`CATALOGUE`."""
        with self._lock:
            for iri, entry in catalogue.items():
                if self._files.get(iri) != entry:
                    self._files[iri] = entry
                    self._texts.pop(iri, None)

    def text(self, iri: str) -> str | None:
        with self._lock:
            if iri not in self._texts:
                self._texts[iri] = self._read(iri)
            return self._texts[iri]

    def _read(self, iri: str) -> str | None:
        entry = self._files.get(iri)
        if entry is None or self.folder is None:
            return None
        name, sha = entry
        path = self.folder / name
        if "/" in name or not path.is_file():
            return None
        data = path.read_bytes()
        if sha is not None and hashlib.sha256(data).hexdigest() != sha:
            return None
        return data.decode("utf-8", errors="replace")

    def find(self, iri: str, excerpt: str, start: int = 0) -> tuple[int, int] | None:
        """Where ``excerpt`` first occurs in the text at or after ``start`` (else anywhere), or None."""
        text = self.text(iri)
        if text is None:
            return None
        rx = pattern(excerpt)
        m = rx.search(text, start) or (rx.search(text) if start else None)
        return (m.start(), m.end()) if m else None

    def position(self, iri: str, excerpt: str) -> int:
        span = self.find(iri, excerpt)
        return span[0] if span else NOWHERE
