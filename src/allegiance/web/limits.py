"""Limits on slow and oversized requests, which uvicorn does not set on its own.

uvicorn arms its keep-alive timer only after a response, and disarms it on any byte received: a client that opens
a connection and sends its request head a byte at a time (slowloris) holds the connection for ever, and so does one
that declares a body and never sends it. Two structural limits close that:

* :func:`protocol` -- uvicorn's httptools protocol with a deadline for the request head: ``header_timeout`` seconds
  from the connection's start (and from the end of each response on a kept-alive connection) until the head is
  complete, else ``408`` and the connection is closed; and at most ``max_header_bytes`` before the head is complete,
  else ``431`` and closed. Passed to ``uvicorn.run(http=...)``.
* :class:`BodyDeadline` -- ASGI middleware: the whole request body must have arrived ``body_timeout`` seconds after
  the request started, else ``408`` (with ``Connection: close``) and the application sees the client go away.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


def _refusal(status: int, text: str) -> bytes:
    body = text.encode("ascii")
    return (b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s" % (status, _REASONS[status], len(body), body))


class HeadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a deadline and a byte limit for each request head."""

    header_timeout: float = 10.0
    max_header_bytes: int = 64 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._awaiting_head = False

    def _await_head(self) -> None:
        self._stop_head_timer()
        self._awaiting_head = True
        self._head_bytes = 0
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_expired)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _refuse(self, status: int, text: str) -> None:
        self._awaiting_head = False
        self._stop_head_timer()
        if not self.transport.is_closing():
            self.transport.write(_refusal(status, text))
            self.transport.close()

    def _head_expired(self) -> None:
        self._head_timer = None
        if not self._awaiting_head or self.transport.is_closing():
            return
        if self._head_bytes:
            self._refuse(408, f"the request head did not arrive within {self.header_timeout:g} s")
        else:  # an idle connection: closed without a word, like uvicorn's keep-alive timeout
            self._awaiting_head = False
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._awaiting_head = False
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head:
            self._head_bytes += len(data)
        super().data_received(data)
        # the head is complete when on_headers_complete ran; bytes of the chunk that completed it are not counted
        if self._awaiting_head and self._head_bytes > self.max_header_bytes:
            self._refuse(431, f"the request head is larger than {self.max_header_bytes} bytes")

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        self._stop_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None:  # idle, waiting for the next request on this connection
            self._await_head()


def protocol(header_timeout: float, max_header_bytes: int) -> type[HeadDeadlineProtocol]:
    """The protocol class for ``uvicorn.run(http=...)`` with these limits."""
    return type("HeadDeadline", (HeadDeadlineProtocol,),
                {"header_timeout": header_timeout, "max_header_bytes": max_header_bytes})


class BodyDeadline:
    """ASGI middleware: the request body must be complete ``timeout`` seconds after the request started."""

    def __init__(self, app: ASGIApp, timeout: float):
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        state = {"body_done": False, "started": False, "timed_out": False}

        async def guarded_receive() -> Message:
            if state["timed_out"]:
                return {"type": "http.disconnect"}
            if state["body_done"]:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0.0))
            except TimeoutError:
                state["timed_out"] = True
                if not state["started"]:
                    state["started"] = True
                    body = f"the request body did not arrive within {self.timeout:g} s\n".encode()
                    await send({"type": "http.response.start", "status": 408,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                            (b"content-length", str(len(body)).encode()),
                                            (b"connection", b"close")]})
                    await send({"type": "http.response.body", "body": body})
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                state["body_done"] = True
            return message

        async def guarded_send(message: Message) -> None:
            if state["timed_out"]:
                return  # answered already (408), or the client is treated as gone
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except Exception:
            if not state["timed_out"]:
                raise
