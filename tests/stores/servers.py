"""Real SPARQL 1.1 stores for the tests, started on free loopback ports in temporary folders.

* Oxigraph server (PyPI ``oxigraph``): ``oxigraph serve --location DIR --bind 127.0.0.1:PORT``; query ``/query``,
  update ``/update``, Graph Store Protocol ``/store``.
* OpenLink Virtuoso 7 (Debian ``virtuoso-opensource``): ``virtuoso-t +foreground`` with a generated
  ``virtuoso.ini``, SQL and HTTP ports on 127.0.0.1 only; query and update ``/sparql`` (SPARQL_UPDATE granted to
  the anonymous ``SPARQL`` user via ``isql-vt``), Graph Store Protocol ``/sparql-graph-crud``.

Each server is polled for readiness with a deadline, and stopped with SIGTERM, then SIGKILL.
``.ci/install-stores.sh`` installs both.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.helpers import free_port

READY_SECONDS = 60.0


@dataclass(frozen=True)
class Server:
    name: str
    query_url: str
    update_url: str
    data_url: str | None
    default_graph: str | None  # the named graph holding the merge, for stores whose default graph is a union
    process: subprocess.Popen



def _wait_ready(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode}): {_tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            r = httpx.get(url, params={"query": "ASK {}"}, timeout=2,
                          headers={"Accept": "application/sparql-results+json"})
            if r.status_code == 200:
                return
        time.sleep(0.25)
    stop(process)
    raise RuntimeError(f"{url}: not ready within {READY_SECONDS:g} s: {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-2000:]
    except OSError:
        return ""


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(5)


def oxigraph_binary() -> str | None:
    return shutil.which("oxigraph")


@contextlib.contextmanager
def oxigraph(folder: Path) -> Iterator[Server]:
    binary = oxigraph_binary()
    if binary is None:
        raise FileNotFoundError("oxigraph")
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "serve", "--location", str(folder / "data"), "--bind",
                                    f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, base + "/query", log)
        yield Server("oxigraph", base + "/query", base + "/update", base + "/store", None, process)
    finally:
        stop(process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
AllowOSCalls = 0
DirsAllowed = ., {dir}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
MaxQueryMem = 500M
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
MaxConstructTriples = 10000000
"""

# the named graph holding the served merge in Virtuoso, whose query-time default graph is every graph
VIRTUOSO_MERGE_GRAPH = "https://w3id.org/allegiance/graph/merge"


def virtuoso_binaries() -> tuple[str, str] | None:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, isql) if server and isql else None


@contextlib.contextmanager
def virtuoso(folder: Path) -> Iterator[Server]:
    binaries = virtuoso_binaries()
    if binaries is None:
        raise FileNotFoundError("virtuoso-t")
    server, isql = binaries
    sql_port, http_port = free_port(), free_port()
    data = folder / "virtuoso"
    (data / "vsp").mkdir(parents=True, exist_ok=True)
    ini = data / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=data, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = data / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=data, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_ready(process, base + "/sparql", data / "virtuoso.log")
        grant = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba",
             'exec=GRANT SPARQL_UPDATE TO "SPARQL"; GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL";'
             ' GRANT EXECUTE ON DB.DBA.L_O_LOOK TO "SPARQL";'],
            capture_output=True, text=True, timeout=60, check=False)
        if grant.returncode != 0:
            raise RuntimeError(f"isql-vt could not grant SPARQL_UPDATE: {grant.stdout}{grant.stderr}")
        yield Server("virtuoso", base + "/sparql", base + "/sparql", base + "/sparql-graph-crud",
                     VIRTUOSO_MERGE_GRAPH, process)
    finally:
        stop(process, grace=20)


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")
