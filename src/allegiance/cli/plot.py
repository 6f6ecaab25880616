"""``allegiance plot``: the allegiance network or the timeline, as SVG or PNG."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from allegiance.plots.data import FORMATS, network_data, timeline_data
from allegiance.plots.draw import draw_network, draw_timeline


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("picture", choices=["network", "timeline"], help="which picture to draw")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="where to write it; FILE.svg or FILE.png (the suffix gives the format)")
    parser.add_argument("--year", type=int, metavar="YYYY",
                        help="network: only the pledges active in that year (start <= year <= end, or no end)")
    parser.add_argument("--affiliations", action="store_true",
                        help="network: also draw the reported affiliations (branch, ally, ...), in blue")
    parser.add_argument("--load", type=Path, action="append", default=[], metavar="FILE",
                        help="also load this RDF file, as `allegiance serve --load` does; repeatable")


def run(args: argparse.Namespace) -> int:
    from allegiance import store as store_module
    from allegiance.kb.load import UnreadableFile

    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        print(f"allegiance plot: --out must end in .svg or .png, not {args.out.name!r}", file=sys.stderr)
        return 2
    if args.year is not None and args.picture != "network":
        print("allegiance plot: --year applies to the network only", file=sys.stderr)
        return 2
    try:
        served = store_module.build(None, args.load)
    except (UnreadableFile, OSError) as exc:
        print(f"allegiance plot: {exc}", file=sys.stderr)
        return 1
    if args.picture == "network":
        data = network_data(served, args.year, args.affiliations)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        draw_network(data, args.out, fmt)
        print(f"wrote {args.out}: {len(data.nodes)} agents, {len(data.edges)} claims", file=sys.stderr)
    else:
        tdata = timeline_data(served)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        draw_timeline(tdata, args.out, fmt)
        print(f"wrote {args.out}: {len(tdata.events)} dated claims", file=sys.stderr)
    return 0
