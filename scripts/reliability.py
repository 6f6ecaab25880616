"""The reliability report: run every family of fuzz, security, fault and load tests, count what was tried and what
held, and write docs/reliability.md (its table, and the promises beside the tests that check them).

    python scripts/reliability.py                     # every family, then the load run (8 clients, 60 s)
    python scripts/reliability.py --load-seconds 8    # a shorter load run
    python scripts/reliability.py --no-load --out /tmp/reliability.md

Each family is one pytest run (``-p no:cacheprovider``, a JUnit XML report, ``--hypothesis-show-statistics``):
the table counts its test cases from the XML (passed, failed, skipped, expected failures) and, for property-based
tests, the examples Hypothesis generated (summed from its statistics). A family whose files are not in this
checkout is listed as absent, not as passed. The load run is ``benchmarks/load_http.py``'s.

Exit status: 0 when every family passed (expected failures allowed: they are listed as known bugs), nothing was
lost and no ordinary request got a 5xx; 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Family:
    name: str
    paths: tuple[str, ...]
    tried: str
    held: str  # what a pass means
    counts: dict[str, int] = field(default_factory=dict)
    examples: int = 0
    known: list[str] = field(default_factory=list)  # expected failures: the bugs still open
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    present: bool = True


FAMILIES = [
    Family("HTTP fuzzing", ("tests/fuzz",),
           "generated requests to every route: parameters, headers, bodies, methods; imports and writes of "
           "generated RDF", "no 5xx from client input; every refusal a 4xx naming its cause; the store unchanged by "
                            "refused writes"),
    Family("Security", ("tests/security",),
           "SERVICE to loopback canaries in every spelling, redirects, DNS; HTTP request smuggling, slow and "
           "oversized requests, writes without or with a wrong token",
           "no request leaves the allowlist; no write without the token; slow clients cut off"),
    Family("OpenAPI conformance", ("tests/test_openapi_conformance.py",),
           "requests generated from /openapi.json against the running server",
           "every answer matches the document; no 5xx"),
    Family("Writes and tokens", ("tests/endpoint/test_writes.py",),
           "Graph Store and Update writes with no, wrong and right tokens; violating writes; the W3C GSP tests",
           "401/403 without the token; a violation is a 422 and changes nothing; an accepted write is seen next"),
    Family("Query safety", ("tests/endpoint/test_safety.py",),
           "runaway, huge, memory-hungry and parser-crashing queries; two runaway clients; disconnects; idle "
           "workers SIGKILLed", "503/422/400 to their sender only; a third client never starved; no client error "
                                "from a worker killed while idle"),
    Family("Journal", ("tests/endpoint/test_store.py::test_a_journalled_change_is_all_or_nothing",),
           "a write killed before, during and after its journal's rename", "all or nothing at the next start"),
    Family("SIGKILL during import", ("tests/test_import.py",),
           "allegiance import killed at random moments; parse errors, violations", "the store is the original or "
                                                                                  "the original plus the whole file"),
    Family("SIGKILL during writes and serving", ("tests/faults/test_kill.py",),
           "the server SIGKILLed during a Graph Store PUT (5 moments) and while serving reads and writes (2)",
           "the restart serves every acknowledged write, whole, and nothing partial; workers die with the server"),
    Family("Full disk", ("tests/faults/test_full_disk.py",),
           "an import of 200,000 triples onto a store on a tmpfs with 6 MB free",
           "a clear 'No space left on device' error; the store exactly as it was"),
    Family("Remote store gone", ("tests/faults/test_remote_gone.py",),
           "oxigraph serve SIGKILLed mid-query, queried while away, restarted on its port",
           "502/503 naming the store; answers again when it returns, without a restart"),
    Family("Short load", ("tests/faults/test_load_short.py",),
           "8 loopback clients for 8 s, one of them runaway, a write every 4 s",
           "no error but the runaway client's; no acknowledged write lost"),
]

_EXAMPLES = re.compile(r"-\s+(\d+) passing examples?, (\d+) failing examples?")


def run_family(family: Family, work: Path, timeout: float) -> None:
    existing = [p for p in family.paths if (ROOT / p.split("::")[0]).exists()]
    if not existing:
        family.present = False
        return
    xml = work / (re.sub(r"\W+", "-", family.name) + ".xml")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", *existing, "-q", "-p", "no:cacheprovider", "-rA",
                           f"--junitxml={xml}", "--hypothesis-show-statistics"],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    family.seconds = time.monotonic() - started
    family.examples = sum(int(m.group(1)) + int(m.group(2)) for m in _EXAMPLES.finditer(proc.stdout))
    counts = {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0}
    if xml.exists():
        for case in ET.parse(xml).getroot().iter("testcase"):
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            failed = case.find("failure") if case.find("failure") is not None else case.find("error")
            skipped = case.find("skipped")
            if failed is not None:
                counts["failed"] += 1
                family.failures.append(f"{name}: {(failed.get('message') or '')[:200]}")
            elif skipped is not None and skipped.get("type") == "pytest.xfail":
                counts["xfailed"] += 1
                family.known.append(f"{name}: {skipped.get('message', '')}")
            elif skipped is not None:
                counts["skipped"] += 1
                family.known.append(f"{name}: skipped: {skipped.get('message', '')}")
            else:
                counts["passed"] += 1
    if proc.returncode not in (0, 1) or not xml.exists():  # collection errors, interrupted runs
        family.failures.append(f"pytest exited {proc.returncode}: {(proc.stdout + proc.stderr)[-400:]}")
    family.counts = counts


def run_load(seconds: float, work: Path) -> dict:
    out = work / "load.json"
    proc = subprocess.run([sys.executable, "benchmarks/load_http.py", "--seconds", str(seconds), "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=seconds + 600)
    result = json.loads(out.read_text()) if out.exists() else {"broken": [proc.stderr[-500:] or "no report"]}
    result["command"] = f"python benchmarks/load_http.py --seconds {seconds:g}"
    result["output"] = proc.stdout
    return result


def _cell(text: str, limit: int = 300) -> str:
    """Text fit for one cell of a Markdown table: one line, no pipes, bounded."""
    return " ".join(text.replace("|", "\\|").split())[:limit]


def _cases(f: Family) -> str:
    if not f.present:
        return "absent from this checkout"
    c = f.counts
    text = f"{sum(c.values())} tests: {c['passed']} passed"
    text += "".join(f", {c[k]} {k}" for k in ("failed", "xfailed", "skipped") if c[k])
    if f.examples:
        text += f"; {f.examples:,} generated examples"
    return text


def _held(f: Family) -> str:
    if not f.present:
        return "not run"
    if f.failures:
        return "**NO**: " + _cell("; ".join(f.failures))
    return "yes" + (f" ({f.counts['xfailed']} known bug(s) below)" if f.counts["xfailed"] else "")


def _ms(v: float | None) -> str:
    return "-" if v is None else f"{v * 1000:.0f} ms"


def render(families: list[Family], load: dict | None, started: str, elapsed: float) -> str:
    lines = [
        "# Reliability", "",
        "Generated by `python scripts/reliability.py` (do not edit by hand: rerun it). Last run: "
        f"{started}, {elapsed / 60:.0f} min, on {_machine()}.", "",
        "What was tried, how many cases, and what held. Each row is one pytest run of the files named; the counts "
        "are its JUnit test cases (a parametrized test counts once per parameter) and, for property-based tests, "
        "the examples Hypothesis generated.", "",
        "| family | files | what was tried | cases | what must hold | held |", "|---|---|---|---|---|---|"]
    for f in families:
        lines.append(f"| {f.name} | {', '.join(f'`{p}`' for p in f.paths)} | {f.tried} | {_cases(f)} | {f.held} | "
                     f"{_held(f)} |")
    if load is not None:
        kinds = load.get("kinds", {})
        cases = f"{load.get('requests', 0):,} requests" if "requests" in load else "not run"
        held = "yes" if not load.get("broken") else "**NO**: " + _cell("; ".join(load["broken"]))
        lines.append(f"| Load | `benchmarks/load_http.py` | {load.get('clients', '?')} loopback clients for "
                     f"{load.get('seconds', '?'):g} s: canned, raw, Graph Store reads, a write every 10 s, one "
                     f"runaway client | {cases} | no error but the runaway client's; nothing lost; p99 of reads "
                     f"under 1 s; peak RSS under 2 GB | {held} |")
    lines += ["", "## Nothing lost, no 5xx from client input", ""]
    lost = None if load is None else load.get("writes", {}).get("lost")
    lines.append(f"- Families that failed: {sum(bool(f.failures) for f in families)} of "
                 f"{sum(f.present for f in families)} run.")
    if load is not None:
        w = load.get("writes", {})
        lines += [f"- Load: writes acknowledged {w.get('acknowledged')}, found afterwards {w.get('found')}, lost "
                  f"{len(lost) if lost is not None else 'unknown'}; 5xx on ordinary clients: "
                  f"{load.get('ordinary_5xx')}; the runaway client's answers: {load.get('runaway_statuses')}.",
                  f"- Load latency (`{load['command']}`): reads p50 {_ms(load.get('reads', {}).get('p50'))}, "
                  f"p99 {_ms(load.get('reads', {}).get('p99'))}; " + "; ".join(
                      f"{k} p50 {_ms(v['p50'])} p99 {_ms(v['p99'])}" for k, v in kinds.items()) + ".",
                  f"- Peak RSS of the server's process tree (sum over its processes, sampled every 0.25 s): "
                  f"{load.get('peak_rss_mb', {}).get('tree_kb')} MB; the largest single process "
                  f"{load.get('peak_rss_mb', {}).get('process_hwm_kb')} MB."]
    known = [k for f in families for k in f.known]
    lines += ["", "## Known bugs and skips", ""]
    lines += [f"- {_cell(k, 400)}" for k in known] or ["- none"]
    return "\n".join(lines) + "\n\n" + PROMISES


def _machine() -> str:
    import os
    import platform

    return f"{os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}"


# the promises and the tests of each, written beside this script and copied into the report
PROMISES = (Path(__file__).with_name("reliability_promises.md")).read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability.md")
    parser.add_argument("--load-seconds", type=float, default=60.0, help="the load run's duration (default 60)")
    parser.add_argument("--no-load", action="store_true", help="no load run")
    parser.add_argument("--family-timeout", type=float, default=3600.0, help="seconds per family (default 3600)")
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="allegiance-reliability-") as tmp:
        for family in FAMILIES:
            print(f"{family.name}: {' '.join(family.paths)}", file=sys.stderr, flush=True)
            try:
                run_family(family, Path(tmp), args.family_timeout)
            except subprocess.TimeoutExpired:
                family.failures.append(f"ran over {args.family_timeout:g} s")
            print(f"  {_cases(family)}; held: {_held(family)}", file=sys.stderr, flush=True)
        load = None if args.no_load else run_load(args.load_seconds, Path(tmp))
    if load is not None:
        print(load.get("output", ""), file=sys.stderr)
    args.out.write_text(render(FAMILIES, load, started, time.monotonic() - t0), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    broken = any(f.failures for f in FAMILIES) or (load is not None and bool(load.get("broken")))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
