"""``allegiance query``: formats, parameters and exit codes (the CLI function, in process)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from allegiance.cli import main

from .conftest import ID


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["query", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err




def test_json_csv_tsv_table(capsys):
    code, out, _ = run(capsys, "citizenship-revocations", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert len(data["results"]["bindings"]) == 7
    code, out, _ = run(capsys, "citizenship-revocations", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["countryLabel"], r["persons"]) for r in rows} >= {("Australia", "5"), ("United Kingdom", "150")}
    code, out, _ = run(capsys, "citizenship-revocations", "--format", "tsv")
    assert out.splitlines()[0].startswith("?country\t?countryLabel") and len(out.splitlines()) == 8
    code, out, _ = run(capsys, "citizenship-revocations")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("country ") and set(lines[1]) <= {"-", "+"}
    assert lines[-1] == "(7 rows)" and "id:australia" in out


def test_parameters_and_pages(capsys):
    code, out, _ = run(capsys, "accusations-against", "--param", f"accused={ID}qatar", "--format", "json")
    assert code == 0
    assert {b["accused"]["value"] for b in json.loads(out)["results"]["bindings"]} <= {
        ID + "qatar", ID + "government-of-qatar"}
    code, out, _ = run(capsys, "entity", "-p", f"entity={ID}islamic-state", "--page", "1", "-f", "json")
    assert code == 0 and len(json.loads(out)["results"]["bindings"]) == 200
    first = {json.dumps(b, sort_keys=True) for b in json.loads(out)["results"]["bindings"]}
    code, out, _ = run(capsys, "entity", "-p", f"entity={ID}islamic-state", "--page", "2", "-f", "json")
    second = {json.dumps(b, sort_keys=True) for b in json.loads(out)["results"]["bindings"]}
    assert code == 0 and 0 < len(second) <= 200 and not first & second


@pytest.mark.parametrize("argv, message", [
    (["no-such-query"], "no canned query named 'no-such-query'"),
    (["entity", "--param", "entity=not an iri"], "'entity': 'not an iri' is not an absolute IRI"),
    (["entity", "--param", "colour=red"], "'colour': unknown parameter"),
    (["entity", "--param", "novalue"], "expected KEY=VALUE"),
    (["timeline", "--page", "1"], "not paginated"),
    ([], "name a query"),
])
def test_bad_command_lines_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and message in err and out == ""


def test_list(capsys):
    code, out, _ = run(capsys, "--list")
    assert code == 0 and "accusations-against" in out and "[accused?]" in out
