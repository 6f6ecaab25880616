"""Load benchmark: parse/load time and peak memory of rdflib and pyoxigraph on the knowledge base's data.

Builds the data the endpoint serves (ontology + instances + OWL RL inferences) as one N-Triples file, and synthetic
scaled copies of it (the instances and inferences replicated with renamed IRIs and blank nodes, the ontology kept
once), then loads each file with each loader in a fresh subprocess and reads that subprocess's peak RSS (VmHWM):

  rdflib       rdflib.Graph().parse(file, format="nt")
  ox-memory    pyoxigraph.Store().bulk_load(path=file)                 (in-memory store)
  ox-disk      pyoxigraph.Store(tmpdir).bulk_load(path=file); flush()  (RocksDB on disk)

It also times the stages of ``allegiance check`` (parse, inference, citations, HermiT, SHACL) on the shipped data.

    python benchmarks/load.py                       # shipped, 100k and 1M triples
    python benchmarks/load.py --sizes shipped,100k  # sizes: shipped, or a triple count such as 100k, 1m, 250000
    python benchmarks/load.py --sizes shipped --no-check --loaders ox-memory

Numbers are printed, never asserted. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOADERS = ("rdflib", "ox-memory", "ox-disk")
MAX_TRIPLES = 5_000_000  # the bound on a synthetic size (2 cores, rdflib needs ~1.2 GB per million triples)
ID_PREFIX = "<https://w3id.org/allegiance/id/"
_BNODE_SUBJECT = re.compile(r"^_:(\S+) ")
_BNODE_OBJECT = re.compile(r" _:(\S+) \.$")


# -- measurement subprocess ----------------------------------------------------------------------------------------

def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _rss_kb() -> int:
    return _status_kb("VmRSS")


def _peak_kb() -> int:
    """Peak RSS of this process image. Not ru_maxrss: on Linux that keeps the parent's peak across fork + exec."""
    return _status_kb("VmHWM")


def _measure(loader: str, path: str) -> dict:
    """Runs in a fresh interpreter: import, note idle RSS, load, report time and peak RSS."""
    import gc

    import pyoxigraph as ox
    import rdflib  # noqa: F401  imported by every loader so the idle baselines are alike

    gc.collect()
    idle_kb = _rss_kb()
    tmp = None
    start = time.perf_counter()
    if loader == "rdflib":
        g = rdflib.Graph()
        g.parse(path, format="nt")
        n = len(g)
    elif loader == "ox-memory":
        s = ox.Store()
        s.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
        n = len(s)
    elif loader == "ox-disk":
        tmp = tempfile.mkdtemp(prefix="bench-oxdisk-")
        s = ox.Store(tmp)
        s.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
        s.flush()
        n = len(s)
    else:
        raise SystemExit(f"unknown loader {loader}")
    seconds = time.perf_counter() - start
    disk = None
    if tmp:
        disk = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        del s
        shutil.rmtree(tmp, ignore_errors=True)
    peak_kb = _peak_kb()
    return {"seconds": seconds, "triples": n, "peak_kb": peak_kb, "idle_kb": idle_kb, "disk_bytes": disk}


def _check_stages() -> dict:
    """Runs in a fresh interpreter: the stages of ``allegiance check`` on the shipped data, timed one by one."""
    times: dict[str, float] = {}
    t = time.perf_counter()
    from allegiance.cli import check as check_mod
    from allegiance.kb.consistency import check_consistency
    from allegiance.kb.inference import closure
    from allegiance.kb.load import load
    from allegiance.kb.citations import check_citations
    from allegiance.kb.validation import validate
    times["import"] = time.perf_counter() - t

    t = time.perf_counter()
    kb = load()
    data = kb.data()
    times["parse (knowledge.load + union)"] = time.perf_counter() - t
    t = time.perf_counter()
    inferred = closure(data)
    times["OWL RL closure (reasonable)"] = time.perf_counter() - t
    t = time.perf_counter()
    report = check_mod.Report()
    check_mod._count(kb, data, inferred, report)
    times["counts"] = time.perf_counter() - t
    t = time.perf_counter()
    citations = check_citations(data, kb.layout.sources)
    times["citations"] = time.perf_counter() - t
    t = time.perf_counter()
    consistency = check_consistency(data)
    times["consistency (HermiT)"] = time.perf_counter() - t
    t = time.perf_counter()
    violations = list(validate(data, kb.shapes).violations)
    times["SHACL (pyshacl)"] = time.perf_counter() - t
    return {"times": times, "triples": len(data), "inferred": len(inferred),
            "citation_problems": len(citations), "consistent": bool(consistency.ok),
            "violations": len(violations),
            "peak_kb": _peak_kb()}


# -- data ---------------------------------------------------------------------------------------------------------

def build_shipped(out_dir: Path) -> tuple[Path, Path, Path, float]:
    """Writes ontology.nt (the ontology), body.nt (instances + inferences, deduplicated) and shipped.nt (all)."""
    import pyoxigraph as ox

    from allegiance.kb import inference
    from allegiance.kb import load as knowledge
    from allegiance.store import to_ox

    start = time.perf_counter()
    kb = knowledge.load()
    inferred = inference.infer(kb)
    seconds = time.perf_counter() - start

    def nt(triples) -> bytes:
        unique = {(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples}
        return ox.serialize((ox.Triple(*t) for t in sorted(unique, key=str)), format=ox.RdfFormat.N_TRIPLES)

    ontology = nt(kb.ontology)
    ontology_set = set(ontology.splitlines())
    body_triples = [t for g in kb.instances.values() for t in g] + list(inferred)
    body = b"\n".join(line for line in nt(body_triples).splitlines() if line not in ontology_set) + b"\n"
    paths = out_dir / "ontology.nt", out_dir / "body.nt", out_dir / "shipped.nt"
    paths[0].write_bytes(ontology)
    paths[1].write_bytes(body)
    paths[2].write_bytes(ontology + body)
    return (*paths, seconds)


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def build_scaled(ontology: Path, body: Path, target: int, out: Path) -> int:
    """ontology + enough renamed copies of body to reach about ``target`` triples; returns the triple count."""
    onto_n = _count_lines(ontology)
    lines = [line for line in body.read_text(encoding="utf-8").splitlines() if line.strip()]
    copies = max(1, round((target - onto_n) / len(lines)))
    with out.open("w", encoding="utf-8") as f:
        f.write(ontology.read_text(encoding="utf-8"))
        for k in range(copies):
            iri = f"{ID_PREFIX}c{k}/"
            bnode_s, bnode_o = rf"_:c{k}x\1 ", rf" _:c{k}x\1 ."
            for line in lines:
                line = line.replace(ID_PREFIX, iri)
                if line.startswith("_:"):
                    line = _BNODE_SUBJECT.sub(bnode_s, line)
                if line.endswith("."):
                    line = _BNODE_OBJECT.sub(bnode_o, line)
                f.write(line)
                f.write("\n")
    return onto_n + copies * len(lines)


def parse_size(text: str) -> int | str:
    text = text.strip().lower()
    if text == "shipped":
        return "shipped"
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (use shipped, 100k, 1m or a number)")
    n = int(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2)])
    if not 1_000 <= n <= MAX_TRIPLES:
        raise argparse.ArgumentTypeError(f"size {n} out of bounds (1000 .. {MAX_TRIPLES})")
    return n


# -- driver -------------------------------------------------------------------------------------------------------

def run_child(args: list[str], timeout: float) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {proc.returncode}: {tail[:80]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _mb(kb: int | None) -> str:
    return "-" if kb is None else f"{kb / 1024:.0f}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="shipped,100k,1m",
                   help="comma-separated: shipped and/or triple counts such as 100k, 1m (default %(default)s; "
                        f"at most {MAX_TRIPLES:,})")
    p.add_argument("--loaders", default=",".join(LOADERS), help="comma-separated subset of " + ", ".join(LOADERS))
    p.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is shown (default 1)")
    p.add_argument("--timeout", type=float, default=300, help="seconds per measurement (default %(default)s)")
    p.add_argument("--no-check", action="store_true", help="skip timing the `allegiance check` stages")
    p.add_argument("--keep", type=Path, help="write the generated N-Triples files here and keep them")
    p.add_argument("--_measure", nargs=2, metavar=("LOADER", "FILE"), help=argparse.SUPPRESS)
    p.add_argument("--_check", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args._measure:
        print(json.dumps(_measure(*args._measure)))
        return 0
    if args._check:
        print(json.dumps(_check_stages()))
        return 0

    try:
        sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    except argparse.ArgumentTypeError as exc:
        p.error(str(exc))
    loaders = [x.strip() for x in args.loaders.split(",") if x.strip()]
    unknown = set(loaders) - set(LOADERS)
    if unknown or not loaders:
        p.error(f"unknown loader(s) {sorted(unknown)}; choose from {', '.join(LOADERS)}")
    repeat = max(1, args.repeat)

    import platform

    import pyoxigraph
    import rdflib

    print(f"# load benchmark: Python {platform.python_version()}, rdflib {rdflib.__version__}, "
          f"pyoxigraph {pyoxigraph.__version__}, {os.cpu_count()} CPUs")
    work = Path(tempfile.mkdtemp(prefix="allegiance-bench-load-"))
    try:
        out_dir = args.keep or work
        out_dir.mkdir(parents=True, exist_ok=True)
        ontology, body, shipped, build_s = build_shipped(out_dir)
        shipped_n = _count_lines(shipped)
        print(f"# built the knowledge base's data (parse + OWL RL inference) in {build_s:.2f} s: "
              f"{shipped_n:,} triples ({_count_lines(ontology):,} ontology, {_count_lines(body):,} instances and "
              "inferences)")

        rows = []
        for size in sizes:
            if size == "shipped":
                path, n, label = shipped, shipped_n, "shipped"
            else:
                path = out_dir / f"scaled-{size}.nt"
                t = time.perf_counter()
                n = build_scaled(ontology, body, size, path)
                label = f"{size:,}"
                print(f"# generated {label}: {n:,} triples, {path.stat().st_size / 1e6:.1f} MB N-Triples, "
                      f"in {time.perf_counter() - t:.1f} s", flush=True)
            row = {"size": label, "triples": n, "mb": path.stat().st_size / 1e6}
            for loader in loaders:
                best = None
                for _ in range(repeat):
                    r = run_child(["--_measure", loader, str(path)], args.timeout)
                    if "error" in r:
                        best = r
                        break
                    if best is None or r["seconds"] < best["seconds"]:
                        best = r
                row[loader] = best
                print(f"#   {label:>9} {loader:10} " + (best["error"] if "error" in best else
                      f"{best['seconds']:.3f} s, peak {_mb(best['peak_kb'])} MB"), flush=True)
            rows.append(row)
            if size != "shipped" and not args.keep:
                path.unlink(missing_ok=True)

        print()
        print("## Load time and peak memory (each in a fresh process; peak = VmHWM, "
              "+load = peak minus idle RSS after imports)")
        print()
        head = "| data | triples | N-Triples MB |"
        rule = "|---|---:|---:|"
        for loader in loaders:
            head += f" {loader} s | {loader} peak MB (+load) |"
            rule += "---:|---:|"
        print(head)
        print(rule)
        for row in rows:
            line = f"| {row['size']} | {row['triples']:,} | {row['mb']:.1f} |"
            for loader in loaders:
                r = row[loader]
                if "error" in r:
                    line += f" {r['error']} | - |"
                else:
                    line += (f" {r['seconds']:.3f} | {_mb(r['peak_kb'])} "
                             f"(+{_mb(r['peak_kb'] - r['idle_kb'])}) |")
            print(line)
        disk = [(row["size"], row["ox-disk"]["disk_bytes"]) for row in rows
                if "ox-disk" in row and "error" not in row["ox-disk"] and row["ox-disk"].get("disk_bytes")]
        if disk:
            print()
            print("on-disk store size after flush: " + ", ".join(f"{s}: {b / 1e6:.1f} MB" for s, b in disk))

        if not args.no_check:
            print()
            print("## `allegiance check` stages on the shipped data (one fresh process)")
            print()
            r = run_child(["--_check"], args.timeout)
            if "error" in r:
                print(f"check stages: {r['error']}")
            else:
                print("| stage | seconds |")
                print("|---|---:|")
                for stage, s in r["times"].items():
                    print(f"| {stage} | {s:.2f} |")
                print(f"| total | {sum(r['times'].values()):.2f} |")
                print()
                print(f"{r['triples']:,} triples checked, {r['inferred']:,} inferred; citation problems "
                      f"{r['citation_problems']}, consistent {r['consistent']}, SHACL violations {r['violations']}; "
                      f"peak RSS {_mb(r['peak_kb'])} MB (the HermiT JVM is a separate process, not counted)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
