"""An app factory for the browser test (``uvicorn --factory tests.ui.serve_app:create``): the app of
``allegiance serve`` with two query workers and a generous timeout for a loaded CI machine."""

from __future__ import annotations

from starlette.applications import Starlette


def create() -> Starlette:
    from allegiance.web.app import create_app
    from allegiance.config import Settings

    return create_app(Settings(workers=2, timeout=20.0))
