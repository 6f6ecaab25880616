"""Drawing the allegiance network and the timeline with matplotlib (no pyplot: safe in a worker thread).

The pictures are deterministic: the same data gives the same bytes (fixed layout seed, sorted inputs, no date in
the file's metadata, fixed SVG ids).
"""

from __future__ import annotations

import io
import math
import threading
from collections import Counter, defaultdict
from pathlib import Path
from typing import IO, Any

from .data import (
    FORMATS,
    LAYOUT_SEED,
    Edge,
    NetworkData,
    TimelineData,
    local_name,
    network_data,
    timeline_data,
)

EDGE_COLOURS = {"allegiance": "#D55E00", "declared-support": "#E69F00", "affiliation": "#0072B2"}
NODE_COLOURS = {"pledgee": "#000000", "ongoing": "#D55E00", "ended": "#999999", "affiliated": "#56B4E9"}
NODE_ROLE_LABELS = {
    "pledgee": "pledged to",
    "ongoing": "pledger (a pledge not reported ended)",
    "ended": "pledger (every pledge ended)",
    "affiliated": "affiliated only",
}
TIMELINE_COLOURS = {"pledge": "#D55E00", "accusation": "#0072B2"}

_DRAW_LOCK = threading.Lock()  # matplotlib's font cache and rcParams are process-wide


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout=None)


def _save(fig, path_or_buffer: str | Path | IO[bytes], fmt: str) -> None:
    import matplotlib

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}: use {' or '.join(FORMATS)}")
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "allegiance", "svg.id": None}):
        fig.savefig(path_or_buffer, format=fmt, metadata=metadata, dpi=150 if fmt == "png" else 100)


def _slug(iri: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in (local_name(iri) or "node"))


def _part_layout(g, part: list[str], order: dict[str, int]) -> dict[str, tuple[float, float]]:
    """One connected part: its hubs (every node tied to two or more others) by a seeded spring layout, and the
    nodes tied to one hub only evenly on a circle around it, in label order. Returns positions around (0, 0)
    and the part's radius."""
    import networkx as nx

    sub = g.subgraph(part)
    if len(part) <= 2:
        return {n: (2.2 * i, 0.0) for i, n in enumerate(part)}
    degree = dict(sub.degree())
    leaves = [n for n in part if degree[n] == 1 and degree[next(iter(sub[n]))] > 1]
    core = [n for n in part if n not in set(leaves)]
    by_hub: dict[str, list[str]] = defaultdict(list)
    for n in leaves:
        by_hub[next(iter(sub[n]))].append(n)
    ring = {hub: max(1.0, 1.05 * len(ls) / (2 * math.pi)) for hub, ls in by_hub.items()}
    if len(core) == 1:
        core_pos = {core[0]: (0.0, 0.0)}
    else:
        spread = 1.0 + max(ring.values(), default=1.0) * 0.75
        start = {n: (math.cos(2 * math.pi * i / len(core)), math.sin(2 * math.pi * i / len(core)))
                 for i, n in enumerate(core)}
        raw = nx.spring_layout(sub.subgraph(core), pos=start, seed=LAYOUT_SEED, iterations=300, scale=spread)
        core_pos = {n: (float(x), float(y)) for n, (x, y) in raw.items()}
    pos = dict(core_pos)
    for hub, ls in by_hub.items():
        hx, hy = core_pos[hub]
        # leave a gap towards the hub's other neighbours in the core, when it has some
        others = [core_pos[m] for m in sub[hub] if m in core_pos]
        if others:
            ox_, oy_ = sum(p[0] for p in others) / len(others) - hx, sum(p[1] for p in others) / len(others) - hy
            away = math.atan2(oy_, ox_)
            span, first = 2 * math.pi * 0.8, away + 2 * math.pi * 0.1
        else:
            span, first = 2 * math.pi, math.pi / 2
        step = span / (len(ls) if not others else max(len(ls) - 1, 1))
        for i, n in enumerate(sorted(ls, key=order.__getitem__)):
            angle = first + i * step
            pos[n] = (hx + 1.5 * ring[hub] * math.cos(angle), hy + ring[hub] * math.sin(angle))  # wide ellipse
    return pos


def _bbox(pos: dict[str, tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    return min(xs), min(ys), max(xs), max(ys)


def _layout(data: NetworkData) -> dict[str, tuple[float, float]]:
    """Node positions, deterministic (fixed seed, inputs in label order): each connected part laid out around its
    hubs, the largest part on the left and the others in rows beside it."""
    import networkx as nx

    g = nx.Graph()
    for n in data.nodes:  # nodes come sorted by label
        g.add_node(n.iri)
    for e in data.edges:
        if e.source != e.target:
            g.add_edge(e.source, e.target)
    if not g:
        return {}
    order = {n.iri: i for i, n in enumerate(data.nodes)}
    parts = sorted((sorted(c, key=order.__getitem__) for c in nx.connected_components(g)),
                   key=lambda c: (-len(c), order[c[0]]))
    placed = [_part_layout(g, part, order) for part in parts]
    result: dict[str, tuple[float, float]] = dict(placed[0])
    _, _, main_right, main_top = _bbox(placed[0])
    x0 = main_right + 3.5  # the first part's labels stand out of its box
    col_w = max((b[2] - b[0] for b in map(_bbox, placed[1:])), default=0.0) * 2 + 3.5
    x, y, row_h = x0, main_top, 0.0
    for pos in placed[1:]:
        lo_x, lo_y, hi_x, hi_y = _bbox(pos)
        w, h = hi_x - lo_x, hi_y - lo_y
        if x + w > x0 + col_w + 1e-9 and x > x0:
            x, y, row_h = x0, y - row_h - 1.2, 0.0
        result.update({n: (px - lo_x + x, py - hi_y + y) for n, (px, py) in pos.items()})
        x += w + 3.5
        row_h = max(row_h, h)
    return result


def _wrap(label: str, width: int = 24) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def network_title(data: NetworkData) -> str:
    what = "Pledges" + (" and affiliations" if data.affiliations else "")
    when = f"active in {data.year}" if data.year is not None else "all years"
    return f"{what} as reported by the sources ({when})"


def draw_network(data: NetworkData, path_or_buffer: str | Path | IO[bytes], fmt: str = "svg") -> None:
    """Draw the network: arrows from pledger to pledgee, labelled nodes, legend and title."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    with _DRAW_LOCK:
        pos = _layout(data)
        n = len(data.nodes)
        xs = [p[0] for p in pos.values()] or [0.0]
        ys = [p[1] for p in pos.values()] or [0.0]
        margin_x, margin_y = 1.9, 0.7  # room for the labels
        x_lo, x_hi = min(xs) - margin_x, max(xs) + margin_x
        y_lo, y_hi = min(ys) - margin_y, max(ys) + margin_y
        unit = min(0.95, 22 / (x_hi - x_lo), 16 / (y_hi - y_lo))  # inches per layout unit
        head, foot = 1.0, 1.1  # inches: title and notes; legend
        width = max(10.0, (x_hi - x_lo) * unit)
        height = (y_hi - y_lo) * unit + head + foot
        fig = _figure(width, height)
        plot_w = (x_hi - x_lo) * unit / width
        ax = fig.add_axes(((1 - plot_w) / 2, foot / height, plot_w, 1 - (head + foot) / height))
        ax.set_axis_off()
        ax.set_xlim(x_lo, x_hi)
        ax.set_ylim(y_lo, y_hi)
        fig.suptitle(network_title(data), fontsize=15, y=1 - 0.25 / height, va="top")
        note = [f"{sum(1 for e in data.edges if e.relation == 'pledge')} pledge claims, {n} agents"]
        if data.undated:
            note.append(f"{data.undated} claims with no known start not shown")
        note.append("the graph records no region for an organization, so none is shown")
        fig.text(0.5, 1 - 0.7 / height, "; ".join(note), ha="center", va="top", fontsize=9, color="#444444")
        if not data.nodes:
            ax.text(0.5, 0.5, "no pledge in this selection", ha="center", va="center", fontsize=14,
                    transform=ax.transAxes)
            _save(fig, path_or_buffer, fmt)
            return
        degree = Counter(e.target for e in data.edges)
        sizes = {nd.iri: 120 + 40 * min(degree[nd.iri], 30) for nd in data.nodes}
        neighbours: dict[str, set[str]] = defaultdict(set)
        for e in data.edges:
            if e.source != e.target:
                neighbours[e.source].add(e.target)
                neighbours[e.target].add(e.source)

        # edges: parallel claims between the same pair are drawn as one arrow, curved apart by kind
        grouped: dict[tuple[str, str, str, str | None, bool], list[Edge]] = defaultdict(list)
        for e in data.edges:
            colour_key = "affiliation" if e.relation == "affiliation" else (e.kind or "allegiance")
            grouped[(e.source, e.target, colour_key, e.relation, e.ended)].append(e)
        pair_rank: dict[tuple[str, str], int] = Counter()
        for (src, dst, colour_key, _relation, ended), claims in sorted(grouped.items(), key=lambda kv: kv[0][:3]):
            if src == dst or src not in pos or dst not in pos:
                continue
            rank = pair_rank[(src, dst)]
            pair_rank[(src, dst)] += 1
            arrow = FancyArrowPatch(
                pos[src], pos[dst], arrowstyle="-|>", mutation_scale=14,
                connectionstyle=f"arc3,rad={0.08 + 0.12 * rank}",
                color=EDGE_COLOURS.get(colour_key, "#666666"),
                linewidth=1.2 + 0.6 * min(len(claims) - 1, 4),
                linestyle=(0, (4, 3)) if ended else "solid",
                alpha=0.85,
                shrinkA=math.sqrt(sizes[src]) / 2 + 2, shrinkB=math.sqrt(sizes[dst]) / 2 + 2,
                zorder=1)
            arrow.set_gid(f"edge-{_slug(src)}--{_slug(dst)}-{rank}")
            ax.add_patch(arrow)

        # nodes and labels, one SVG group each (ids: node-<local name>)
        for nd in data.nodes:
            x, y = pos[nd.iri]
            dot = ax.scatter([x], [y], s=sizes[nd.iri], c=NODE_COLOURS[nd.role], edgecolors="white",
                             linewidths=1.2, zorder=3)
            dot.set_gid(f"node-{_slug(nd.iri)}")
            big = nd.role == "pledgee" or len(neighbours[nd.iri]) > 1
            if len(neighbours[nd.iri]) == 1 and not big:  # a leaf: its label points away from its hub
                hx, hy = pos[next(iter(neighbours[nd.iri]))]
                angle = math.atan2(y - hy, x - hx)
                r = math.sqrt(sizes[nd.iri]) / 2 + 3
                dx, dy = r * math.cos(angle), r * math.sin(angle)
                ha = "left" if math.cos(angle) > 0.3 else ("right" if math.cos(angle) < -0.3 else "center")
                va = "bottom" if math.sin(angle) > 0.3 else ("top" if math.sin(angle) < -0.3 else "center")
            else:
                dx, dy, ha, va = 0.0, math.sqrt(sizes[nd.iri]) / 2 + 3, "center", "bottom"
            text = ax.annotate(_wrap(nd.label), (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                               fontsize=11 if nd.role == "pledgee" else 8,
                               fontweight="bold" if nd.role == "pledgee" else "normal", zorder=4,
                               bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})
            text.set_gid(f"label-{_slug(nd.iri)}")

        handles = [Line2D([], [], marker="o", linestyle="", markersize=9, color=NODE_COLOURS[role],
                          label=NODE_ROLE_LABELS[role]) for role in NODE_COLOURS
                   if any(nd.role == role for nd in data.nodes)]
        handles += [
            Line2D([], [], color=EDGE_COLOURS["allegiance"], lw=2, label="pledge of allegiance"),
            Line2D([], [], color=EDGE_COLOURS["declared-support"], lw=2, label="declared support"),
        ]
        if data.affiliations:
            handles.append(Line2D([], [], color=EDGE_COLOURS["affiliation"], lw=2, label="affiliation"))
        handles += [
            Line2D([], [], color="#555555", lw=2, label="ongoing (no end reported)"),
            Line2D([], [], color="#555555", lw=2, linestyle=(0, (4, 3)), label="ended"),
        ]
        legend = fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), fontsize=9,
                            frameon=False, bbox_to_anchor=(0.5, 0.1 / height))
        legend.set_gid("legend")
        _save(fig, path_or_buffer, fmt)


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def draw_timeline(data: TimelineData, path_or_buffer: str | Path | IO[bytes], fmt: str = "svg") -> None:
    """Two panels: claims per year (stacked bars), and per month for the claims dated to the month."""
    from matplotlib.ticker import MaxNLocator

    with _DRAW_LOCK:
        fig = _figure(13, 8.5)
        fig.suptitle("Pledges and accusations over time, as reported by the sources", fontsize=15, y=0.98)
        notes = [f"{len(data.events)} dated claims"]
        undated = sum(data.undated.values())
        if undated:
            notes.append(", ".join(f"{v} {k}{'s' if v != 1 else ''}" for k, v in data.undated.items() if v)
                         + " with no date not shown")
        notes.append("a pledge is dated by the start of its period (else its announcement), an accusation by its "
                     "date")
        fig.text(0.5, 0.935, "; ".join(notes), ha="center", fontsize=9, color="#444444")
        top = fig.add_axes((0.07, 0.55, 0.9, 0.33))
        bottom = fig.add_axes((0.07, 0.1, 0.9, 0.33))
        per_year = data.per_year()
        if not per_year:
            top.text(0.5, 0.5, "no dated claim", ha="center", va="center", transform=top.transAxes)
        years = list(per_year)
        base = [0] * len(years)
        for kind in TimelineData.KINDS:
            values = [per_year[y][kind] for y in years]
            bars = top.bar(years, values, bottom=base, color=TIMELINE_COLOURS[kind], label=f"{kind}s", width=0.7)
            for i, patch in enumerate(bars.patches):
                patch.set_gid(f"year-{kind}-{years[i]}")
            base = [b + v for b, v in zip(base, values, strict=True)]
        for y, total in zip(years, base, strict=True):
            if total:
                top.text(y, total, str(total), ha="center", va="bottom", fontsize=8)
        top.set_title("Claims per year", fontsize=11, loc="left")
        top.set_ylabel("claims")
        top.yaxis.set_major_locator(MaxNLocator(integer=True))
        top.set_xticks(years, [str(y) for y in years])
        top.legend(loc="upper left", fontsize=9)
        top.spines[["top", "right"]].set_visible(False)

        per_month = data.per_month()
        if per_month:
            month_years = sorted({y for (y, _) in per_month})  # only the years with a claim dated to the month
            keys = [(y, m) for y in month_years for m in range(1, 13)]
            xs = [i + month_years.index(y) for i, (y, _) in enumerate(keys)]  # a gap between years
            base = [0] * len(keys)
            for kind in TimelineData.KINDS:
                values = [per_month.get(k, {}).get(kind, 0) for k in keys]
                bars = bottom.bar(xs, values, bottom=base, color=TIMELINE_COLOURS[kind], label=f"{kind}s",
                                  width=0.8)
                for i, patch in enumerate(bars.patches):
                    patch.set_gid(f"month-{kind}-{keys[i][0]}-{keys[i][1]:02d}")
                base = [b + v for b, v in zip(base, values, strict=True)]
            bottom.set_xticks(xs, [f"{_MONTHS[m - 1][0]}" + (f"\n{y}" if m == 1 else "") for (y, m) in keys],
                              fontsize=7)
            bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            bottom.text(0.5, 0.5, "no claim dated to the month", ha="center", va="center",
                        transform=bottom.transAxes)
        only_year = data.year_only()
        bottom.set_title("Claims per month (dated to the month or the day; not shown: "
                         + ", ".join(f"{v} {k}{'s' if v != 1 else ''}" for k, v in only_year.items())
                         + " dated to the year only)", fontsize=11, loc="left")
        bottom.set_ylabel("claims")
        bottom.spines[["top", "right"]].set_visible(False)
        _save(fig, path_or_buffer, fmt)


def picture(store: Any, which: str, fmt: str = "svg", year: int | None = None, affiliations: bool = False) -> bytes:
    """The network or timeline picture as bytes (what the web UI serves)."""
    buffer = io.BytesIO()
    if which == "network":
        draw_network(network_data(store, year, affiliations), buffer, fmt)
    elif which == "timeline":
        draw_timeline(timeline_data(store), buffer, fmt)
    else:
        raise ValueError(f"unknown picture {which!r}")
    return buffer.getvalue()


