"""Fast SHACL validation: the project's shapes compiled into SPARQL queries that pyoxigraph runs over the data.

pyshacl walks every focus node in Python; here each constraint of each targeted shape becomes one SELECT query that
finds all of that constraint's violations at once, evaluated by pyoxigraph's engine. The results are the same values
:func:`allegiance.kb.validation.validate` (pyshacl) returns (focus node, path, value, source shape, constraint
component, severity, message), so the two are compared result for result by ``tests/test_fast_shacl.py``.

Supported (what ``shapes/`` uses, found by a script over the shapes graph): targets ``sh:targetClass`` (instances
through ``rdf:type/rdfs:subClassOf*`` in the data graph, as SHACL defines them), ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``; predicate paths and ``sh:inversePath`` of one; the components
``sh:class``, ``sh:datatype`` (with pyshacl's well-formedness check of integers, decimals and dates), ``sh:nodeKind``,
``sh:pattern`` (with ``sh:flags``), ``sh:in``, ``sh:hasValue``, ``sh:languageIn``, ``sh:minLength``,
``sh:maxLength``, ``sh:minInclusive``/``sh:maxInclusive``/``sh:minExclusive``/``sh:maxExclusive``,
``sh:minCount``, ``sh:maxCount``, ``sh:uniqueLang``, ``sh:node``, ``sh:or``, ``sh:and``, ``sh:not``, ``sh:xone``,
``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``/``sh:qualifiedMaxCount``, and SHACL-SPARQL ``sh:sparql``
SELECT constraints of node shapes (run as written, ``$this`` joined with the shape's focus nodes, prefixes from
``sh:prefixes``/``sh:declare``). Anything else raises :class:`UnsupportedShape` when the shapes are compiled, so a
shape the compiler does not understand is never silently skipped.

Known differences from pyshacl, all outside what the shipped data and fixtures contain: pyoxigraph stores typed
literals of the XSD types it knows in canonical form (``"01"^^xsd:integer`` is ``"1"``), so two literals that differ
only in lexical form are one value here; a literal typed ``xsd:string`` explicitly is reported as a plain literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import XSD as _XSD
from rdflib.term import Node

from allegiance.kb.validation import ValidationResult, Violation, _message
from allegiance.namespaces import SH
from allegiance.terms import to_ox, to_rdflib

RDF_TYPE = str(_RDF.type)
RDFS_SUBCLASSOF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD = str(_XSD)
_LANG_STRING = str(_RDF.langString)
_XSD_STRING = XSD + "string"

# Datatypes whose lexical form pyshacl (through rdflib) checks: an ill-formed literal fails sh:datatype. The cast
# to the datatype of the literal's string fails (is unbound) exactly when the lexical form is ill-formed.
_CHECKED_DATATYPES = {XSD + t for t in ("integer", "decimal", "date", "gYear", "gYearMonth", "boolean", "double",
                                         "float", "dateTime", "time")}

# Shape-level parameters that are not constraints (or that are handled with their constraint).
_NOT_CONSTRAINTS = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.message, SH.severity, SH.name,
    SH.description, SH.path, SH.property, SH.sparql, SH.deactivated, SH.order, SH.group, SH.flags,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.declare, SH.defaultValue,
    URIRef(RDF_TYPE), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
}
_VALUE_COMPONENTS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"], SH.languageIn, SH.minLength, SH.maxLength,
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.node, SH["or"], SH["and"], SH["not"],
    SH.xone, SH.hasValue,
}
_COMPONENT_NAMES = {
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH.pattern: "Pattern", SH["in"]: "In",
    SH.languageIn: "LanguageIn", SH.minLength: "MinLength", SH.maxLength: "MaxLength",
    SH.minInclusive: "MinInclusive", SH.maxInclusive: "MaxInclusive", SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive", SH.node: "Node", SH["or"]: "Or", SH["and"]: "And", SH["not"]: "Not",
    SH.xone: "Xone", SH.hasValue: "HasValue", SH.minCount: "MinCount", SH.maxCount: "MaxCount",
    SH.uniqueLang: "UniqueLang", SH.qualifiedValueShape: "QualifiedMinCount", SH.sparql: "SPARQL",
}


# Placeholders in compiled queries: where the focus-node pattern goes, a class (replaced by itself and its
# subclasses), the value variable of a condition used for several variables.
TARGETS = "\x00TARGETS\x00"
VALUE = "\x00VALUE\x00"
_CLASS_TOKEN = re.compile("\x00CLASS ([^\x00]*)\x00")


class UnsupportedShape(ValueError):
    """The shapes use a SHACL feature this compiler does not implement."""


def component_iri(name: str) -> URIRef:
    return SH[f"{name}ConstraintComponent"]


# --- terms --------------------------------------------------------------------------------------------------


def sparql_term(node: Node) -> str:
    """An rdflib term in SPARQL syntax."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        text = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype is not None:
            return f'"{text}"^^<{node.datatype}>'
        return f'"{text}"'
    raise UnsupportedShape(f"a blank node cannot be a constant of a constraint: {node!r}")


def graph_to_store(data: Graph, store: ox.Store | None = None) -> ox.Store:
    """An rdflib graph as the default graph of a (new, in-memory) pyoxigraph store."""
    store = ox.Store() if store is None else store
    default = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), default) for s, p, o in data)  # type: ignore[arg-type]
    return store


# --- the compiled form ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One query that finds every violation of one constraint of one targeted shape."""

    shape: Node  # sh:sourceShape
    component: URIRef  # sh:sourceConstraintComponent
    path: Node | None  # sh:resultPath (None for node-level constraints and SHACL-SPARQL)
    body: str  # the query's WHERE group, with TARGETS where the focus-node pattern goes
    projection: str
    messages: tuple[Literal, ...]
    severity: URIRef
    value_is_focus: bool = False  # the value node is the focus node (node-level constraints)
    has_value: bool = False  # the query binds ?value
    sparql_constraint: Node | None = None  # sh:sourceConstraint of a SHACL-SPARQL constraint
    prologue: str = ""


@dataclass
class _Targets:
    classes: list[URIRef] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    subjects_of: list[URIRef] = field(default_factory=list)
    objects_of: list[URIRef] = field(default_factory=list)


class CompiledShapes:
    """The shapes graph compiled into queries (class closures are filled in from the data at each validation)."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.checks: list[tuple[_Targets, Check]] = []
        self.classes: set[URIRef] = set()  # every class a target or an sh:class names
        self._fresh = 0
        for shape in sorted(self._targeted(), key=str):
            if self._deactivated(shape):
                continue
            self._compile_targeted(shape)

    # -- helpers over the shapes graph

    def _targeted(self) -> set[Node]:
        sg = self.shapes
        return {s for t in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                for s in sg.subjects(t, None)}

    def _deactivated(self, shape: Node) -> bool:
        return any(bool(v.toPython()) for v in self.shapes.objects(shape, SH.deactivated) if isinstance(v, Literal))

    def _var(self, stem: str = "v") -> str:
        self._fresh += 1
        return f"?_{stem}{self._fresh}"

    def _list(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def _one(self, shape: Node, predicate: URIRef) -> Node | None:
        values = list(self.shapes.objects(shape, predicate))
        if len(values) > 1:
            raise UnsupportedShape(f"{shape}: more than one {predicate}")
        return values[0] if values else None

    def _path(self, shape: Node) -> tuple[str, Node]:
        """The SPARQL path of a property shape, and the sh:resultPath the report names (the path node)."""
        path = self._one(shape, SH.path)
        if path is None:
            raise UnsupportedShape(f"{shape}: a property shape without sh:path")
        return self._sparql_path(path), path

    def _sparql_path(self, path: Node) -> str:
        sg = self.shapes
        if isinstance(path, URIRef):
            return f"<{path}>"
        if (path, _RDF.first, None) in sg:
            return "(" + " / ".join(self._sparql_path(p) for p in self._list(path)) + ")"
        for predicate, operator in ((SH.alternativePath, None), (SH.inversePath, "^"), (SH.zeroOrMorePath, "*"),
                                    (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = self._one(path, predicate)
            if inner is None:
                continue
            if operator is None:
                return "(" + " | ".join(self._sparql_path(p) for p in self._list(inner)) + ")"
            if operator == "^":
                return f"^({self._sparql_path(inner)})"
            return f"({self._sparql_path(inner)}){operator}"
        raise UnsupportedShape(f"not a SHACL path: {path!r}")

    def _class_ref(self, cls: Node) -> str:
        if not isinstance(cls, URIRef):
            raise UnsupportedShape(f"sh:class {cls!r} is not an IRI")
        self.classes.add(cls)
        return f"\x00CLASS {cls}\x00"

    def _messages(self, shape: Node) -> tuple[Literal, ...]:
        return tuple(m for m in self.shapes.objects(shape, SH.message) if isinstance(m, Literal))

    def _severity(self, shape: Node) -> URIRef:
        severity = self._one(shape, SH.severity)
        return severity if isinstance(severity, URIRef) else SH.Violation

    def _parameters(self, shape: Node) -> list[tuple[URIRef, Node]]:
        params = []
        for p, o in self.shapes.predicate_objects(shape):
            if p in _NOT_CONSTRAINTS:
                continue
            if not isinstance(p, URIRef) or not str(p).startswith(str(SH)):
                continue  # not a SHACL parameter (annotations of the shape)
            if p not in _VALUE_COMPONENTS and p not in (SH.minCount, SH.maxCount, SH.uniqueLang,
                                                           SH.qualifiedValueShape, SH.closed, SH.ignoredProperties):
                raise UnsupportedShape(f"{shape}: {p} is not supported")
            if p in (SH.closed, SH.ignoredProperties):
                raise UnsupportedShape(f"{shape}: sh:closed is not supported")
            params.append((p, o))
        return sorted(params, key=lambda po: (str(po[0]), str(po[1])))

    # -- conditions on one value node (SPARQL expressions over a variable)

    def _value_condition(self, component: URIRef, param: Node, var: str, shape: Node) -> str:
        """A SPARQL expression, true when the node in ``var`` satisfies ``component`` with ``param``."""
        if component == SH["class"]:
            c = self._var("c")
            return f"EXISTS {{ {var} <{RDF_TYPE}> {c} . VALUES {c} {{ {self._class_ref(param)} }} }}"
        if component == SH.datatype:
            dt = str(param)
            if dt == _LANG_STRING:
                return f'(isLiteral({var}) && LANG({var}) != "")'
            if dt == _XSD_STRING:
                return f'(isLiteral({var}) && LANG({var}) = "" && DATATYPE({var}) = <{dt}>)'
            cond = f"(isLiteral({var}) && DATATYPE({var}) = <{dt}>"
            if dt in _CHECKED_DATATYPES:  # well-formed: the cast of its lexical form succeeds
                cond += f" && COALESCE(isLiteral(<{dt}>(STR({var}))), false)"
            return cond + ")"
        if component == SH.nodeKind:
            kinds: dict[Node, str] = {
                SH.IRI: f"isIRI({var})", SH.Literal: f"isLiteral({var})", SH.BlankNode: f"isBlank({var})",
                SH.BlankNodeOrIRI: f"(isBlank({var}) || isIRI({var}))",
                SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
                SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
            }
            if param not in kinds:
                raise UnsupportedShape(f"{shape}: sh:nodeKind {param}")
            return kinds[param]
        if component == SH.pattern:
            flags = self._one(shape, SH.flags)
            flag_arg = f", {sparql_term(Literal(str(flags)))}" if flags is not None else ""
            return f"(!isBlank({var}) && REGEX(STR({var}), {sparql_term(Literal(str(param)))}{flag_arg}))"
        if component == SH["in"]:
            members = self._list(param)
            if not members:
                return "false"
            return "(" + " || ".join(f"sameTerm({var}, {sparql_term(m)})" for m in members) + ")"
        if component == SH.hasValue:
            return f"sameTerm({var}, {sparql_term(param)})"
        if component == SH.languageIn:
            langs = [str(x).lower() for x in self._list(param)]
            if "*" in langs:
                return f'(isLiteral({var}) && LANG({var}) != "")'
            tests = " || ".join(f'LCASE(LANG({var})) = "{lang}" || STRBEFORE(LCASE(LANG({var})), "-") = "{lang}"'
                                for lang in langs)
            return f'(isLiteral({var}) && LANG({var}) != "" && ({tests or "false"}))'
        if component in (SH.minLength, SH.maxLength):
            op = ">=" if component == SH.minLength else "<="
            return f"(!isBlank({var}) && STRLEN(STR({var})) {op} {int(param.toPython())})"  # type: ignore[attr-defined]
        if component in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            op = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}[component]
            return f"COALESCE(isLiteral({var}) && {var} {op} {sparql_term(param)}, false)"
        if component == SH.node:
            return self._conforms(param, var)
        if component == SH["not"]:
            return f"!({self._conforms(param, var)})"
        if component == SH["and"]:
            return "(" + " && ".join(self._conforms(s, var) for s in self._list(param)) + ")"
        if component == SH["or"]:
            return "(" + " || ".join(self._conforms(s, var) for s in self._list(param)) + ")"
        if component == SH.xone:
            ones = " + ".join(f"IF({self._conforms(s, var)}, 1, 0)" for s in self._list(param))
            return f"(({ones}) = 1)"
        raise UnsupportedShape(f"{shape}: {component} is not supported")

    def _distinct_values(self, subject: str, path: str, n: int, condition: str | None = None) -> str:
        """A group pattern that matches when ``subject`` has at least ``n`` distinct values of ``path``
        (each meeting ``condition`` over the placeholder ``VALUE`` when given)."""
        names = [self._var("d") for _ in range(n)]
        parts = [f"{subject} {path} {v} ." for v in names]
        filters = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1:]]
        if condition is not None:
            filters += [condition.replace(VALUE, v) for v in names]
        body = " ".join(parts)
        if filters:
            body += " FILTER (" + " && ".join(filters) + ")"
        return "{ " + body + " }"

    def _property_condition(self, pshape: Node, var: str) -> str:
        """A SPARQL expression, true when the node in ``var`` conforms to the property shape ``pshape``."""
        path, _result_path = self._path(pshape)
        conds: list[str] = []
        for component, param in self._parameters(pshape):
            if component == SH.minCount:
                n = int(param.toPython())  # type: ignore[attr-defined]
                if n > 0:
                    conds.append("EXISTS " + self._distinct_values(var, path, n))
            elif component == SH.maxCount:
                n = int(param.toPython())  # type: ignore[attr-defined]
                conds.append("NOT EXISTS " + self._distinct_values(var, path, n + 1))
            elif component == SH.uniqueLang:
                if bool(param.toPython()):  # type: ignore[attr-defined]
                    a, b = self._var("a"), self._var("b")
                    conds.append(f"NOT EXISTS {{ {var} {path} {a}, {b} . FILTER (isLiteral({a}) && "
                                 f"isLiteral({b}) && LANG({a}) != \"\" && LCASE(LANG({a})) = LCASE(LANG({b})) "
                                 f"&& !sameTerm({a}, {b})) }}")
            elif component == SH.qualifiedValueShape:
                conds.extend(self._qualified(pshape, param, var, path))
            elif component == SH.hasValue:
                conds.append(f"EXISTS {{ {var} {path} {sparql_term(param)} }}")
            else:
                v = self._var()
                conds.append(f"NOT EXISTS {{ {var} {path} {v} . "
                             f"FILTER (!({self._value_condition(component, param, v, pshape)})) }}")
        for nested in self.shapes.objects(pshape, SH.property):
            raise UnsupportedShape(f"{pshape}: sh:property {nested} of a property shape")
        return "(" + " && ".join(conds) + ")" if conds else "true"

    def _qualified(self, pshape: Node, qshape: Node, var: str, path: str) -> list[str]:
        if self._one(pshape, SH.qualifiedValueShapesDisjoint) not in (None, Literal(False)):
            raise UnsupportedShape(f"{pshape}: sh:qualifiedValueShapesDisjoint")
        conds = []
        placeholder = VALUE
        qmin = self._one(pshape, SH.qualifiedMinCount)
        qmax = self._one(pshape, SH.qualifiedMaxCount)
        if qmin is not None:
            n = int(qmin.toPython())  # type: ignore[attr-defined]
            if n > 0:
                conds.append("EXISTS " + self._distinct_values(var, path, n, self._conforms(qshape, placeholder)))
        if qmax is not None:
            n = int(qmax.toPython())  # type: ignore[attr-defined]
            conds.append("NOT EXISTS " + self._distinct_values(var, path, n + 1, self._conforms(qshape, placeholder)))
        return conds

    def _conforms(self, shape: Node, var: str) -> str:
        """A SPARQL expression, true when the node in ``var`` conforms to ``shape`` (node or property shape)."""
        if self._deactivated(shape):
            return "true"
        if (shape, SH.sparql, None) in self.shapes:
            raise UnsupportedShape(f"{shape}: SHACL-SPARQL constraints of a shape used by another shape")
        if (shape, SH.path, None) in self.shapes:
            return self._property_condition(shape, var)
        conds = []
        for component, param in self._parameters(shape):
            if component not in _VALUE_COMPONENTS:
                raise UnsupportedShape(f"{shape}: {component} on a node shape")
            conds.append(self._value_condition(component, param, var, shape))
        for pshape in self.shapes.objects(shape, SH.property):
            if not self._deactivated(pshape):
                conds.append(self._property_condition(pshape, var))
        return "(" + " && ".join(conds) + ")" if conds else "true"

    # -- top-level checks

    def _targets(self, shape: Node) -> _Targets:
        t = _Targets()
        sg = self.shapes
        t.classes = sorted((c for c in sg.objects(shape, SH.targetClass) if isinstance(c, URIRef)), key=str)
        self.classes.update(t.classes)
        t.nodes = sorted(sg.objects(shape, SH.targetNode), key=str)
        t.subjects_of = sorted((p for p in sg.objects(shape, SH.targetSubjectsOf) if isinstance(p, URIRef)), key=str)
        t.objects_of = sorted((p for p in sg.objects(shape, SH.targetObjectsOf) if isinstance(p, URIRef)), key=str)
        return t

    def _add(self, targets: _Targets, check: Check) -> None:
        self.checks.append((targets, check))

    def _compile_targeted(self, shape: Node) -> None:
        targets = self._targets(shape)
        severity = self._severity(shape)
        messages = self._messages(shape)
        if (shape, SH.path, None) in self.shapes:
            raise UnsupportedShape(f"{shape}: targeted property shapes are not supported")
        for component, param in self._parameters(shape):
            if component not in _VALUE_COMPONENTS:
                raise UnsupportedShape(f"{shape}: {component} on a node shape")
            cond = self._value_condition(component, param, "?this", shape)
            self._add(targets, Check(shape, component_iri(_COMPONENT_NAMES[component]), None,
                                     f"{TARGETS} FILTER (!({cond}))", "?this", messages, severity,
                                     value_is_focus=True))
        for pshape in sorted(self.shapes.objects(shape, SH.property), key=str):
            if not self._deactivated(pshape):
                self._compile_property(targets, pshape)
        for constraint in sorted(self.shapes.objects(shape, SH.sparql), key=str):
            if not self._deactivated(constraint):
                self._compile_sparql(targets, shape, constraint, messages, severity)

    def _compile_property(self, targets: _Targets, pshape: Node) -> None:
        path, result_path = self._path(pshape)
        messages = self._messages(pshape)
        severity = self._severity(pshape)

        def add(component: str, body: str, projection: str = "?this", has_value: bool = False) -> None:
            self._add(targets, Check(pshape, component_iri(component), result_path, body, projection, messages,
                                     severity, has_value=has_value))

        for component, param in self._parameters(pshape):
            if component == SH.minCount:
                n = int(param.toPython())  # type: ignore[attr-defined]
                if n > 0:
                    add("MinCount", f"{TARGETS} FILTER NOT EXISTS " + self._distinct_values("?this", path, n))
            elif component == SH.maxCount:
                n = int(param.toPython())  # type: ignore[attr-defined]
                add("MaxCount", f"{TARGETS} FILTER EXISTS " + self._distinct_values("?this", path, n + 1))
            elif component == SH.uniqueLang:
                if bool(param.toPython()):  # type: ignore[attr-defined]
                    add("UniqueLang", f"{TARGETS} ?this {path} ?_a, ?_b . FILTER (isLiteral(?_a) && isLiteral(?_b) "
                                      f"&& LANG(?_a) != \"\" && LCASE(LANG(?_a)) = LCASE(LANG(?_b)) "
                                      f"&& !sameTerm(?_a, ?_b)) BIND (LCASE(LANG(?_a)) AS ?_lang)",
                        "?this ?_lang")
            elif component == SH.qualifiedValueShape:
                qmin = self._one(pshape, SH.qualifiedMinCount)
                qmax = self._one(pshape, SH.qualifiedMaxCount)
                placeholder = VALUE
                conforms = self._conforms(param, placeholder)
                if qmin is not None and int(qmin.toPython()) > 0:  # type: ignore[attr-defined]
                    n = int(qmin.toPython())  # type: ignore[attr-defined]
                    add("QualifiedMinCount", f"{TARGETS} FILTER NOT EXISTS "
                        + self._distinct_values("?this", path, n, conforms))
                if qmax is not None:
                    n = int(qmax.toPython())  # type: ignore[attr-defined]
                    add("QualifiedMaxCount", f"{TARGETS} FILTER EXISTS "
                        + self._distinct_values("?this", path, n + 1, conforms))
            elif component == SH.hasValue:
                add("HasValue", f"{TARGETS} FILTER NOT EXISTS {{ ?this {path} {sparql_term(param)} }}")
            elif component in _VALUE_COMPONENTS:
                cond = self._value_condition(component, param, "?value", pshape)
                add(_COMPONENT_NAMES[component], f"{TARGETS} ?this {path} ?value . FILTER (!({cond}))",
                    "?this ?value", has_value=True)
            else:
                raise UnsupportedShape(f"{pshape}: {component} is not supported")
        if (pshape, SH.sparql, None) in self.shapes:
            raise UnsupportedShape(f"{pshape}: SHACL-SPARQL constraints of property shapes are not supported")

    def _compile_sparql(self, targets: _Targets, shape: Node, constraint: Node, shape_messages: tuple[Literal, ...],
                        severity: URIRef) -> None:
        sg = self.shapes
        select = self._one(constraint, SH.select)
        if select is None:
            raise UnsupportedShape(f"{constraint}: only sh:select SPARQL constraints are supported")
        text = str(select)
        prologue = ""
        for prefixes in sg.objects(constraint, SH.prefixes):
            for decl in sg.objects(prefixes, SH.declare):
                prologue += f"PREFIX {sg.value(decl, SH.prefix)}: <{sg.value(decl, SH.namespace)}>\n"
        if re.search(r"\$(PATH|currentShape|shapesGraph|value)\b", text):
            raise UnsupportedShape(f"{constraint}: pre-bound variables other than $this are not supported")
        text = re.sub(r"\$this\b", "?this", text)
        match = re.search(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s*WHERE\s*\{(.*)\}\s*$", text, re.S | re.I)
        if match is None:
            raise UnsupportedShape(f"{constraint}: the SELECT query must be SELECT ... WHERE {{ ... }}")
        projection, where = match.group(2), match.group(3)
        if "*" in projection or re.search(r"\b(GROUP|ORDER|LIMIT|OFFSET|HAVING)\b", where.rsplit("}", 1)[-1], re.I):
            raise UnsupportedShape(f"{constraint}: SELECT * and solution modifiers are not supported")
        messages = tuple(m for m in sg.objects(constraint, SH.message) if isinstance(m, Literal))
        all_messages = tuple(m for m in messages if m not in shape_messages) + shape_messages
        where = not_exists_to_minus(where)
        # the constraint's pattern joins the focus nodes in the same group, so that its OPTIONALs and FILTERs see
        # ?this bound, as they do when pyshacl pre-binds $this
        body = TARGETS + " " + where
        self._add(targets, Check(shape, SH.SPARQLConstraintComponent, None, body, projection, all_messages,
                                 severity, has_value=True, sparql_constraint=constraint, prologue=prologue))


_FILTER_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{([^{}]*)\}", re.I)
_VARIABLE = re.compile(r"[?$](\w+)")
_NOT_PLAIN = re.compile(r"\b(FILTER|BIND|VALUES|OPTIONAL|GRAPH|SERVICE|MINUS|UNION)\b|\(", re.I)


def _strip_groups(text: str) -> str:
    """``text`` without its nested {...} groups (what a group's own triple patterns are)."""
    out, depth = [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def not_exists_to_minus(where: str) -> str:
    """Rewrite ``FILTER NOT EXISTS { BGP }`` as ``MINUS { BGP }`` where the two are equivalent, because
    pyoxigraph plans the inner pattern of an EXISTS without knowing which variables are bound (a derivation's
    prov:entity is looked up among every derivation of that document: quadratic), and runs MINUS as a hash
    anti-join. Equivalent when the inner pattern is a plain basic graph pattern (no FILTER, BIND, OPTIONAL,
    sub-group, no parenthesised path) and every variable it shares with the rest of the query is bound by a
    triple pattern of the same group *before* the FILTER (so that MINUS, which sees only what precedes it,
    compares the same bound variables), with at least one such variable (MINUS ignores solutions sharing none).
    Anything else is left as it is."""
    result, pos = [], 0
    for m in _FILTER_NOT_EXISTS.finditer(where):
        inner = m.group(1)
        keep = True
        if _NOT_PLAIN.search(inner):
            keep = False
        else:
            before = where[:m.start()]
            # the text of the enclosing group before the FILTER: from its opening brace, nested groups removed
            depth, start = 0, 0
            for i in range(len(before) - 1, -1, -1):
                if before[i] == "}":
                    depth += 1
                elif before[i] == "{":
                    if depth == 0:
                        start = i + 1
                        break
                    depth -= 1
            preceding = set(_VARIABLE.findall(_strip_groups(before[start:])))
            elsewhere = set(_VARIABLE.findall(where[:m.start()] + where[m.end():]))
            shared = set(_VARIABLE.findall(inner)) & elsewhere
            keep = not shared or not shared <= preceding
        if keep:
            continue
        result.append(where[pos:m.start()])
        result.append("MINUS {" + inner + "}")
        pos = m.end()
    result.append(where[pos:])
    return "".join(result)


# --- running ---------------------------------------------------------------------------------------------------


def _target_pattern(targets: _Targets, closure: dict[str, list[str]], focus: Sequence[Node] | None) -> str:
    alternatives = []
    if targets.classes:
        classes = sorted({c for cls in targets.classes for c in closure.get(str(cls), [f"<{cls}>"])})
        alternatives.append(f"{{ VALUES ?_t {{ {' '.join(classes)} }} ?this <{RDF_TYPE}> ?_t }}")
    for node in targets.nodes:
        alternatives.append(f"{{ BIND ({sparql_term(node)} AS ?this) }}")
    for p in targets.subjects_of:
        alternatives.append(f"{{ ?this <{p}> ?_o }}")
    for p in targets.objects_of:
        alternatives.append(f"{{ ?_s <{p}> ?this }}")
    pattern = "{ " + " UNION ".join(alternatives) + " }"
    if focus is not None:
        pattern = f"VALUES ?this {{ {' '.join(_focus_term(f) for f in focus)} }} " + pattern
    return pattern


def _focus_term(node: Node) -> str:
    if isinstance(node, BNode):
        raise ValueError("blank nodes cannot be named as focus nodes")
    return sparql_term(node)


def _class_closure(store: ox.Store, classes: Iterable[URIRef], union: bool = False) -> dict[str, list[str]]:
    """For each class, itself and every class below it by rdfs:subClassOf* in the data (as SPARQL terms)."""
    classes = sorted(set(classes), key=str)
    closure: dict[str, list[str]] = {str(c): [f"<{c}>"] for c in classes}
    if not classes:
        return closure
    query = (f"SELECT DISTINCT ?sub ?sup WHERE {{ VALUES ?sup {{ {' '.join(f'<{c}>' for c in classes)} }} "
             f"?sub <{RDFS_SUBCLASSOF}>+ ?sup . FILTER (isIRI(?sub)) }}")
    for row in store.query(query, use_default_graph_as_union=union):  # type: ignore[union-attr]
        closure[row["sup"].value].append(f"<{row['sub'].value}>")
    return closure


def _format(message: str, bindings: dict[str, Node]) -> str:
    """pyshacl's substitution of {?var} / {$var} in a SHACL-SPARQL message (re.sub, as pyshacl does it)."""
    for var, val in bindings.items():
        message = re.sub(f"{{[?$]{var}}}", str(val), message)
    return message


@dataclass
class FastValidationResult(ValidationResult):
    seconds: float = 0.0
    queries: int = 0


class Validator:
    """Compiled shapes, ready to validate any number of stores."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.compiled = CompiledShapes(shapes)

    def validate_store(self, store: ox.Store, focus: Sequence[Node] | None = None, with_report: bool = True,
                       union_default_graph: bool = False) -> FastValidationResult:
        """Validate the default graph of ``store`` (data and ontology), or with ``union_default_graph`` the union
        of all its graphs; ``focus`` limits the focus nodes to those listed (IRIs)."""
        import time

        started = time.perf_counter()
        closure = _class_closure(store, self.compiled.classes, union_default_graph)
        violations: list[Violation] = []
        constraints: list[Node | None] = []
        queries = 0
        for targets, check in self.compiled.checks:
            pattern = _target_pattern(targets, closure, focus)
            body = check.body.replace(TARGETS, pattern)
            body = _CLASS_TOKEN.sub(lambda m: " ".join(closure.get(m.group(1), [f"<{m.group(1)}>"])), body)
            query = f"{check.prologue}SELECT DISTINCT {check.projection} WHERE {{ {body} }}"
            queries += 1
            for row in store.query(query, use_default_graph_as_union=union_default_graph):  # type: ignore[union-attr]
                violations.append(self._violation(check, row))
                constraints.append(check.sparql_constraint)
        order = sorted(range(len(violations)), key=lambda i: violations[i].sort_key())
        violations = [violations[i] for i in order]
        constraints = [constraints[i] for i in order]
        report = report_graph(violations, constraints) if with_report else None
        return FastValidationResult(conforms=not violations, violations=violations, report_graph=report,
                                    seconds=time.perf_counter() - started, queries=queries)

    def _violation(self, check: Check, row: ox.QuerySolution) -> Violation:
        focus = to_rdflib(row["this"])
        assert focus is not None
        path: Node | None = check.path
        value: Node | None = None
        if check.value_is_focus:
            value = focus
        elif check.has_value:
            value = to_rdflib(row["value"])
        message_literals = list(check.messages)
        if check.sparql_constraint is not None:
            path = to_rdflib(row["path"])
            if value is None:
                value = focus  # a node shape's SPARQL result without ?value names the focus node
            bindings: dict[str, Node] = {}
            for variable in re.findall(r"[?$](\w+)", check.projection):
                if variable in ("this", "path", "value"):
                    continue
                term = to_rdflib(row[variable])
                if term is not None:
                    bindings[variable] = term
            bindings["this"] = focus
            if path is not None:
                bindings["path"] = path
            bindings["value"] = value
            message_literals = [Literal(_format(str(m), bindings)) for m in check.messages]
        message = _message_of(message_literals)
        return Violation(focus_node=focus, result_path=path, value=value, source_shape=check.shape,
                         constraint_component=check.component, severity=check.severity, message=message)


def _message_of(messages: Sequence[Literal]) -> str:
    g = Graph()
    node = BNode()
    for m in messages:
        g.add((node, SH.resultMessage, m))
    return _message(g, node)


def report_graph(violations: Sequence[Violation], constraints: Sequence[Node | None] = ()) -> Graph:
    """The standard SHACL validation report (sh:ValidationReport with one sh:ValidationResult per violation)."""
    g = Graph()
    g.bind("sh", str(SH))
    report = BNode()
    g.add((report, _RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not violations)))
    constraints = list(constraints) or [None] * len(violations)
    for v, constraint in zip(violations, constraints, strict=True):
        r = BNode()
        g.add((report, SH.result, r))
        g.add((r, _RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, v.focus_node))
        if v.result_path is not None:
            g.add((r, SH.resultPath, v.result_path))
        if v.value is not None:
            g.add((r, SH.value, v.value))
        g.add((r, SH.sourceShape, v.source_shape))
        g.add((r, SH.sourceConstraintComponent, v.constraint_component))
        g.add((r, SH.resultSeverity, v.severity))
        if constraint is not None:
            g.add((r, SH.sourceConstraint, constraint))
        if v.message:
            g.add((r, SH.resultMessage, Literal(v.message)))
    return g


def write_report(result: ValidationResult, path: Path) -> None:
    """The SHACL validation report of ``result`` as Turtle."""
    graph = result.report_graph if result.report_graph is not None else report_graph(result.violations)
    Path(path).write_text(graph.serialize(format="turtle"), encoding="utf-8")


_VALIDATORS: dict[int, Validator] = {}


def validator_for(shapes: Graph) -> Validator:
    """A compiled validator for ``shapes``, kept while the graph object lives (compiling takes a few ms)."""
    key = id(shapes)
    cached = _VALIDATORS.get(key)
    if cached is None or cached.shapes is not shapes:
        cached = Validator(shapes)
        _VALIDATORS[key] = cached
    return cached


def validate(data: Graph, shapes: Graph) -> ValidationResult:
    """Drop-in for :func:`allegiance.kb.validation.validate`: the same results, computed by pyoxigraph."""
    return validator_for(shapes).validate_store(graph_to_store(data))


__all__ = ["Validator", "CompiledShapes", "UnsupportedShape", "FastValidationResult", "validate", "validator_for",
           "graph_to_store", "report_graph", "write_report", "to_ox", "to_rdflib"]
