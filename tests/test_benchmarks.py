"""Smoke test of the benchmark scripts: each runs with its smallest settings and prints its table.

No timing is asserted: speed and memory are measured by the scripts in benchmarks/, compared side by side with
peers in one run, never by timed unit tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


def _wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        pytest.skip("wrk is not installed (Debian: apt-get install -y wrk)")
    return wrk


@pytest.mark.parametrize("workload", ["cold", "warm"])
def test_wrk_script_varies_the_query_text_only_when_cold(workload):
    """The Lua script replaces the marker per request (cold: every path differs) and leaves a warm path alone."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects

        def do_GET(self):  # noqa: N802
            seen.append(self.path + " " + self.headers.get("Accept", ""))
            body = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        target = "/sparql?query=ASK%7B%7D%0A%23%20__COLD__" if workload == "cold" else "/sparql?query=ASK%7B%7D"
        proc = subprocess.run([_wrk(), "-t2", "-c2", "-d1s", "-s", str(BENCHMARKS / "wrk" / "sparql.lua"),
                               f"http://127.0.0.1:{server.server_address[1]}", "--", target, "n0nce"],
                              capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stderr
    assert "BENCH requests" in proc.stdout and "BENCH non2xx 0" in proc.stdout
    assert len(seen) > 10 and all(s.endswith(" application/sparql-results+json") for s in seen)
    if workload == "cold":
        assert len(set(seen)) == len(seen) and all("__COLD__" not in s and "n0nce-" in s for s in seen)
    else:
        assert set(seen) == {target + " application/sparql-results+json"}


@pytest.mark.slow
def test_endpoint_benchmark_prints_its_table():
    _wrk()
    out = run("endpoint.py", "--seconds", "1", "--connections", "1", "--queries", "select10", "--workloads", "cold")
    assert "## Requests/s" in out
    assert "| cold | select10 | 1 |" in out
    assert "## Peak memory" in out and "| allegiance |" in out
    if shutil.which("oxigraph"):
        assert "| oxigraph |" in out and "## Targets (issue 7" in out and "MET |" in out
    else:
        assert "SKIPPED oxigraph" in out


@pytest.mark.slow
def test_scale_benchmark_prints_its_table():
    out = run("scale.py", "--sizes", "10k", "--pyshacl-timeout", "30", timeout=600)
    assert "## Load, validated import and pyshacl, side by side" in out
    assert "## Targets" in out and ("MET" in out or "n/a" in out)


def test_scale_generator_is_deterministic_and_conforms(tmp_path):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import scale  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    assert scale.generate(20_000, a) == scale.generate(20_000, b) > 15_000
    assert a.read_bytes() == b.read_bytes()
    from allegiance.kb.load import load
    from allegiance.kb.shacl import validate

    kb = load()
    data = kb.data()
    data.parse(a, format="nt")
    result = validate(data, kb.shapes)
    assert result.conforms, result.violations[:5]
