"""Charts for reports: matplotlib figures that read well in Chinese on any machine, and on a phone.

A system CJK font is used when there is one; otherwise Noto Sans CJK SC shipped in the `mplfonts`
wheel is registered with matplotlib from its file (nothing is copied into matplotlib's folders),
so a fresh cron box shows 营业所 instead of tofu boxes.

They stay PNGs (mail clients show images only as CID parts) drawn for a phone's column: narrow,
with large type; bars whose labels would not stand side by side lie down, their labels wrapped
beside them and cut with "…"; a bar's figure at its end; every few days on a time axis; the legend
under the chart.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
)
PACKAGED_FONT = "NotoSansCJKsc-Regular.otf"
PALETTE = ("#1f4e79", "#e07b39", "#3a923a", "#c0392b", "#8e6bb8", "#7f7f7f")
BREACH = "#c0392b"

# Charts are drawn for a phone: the report and the mail show a chart the width of a 390-px phone's
# column (about SHOWN_AT CSS px; the report caps it at 520 px on a desktop). Text shown there is
# FONT_PT / 72 * SHOWN_AT / WIDTH_IN px high, whatever the dpi: 12.3 px for 11 pt on 4.6 in. The dpi
# only makes the PNG sharp on a 2x screen (690 px wide, 705 with the 0.05-in margin Jupyter's tight crop adds). Every text of a chart is FONT_PT or more.
WIDTH_IN = 4.6
HEIGHT_IN = 3.0
DPI = 150
FONT_PT = 11
TITLE_PT = 13
SHOWN_AT = 370
PALETTE_COLOURS = 64  # a chart's PNG is saved in this many colours (anti-aliased text included)
TITLE_UNITS = 36  # a title wraps past this many half-em units (18 汉字 at TITLE_PT: the axes' width)
LABEL_UNITS = 16  # a bar's label: lines of 8 汉字 (or 16 Latin letters) beside the bars,
LABEL_LINES = 2  # at most two lines, then cut with "…"
_AXIS_PT = (WIDTH_IN - 1.0) * 72  # the width of the plotting area, roughly, in points
_NO_LINE_START = set("，。、：；！？）」』》〉%,.;:!?)…")
_LATIN_WORD = re.compile(r"[^\s\u2e80-\uffff]+\s*|\s+|.", re.DOTALL)


def _packaged_font() -> Path | None:
    try:
        import mplfonts
    except ImportError:
        return None
    path = Path(mplfonts.__file__).parent / "fonts" / PACKAGED_FONT
    return path if path.is_file() else None


@cache
def cjk_font() -> str | None:
    """The family name of the CJK font charts use (system first, then the packaged one)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in SYSTEM_CJK_FAMILIES:
        if family in installed:
            return family
    path = _packaged_font()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def setup(dpi: int = DPI) -> str | None:
    """Set matplotlib up for report charts; returns the CJK family in use (None: none found)."""
    import matplotlib as mpl

    family = cjk_font()
    mpl.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [*([family] if family else []), "DejaVu Sans"],
            "axes.unicode_minus": False,  # CJK fonts lack U+2212
            "figure.dpi": dpi,
            "savefig.dpi": dpi,
            "savefig.pad_inches": 0.05,  # Jupyter saves figures cropped tight, this much around them
            "figure.figsize": (WIDTH_IN, HEIGHT_IN),
            "font.size": FONT_PT,
            "axes.labelsize": FONT_PT,
            "xtick.labelsize": FONT_PT,
            "ytick.labelsize": FONT_PT,
            "legend.fontsize": FONT_PT,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": TITLE_PT,  # the CJK font has one weight: no bold, no findfont noise
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
        }
    )
    return family


def units(text: str) -> int:
    """How wide `text` is in half-em units: a CJK or full-width character 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int, lines: int | None = None) -> str:
    """`text` in lines of at most `width` half-em units, as even as they can be (Latin words kept
    whole where they fit, no line starting with a closing mark), at most `lines` of them, the last
    cut with "…" when the text goes on."""
    out = _lines(text.strip(), width)
    if lines is not None and len(out) > lines:
        last = out[lines - 1]
        while last and units(last) > width - 2:  # room for the "…"
            last = last[:-1]
        return "\n".join([*out[: lines - 1], last.rstrip() + "…"])
    if len(out) > 1:  # two even lines read better than a full one and a word left over
        even = math.ceil(units(text.strip()) / len(out)) + 2
        balanced = _lines(text.strip(), min(even, width))
        out = balanced if len(balanced) == len(out) else out
    return "\n".join(out)


def _lines(text: str, width: int) -> list[str]:
    out: list[str] = []
    line = ""
    for token in _LATIN_WORD.findall(text):
        pieces = [token] if units(token.rstrip()) <= width else list(token)  # a word wider than a line is split
        for piece in pieces:
            if line and units(line + piece.rstrip()) > width and piece[0] not in _NO_LINE_START:
                out.append(line.rstrip())
                line = piece.lstrip()
            else:
                line += piece
    if line.strip():
        out.append(line.rstrip())
    return out


def label(text: object) -> str:
    """A category's label as a chart shows it: wrapped beside the bars, cut with "…" past two lines."""
    return wrap(str(text), LABEL_UNITS, LABEL_LINES)


def _side_by_side(names: Sequence[str]) -> bool:
    """Whether the labels of a vertical bar chart fit under their bars, unrotated, on a phone."""
    needed = sum((units(n) / 2 + 0.8) * FONT_PT for n in names)
    return needed <= _AXIS_PT


def bar(
    labels: Sequence[object],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str = "",
    ylabel: str = "",
    horizontal: bool = False,
    target: float | None = None,
    target_label: str = "",
    breach: Sequence[bool] | None = None,
    percent: bool = False,
) -> Figure:
    """A titled, labelled bar chart; bars in `breach` are red, `target` a dashed line."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    setup()
    if not horizontal and not _side_by_side([str(x) for x in labels]):
        horizontal = True  # too many or too long to stand side by side at a phone's width: lying bars
        xlabel, ylabel = ylabel, xlabel  # the value axis is now x
    names = [label(x) for x in labels] if horizontal else [str(x) for x in labels]
    colours = [BREACH if b else PALETTE[0] for b in (breach or [False] * len(names))]
    if horizontal:
        pitch = 0.42 if any("\n" in n for n in names) else 0.3  # inches per bar
        height = max(2.4, pitch * len(names) + 1.2 + 0.25 * _title_lines(title))
    else:
        height = HEIGHT_IN
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), layout="constrained")  # labels get room inside the width
    if horizontal:
        positions = range(len(names))[::-1]  # the first label on top
        bars = ax.barh(list(positions), list(values), color=colours)
        ax.set_yticks(list(positions), names)
        _target(ax.axvline, target, target_label)
        value_axis = ax.xaxis
        ax.margins(x=0.18, y=0.02)  # room for the figures at the bars' ends
    else:
        bars = ax.bar(names, list(values), color=colours)
        _target(ax.axhline, target, target_label)
        value_axis = ax.yaxis
        ax.margins(y=0.15)
    if percent:
        value_axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.bar_label(bars, labels=[_figure(v, percent, values) for v in values], padding=2, fontsize=FONT_PT)
    _finish(ax, fig, title, xlabel, ylabel, legend=target is not None and bool(target_label))
    return fig


def line(
    x: Sequence[object],
    series: dict[str, Sequence[float]],
    *,
    title: str,
    xlabel: str = "",
    ylabel: str = "",
    target: float | None = None,
    target_label: str = "",
    percent: bool = False,
) -> Figure:
    """One line per series over `x` (days, weeks), with an optional dashed target."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    setup()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN + 0.25 * _title_lines(title)), layout="constrained")
    names = [str(v) for v in x]
    for name, values in series.items():
        ax.plot(names, [math.nan if v is None else v for v in values], marker="o", markersize=4, label=name)
    _target(ax.axhline, target, target_label)
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    widest = max((units(n) for n in names), default=0) / 2 * 0.6 + 1.2  # ems: digits are ~0.6 em
    step = max(1, math.ceil(len(names) * widest * FONT_PT / _AXIS_PT))
    if step > 1:  # every step-th day, unrotated, rather than all of them on top of each other
        ax.set_xticks(range(0, len(names), step), names[::step])
    _finish(ax, fig, title, xlabel, ylabel, legend=len(series) > 1 or bool(target_label))
    return fig


def png(fig: Figure) -> bytes:
    """The figure as a report shows it: cropped tight as Jupyter does, in PALETTE_COLOURS colours
    (a chart has few: a third of the bytes of matplotlib's full-colour PNG), its dpi recorded."""
    from PIL import Image

    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", bbox_inches="tight")
    image = Image.open(drawn).convert("RGB").quantize(colors=PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(fig.dpi, fig.dpi))
    return out.getvalue()


def show(fig: Figure) -> None:
    """Display a figure where the cell is (between the tables around it) and free it; its title is
    the image's alt text (the mail's text part says it)."""
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    display(Image(data=png(fig), format="png", alt=fig.get_label() or None))
    plt.close(fig)


def _target(draw: object, target: float | None, label: str) -> None:
    if target is not None:
        draw(target, color=BREACH, linestyle="--", linewidth=1, label=label or None)  # type: ignore[operator]


def _title_lines(title: str) -> int:
    return wrap(title, TITLE_UNITS).count("\n") + 1


def _figure(value: float, percent: bool, values: Sequence[float]) -> str:
    """A bar's figure at its end: 97.3% · 1,234 · 12.5."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if percent:
        return f"{value:.1%}"
    whole = all(v is None or float(v).is_integer() for v in values)
    return f"{value:,.0f}" if whole else f"{value:,.1f}"


def _finish(ax: Axes, fig: Figure, title: str, xlabel: str, ylabel: str, *, legend: bool) -> None:
    fig.set_label(title)  # the title unwrapped: the image's alt text
    ax.set_title(wrap(title, TITLE_UNITS))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:  # under the chart, not over the lines: a phone's chart has no room to spare
        handles, names = ax.get_legend_handles_labels()
        one_row = sum(units(n) / 2 + 4 for n in names) * FONT_PT <= (WIDTH_IN - 0.2) * 72  # + the marker, the gap
        columns = len(names) if one_row else 2
        fig.legend(handles, names, loc="outside lower center", ncols=columns, frameon=False)
