"""How the HTML pages show RDF terms: a project IRI links to this server's own page (``https://w3id.org/allegiance/
id/x`` -> ``/id/x``), any IRI reads as a prefixed name or its label, a literal shows a short datatype (``xsd:gYear``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allegiance.namespaces import BASE, ONTOLOGY_IRI
from allegiance.namespaces import prefixed_name as qname

KINDS = ("id", "source", "concept")  # the kinds of project IRIs that dereference


def local_path(iri: str, prefix: str = "") -> str | None:
    """The server path of a project IRI (``https://w3id.org/allegiance/id/x`` -> ``/id/x``), else None."""
    if iri.startswith(ONTOLOGY_IRI + "#"):
        return f"{prefix}/ontology.html#{iri.split('#', 1)[1]}"
    if iri == ONTOLOGY_IRI:
        return f"{prefix}/ontology"
    if iri.startswith(BASE):
        rest = iri[len(BASE):]
        if rest.split("/", 1)[0] in KINDS:
            return f"{prefix}/{rest}"
    return None


def page_path(iri: str, prefix: str = "") -> str | None:
    """The HTML page of a dereferenceable project IRI (``/id/x.html``), so a link needs no redirect."""
    path = local_path(iri, prefix)
    if path is None or "#" in path or path.endswith("/ontology"):
        return path
    return path + ".html"


@dataclass
class View:
    """What the templates show of a term."""

    text: str
    href: str | None = None
    title: str = ""
    literal: bool = False
    lang: str = ""
    children: list = field(default_factory=list)  # (predicate View, object View) of a blank node


def iri_view(iri: str, prefix: str = "", label: str | None = None) -> View:
    """An IRI: its label (else its prefixed name), linked to its page here, or to itself elsewhere."""
    return View(label or qname(iri), page_path(iri, prefix) or iri, iri)


def literal_view(value: str, datatype: str | None = None, lang: str | None = None) -> View:
    short = qname(datatype) if datatype else ""
    shown = "" if short in ("", "xsd:string", "rdf:langString") else short
    return View(value, None, shown, True, lang or "")


def best_label(labels: list[tuple[str, str]]) -> str | None:
    """The English label, else one without a language, else any (``labels``: (text, language) pairs)."""
    for wanted in ("en", ""):
        for text, lang in labels:
            if lang.lower().split("-")[0] == wanted:
                return text
    return labels[0][0] if labels else None
