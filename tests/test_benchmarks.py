"""Smoke test of the benchmark scripts: each runs with its smallest settings and prints its table.

No timing is asserted: speed and memory are measured by the scripts in benchmarks/, compared side by side with
peers in one run, never by timed unit tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(script: str, *args: str, timeout: float = 120) -> str:
    proc = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


def test_load_benchmark_prints_its_table():
    out = run("load.py", "--sizes", "shipped", "--loaders", "rdflib,ox-memory", "--no-check")
    assert "## Load time and peak memory" in out
    assert "| shipped |" in out
    assert "rdflib s" in out and "ox-memory s" in out


def test_load_benchmark_refuses_an_unbounded_size():
    proc = subprocess.run([sys.executable, str(BENCHMARKS / "load.py"), "--sizes", "1000m"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "out of bounds" in proc.stderr


@pytest.mark.slow
def test_endpoint_benchmark_prints_its_table():
    out = run("endpoint.py", "--servers", "allegiance", "--requests", "5", "--seconds", "2", "--concurrency", "1",
              "--queries", "ask,select-10", "--workers", "1")
    assert "## Latency and throughput" in out
    assert "| ask | 1 |" in out and "| select-10 | 1 |" in out
    assert "## Memory (MB)" in out and "| allegiance |" in out
