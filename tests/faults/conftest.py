"""The fault tests' shared fixture: ``built``, the knowledge base on disk, checkpointed (from tests/test_import.py)."""

from tests.test_import import built  # noqa: F401 - a fixture, made available to tests/faults
