"""The network wall around the query engine: a network namespace whose only way out is the server's relay.

The query workers run pyoxigraph, whose SERVICE client will call whatever IRI a query names. No query text is
inspected to stop that (a second parser that must agree with the engine's is a hole waiting for a spelling).
Instead the workers live in a network namespace of their own, made by the *sandbox holder*, a small process that

1. unshares a network and a mount namespace (as root; otherwise inside a user namespace of its own),
2. brings up the namespace's loopback (it has no other interface: no route leaves it),
3. bind-mounts a hosts file over ``/etc/hosts`` that maps each allowlisted host name to a loopback address of the
   namespace (no DNS server is reachable, so no other name resolves),
4. listens on those addresses at the allowlisted ports and forwards each connection to the server's relay
   (:mod:`allegiance.sparql.relay`) over a Unix socket, naming the host and port it stands for.

The relay, outside, connects only to allowlisted host:port pairs. So the engine reaches an allowlisted endpoint
(TLS stays end to end: the tunnel carries bytes) and nothing else: not the server's own port, not the machine's
loopback services, not the network. Workers join the holder's namespaces with ``setns`` before importing the
engine (:func:`enter`) and refuse to run if they are not inside.

Run as ``python -m allegiance.sparql.sandbox --relay SOCKET --run-dir DIR [--forward HOST:PORT ...]``; it prints
``ready`` on standard output once the namespace is set up and the listeners are bound.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import fcntl
import ipaddress
import os
import socket
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from allegiance.sparql.relay import pipe

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
SIOCGIFFLAGS, SIOCSIFFLAGS = 0x8913, 0x8914
IFF_UP, IFF_RUNNING = 0x1, 0x40
HOST_ADDRESS_BASE = ipaddress.IPv4Address("127.77.0.1")  # allowlisted host names are mapped from here up


class SandboxUnavailable(OSError):
    """The kernel refused the namespaces (no privilege, user namespaces disabled)."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise SandboxUnavailable(err, f"{what}: {os.strerror(err)}")


@dataclass(frozen=True)
class Forward:
    """One allowlisted upstream (host, port) and the address it gets inside the namespace."""

    host: str
    port: int
    listen: str  # an address of the namespace's loopback

    @property
    def name(self) -> str:
        return f"{self.host}:{self.port}"


def plan(endpoints: Sequence[tuple[str, int]]) -> list[Forward]:
    """Where each allowlisted (host, port) listens inside the namespace.

    Loopback literals keep their own address (``127.0.0.1``, ``::1``); host names get ``127.77.0.N`` through the
    hosts file. Other IP literals cannot be given a route out and are left out (the relay would refuse them too).
    """
    forwards: list[Forward] = []
    names: dict[str, str] = {}
    for host, port in dict.fromkeys(endpoints):  # each (host, port) once, in order
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            if host not in names:
                names[host] = str(HOST_ADDRESS_BASE + len(names))
            forwards.append(Forward(host, port, names[host]))
            continue
        if ip.is_loopback:
            forwards.append(Forward(host, port, str(ip)))
    return forwards


def hosts_file(forwards: Sequence[Forward]) -> str:
    lines = ["# the query sandbox's hosts file: only allowlisted SERVICE hosts resolve"]
    seen = set()
    for f in forwards:
        if f.listen.startswith("127.77.") and f.host not in seen:
            seen.add(f.host)
            lines.append(f"{f.listen}\t{f.host}")
    return "\n".join(lines) + "\n"


# -- making the namespaces (the holder) -------------------------------------------------------------------------


def _unshare() -> None:
    libc = _libc()
    if os.geteuid() == 0 and libc.unshare(CLONE_NEWNET | CLONE_NEWNS) == 0:
        return
    uid, gid = os.getuid(), os.getgid()
    _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS), "unshare(user, net, mount)")
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
    Path("/proc/self/gid_map").write_text(f"0 {gid} 1")


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(s, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | IFF_UP | IFF_RUNNING))


def _private_hosts(run_dir: Path, forwards: Sequence[Forward]) -> None:
    libc = _libc()
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    hosts = run_dir / "sandbox-hosts"
    hosts.write_text(hosts_file(forwards), encoding="utf-8")
    _check(libc.mount(str(hosts).encode(), b"/etc/hosts", None, MS_BIND, None), "mount --bind hosts /etc/hosts")


async def _serve(relay: str, forwards: Sequence[Forward]) -> None:
    async def handle(forward: Forward, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(relay)
        except OSError:
            writer.close()
            return
        up_writer.write(f"{forward.host} {forward.port}\n".encode())
        await up_writer.drain()
        await asyncio.gather(pipe(reader, up_writer, None), pipe(up_reader, writer, None))

    servers = []
    for f in forwards:
        async def on_connect(r: asyncio.StreamReader, w: asyncio.StreamWriter, forward: Forward = f) -> None:
            await handle(forward, r, w)

        servers.append(await asyncio.start_server(on_connect, f.listen, f.port))
    print("ready", flush=True)
    await asyncio.Event().wait()  # until killed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m allegiance.sparql.sandbox")
    parser.add_argument("--relay", required=True)
    parser.add_argument("--run-dir", required=True, type=Path)
    parser.add_argument("--forward", action="append", default=[], metavar="HOST:PORT")
    args = parser.parse_args(argv)
    endpoints = []
    for item in args.forward:
        host, _, port = item.rpartition(":")
        endpoints.append((host.strip("[]"), int(port)))
    forwards = plan(endpoints)
    try:
        _die_with_parent()
        _unshare()
        _private_hosts(args.run_dir, forwards)
        _loopback_up()
    except OSError as exc:
        print(f"unavailable: {exc}", flush=True)
        return 3
    asyncio.run(_serve(args.relay, forwards))
    return 0


# -- joining them (a worker) ------------------------------------------------------------------------------------


def _die_with_parent() -> None:
    _libc().prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    if os.getppid() == 1:
        os._exit(0)


def namespace_id(pid: int | str, kind: str) -> int:
    return os.stat(f"/proc/{pid}/ns/{kind}").st_ino


def enter(holder_pid: int) -> None:
    """Join the holder's namespaces (user, if it made one; mount; network), or exit: never run outside them.

    Must run while the process is single-threaded, before the engine is imported.
    """
    libc = _libc()
    kinds = ["mnt", "net"]
    if namespace_id(holder_pid, "user") != namespace_id("self", "user"):
        kinds.insert(0, "user")
    for kind in kinds:
        fd = os.open(f"/proc/{holder_pid}/ns/{kind}", os.O_RDONLY)
        try:
            _check(libc.setns(fd, 0), f"setns({kind})")
        finally:
            os.close(fd)
    for kind in ("net", "mnt"):
        if namespace_id("self", kind) != namespace_id(holder_pid, kind):
            print(f"allegiance worker: not inside the sandbox's {kind} namespace; refusing to run", file=sys.stderr)
            os._exit(3)


if __name__ == "__main__":
    sys.exit(main())
