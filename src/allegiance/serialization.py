"""Writing query answers in the negotiated format, with the result-size cap enforced before anything is written.

SELECT solutions are counted first and written here (SPARQL JSON, XML, CSV, TSV), because pyoxigraph's own writer
cannot stop at a limit; booleans and graphs use pyoxigraph's writers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .namespaces import PREFIXES
from .negotiation import Format

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class TooManyResults(Exception):
    def __init__(self, cap: int, unit: str):
        self.cap = cap
        self.unit = unit
        super().__init__(f"the answer has more than {cap} {unit}, the server's limit: "
                         f"add a LIMIT or narrow the query")


def take(iterator, cap: int, unit: str, distinct: bool = False) -> list:
    """At most ``cap`` items (without repeats if ``distinct``), or :class:`TooManyResults` if there are more."""
    items: dict = {}
    listed = []
    for item in iterator:
        if distinct:
            if item in items:
                continue
            items[item] = None
        if len(listed) == cap:
            raise TooManyResults(cap, unit)
        listed.append(item)
    return listed


# ------------------------------------------------------------------------------------------------ SELECT

def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != _XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    raise TypeError(repr(t))


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    raise TypeError(repr(t))


def _csv_field(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        text = "_:" + t.value
    elif isinstance(t, (ox.NamedNode, ox.Literal)):
        text = t.value
    else:
        text = str(t)
    if any(c in text for c in ',"\n\r'):
        text = '"' + text.replace('"', '""') + '"'
    return text


_NT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BARE = {XSD + "integer": r"[+-]?\d+", XSD + "decimal": r"[+-]?\d*\.\d+", XSD + "boolean": r"true|false"}


def _nt(t) -> str:
    import re

    if isinstance(t, ox.NamedNode):
        return f"<{t.value}>"
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    if isinstance(t, ox.Literal):
        dt = t.datatype.value
        if dt in _BARE and re.fullmatch(_BARE[dt], t.value):
            return t.value
        lex = '"' + "".join(_NT_ESCAPES.get(c, c) for c in t.value) + '"'
        if t.language:
            return f"{lex}@{t.language}"
        if dt not in (_XSD_STRING, _RDF_LANG_STRING):
            return f"{lex}^^<{dt}>"
        return lex
    if isinstance(t, ox.Triple):
        return f"<< {_nt(t.subject)} {_nt(t.predicate)} {_nt(t.object)} >>"
    raise TypeError(repr(t))


def solutions(names: Sequence[str], rows: Sequence[ox.QuerySolution], fmt: Format) -> bytes:
    if fmt.name == "JSON":
        bindings = [{n: _json_term(row[n]) for n in names if row[n] is not None} for row in rows]
        return json.dumps({"head": {"vars": list(names)}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fmt.name == "XML":
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        parts += [f"<variable name={quoteattr(n)}/>" for n in names]
        parts.append("</head><results>")
        for row in rows:
            parts.append("<result>")
            for n in names:
                value = row[n]
                if value is not None:
                    parts.append(f"<binding name={quoteattr(n)}>{_xml_term(value)}</binding>")
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode("utf-8")
    if fmt.name == "CSV":
        lines = [",".join(_csv_field(ox.Literal(n)) for n in names)]
        lines += [",".join(_csv_field(row[n]) for n in names) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if fmt.name == "TSV":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join("" if row[n] is None else _nt(row[n]) for n in names) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"{fmt.media_type} is not a results format")


def boolean(value: ox.QueryBoolean, fmt: Format) -> bytes:
    return value.serialize(format=getattr(ox.QueryResultsFormat, fmt.name))


def graph(triples: Sequence[ox.Triple], fmt: Format) -> bytes:
    rdf_format = getattr(ox.RdfFormat, fmt.name)
    items: Sequence = triples
    if fmt.name in ("N_QUADS", "TRIG"):
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    prefixes = PREFIXES if fmt.name in ("TURTLE", "TRIG") else None
    return ox.serialize(items, format=rdf_format, prefixes=prefixes)
