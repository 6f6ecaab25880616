"""Scale benchmark (issue 8 §6): validated import, load and cold start at 10k, 100k and 1M triples.

    python benchmarks/scale.py --sizes 10k,100k,1m          # the documented command (about 10 minutes)
    python benchmarks/scale.py --sizes 10k --pyshacl-timeout 60

**The data.** :func:`generate` writes N-Triples shaped like the model because they *are* the model's data: the
shipped instances (every file but ``sources.ttl``), copied as often as the size needs, each copy with every
``https://w3id.org/allegiance/id/<slug>`` renamed ``<slug>-c<K>`` and every blank node renamed, so copies never
collapse into one another and every IRI still meets the shapes' patterns. The copies cite the shipped source
documents (which the store holds) with the shipped excerpts, so the import checks every excerpt against the real
texts, and the data conform to the shapes. Deterministic: the same size gives the same bytes.

**What it measures**, each in a fresh child process whose peak RSS (VmHWM from /proc) is read before it exits:

* ``oxigraph load``: the Oxigraph CLI (PyPI ``oxigraph``) bulk-loading the file into a new on-disk store; no
  validation (the floor for a load);
* ``allegiance import``: into an on-disk store built from the knowledge base (``store.build``): parse, provenance
  check, SHACL validation of the union by the compiled validator, and one transactional commit (``--no-infer``:
  the OWL RL entailments the import would add to the inferences graph are not derived, as neither peer reasons);
* plain pyshacl: ``pyshacl.validate`` of the same union (ontology + shipped instances + the file), as
  ``allegiance check`` would run it, capped by ``--pyshacl-timeout`` (reported as ``> N s``);
* cold start: ``allegiance serve --store PATH`` on the store the largest import left on disk, from the process start
  to the first answered SPARQL query.

Targets (this 2-core machine): validated import of 1M triples under 15 s and 2 GB; at least 10x faster than
pyshacl; load within 1.5x of ``oxigraph load``; cold start under 3 s with 1M triples on disk. Each is printed with
MET / NOT MET. Numbers are printed, never asserted (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/allegiance/id/"
_ID_IRI = re.compile(r"<https://w3id\.org/allegiance/id/([^>]+)>")
_BNODE = re.compile(r"_:(\S+)")
MAX_TRIPLES = 5_000_000


# --- the generator -------------------------------------------------------------------------------------------


def _body() -> list[str]:
    """The shipped instances (without the source documents' registry) as sorted N-Triples lines."""
    import pyoxigraph as ox

    from allegiance.paths import default_layout

    lines: set[str] = set()
    labels: dict[str, str] = {}  # the parser's blank node ids are random: name them in order of appearance

    def term(t: object) -> str:
        if isinstance(t, ox.BlankNode):
            return "_:" + labels.setdefault(t.value, f"b{len(labels)}")
        return str(t)

    for path in default_layout().instance_files():
        if path.stem == "sources":
            continue
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            lines.add(f"{term(quad.subject)} {quad.predicate} {term(quad.object)} .")
    return sorted(lines)


def generate(triples: int, out: Path) -> int:
    """Write about ``triples`` synthetic triples (whole copies of the instances) to ``out``; the count written."""
    if not 0 < triples <= MAX_TRIPLES:
        raise ValueError(f"size {triples} out of bounds (1..{MAX_TRIPLES})")
    body = _body()
    copies = max(1, round(triples / len(body)))
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        for k in range(1, copies + 1):
            def rename(m: re.Match[str], k: int = k) -> str:
                return f"<{ID}{m.group(1)}-c{k}>"

            for line in body:
                line = _ID_IRI.sub(rename, line)
                line = _BNODE.sub(lambda m, k=k: f"_:c{k}x{m.group(1)}", line)  # type: ignore[misc]
                f.write(line + "\n")
            written += len(body)
    return written


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    return int(float(text) * factor)


# --- measurement children ------------------------------------------------------------------------------------


def _peak_kb(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


_CHILD_IMPORT = r"""
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from allegiance.store.embedded import EmbeddedStore
from allegiance.store.imports import import_files
store = EmbeddedStore.open(sys.argv[1])
result = import_files(store, [Path(sys.argv[2])], shipped_sources=Path(sys.argv[3]) if sys.argv[3] else None,
                      infer=False)
store.close()
seconds = dict(result.seconds, wall=time.perf_counter() - started)
peak = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
print(json.dumps({"quads": result.quads, "seconds": seconds, "peak_kb": peak}))
"""

_CHILD_PYSHACL = r"""
import json, sys, time
from rdflib import Graph
from allegiance.kb.load import load
from allegiance.kb.validation import validate
kb = load()
data = kb.data()
data.parse(sys.argv[1], format="nt")
started = time.perf_counter()
result = validate(data, kb.shapes)
seconds = time.perf_counter() - started
peak = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
print(json.dumps({"seconds": seconds, "violations": len(result.violations), "peak_kb": peak}))
"""


def _run_json(cmd: list[str], timeout: float) -> dict:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}... exited {proc.returncode}: {proc.stderr[-1500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _wait_peak(proc: subprocess.Popen, timeout: float | None) -> tuple[int, float, int | None]:
    """Wait for a child, sampling its VmHWM until it exits (the last value read before exit); rc None on time-out."""
    started = time.perf_counter()
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _peak_kb(proc.pid))
        if timeout is not None and time.perf_counter() - started > timeout:
            proc.kill()
            proc.wait()
            return peak, time.perf_counter() - started, None
        time.sleep(0.05)
    return peak, time.perf_counter() - started, proc.returncode


def oxigraph_load(file: Path, workdir: Path) -> dict | None:
    exe = shutil.which("oxigraph")
    if exe is None:
        return None
    location = workdir / "oxigraph-load"
    shutil.rmtree(location, ignore_errors=True)
    proc = subprocess.Popen([exe, "load", "--location", str(location), "--file", str(file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, seconds, rc = _wait_peak(proc, 3600)
    if rc != 0:
        return {"error": f"exit {rc}"}
    shutil.rmtree(location, ignore_errors=True)
    return {"seconds": seconds, "peak_kb": peak}


def build_store(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from allegiance.store.build "
                    "import build; s = build(Path(sys.argv[1])); s.store.flush()", str(path)], check=True, cwd=ROOT)
    return time.perf_counter() - started


def allegiance_import(store: Path, file: Path, sources: Path | None) -> dict:
    proc = subprocess.Popen([sys.executable, "-c", _CHILD_IMPORT, str(store), str(file), str(sources or "")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak, seconds, rc = _wait_peak(proc, 3600)
    out, err = proc.communicate()
    if rc != 0:
        raise RuntimeError(f"import exited {rc}: {err[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["wall"] = seconds
    result["peak_kb"] = max(peak, result["peak_kb"])
    return result


def plain_pyshacl(file: Path, timeout: float) -> dict:
    proc = subprocess.Popen([sys.executable, "-c", _CHILD_PYSHACL, str(file)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak, seconds, rc = _wait_peak(proc, timeout)
    if rc is None:
        return {"timeout": timeout, "peak_kb": peak}
    out, err = proc.communicate()
    if rc != 0:
        return {"error": err[-500:]}
    result = json.loads(out.strip().splitlines()[-1])
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cold_start(store: Path, timeout: float = 120) -> dict:
    """Seconds from ``allegiance serve --store PATH`` to the first answered query."""
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "allegiance", "serve", "--store", str(store), "--port", str(port),
                             "--no-sandbox", "--workers", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { "
                                                                                "?s a ?c }"})
    answer = None
    try:
        while time.perf_counter() - started < timeout and proc.poll() is None:
            try:
                with urllib.request.urlopen(urllib.request.Request(
                        url, headers={"Accept": "application/sparql-results+json"}), timeout=30) as r:
                    answer = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.05)
        seconds = time.perf_counter() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if answer is None:
        err = proc.stderr.read().decode(errors="replace")[-1500:] if proc.stderr else ""
        return {"error": f"no answer within {timeout} s: {err}"}
    n = answer["results"]["bindings"][0]["n"]["value"]
    return {"seconds": seconds, "answer": int(n)}


# --- the table -----------------------------------------------------------------------------------------------


def _s(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _mb(kb: int | None) -> str:
    return "-" if not kb else f"{kb / 1024:.0f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("MET" if ok else "NOT MET")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="triple counts (10k, 100k, 1m, 250000)")
    parser.add_argument("--pyshacl-timeout", type=float, default=300.0, help="seconds before pyshacl is stopped")
    parser.add_argument("--no-pyshacl", action="store_true")
    parser.add_argument("--no-cold-start", action="store_true")
    parser.add_argument("--workdir", type=Path, help="keep the files and stores here (default: a temporary folder)")
    args = parser.parse_args(argv)
    try:
        sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
        for n in sizes:
            if not 0 < n <= MAX_TRIPLES:
                raise ValueError(f"size {n} out of bounds (1..{MAX_TRIPLES})")
    except ValueError as exc:
        print(f"scale.py: {exc}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "src"))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="allegiance-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    from allegiance.paths import default_layout

    try:
        sources: Path | None = default_layout().sources
        if sources is not None and not sources.is_dir():
            sources = None
    except Exception:
        sources = None
    has_oxigraph = shutil.which("oxigraph") is not None
    print(f"# Scale benchmark ({os.cpu_count()} cores; oxigraph CLI: {'yes' if has_oxigraph else 'NOT INSTALLED'}"
          f"; excerpts checked against {'the shipped sources' if sources else 'nothing (sources not found)'})\n",
          flush=True)
    rows = []
    last_store = None
    for n in sizes:
        file = workdir / f"synthetic-{n}.nt"
        count = generate(n, file)
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
        ox_load = oxigraph_load(file, workdir)
        store = workdir / f"store-{n}"
        shutil.rmtree(store, ignore_errors=True)
        build_store(store)
        imp = allegiance_import(store, file, sources)
        last_store = store
        shacl_plain = None if args.no_pyshacl else plain_pyshacl(file, args.pyshacl_timeout)
        rows.append({"n": n, "count": count, "sha": digest, "ox": ox_load, "import": imp, "pyshacl": shacl_plain})
        print(f"  {count:,} triples done (sha256 {digest}): import {imp['wall']:.2f} s", file=sys.stderr, flush=True)
    cold = None if args.no_cold_start or last_store is None else cold_start(last_store)

    print("## Load, validated import and pyshacl, side by side\n")
    print("| triples | oxigraph load s | import s (wall) | parse | read store | provenance | validate | commit "
          "| import peak MB | pyshacl s | pyshacl/validate | import/oxigraph load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        imp, sec = r["import"], r["import"]["seconds"]
        ox_s = r["ox"]["seconds"] if r["ox"] and "seconds" in r["ox"] else None
        ps = r["pyshacl"]
        if ps is None:
            ps_text, ratio = "skipped", "-"
        elif "timeout" in ps:
            ps_text, ratio = f"> {ps['timeout']:.0f}", f"> {ps['timeout'] / sec['validate']:.0f}x"
        elif "seconds" in ps:
            ps_text, ratio = _s(ps["seconds"]), f"{ps['seconds'] / sec['validate']:.0f}x"
        else:
            ps_text, ratio = "error", "-"
        print(f"| {r['count']:,} | {_s(ox_s)} | {_s(imp['wall'])} | {_s(sec.get('parse'))} | "
              f"{_s(sec.get('read store'))} | {_s(sec.get('provenance'))} | {_s(sec.get('validate'))} | "
              f"{_s(sec.get('commit'))} | {_mb(imp['peak_kb'])} | {ps_text} | {ratio} | "
              f"{(imp['wall'] / ox_s) if ox_s else float('nan'):.1f}x |")
    print()
    if cold is not None:
        if "seconds" in cold:
            print(f"Cold start of `allegiance serve --store` on {last_store.name} ({rows[-1]['count']:,} imported "
                  f"triples on disk): first answer after {cold['seconds']:.2f} s (it counted {cold['answer']:,} "
                  f"typed nodes)\n")
        else:
            print(f"Cold start: {cold['error']}\n")

    print("## Targets\n")
    big = max(rows, key=lambda r: r["count"])
    at_1m = big["count"] >= 900_000
    imp = big["import"]
    ox_s = big["ox"]["seconds"] if big["ox"] and "seconds" in big["ox"] else None
    ps = big["pyshacl"]
    if ps and "seconds" in ps:
        speedup: float | None = ps["seconds"] / imp["seconds"]["validate"]
    elif ps and "timeout" in ps:
        speedup = ps["timeout"] / imp["seconds"]["validate"]
    else:
        speedup = None
    ratio_text = "-" if not ox_s else f"{imp['wall'] / ox_s:.1f}x"
    cold_text = "-" if not cold or "seconds" not in cold else f"{cold['seconds']:.2f} s"
    speed_text = "-" if speedup is None else ("> " if ps and "timeout" in ps else "") + f"{speedup:.0f}x"
    targets = [
        (f"validated import of 1M triples < 15 s (here {big['count']:,}: {imp['wall']:.1f} s)",
         imp["wall"] < 15 if at_1m else None),
        (f"... and < 2 GB peak (here {imp['peak_kb'] / 1024:.0f} MB)",
         imp["peak_kb"] < 2 * 1024 * 1024 if at_1m else None),
        (f">= 10x faster than pyshacl (validation of {big['count']:,} triples: {speed_text})",
         None if speedup is None else speedup >= 10),
        (f"load within 1.5x of oxigraph load ({ratio_text})", None if not ox_s else imp["wall"] <= 1.5 * ox_s),
        (f"cold start < 3 s with 1M triples on disk ({cold_text})",
         (cold is not None and "seconds" in cold and cold["seconds"] < 3) if at_1m and cold is not None else None),
    ]
    for text, ok in targets:
        print(f"- {verdict(ok)}: {text}")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
