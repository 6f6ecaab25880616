"""``allegiance infer``: the OWL RL inferences of the knowledge base, as N-Triples."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from allegiance.kb.inference import infer
from allegiance.kb.load import load


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="write N-Triples here instead of standard output")


def run(args: argparse.Namespace) -> int:
    g = infer(load())
    data = g.serialize(format="nt", encoding="utf-8")
    if args.out:
        args.out.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0
