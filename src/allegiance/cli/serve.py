"""``allegiance serve``: the SPARQL endpoint and linked-data pages, on uvicorn.

Every option comes from a field of :class:`~allegiance.config.Settings` (its default and help are written there,
once).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time
import typing
from typing import Any

from allegiance.config import ConfigurationError, Settings

_HINTS = typing.get_type_hints(Settings)


def _flag(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("flag") or "--" + f.name.replace("_", "-"))


def configure(parser: argparse.ArgumentParser) -> None:
    for f in dataclasses.fields(Settings):
        hint = _HINTS[f.name]
        meta = f.metadata
        kw: dict[str, Any] = {"help": str(meta.get("help", "")) + " (default: %(default)s)", "dest": f.name}
        if "metavar" in meta:
            kw["metavar"] = meta["metavar"]
        if "choices" in meta:
            kw["choices"] = meta["choices"]
        if hint is bool:
            parser.add_argument(_flag(f), action=argparse.BooleanOptionalAction, default=f.default, **kw)
        elif typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            parser.add_argument(_flag(f), action="append", type=item, default=None, **kw)
        else:
            base = next((t for t in typing.get_args(hint) if t is not type(None)), hint)
            default = None if f.default is dataclasses.MISSING else f.default
            parser.add_argument(_flag(f), type=base, default=default, **kw)


def settings_from(args: argparse.Namespace) -> Settings:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        value = getattr(args, f.name, None)
        if value is None:
            continue
        if isinstance(value, list):
            value = tuple(v for v in value if str(v).lower() != "none")
        values[f.name] = value
    return Settings(**values)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from allegiance.sparql.sandbox import SandboxUnavailable
    from allegiance.web.app import create_app
    from allegiance.web.limits import BodyDeadline, protocol

    started = time.monotonic()
    try:
        settings = settings_from(args)
    except ConfigurationError as exc:
        print(f"allegiance serve: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=getattr(logging, settings.log_level.upper()),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from allegiance.kb.load import UnreadableFile

    try:
        app = BodyDeadline(create_app(settings), settings.body_timeout)
    except (UnreadableFile, OSError) as exc:
        print(f"allegiance serve: {exc}", file=sys.stderr)
        return 1
    logging.getLogger("allegiance.cli.serve").info("store ready after %.2f s", time.monotonic() - started)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                    timeout_graceful_shutdown=3, access_log=settings.access_log,
                    limit_concurrency=1000, timeout_keep_alive=5, server_header=False,
                    http=protocol(settings.header_timeout, settings.max_header_bytes))
    except SandboxUnavailable as exc:
        print(f"allegiance serve: {exc}", file=sys.stderr)
        return 2
    return 0

