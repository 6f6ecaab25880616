"""A full disk during ``allegiance import``: the store lives on a small tmpfs (mounted here, as root) that the
import's commit overflows. The import fails with a clear message naming the cause, and the store is exactly as it
was, read as it is and after it is opened for writing again (which recovers its write-ahead log).

Without root, or where tmpfs cannot be mounted (a container without CAP_SYS_ADMIN), the tests are skipped and say
why: a size-limited folder is what they need, and RLIMIT_FSIZE would not fill the disk, only stop one file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.test_import import ROOT, dump_hash

pytestmark = pytest.mark.slow

HEADROOM_MB = 6  # free space beside the store: less than the import's commit needs


@pytest.fixture(scope="module")
def large_file(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import scale  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    path = tmp_path_factory.mktemp("large") / "large.nt"  # on the ordinary disk: only the store is cramped
    scale.generate(200_000, path)
    return path


def _size_mb(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) // (1 << 20) + 1


@pytest.fixture
def small_disk(tmp_path, built) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root; no full disk can be made here")
    mount = tmp_path / "small"
    mount.mkdir()
    size = _size_mb(built) + HEADROOM_MB
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}m", "tmpfs", str(mount)],
                          capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a {size} MB tmpfs here ({done.stderr.strip()}); no full disk can be made")
    try:
        shutil.copytree(built, mount / "store")
        yield mount / "store"
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


@pytest.fixture
def full_import(small_disk, large_file) -> tuple[Path, subprocess.CompletedProcess]:
    proc = subprocess.run([sys.executable, "-m", "allegiance", "import", str(large_file), "--store", str(small_disk)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    return small_disk, proc


def test_full_disk_during_import_is_a_clear_error_and_the_store_is_intact(full_import, built):
    store, proc = full_import
    assert proc.returncode in (1, 2), proc.stderr[-2000:]
    assert "allegiance import:" in proc.stderr and "No space left on device" in proc.stderr, proc.stderr[-2000:]
    original = dump_hash(built)
    assert dump_hash(store) == original  # as it is on disk
    reopened = ox.Store(str(store))  # opened for writing: its write-ahead log is recovered
    assert len(reopened) == original[0]
    del reopened
    assert dump_hash(store) == original


def test_full_disk_message_is_not_followed_by_a_traceback(full_import):
    _, proc = full_import
    assert "No space left on device" in proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
