"""``allegiance check``: the report, and its exit codes 0 (pass), 1 (violations), 2 (unreadable input)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from allegiance.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "check"

pytestmark = pytest.mark.slow


def test_shipped_knowledge_base_passes(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "consistency: HermiT finds ontology and instances consistent" in out
    assert "shapes: conforms" in out
    assert "citations: ok" in out
    assert out.rstrip().endswith("PASS")
    # counts of classes, instances and claims by kind
    assert "alg:Accusation" in out and "alg:Pledge" in out and "alg:Figure" in out
    # every claim counted once, under its most specific kind: the total is the sum of the lines
    block = out.split("claims by kind (", 1)[1].split("citations:", 1)[0]
    total = int(block.split(" in all", 1)[0])
    lines = dict(line.split() for line in block.splitlines()[1:] if line.strip())
    assert total == sum(map(int, lines.values()))
    assert {"alg:Denial", "alg:Dispute", "alg:Corroboration", "alg:Assessment", "alg:EventReport"} <= set(lines)
    assert "alg:Claim" not in lines  # no claim is typed only with the abstract class (issue 9)


def test_unreadable_import_exits_2_with_file_and_line(capsys):
    assert main(["check", "--no-reasoner", "--instances", str(FIXTURES / "unreadable.ttl")]) == 2
    err = capsys.readouterr().err
    assert f"{FIXTURES / 'unreadable.ttl'}:3:" in err


def test_miscited_import_exits_1_naming_the_node(capsys):
    assert main(["check", "--no-reasoner", "--instances", str(FIXTURES / "miscited.ttl")]) == 1
    out = capsys.readouterr().out
    assert "CITATION id:test-miscited-group: excerpt not found in 002_4516765f07b340b2.txt" in out
    assert out.rstrip().endswith("FAIL")


def test_shape_violation_exits_1_with_focus_path_and_message(capsys, tmp_path):
    bad = tmp_path / "no-label.ttl"
    bad.write_text((FIXTURES / "miscited.ttl").read_text().replace(
        'rdfs:label "Test group"@en ;', "").replace(
        "A sentence that the source never wrote.", "a spokesman said on Monday"))
    assert main(["check", "--no-reasoner", "--instances", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "citations: ok" in out
    shacl = [line for line in out.splitlines() if line.strip().startswith("SHACL")]
    assert shacl and all("id:test-miscited-group" in line and "rdfs:label" in line for line in shacl)


def test_console_script_runs():
    done = subprocess.run([sys.executable, "-m", "allegiance", "check", "--no-reasoner", "--instances",
                           str(FIXTURES / "unreadable.ttl")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "unreadable.ttl:3:" in done.stderr
