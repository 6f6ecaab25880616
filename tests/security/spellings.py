"""Hostile SPARQL: every way we know to spell "call this loopback address", for the SSRF differential test.

The corpus has two parts, both deterministic for given canary ports:

* :func:`known_cases` -- a hand-written list: the bypasses found in review (``SERVICEc:x``, ``\\#``, ``\\'``), every
  PN_LOCAL escape as a decoy and inside the SERVICE target, every spelling of the loopback host, ``\\u`` escapes in
  keywords and IRIs, ``BASE`` and relative IRIs, ``SERVICE ?var``, comments and strings in odd places, SERVICE under
  EXISTS / NOT EXISTS / MINUS / OPTIONAL / UNION / subqueries / GRAPH / LATERAL, error pages of the canary, updates
  (``LOAD`` / ``INSERT``, which must be refused) and dataset clauses (``FROM`` / ``FROM NAMED`` / ``GRAPH``, which
  must never fetch);
* :func:`generated_cases` -- queries composed by Hypothesis from the same parts (a fixed number of examples,
  ``derandomize=True``, generate phase only: the same queries on every run with the same Hypothesis version).

Every query that aims at the HTTP canary carries its case id in the IRI's path (``/k012/...``), so a request that
reaches the canary names the query that sent it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

PLACEHOLDER = "QQTAGQQ"  # stands for the case id until the id is known; replaced in every query text

# PN_LOCAL_ESC of the SPARQL 1.1 grammar (rule 173), plus '"', which is not one (the engine must reject it, but a
# hand-written lexer may take it for the start of a string).
PN_LOCAL_ESCAPES: tuple[str, ...] = tuple("\\" + c for c in "#'\"~.-!$&()*+,;=/?@%_")

METHODS = ("get", "form", "body")  # GET ?query=, POST form query=, POST application/sparql-query
UPDATE_METHODS = ("update-form", "update-body")  # POST form update=, POST application/sparql-update

# How a case must be answered (beyond: the canary is never reached and its secret never echoed).
NO_LEAK = "no-leak"  # 2xx, 4xx, or 502/503/504 with a message; never 500
REFUSED = "refused"  # 4xx
ANSWERED = "answered"  # 200

DECOY_PREFIX = "PREFIX x: <http://e.example/> "
N_GENERATED = 500  # Hypothesis examples for the server test (duplicates are dropped: about 420 remain)


@dataclass(frozen=True)
class Targets:
    """Where the canaries listen (all on loopback)."""

    http_port: int
    raw_port: int
    http6_port: int | None = None


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    query: str
    methods: tuple[str, ...] = METHODS
    expect: str = NO_LEAK
    params: tuple[tuple[str, str], ...] = ()  # extra protocol parameters (default-graph-uri, named-graph-uri)


# --- IRIs aiming at the canaries -------------------------------------------------------------------------------


def authorities(t: Targets) -> list[tuple[str, str]]:
    """(label, host:port) spellings that all mean the HTTP canary (or, for [::1], its IPv6 twin)."""
    p = t.http_port
    out = [
        ("ipv4", f"127.0.0.1:{p}"),
        ("localhost", f"localhost:{p}"),
        ("LOCALHOST", f"LOCALHOST:{p}"),
        ("localhost-dot", f"localhost.:{p}"),
        ("ipv4-dot", f"127.0.0.1.:{p}"),
        ("any", f"0.0.0.0:{p}"),
        ("zero", f"0:{p}"),
        ("short", f"127.1:{p}"),
        ("short3", f"127.0.1:{p}"),
        ("decimal", f"2130706433:{p}"),
        ("hex", f"0x7f000001:{p}"),
        ("hex-dotted", f"0x7F.0.0.1:{p}"),
        ("octal", f"0177.0.0.1:{p}"),
        ("octal-long", f"017700000001:{p}"),
        ("zero-padded", f"127.000.000.001:{p}"),
        ("pct-host", f"%31%32%37.0.0.1:{p}"),
        ("v4-mapped", f"[::ffff:127.0.0.1]:{p}"),
        ("port-zero-padded", f"127.0.0.1:0{p}"),
        ("other-loopback", f"127.0.0.2:{p}"),  # binds to 127.0.0.1 only: reached only if the kernel routes it so
    ]
    if t.http6_port is not None:
        out += [("ipv6", f"[::1]:{t.http6_port}"), ("ipv6-long", f"[0:0:0:0:0:0:0:1]:{t.http6_port}")]
    return out


USERINFOS = ("", "query.wikidata.org@", "query.wikidata.org:443@", "u:p@", "%71uery.wikidata.org@")
SCHEMES = ("http", "HTTP", "Http", "https")


def canary_root(t: Targets, tag: str = PLACEHOLDER, authority: str | None = None, scheme: str = "http",
                userinfo: str = "") -> str:
    """``scheme://userinfo authority/tag/`` -- a base under which every path reaches the canary."""
    return f"{scheme}://{userinfo}{authority or f'127.0.0.1:{t.http_port}'}/{tag}/"


def uescape(text: str, positions: Sequence[int], long: bool = False) -> str:
    """``text`` with the characters at ``positions`` written as SPARQL code point escapes."""
    chars = list(text)
    for i in sorted(set(positions)):
        if 0 <= i < len(chars):
            chars[i] = (f"\\U{ord(chars[i]):08X}" if long else f"\\u{ord(chars[i]):04X}")
    return "".join(chars)


# --- hand-written cases ----------------------------------------------------------------------------------------

_SVC_BODY = "{ ?x ?p ?o }"


def known_cases(t: Targets) -> list[Case]:
    P = t.http_port
    root = canary_root(t)  # contains PLACEHOLDER
    iri = f"<{root}sparql>"
    out: list[tuple] = []

    def add(kind: str, query: str, expect: str = NO_LEAK, methods: tuple[str, ...] = METHODS,
            params: tuple[tuple[str, str], ...] = ()) -> None:
        out.append((kind, query, expect, methods, params))

    # 1. The three bypasses of the review (issue 7), verbatim in shape, and the rest of the glued-keyword family.
    add("review", f"PREFIX c: <{root}> SELECT ?x WHERE {{ SERVICEc:x {_SVC_BODY} }}")
    add("review", f"PREFIX x: <http://e/> PREFIX c: <{root}> SELECT ?x WHERE "
                  f"{{ {{ ?s x:a\\#b ?o }} UNION {{ SERVICE c:hash {{ ?x ?b ?c }} }} }}")
    add("review", f"PREFIX x: <http://e/> PREFIX c: <{root}> SELECT ?x WHERE "
                  f"{{ {{ ?s x:a\\'b ?o }} UNION {{ SERVICE c:quote {{ ?x ?b ?c }} }} FILTER(?x != 'q') }}")
    add("review", f"PREFIX c: <{root}> SELECT ?x WHERE {{ SERVICEc:err {_SVC_BODY} }}")  # 500 page echoed
    for keyword, prefix in [("SERVICE", ""), ("SERVICE", "c"), ("service", "c"), ("SeRvIcE", "c"),
                            ("SERVICE SILENT", "c"), ("SERVICE SILENT", ""), ("service silent", "s"),
                            ("SERVICE", "SILENT"), ("SERVICE", "ervice"), ("SERVICE\t", "c")]:
        add("glued", f"PREFIX {prefix}: <{root}> SELECT * WHERE {{ {keyword}{prefix}:sparql {_SVC_BODY} }}")
    add("glued", f"PREFIX c: <{root}> SELECT * WHERE {{ OPTIONAL{{SERVICEc:x{{?x ?p ?o}}}} }}")
    add("glued", f"PREFIX c: <{root}> ASK{{SERVICEc:x{{?x ?p ?o}}}}")
    add("glued", f"SELECT * WHERE {{ SERVICE{iri}{{?x ?p ?o}} }}")
    add("glued", f"SELECT * WHERE {{ SERVICE SILENT{iri}{{?x ?p ?o}} }}")

    # 2. Every PN_LOCAL escape: as a decoy before the SERVICE (on the same line), and inside the SERVICE's name.
    for esc in PN_LOCAL_ESCAPES:
        add("escape-decoy", f"{DECOY_PREFIX}PREFIX c: <{root}> SELECT * WHERE {{ VALUES ?z {{ 1 }} "
                            f"OPTIONAL {{ ?s x:a{esc}b ?o }} SERVICE c:sparql {_SVC_BODY} "
                            f"FILTER(STR(?z) != 'q' && STR(?z) != \"q\") }}")
        add("escape-decoy", f"{DECOY_PREFIX}PREFIX c: <{root}> SELECT * WHERE "
                            f"{{ {{ ?s x:{esc}b{esc} ?o }} UNION {{ SERVICE c:sparql {_SVC_BODY} }} }}")
        add("escape-target", f"PREFIX c: <{root}> SELECT * WHERE {{ SERVICE c:a{esc}b {_SVC_BODY} }}")
        add("escape-target", f"PREFIX c: <{root}> SELECT * WHERE {{ SERVICEc:{esc}x{esc} {_SVC_BODY} }}")
    for local in ("%73parql", "a%23b", "a%27b", "%2E%2E", "a%2Fb", "%41%42"):
        add("percent", f"PREFIX c: <{root}> SELECT * WHERE {{ SERVICE c:{local} {_SVC_BODY} }}")
    add("percent", f"SELECT * WHERE {{ SERVICE <{root}%73parql> {_SVC_BODY} }}")

    # 3. Every spelling of the host, with and without userinfo, in every case of the scheme.
    for label, auth in authorities(t):
        add("host", f"SELECT * WHERE {{ SERVICE <{canary_root(t, authority=auth)}sparql> {_SVC_BODY} }}")
    for scheme in SCHEMES:
        for userinfo in USERINFOS:
            add("userinfo", f"SELECT * WHERE {{ SERVICE <{canary_root(t, scheme=scheme, userinfo=userinfo)}sparql> "
                            f"{_SVC_BODY} }}")
    add("host", f"SELECT * WHERE {{ SERVICE <HTTP://LOCALHOST:{P}/{PLACEHOLDER}/sparql> {_SVC_BODY} }}")
    add("host", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{P}/{PLACEHOLDER}/sparql#@query.wikidata.org/sparql> "
                f"{_SVC_BODY} }}")
    add("host", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{P}/{PLACEHOLDER}/sparql?https://query.wikidata.org/"
                f"sparql> {_SVC_BODY} }}")
    add("host", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{P}/{PLACEHOLDER}/../{PLACEHOLDER}/sparql> "
                f"{_SVC_BODY} }}")
    add("host", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{t.raw_port}/{PLACEHOLDER}/sparql> {_SVC_BODY} }}")
    add("host", f"SELECT * WHERE {{ SERVICE <http://localhost:{t.raw_port}/{PLACEHOLDER}/> {_SVC_BODY} }}")

    # 4. \u and \U escapes in keywords and in IRIs (SPARQL 1.1 section 19.2).
    for keyword in ("\\u0053ERVICE", "\\U00000053ERVICE", "SERVIC\\u0045", "s\\u0065rvice",
                    "\\u0053\\u0045\\u0052\\u0056\\u0049\\u0043\\u0045", "SERVICE\\u0020", "SERVICE \\u0053ILENT",
                    "\\u0053ERVICE SILENT"):
        add("uescape", f"SELECT * WHERE {{ {keyword} {iri} {_SVC_BODY} }}")
        add("uescape", f"PREFIX c: <{root}> SELECT * WHERE {{ {keyword}c:x {_SVC_BODY} }}")
    scheme_host = f"http://127.0.0.1:{P}"
    for positions in ((0,), (4,), (5, 6), (7, 8, 9), (len(scheme_host) - 1,), tuple(range(len(scheme_host)))):
        for long in (False, True):
            escaped = uescape(scheme_host, positions, long)
            add("uescape", f"SELECT * WHERE {{ SERVICE <{escaped}/{PLACEHOLDER}/sparql> {_SVC_BODY} }}")
    add("uescape", f"PREFIX c: <{uescape(scheme_host, (3, 10))}/{PLACEHOLDER}/> SELECT * WHERE "
                   f"{{ SERVICE c:x {_SVC_BODY} }}")
    add("uescape", f"BASE <{uescape(scheme_host, (1,))}/{PLACEHOLDER}/> SELECT * WHERE {{ SERVICE <sparql> "
                   f"{_SVC_BODY} }}")

    # 5. BASE and relative IRIs; prefixes redefined or relative.
    for rel in ("sparql", "", "./sparql", "err", f"../{PLACEHOLDER}/sparql", "?q", "#f"):
        add("base", f"BASE <{root}> SELECT * WHERE {{ SERVICE <{rel}> {_SVC_BODY} }}")
    add("base", f"BASE <https://query.wikidata.org/> SELECT * WHERE {{ SERVICE <//127.0.0.1:{P}/{PLACEHOLDER}/s> "
                f"{_SVC_BODY} }}")
    add("base", f"BASE <https://query.wikidata.org/sparql> BASE <//127.0.0.1:{P}/{PLACEHOLDER}/> "
                f"SELECT * WHERE {{ SERVICE <sparql> {_SVC_BODY} }}")
    add("base", f"BASE <http://e.example/> BASE <{root}> SELECT * WHERE {{ SERVICE <sparql> {_SVC_BODY} }}")
    add("base", f"BASE <{root}> PREFIX c: <> SELECT * WHERE {{ SERVICE c:sparql {_SVC_BODY} }}")
    add("base", f"BASE <{root}> PREFIX c: <sub/> SELECT * WHERE {{ SERVICE c:sparql {_SVC_BODY} }}")
    add("base", f"PREFIX c: <https://query.wikidata.org/> PREFIX c: <{root}> SELECT * WHERE "
                f"{{ SERVICE c:sparql {_SVC_BODY} }}")
    add("base", f"BASE <https://query.wikidata.org/> BASE <{root}> SELECT * WHERE {{ SERVICE <> {_SVC_BODY} }}")
    add("base", f"SELECT * WHERE {{ SERVICE <sparql> {_SVC_BODY} }}")  # relative to the endpoint's own URL
    add("base", f"SELECT * WHERE {{ SERVICE <> {_SVC_BODY} }}")

    # 6. SERVICE ?var, with the variable bound in every way.
    root_str = root.replace("\\", "\\\\")
    for binding in (f"BIND({iri} AS ?e)", f"VALUES ?e {{ {iri} }}", f'BIND(IRI("{root_str}sparql") AS ?e)',
                    f'BIND(URI(CONCAT("http://127.0.0.1:", "{P}", "/{PLACEHOLDER}/sparql")) AS ?e)',
                    f"{{ SELECT ?e WHERE {{ BIND({iri} AS ?e) }} }}"):
        add("variable", f"SELECT * WHERE {{ {binding} SERVICE ?e {_SVC_BODY} }}")
        add("variable", f"SELECT * WHERE {{ {binding} SERVICE SILENT $e {_SVC_BODY} }}")
    add("variable", f"SELECT * WHERE {{ SERVICE ?e {_SVC_BODY} }} VALUES ?e {{ {iri} }}")
    add("variable", f"PREFIX c: <{root}> SELECT * WHERE {{ BIND(c:x AS ?e) SERVICE?e{_SVC_BODY} }}")
    add("variable", f"SELECT * WHERE {{ VALUES ?e {{ {iri} }} LATERAL {{ SERVICE ?e {_SVC_BODY} }} }}")

    # 7. Where the SERVICE sits.
    svc = f"SERVICE {iri} {_SVC_BODY}"
    for where in (f"VALUES ?z {{ 1 }} FILTER EXISTS {{ {svc} }}", f"FILTER NOT EXISTS {{ {svc} }}",
                  f"VALUES ?z {{ 1 }} FILTER NOT EXISTS {{ {svc} }}",
                  f"VALUES ?z {{ 1 }} BIND(EXISTS {{ {svc} }} AS ?b)", f"VALUES ?z {{ 1 }} MINUS {{ {svc} }}",
                  f"VALUES ?z {{ 1 }} OPTIONAL {{ {svc} }}", f"{{ ?s ?p ?o }} UNION {{ {svc} }}",
                  f"{{ SELECT * WHERE {{ {svc} }} }}",
                  f"{{ SELECT ?x WHERE {{ {{ SELECT * {{ {svc} }} }} }} LIMIT 1 }}",
                  f"GRAPH ?g {{ {svc} }}", f"VALUES ?z {{ 1 }} LATERAL {{ {svc} }}",
                  f"VALUES ?z {{ 1 }} FILTER(EXISTS {{ {svc} }} || true)",
                  f"VALUES ?z {{ 1 }} FILTER(IF(true, NOT EXISTS {{ {svc} }}, false) || true)",
                  f"SERVICE SILENT <{root}a> {{ SERVICE <{root}b> {_SVC_BODY} }}"):
        add("structure", f"SELECT * WHERE {{ {where} }}")
    add("structure", f"ASK {{ {svc} }}")
    add("structure", f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ {svc} }}")
    add("structure", f"DESCRIBE ?x WHERE {{ {svc} }}")
    add("structure", f"SELECT (COUNT(*) AS ?n) WHERE {{ {svc} }} GROUP BY ?x HAVING (COUNT(*) > 0)")
    add("structure", f"SELECT ?x WHERE {{ ?a ?b ?c }} LIMIT 1 # SERVICE {iri}\n UNION")  # syntax error, harmless
    add("structure", f"SELECT * WHERE {{ }} ; SELECT * WHERE {{ {svc} }}")

    # 8. Comments and strings in odd places.
    for sep in (" # c\n", "#c\r", "\n#'\n", ' #"""\n', " # SERVICE <https://query.wikidata.org/sparql>\n",
                "\t#}{\r\n"):
        add("comment", f"SELECT * WHERE {{ SERVICE{sep}{iri} {_SVC_BODY} }}")
        add("comment", f"PREFIX c: <{root}> SELECT * WHERE {{ SERVICE SILENT{sep}c:x{sep}{_SVC_BODY} }}")
        add("comment", f"PREFIX{sep}c:{sep}<{root}>{sep}SELECT * WHERE {{ SERVICE c:x {_SVC_BODY} }}")
    for literal in ('"a#b"', "'a#b'", '"}"', "'{'", "'\\''", '"\\""', "'\\\\'", '"\\\\"', "'''a'b''c'''",
                    '"""a"b""c"""', "'''#'''", '"""\'"""', "'''\n#\n'''", "\"<http://e.example/>\""):
        add("string", f"SELECT * WHERE {{ VALUES ?z {{ 1 }} FILTER(STR(?z) != {literal}) {svc} "
                      f"FILTER(STR(?z) != 'q') }}")
    add("string", f"{DECOY_PREFIX}SELECT * WHERE {{ OPTIONAL {{ ?s <http://e.example/#f> ?o }} {svc} }}")
    add("string", f"{DECOY_PREFIX}SELECT * WHERE {{ OPTIONAL {{ ?s <http://e.example/a'b> ?o }} {svc} "
                  f"FILTER(?x != 'q') }}")
    add("string", f"PREFIX c: <{root}> SELECT * WHERE {{ BIND('SERVICE <https://query.wikidata.org/sparql> "
                  f"{{ }}' AS ?l) SERVICE c:x {_SVC_BODY} }}")

    # 9. The canary's error pages and a raw TCP service (bodies of refused endpoints must never be echoed).
    for path in ("err", "html", "err?x=1", "html#f"):
        add("error-page", f"SELECT * WHERE {{ SERVICE <{root}{path}> {_SVC_BODY} }}")
        add("error-page", f"SELECT * WHERE {{ SERVICE SILENT <{root}{path}> {_SVC_BODY} }}")
        add("error-page", f"PREFIX c: <{root}> SELECT * WHERE {{ SERVICEc:{path.split('?')[0].split('#')[0]} "
                          f"{_SVC_BODY} }}")
    add("error-page", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{t.raw_port}/> {_SVC_BODY} }}")
    add("error-page", f"PREFIX r: <http://127.0.0.1:{t.raw_port}/> SELECT * WHERE {{ SERVICEr:x {_SVC_BODY} }}")

    # 10. Updates: refused, by every route, in every spelling.
    updates = [f"LOAD {iri}", f"LOAD SILENT {iri}", f"LOAD {iri} INTO GRAPH <http://e.example/g>",
               f"PREFIX c: <{root}> LOAD c:x", f"PREFIX c: <{root}> LOADc:x", f"\\u004cOAD {iri}",
               f"load{iri}", f"# comment\nLOAD {iri}", f"BASE <{root}> LOAD <sparql>",
               f"PREFIX x: <http://e/> INSERT {{ ?x x:p ?o }} WHERE {{ SERVICE {iri} {_SVC_BODY} }}",
               f"PREFIX c: <{root}> INSERT {{ ?x ?p ?o }} WHERE {{ SERVICEc:x {_SVC_BODY} }}",
               "INSERT DATA { <http://e.example/s> <http://e.example/p> <http://e.example/o> }",
               f"CLEAR SILENT ALL ; LOAD {iri}", f"SELECT * WHERE {{ }} ; LOAD {iri}",
               f"WITH <http://e.example/g> DELETE {{ ?s ?p ?o }} WHERE {{ SERVICE {iri} {_SVC_BODY} }}"]
    for u in updates:
        add("update", u, REFUSED, METHODS + UPDATE_METHODS)

    # 11. Dataset clauses and parameters naming the canary: answered from the store, never fetched.
    for q in (f"SELECT * FROM {iri} WHERE {{ ?s ?p ?o }} LIMIT 1",
              f"SELECT * FROM NAMED {iri} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
              f"SELECT * WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }} LIMIT 1",
              f"PREFIX c: <{root}> SELECT * FROM c:x FROM NAMED c:y WHERE {{ GRAPH c:y {{ ?s ?p ?o }} }}",
              f"ASK {{ {iri} ?p ?o }}", f"DESCRIBE {iri}", f"CONSTRUCT {{ ?s ?p ?o }} FROM {iri} WHERE {{ ?s ?p ?o }}"):
        add("dataset", q, ANSWERED)
    add("dataset", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", ANSWERED,
        params=(("default-graph-uri", f"{root}sparql"), ("named-graph-uri", f"{root}named")))

    cases = []
    for i, (kind, query, expect, methods, params) in enumerate(out):
        tag = f"k{i:03d}"
        cases.append(Case(tag, kind, query.replace(PLACEHOLDER, tag), methods, expect,
                          tuple((k, v.replace(PLACEHOLDER, tag)) for k, v in params)))
    return cases


# --- generated cases -----------------------------------------------------------------------------------------

_KEYWORDS = ("SERVICE",) * 8 + ("service", "Service", "sErViCe", "\\u0053ERVICE")
_SILENT = ("", "", "SILENT", "silent", "SiLeNt")
_SEPS = (" ", " ", " ", "", "", "\n", "\t", " # c\n", "#'\r", '#"""\n', "\n# SERVICE <https://query.wikidata.org/>\n")
_FORMS = ("SELECT * WHERE", "SELECT * WHERE", "SELECT ?x WHERE", "SELECT *", "SELECT REDUCED * WHERE", "ASK",
          "ASK WHERE", "CONSTRUCT { ?x ?p ?o } WHERE", "DESCRIBE ?x WHERE", "SELECT (COUNT(*) AS ?n) WHERE")
_PATHS = ("sparql", "sparql", "", "err", "html", "%73parql", "a/b", "a?b=c")
_RELATIVE = ("sparql", "", "./x", "err", f"../{PLACEHOLDER}/s", "?q")
_STRINGS = ('"a#b\'c}{"', "'it\\'s # }'", '"""x"y""z # \'"""', "'''a''b # \"'''", '"\\\\"', "'\\\\'",
            '"SERVICE <https://query.wikidata.org/sparql>"', "'''\n#'''", '"{"', "'}'")
_CLOSERS = ("", "", "FILTER(STR(?z) != 'q')", 'FILTER(STR(?z) != "q")', "FILTER(STR(?z) != '''q''')",
            "# trailing comment '\n")
_WRAPPERS: tuple[Callable[[str], str], ...] = (
    lambda s: s,
    lambda s: s,
    lambda s: f"OPTIONAL {{ {s} }}",
    lambda s: f"{{ ?s1 x:nothing ?o1 }} UNION {{ {s} }}",
    lambda s: f"{{ {s} }} UNION {{ ?s1 x:nothing ?o1 }}",
    lambda s: f"{{ SELECT * WHERE {{ {s} }} }}",
    lambda s: f"{{ SELECT ?x WHERE {{ {s} }} LIMIT 3 }}",
    lambda s: f"FILTER EXISTS {{ {s} }}",
    lambda s: f"FILTER NOT EXISTS {{ {s} }}",
    lambda s: f"BIND(EXISTS {{ {s} }} AS ?b)",
    lambda s: f"MINUS {{ {s} }}",
    lambda s: f"GRAPH ?g {{ {s} }}",
    lambda s: f"LATERAL {{ {s} }}",
    lambda s: f"FILTER(NOT EXISTS {{ {s} }} || true)",
)


def _decoys() -> list[str]:
    triples = [f"OPTIONAL {{ ?s{i} x:a{esc}b ?o{i} }}" for i, esc in enumerate(PN_LOCAL_ESCAPES)]
    filters = [f"FILTER(STR(?z) != {lit})" for lit in _STRINGS]
    others = ["OPTIONAL { ?s0 <http://e.example/#f> ?o0 }", "OPTIONAL { ?s0 <http://e.example/a'b> ?o0 }",
              "OPTIONAL { ?s0 x:SERVICE ?o0 }", "OPTIONAL { ?s0 x:a%23b ?o0 }", "# comment ' \" { < \n",
              "BIND('''SERVICE <x:y> {''' AS ?l)", "OPTIONAL { ?s0 x:\\#\\' ?o0 }"]
    return triples + filters + others


_DECOYS = tuple(_decoys())


@st.composite
def hostile_query(draw, t: Targets) -> str:
    """One query that calls the canary through some spelling; its case id is :data:`PLACEHOLDER`."""
    auth = draw(st.sampled_from([a for _, a in authorities(t)] + [f"127.0.0.1:{t.http_port}"] * 12
                                + [f"127.0.0.1:{t.raw_port}"]))
    scheme = draw(st.sampled_from(SCHEMES + ("http",) * 8))
    userinfo = draw(st.sampled_from(USERINFOS + ("",) * 12))
    head = f"{scheme}://{userinfo}{auth}"
    if draw(st.integers(0, 5)) == 0:  # \u / \U escapes in the scheme, host or port
        head = uescape(head, draw(st.lists(st.integers(0, len(head) - 1), min_size=1, max_size=4)),
                       draw(st.booleans()))
    root = f"{head}/{PLACEHOLDER}/"

    prologue = [DECOY_PREFIX.strip()]
    body: list[str] = ["VALUES ?z { 1 }"]
    ref_kind = draw(st.sampled_from(("iri", "pname", "pname", "glued", "glued", "relative", "variable")))
    if ref_kind == "iri":
        ref = f"<{root}{draw(st.sampled_from(_PATHS))}>"
    elif ref_kind in ("pname", "glued"):
        name = draw(st.sampled_from(("c", "", "svc", "SILENT", "s", "ervice")))
        decl = draw(st.sampled_from(("PREFIX", "prefix", "Prefix")))
        if draw(st.integers(0, 4)) == 0:  # an allowlisted meaning first, redefined afterwards
            prologue.append(f"{decl} {name}: <https://query.wikidata.org/>")
        prologue.append(f"{decl} {name}: <{root}>")
        local = draw(st.sampled_from(("x", "sparql", "err", "html", "a%2Fb", "%73parql", "x.y", "a-b", "_z")))
        for esc in draw(st.lists(st.sampled_from(PN_LOCAL_ESCAPES), max_size=2)):
            at = draw(st.integers(0, len(local)))
            local = local[:at] + esc + local[at:]
        ref = f"{name}:{local}"
    elif ref_kind == "relative":
        prologue.insert(0, f"BASE <{root}>")
        if draw(st.booleans()):
            prologue.insert(0, "BASE <https://query.wikidata.org/>")
        ref = f"<{draw(st.sampled_from(_RELATIVE))}>"
    else:
        target = f"<{root}{draw(st.sampled_from(_PATHS))}>"
        var = draw(st.sampled_from(("?e", "$e")))
        body.append(draw(st.sampled_from((f"BIND({target} AS ?e)", f"VALUES ?e {{ {target} }}",
                                          f'BIND(IRI("{target[1:-1]}") AS ?e)'))))
        ref = var

    keyword = draw(st.sampled_from(_KEYWORDS))
    silent = draw(st.sampled_from(_SILENT))
    sep1 = draw(st.sampled_from(_SEPS))
    sep2 = draw(st.sampled_from(_SEPS))
    if ref_kind == "glued":
        sep2 = ""
    clause = keyword + (sep1 + silent if silent else "") + sep2 + ref + draw(st.sampled_from(_SEPS)) + _SVC_BODY
    for wrap in draw(st.lists(st.sampled_from(_WRAPPERS), max_size=2)):
        clause = wrap(clause)

    body += draw(st.lists(st.sampled_from(_DECOYS), max_size=3))
    body.append(clause)
    body.append(draw(st.sampled_from(_CLOSERS)))
    joiner = draw(st.sampled_from((" ", " ", "\n")))
    form = draw(st.sampled_from(_FORMS))
    tail = draw(st.sampled_from(("", "", " LIMIT 5", f" VALUES ?y {{ <{root}v> }}")))
    return " ".join(prologue) + joiner + form + " { " + joiner.join(b for b in body if b) + " }" + tail


def generated_cases(t: Targets, n: int = N_GENERATED) -> list[Case]:
    """``n`` queries from :func:`hostile_query` (fewer if Hypothesis repeats itself), each sent by one method."""
    found: list[str] = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(hostile_query(t))
    def collect(query: str) -> None:
        found.append(query)

    collect()
    unique = list(dict.fromkeys(found))
    cases = []
    for i, query in enumerate(unique):
        tag = f"g{i:03d}"
        cases.append(Case(tag, "generated", query.replace(PLACEHOLDER, tag), (METHODS[i % len(METHODS)],)))
    return cases


def corpus(t: Targets, n_generated: int = N_GENERATED) -> list[Case]:
    return known_cases(t) + generated_cases(t, n_generated)
