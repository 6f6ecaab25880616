"""The short version of the load run (``benchmarks/load_http.py``, 8 clients for 60 s, is the long one): 8 clients
for 8 s, one of them sending runaway queries, one write every 4 s. Counts and statuses are asserted, never times:
the latencies and the peak RSS are printed (``pytest -s``) and kept in the report, not held to a limit here."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
try:
    import load_http  # type: ignore[import-not-found]
finally:
    sys.path.pop(0)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def short_run() -> dict:
    result = load_http.run(clients=8, seconds=8, write_interval=4.0, timeout=10.0)
    print("\n" + load_http.render(result))
    return result


def test_no_error_but_the_runaway_clients_own(short_run):
    assert short_run["server_alive"], short_run["server_log"]
    assert short_run["ordinary_errors"] == 0, short_run["error_samples"]
    assert short_run["ordinary_5xx"] == 0
    # every ordinary client was served, and every read kind was tried
    statuses = short_run["statuses_by_client"]
    assert all(sum(statuses[str(c)].values()) >= 1 for c in range(1, 8)), statuses
    assert sum(k["requests"] for name, k in short_run["kinds"].items() if name in load_http.READS) >= 100
    assert {"canned", "raw", "gsp", "write", "runaway"} <= set(short_run["kinds"])
    # the runaway client's queries were stopped by the time limit: 503 and nothing else
    assert short_run["runaway_statuses"] and set(short_run["runaway_statuses"]) == {"503"}


def test_no_acknowledged_write_is_lost(short_run):
    writes = short_run["writes"]
    assert writes["acknowledged"] >= 1 and writes["unanswered"] == 0
    assert writes["lost"] == [] and writes["unexpected"] == []
    assert writes["found"] == writes["acknowledged"]


def test_latency_and_memory_are_reported(short_run):
    reads = short_run["reads"]
    assert reads["requests"] > 0 and reads["p50"] is not None and reads["p99"] is not None
    assert short_run["peak_rss_mb"]["tree_kb"] > 0 and short_run["peak_rss_mb"]["processes"] >= 3
    # every promise but the two measured ones (p99 and RSS, not asserted in a test) held
    assert load_http.broken_promises(short_run, math.inf, math.inf) == []


def test_the_load_command_refuses_what_it_cannot_bound():
    with pytest.raises(SystemExit):
        load_http.main(["--seconds", "0"])
    with pytest.raises(ValueError):
        load_http.run(clients=0, seconds=1)
