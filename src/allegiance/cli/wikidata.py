"""``allegiance wikidata``: pledges and branch ties between organizations mapped to Wikidata, as Wikidata statements
(QuickStatements commands or Wikibase-shaped JSON), for people who contribute back; see docs/wikidata-export.md."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from allegiance.kb.load import load
from allegiance.kb.wikidata import export
from allegiance.paths import MissingData

EXIT_MISSING_DATA = 2


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, metavar="FILE", help="write here instead of standard output")
    parser.add_argument("--format", choices=("quickstatements", "json"), default="quickstatements",
                        help="QuickStatements version 1 commands (default) or Wikibase-shaped JSON statements "
                             "with the claims left out and why")


def run(args: argparse.Namespace) -> int:
    try:
        kb = load()
    except MissingData as exc:
        print(f"allegiance wikidata: {exc}", file=sys.stderr)
        return EXIT_MISSING_DATA
    result = export(kb.instance_union())
    text = result.quickstatements() if args.format == "quickstatements" else result.json()
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    # one count per claim and kind of reason (a claim with two unmapped parties counts once)
    reasons = Counter(reason for _claim, why in result.left_out
                      for reason in {re.sub(r" \(.*| for .*", "", r) for r in why.split("; ")})
    print(f"allegiance wikidata: {len(result.statements)} statement(s) exported; "
          f"{len(result.left_out)} pledge(s) and affiliation(s) left out, for these reasons:"
          + "".join(f"\n  {n:4d}  {why}" for why, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
          file=sys.stderr)
    return 0
