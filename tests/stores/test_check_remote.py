"""``allegiance check --store URL``: the knowledge base loaded into each remote store checks as the files do."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.stores.conftest import store_args

pytestmark = pytest.mark.slow


def test_check_remote_store(remote_store):
    args = [a for a in store_args(remote_store)]
    stored = subprocess.run([sys.executable, "-m", "allegiance", "check", *args, "--no-reasoner"],
                            capture_output=True, text=True, timeout=900, check=False)
    files = subprocess.run([sys.executable, "-m", "allegiance", "check", "--no-reasoner"],
                           capture_output=True, text=True, timeout=900, check=False)
    assert stored.returncode == 0, stored.stdout[-3000:] + stored.stderr[-3000:]
    assert stored.stdout.splitlines()[1:] == files.stdout.splitlines()[1:]
