"""The only way out of the query sandbox: a relay that connects to allowlisted SERVICE endpoints and nothing else.

It listens on a Unix socket that the sandbox holder's forwarders connect to. Each connection starts with one line,
``HOST PORT``, naming the upstream it stands for; the relay checks the pair against the allowlist (exact host and
port, after the IRIs were parsed once, at start-up, from the operator's settings) and then tunnels bytes both ways,
with a connect timeout and an idle timeout. A pair that is not allowlisted is refused by closing the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger("allegiance.relay")


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, idle_timeout: float | None) -> None:
    """Copy bytes from ``reader`` to ``writer`` until either side ends, or nothing moves for ``idle_timeout``
    seconds (None: no limit); then close ``writer``."""
    try:
        while data := await asyncio.wait_for(reader.read(65536), idle_timeout):
            writer.write(data)
            await writer.drain()
    except (OSError, TimeoutError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


def endpoint_of(iri: str) -> tuple[str, int]:
    """The (host, port) an HTTP(S) IRI connects to; ValueError for anything else."""
    parts = urlsplit(iri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) IRI: {iri!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname.lower().rstrip("."), port


class Relay:
    """Counts what it did, for logs and tests: ``tunnels`` opened, ``refused`` pairs."""

    def __init__(self, path: Path, allowlist: Iterable[str], *, connect_timeout: float = 10.0,
                 idle_timeout: float = 60.0):
        self.path = Path(path)
        self.allowed = {endpoint_of(iri) for iri in allowlist}
        self.connect_timeout = connect_timeout
        self.idle_timeout = idle_timeout
        self.tunnels = 0
        self.active = 0  # tunnels open now
        self.refused = 0
        self.upstream_timeouts = 0
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_unix_server(self._handle, str(self.path))

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), 5)
            host, _, port_text = line.decode("ascii", "replace").strip().rpartition(" ")
            pair = (host.lower(), int(port_text)) if port_text.isdigit() else None
            if pair is None or pair not in self.allowed:
                self.refused += 1
                log.warning("relay refused a connection to %r", line[:200])
                return
            try:
                up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(*pair), self.connect_timeout)
            except (OSError, TimeoutError) as exc:
                self.upstream_timeouts += isinstance(exc, TimeoutError)
                log.warning("SERVICE endpoint %s:%d unreachable: %s", *pair, exc)
                return
            self.tunnels += 1
            self.active += 1
            try:
                await asyncio.gather(pipe(reader, up_writer, self.idle_timeout),
                                     pipe(up_reader, writer, self.idle_timeout))
            finally:
                self.active -= 1
        except (OSError, TimeoutError, ValueError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
