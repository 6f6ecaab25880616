"""Lexical facts about SPARQL texts: where a query's WHERE group opens, its form, and where an update's
operations take their WHERE (for the protocol's ``using-graph-uri``).

A remote store is sent a canned query's SEP-0007 substitutions as a ``VALUES`` block. SPARQL 1.1 allows it after
the solution modifiers, but Virtuoso 7 does not join a trailing ``VALUES`` with the solutions as the
recommendation says (it multiplied ``about-country`` from 13 rows to 623). Put first inside the WHERE group, the
block is joined with the whole group by every store, and binds the variable before it is used, which is what
SEP-0007's pre-binding means.

:func:`where_brace` finds that group's ``{``. It is used only on texts this project wrote (``queries/*.rq`` and the
linked-data pages' queries), never on a client's query, so it is a convenience, not a line of defence. It skips
comments, string literals (all four quotings) and IRIs, and takes the first ``{`` at parenthesis depth 0 that is
not the template of a CONSTRUCT (after ``WHERE``, or the first group of ``SELECT``/``ASK``/``DESCRIBE`` when the
optional keyword is left out).
"""

from __future__ import annotations

import re

_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
      | (?P<short>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
      | (?P<pname>(?:[A-Za-z][A-Za-z0-9_.-]*)?:[^\s{}()<>,;"']*)
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
      | (?P<punct>[{}()])""",
    re.VERBOSE | re.DOTALL)


def where_brace(text: str) -> int:
    """The index of the ``{`` that opens the query's WHERE group; ValueError when there is none."""
    depth = 0
    construct = False
    after_where = False
    for m in _TOKENS.finditer(text):
        kind = m.lastgroup
        if kind == "word":
            word = m.group().upper()
            if word == "CONSTRUCT" and depth == 0:
                construct = True
            elif word == "WHERE" and depth == 0:
                after_where = True
        elif kind == "punct":
            char = m.group()
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "{" and depth == 0:
                if construct and not after_where:
                    return _after_template(text, m.end())
                return m.start()
    raise ValueError("the query has no WHERE group")


def _after_template(text: str, start: int) -> int:
    """A CONSTRUCT's WHERE group, after its template (which ends at the matching ``}``)."""
    nesting = 1
    for m in _TOKENS.finditer(text, start):
        if m.lastgroup == "punct" and m.group() in "{}":
            nesting += 1 if m.group() == "{" else -1
            if nesting == 0:
                return _first_brace(text, m.end())
    raise ValueError("the CONSTRUCT template is not closed")


def _first_brace(text: str, start: int) -> int:
    for m in _TOKENS.finditer(text, start):
        if m.lastgroup == "punct" and m.group() == "{":
            return m.start()
    raise ValueError("the query has no WHERE group")


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first keyword after the prologue (BASE and PREFIX declarations and
    comments); None when the text does not start like a query. Used to ask a remote store for the right kind of
    answer (Virtuoso answers a CONSTRUCT with SPARQL JSON results when both are acceptable); a wrong guess gives a
    clear error, never a wrong answer, and the store parses the query itself."""
    skip = 0
    for m in _TOKENS.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind == "comment":
            continue
        if skip:
            skip -= 1
            if kind == "iri":
                skip = 0
            continue
        if kind != "word":
            return None
        word = value.upper()
        if word in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            return word
        if word == "PREFIX":
            skip = 2  # the prefix name (absent for the empty prefix) and its IRI
        elif word == "BASE":
            skip = 1
        else:
            return None
    return None


def variables(text: str) -> set[str]:
    """The names of the variables a text uses (``?x`` and ``$x``, outside comments, strings and IRIs)."""
    return {m.group()[1:] for m in _TOKENS.finditer(text) if m.lastgroup == "var"}


def uses_service(text: str) -> bool:
    """Whether the text has the keyword SERVICE (outside comments, strings and IRIs)."""
    return any(m.lastgroup == "word" and m.group().upper() == "SERVICE" for m in _TOKENS.finditer(text))


def with_values_first(text: str, block: str) -> str:
    """``text`` with ``block`` (a VALUES block) as the first element of its WHERE group."""
    brace = where_brace(text)
    return f"{text[:brace + 1]}\n  {block}\n{text[brace + 1:]}"


def with_using(update: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """``update`` with the protocol's dataset (``using-graph-uri``, ``using-named-graph-uri``: absolute IRIs,
    checked by the caller) written as ``USING`` / ``USING NAMED`` before the WHERE of each of its DELETE/INSERT
    operations, as SPARQL 1.1 Protocol 2.2.3 says they apply. ValueError when the update names a dataset itself
    (``USING`` or ``WITH``), which the protocol forbids beside the parameters. The engine parses the result: a
    misplaced clause is a syntax error (400), never a wider dataset than the text and the parameters give."""
    clauses = " ".join([*(f"USING <{g}>" for g in default_graphs), *(f"USING NAMED <{g}>" for g in named_graphs)])
    out, last, depth, previous = [], 0, 0, ""
    for m in _TOKENS.finditer(update):
        kind, value = m.lastgroup, m.group()
        if kind == "punct":
            depth += {"{": 1, "}": -1}.get(value, 0)
        elif kind == "word" and depth == 0:
            word = value.upper()
            if word in ("USING", "WITH"):
                raise ValueError(f"the update names its dataset ({word}) and the request names one too "
                                 "(using-graph-uri / using-named-graph-uri): give only one")
            if word == "WHERE" and previous != "DELETE":  # DELETE WHERE takes no USING: its pattern is the data
                out.append(update[last:m.start()] + clauses + " ")
                last = m.start()
            previous = word
    out.append(update[last:])
    return "".join(out)
