"""docs/cookbook.md cannot rot: every worked question's query runs against the knowledge graph and gives the answer
printed under it (``python -m tests.data.cookbook`` rewrites the answers after a change to the data)."""

from __future__ import annotations

import pytest

from . import cookbook

pytestmark = pytest.mark.data

BLOCKS = cookbook.blocks(cookbook.DOC.read_text(encoding="utf-8"))


def test_the_cookbook_has_at_least_twenty_worked_questions():
    assert len(BLOCKS) >= 20


def _normal(rows):
    # GROUP_CONCAT leaves the order of its parts open: compare them as sets
    return sorted([", ".join(sorted(c.split(", "))) for c in r] for r in rows)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"q{i + 1}" for i in range(len(BLOCKS))])
def test_each_answer_is_what_the_graph_gives(block):
    expected = cookbook.parse_table(block.group(2))
    got = cookbook.parse_table(cookbook.table(cookbook.run(block.group(1))))
    assert got[0] == expected[0]  # the same columns
    assert _normal(got[1:]) == _normal(expected[1:])  # the same rows (order aside where the query leaves it open)
    assert len(got) > 1, "a worked question answers with at least one row"
