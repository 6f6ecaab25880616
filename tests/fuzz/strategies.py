"""Hypothesis strategies for the fuzz tests: grammar-aware SPARQL, its mutations, and hostile request parts.

* :func:`queries` -- SPARQL 1.1 queries generated from the grammar (the four forms, prologues, group patterns with
  OPTIONAL / UNION / MINUS / GRAPH / FILTER / BIND / VALUES / sub-selects, property paths, literals of every kind,
  aggregates, solution modifiers), mostly cheap (a LIMIT, a bound predicate) so a run stays short.
* :func:`mutated` -- a valid query (generated, or a shipped canned query) with grammar-level damage: tokens
  deleted, duplicated, swapped or replaced by other SPARQL tokens, escapes, quotes, comments and truncation.
* :func:`updates`, :func:`rdf_bodies` -- SPARQL Updates and RDF documents, valid, truncated or mutated.
* :data:`ACCEPTS`, :data:`CONTENT_TYPES`, :data:`FORMATS` -- header and ``format=`` values, good and odd.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

PREFIXES = {"alg": "https://w3id.org/allegiance/ontology#", "id": "https://w3id.org/allegiance/id/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#", "prov": "http://www.w3.org/ns/prov#",
            "skos": "http://www.w3.org/2004/02/skos/core#"}
PREDICATES = ("rdfs:label", "rdf:type", "alg:accuser", "alg:accused", "prov:wasDerivedFrom", "skos:altLabel",
              "alg:earliest", "<http://purl.org/dc/terms/date>", "a")
CLASSES = ("alg:Accusation", "alg:Pledge", "alg:ArmedGroup", "alg:Country", "alg:Denial", "alg:Figure")
VARS = ("?s", "?o", "?x", "?y", "$z", "?label", "?g", "?n")

REGEXES = ('"a"', '"(a|b)*c"', '"["', '"^$"', '"(a*)*b"')
var = st.sampled_from(VARS)
iri = st.sampled_from(("<https://w3id.org/allegiance/id/islamic-state>", "id:islamic-state", "id:", "alg:Claim",
                       "<urn:x:y>", "<http://example.org/é>", "<#frag>", "<relative>", "id:a\\-b", "id:x%41"))
string = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def literal(draw) -> str:
    s = draw(string)
    quoted = draw(st.sampled_from(('"{}"', "'{}'", '"""{}"""', "'''{}'''")))
    body = s.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    lit = quoted.format(body)
    suffix = draw(st.sampled_from(("", "", "@en", "@fr-BE", "^^xsd:string", "^^xsd:integer", "^^<urn:dt>")))
    number = draw(st.sampled_from(("", "1", "-2.5", "3e10", "true", "0.0", "1e-308", "99999999999999999999")))
    return number or (lit + suffix)


term = st.one_of(var, iri, literal(), st.sampled_from(("[]", "()", "(1 2)")))


@st.composite
def path(draw) -> str:
    p = draw(st.sampled_from(PREDICATES))
    return draw(st.sampled_from(("{}", "{}", "{}", "^{}", "{}*", "{}+", "{}?", "({}|rdfs:comment)",
                                 "{}/rdfs:label", "!({})"))).format(p if p != "a" else "rdf:type")


@st.composite
def triple(draw) -> str:
    s = draw(st.one_of(var, iri, st.just("[]")))
    p = draw(st.one_of(path(), var)) if draw(st.booleans()) else draw(path())
    return f"{s} {p} {draw(term)}"


@st.composite
def expression(draw, depth: int = 0) -> str:
    atoms = st.one_of(var, literal(), iri)
    if depth > 2 or draw(st.booleans()):
        return draw(atoms)
    sub = expression(depth + 1)
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return f"({draw(sub)} {draw(st.sampled_from(('=', '!=', '<', '>=', '&&', '||', '+', '*', '/')))} {draw(sub)})"
    if kind == 1:
        fn = draw(st.sampled_from(("STR", "LANG", "UCASE", "STRLEN", "isIRI", "BOUND", "ABS", "YEAR", "DATATYPE",
                                   "ENCODE_FOR_URI", "MD5", "xsd:integer", "xsd:date", "IRI", "BNODE")))
        return f"{fn}({draw(sub)})"
    if kind == 2:
        return f'REGEX({draw(sub)}, {draw(st.sampled_from(REGEXES))}, "i")'
    if kind == 3:
        return f"IF({draw(sub)}, {draw(sub)}, {draw(sub)})"
    if kind == 4:
        return f"({draw(sub)} IN ({draw(sub)}, {draw(sub)}))"
    if kind == 5:
        return f"CONCAT({draw(sub)}, {draw(sub)})"
    return f"!{draw(sub)}"


@st.composite
def group(draw, depth: int = 0) -> str:
    parts = [draw(triple()) for _ in range(draw(st.integers(1, 3)))]
    for _ in range(draw(st.integers(0, 3 if depth < 2 else 0))):
        kind = draw(st.integers(0, 8))
        inner = group(depth + 1)
        if kind == 0:
            parts.append(f"OPTIONAL {draw(inner)}")
        elif kind == 1:
            parts.append(f"{draw(inner)} UNION {draw(inner)}")
        elif kind == 2:
            parts.append(f"MINUS {draw(inner)}")
        elif kind == 3:
            parts.append(f"GRAPH {draw(st.one_of(var, iri))} {draw(inner)}")
        elif kind == 4:
            parts.append(f"FILTER({draw(expression())})")
        elif kind == 5:
            parts.append(f"BIND({draw(expression())} AS ?b{draw(st.integers(0, 10**9))})")
        elif kind == 6:
            parts.append(f"VALUES ?v{depth} {{ {draw(st.one_of(iri, literal()))} UNDEF {draw(literal())} }}")
        elif kind == 7:
            parts.append(f"FILTER {draw(st.sampled_from(('EXISTS', 'NOT EXISTS')))} {draw(inner)}")
        else:
            parts.append(f"{{ SELECT * WHERE {draw(inner)} LIMIT 3 }}")
    sep = draw(st.sampled_from((" . ", " .\n", ". ", " . # c\n")))
    return "{ " + sep.join(parts) + " }"


@st.composite
def queries(draw) -> str:
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    if draw(st.booleans()):
        prologue = "BASE <http://example.org/base/>\n" + prologue
    where = draw(group())
    form = draw(st.integers(0, 5))
    dataset = draw(st.sampled_from(("", "", "", "FROM <urn:g> ", "FROM NAMED <urn:g> ",
                                    "FROM <https://w3id.org/allegiance/graph/ontology> ")))
    if form == 0:
        head = f"SELECT {draw(st.sampled_from(('*', 'DISTINCT *', '?s ?o', 'REDUCED ?x')))} {dataset}WHERE"
    elif form == 1:
        agg = draw(st.sampled_from(("COUNT(*)", "COUNT(DISTINCT ?s)", "SAMPLE(?o)", "GROUP_CONCAT(?o; SEPARATOR='|')",
                                    "MAX(?o)", "SUM(?n)", "AVG(?o)")))
        head = f"SELECT ?s ({agg} AS ?agg) {dataset}WHERE"
        where += " GROUP BY ?s" + draw(st.sampled_from(("", " HAVING (COUNT(*) > 1)")))
    elif form == 2:
        head = f"ASK {dataset}"
    elif form == 3:
        head = f"CONSTRUCT {{ ?s ?p ?o . ?s rdfs:label {draw(literal())} }} {dataset}WHERE"
        where = where[:-1] + " . ?s ?p ?o }"
    elif form == 4:
        head = f"DESCRIBE {draw(st.sampled_from(('?s', '*', 'id:islamic-state')))} {dataset}WHERE"
    else:
        head = f"CONSTRUCT {dataset}WHERE"
        where = "{ ?s rdfs:label ?o }"
    modifiers = ""
    if form not in (2,):
        modifiers = draw(st.sampled_from(("", " ORDER BY ?s", " ORDER BY DESC(?o)", " OFFSET 2")))
        modifiers += draw(st.sampled_from((" LIMIT 5", " LIMIT 5", " LIMIT 0", " LIMIT 20", "")))
    return f"{prologue}{head} {where}{modifiers}"


TOKENS = ("SELECT", "WHERE", "{", "}", "(", ")", ".", ";", ",", "?x", "<", ">", "<http://a>", '"', "'", '"""',
          "#", "\n", "\\u0041", "\\U0001F600", "\\", "FILTER", "OPTIONAL", "UNION", "SERVICE", "LOAD", "INSERT",
          "DELETE", "PREFIX", "BASE", "GRAPH", "a", "^^", "@", "_:", "[", "]", "*", "+", "|", "/", "^", "!",
          "LIMIT", "-1", "99999999999999999999", "\x00", "\u202e", "\ud7ff", "\ufeff", "é", "%00", "{" * 50,
          "(" * 40)
TOKEN_RE = re.compile(r"\s+|[{}().;,\[\]]|\"[^\"]*\"|<[^>\s]*>|[^\s{}().;,\[\]]+")


@st.composite
def mutated(draw, sources: st.SearchStrategy[str]) -> str:
    """``sources``' text, tokenized, with one to four grammar-level mutations."""
    tokens = TOKEN_RE.findall(draw(sources)) or [""]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.integers(0, 6))
        i = draw(st.integers(0, len(tokens) - 1)) if tokens else 0
        if not tokens:
            tokens = [draw(st.sampled_from(TOKENS))]
        elif op == 0:
            del tokens[i]
        elif op == 1:
            tokens.insert(i, draw(st.sampled_from(TOKENS)))
        elif op == 2:
            tokens[i] = draw(st.sampled_from(TOKENS))
        elif op == 3:
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == 4:
            tokens.insert(i, tokens[i])
        elif op == 5:
            tokens = tokens[: i + 1]  # truncated
        else:
            tokens[i] = tokens[i].swapcase()
    return "".join(tokens)


@st.composite
def updates(draw) -> str:
    prologue = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX alg: <https://w3id.org/allegiance/ontology#>\n"
    g = draw(st.sampled_from(("", "GRAPH <https://example.org/fuzz> ")))
    body = f"{g}{{ <urn:fuzz:s> rdfs:label {draw(literal())} }}" if g else \
        f"<urn:fuzz:s> rdfs:label {draw(literal())}"
    op = draw(st.sampled_from((f"INSERT DATA {{ {body} }}", f"DELETE DATA {{ {body} }}",
                               "DELETE WHERE { ?s rdfs:label ?o }", "CLEAR ALL", "DROP DEFAULT",
                               "CLEAR GRAPH <https://w3id.org/allegiance/graph/ontology>",
                               "INSERT { ?s a alg:ArmedGroup } WHERE { ?s rdfs:label ?o } ",
                               "CREATE GRAPH <https://example.org/fuzz>", "ADD DEFAULT TO <https://example.org/x>",
                               "MOVE <https://example.org/a> TO <https://example.org/b>")))
    text = prologue + op
    return draw(st.one_of(st.just(text), mutated(st.just(text))))


RDF_SAMPLES = {
    "text/turtle": '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<urn:fuzz:s> rdfs:label "x"@en ;\n'
                   '  rdfs:comment """multi\nline""" , 12 , [ a <urn:fuzz:T> ] .\n',
    "application/n-triples": '<urn:fuzz:s> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
                             '_:b <urn:fuzz:p> "\\u00e9"@fr .\n',
    "application/ld+json": '{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}, '
                           '"@id": "urn:fuzz:s", "label": "x"}',
    "application/rdf+xml": '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                           'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description '
                           'rdf:about="urn:fuzz:s"><rdfs:label>x</rdfs:label></rdf:Description></rdf:RDF>',
    "application/n-quads": '<urn:fuzz:s> <urn:fuzz:p> "x" <urn:fuzz:g> .\n',
    "application/trig": '<urn:fuzz:g> { <urn:fuzz:s> <urn:fuzz:p> "x" }\n',
}
XML_BOMB = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="urn:x"><rdf:value>&c;</rdf:value></rdf:Description></rdf:RDF>')
XXE = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rdf:RDF '
       'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="urn:x">'
       '<rdf:value>&x;</rdf:value></rdf:Description></rdf:RDF>')


@st.composite
def rdf_bodies(draw) -> tuple[str, bytes]:
    """(Content-Type, body): a valid sample, truncated, mutated, re-labelled, random bytes or a hostile XML."""
    media_type = draw(st.sampled_from(sorted(RDF_SAMPLES)))
    text = RDF_SAMPLES[media_type]
    kind = draw(st.integers(0, 5))
    if kind == 0:
        body = text.encode()
    elif kind == 1:
        body = text.encode()[: draw(st.integers(0, len(text.encode()) - 1))]
    elif kind == 2:
        body = draw(mutated(st.just(text))).encode("utf-8", "surrogatepass")
    elif kind == 3:
        body = text.encode()
        media_type = draw(st.sampled_from(sorted(RDF_SAMPLES)))  # the wrong syntax for the body
    elif kind == 4:
        body = draw(st.binary(max_size=200))
    else:
        body, media_type = draw(st.sampled_from((XML_BOMB, XXE))).encode(), "application/rdf+xml"
    ctype = draw(st.sampled_from((media_type, media_type, f"{media_type}; charset=utf-8",
                                  f"{media_type}; charset=latin-1", "", "text/plain", "multipart/form-data",
                                  "application/x-www-form-urlencoded", f"{media_type};;;=", "*/*")))
    return ctype, body


ACCEPTS = st.sampled_from((
    None, "*/*", "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
    "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
    "application/n-quads", "application/trig", "text/html", "application/json", "text/n3", "image/png",
    "text/html;q=0.1, application/json;q=0.9", "application/*;q=0", "*/*;q=abc", ";;;", "text/turtle;q=2",
    "application/sparql-results+json;charset=latin-1", "x" * 2000, ",,,", "*/*, text/html;level=1;q=0.5",
    "text/plain", "application/problem+json"))
CONTENT_TYPES = st.sampled_from((
    None, "", "application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update",
    "application/sparql-query; charset=utf-8", "application/sparql-query; charset=latin-1",
    "application/x-www-form-urlencoded; charset=UTF-16", "text/plain", "multipart/form-data",
    "multipart/form-data; boundary=x", "application/json", "APPLICATION/SPARQL-QUERY", ";", "a/b; c=\"d"))
FORMATS = st.one_of(st.sampled_from(("json", "xml", "csv", "tsv", "ttl", "turtle", "nt", "jsonld", "rdf", "nq",
                                     "trig", "html", "srj", "png", "", "JSON", "application/sparql-results+json",
                                     "text/csv;q=0", "../../etc/passwd")), string)
PARAM_NAMES = st.one_of(st.sampled_from(("query", "update", "default-graph-uri", "named-graph-uri", "format",
                                         "page", "graph", "default", "using-graph-uri", "year", "affiliations",
                                         "callback", "output", "timeout")), string)
PARAM_VALUES = st.one_of(string, st.sampled_from(("", "1", "-1", "0", "99999999999999999999", "true", "1e3",
                                                  "http://example.org/", "urn:x", "relative", "http://[::1",
                                                  "<script>alert(1)</script>", "%00", "\x00", "é" * 300,
                                                  "https://w3id.org/allegiance/id/islamic-state", "2014",
                                                  "2014-06", "2014-06-29", "--", "../" * 10)))
