"""Frames between the server and its query workers, over one Unix stream socket per worker.

A frame is one type byte, a 4-byte big-endian length and the payload. Control frames carry JSON (never pickle):

  server -> worker   ``J`` a job (JSON)
  worker -> server   ``R`` ready (the store is open), ``P`` the query parsed (JSON: the answer's kind),
                     ``H`` the chosen format (JSON), ``D`` a chunk of the serialized answer,
                     ``E`` the end of a complete answer,
                     ``X`` a typed failure (JSON, :mod:`allegiance.sparql.errors`)
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from typing import Any

HEADER = struct.Struct("!cI")
MAX_CONTROL = 16 * 1024 * 1024  # a job carries a query of at most --max-body bytes

JOB, PARSED, HEAD, DATA, END, FAILURE, READY = b"J", b"P", b"H", b"D", b"E", b"X", b"R"


def frame(kind: bytes, payload: bytes) -> bytes:
    return HEADER.pack(kind, len(payload)) + payload


def control(kind: bytes, data: Any) -> bytes:
    return frame(kind, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


# -- the worker's side: blocking


def recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket) -> tuple[bytes, bytes]:
    kind, size = HEADER.unpack(recv_exactly(sock, HEADER.size))
    if size > MAX_CONTROL:
        raise EOFError
    return kind, recv_exactly(sock, size)


# -- the server's side: asyncio


async def read_frame(reader: asyncio.StreamReader, limit: int) -> tuple[bytes, bytes]:
    kind, size = HEADER.unpack(await reader.readexactly(HEADER.size))
    if size > limit:
        raise EOFError(f"a frame of {size} bytes is over the limit")
    return kind, await reader.readexactly(size)
