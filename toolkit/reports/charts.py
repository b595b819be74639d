"""Charts for reports: matplotlib figures that read well in Chinese on any machine.

A system CJK font is used when there is one; otherwise Noto Sans CJK SC shipped in the `mplfonts`
wheel is registered with matplotlib from its file (nothing is copied into matplotlib's folders),
so a fresh cron box shows 营业所 instead of tofu boxes.
"""

from __future__ import annotations

import math
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


def setup(dpi: int = 110) -> str | None:
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
            "figure.figsize": (7.5, 3.2),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 13,  # the CJK font has one weight: no bold, no findfont noise
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
        }
    )
    return family


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
    names = [str(x) for x in labels]
    colours = [BREACH if b else PALETTE[0] for b in (breach or [False] * len(names))]
    height = max(2.4, 0.32 * len(names) + 1.0) if horizontal else 3.2
    fig, ax = plt.subplots(figsize=(7.5, height))
    if horizontal:
        ax.barh(names[::-1], list(values)[::-1], color=colours[::-1])
        _target(ax.axvline, target, target_label)
        value_axis = ax.xaxis
    else:
        ax.bar(names, list(values), color=colours)
        _target(ax.axhline, target, target_label)
        value_axis = ax.yaxis
        if len(names) > 6 or sum(len(n) for n in names) > 36:  # long labels would run into each other
            ax.tick_params(axis="x", labelrotation=30)
    if percent:
        value_axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
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
    fig, ax = plt.subplots()
    names = [str(v) for v in x]
    for label, values in series.items():
        ax.plot(names, [math.nan if v is None else v for v in values], marker="o", label=label)
    _target(ax.axhline, target, target_label)
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if len(names) > 8:
        ax.tick_params(axis="x", labelrotation=30)
    _finish(ax, fig, title, xlabel, ylabel, legend=len(series) > 1 or bool(target_label))
    return fig


def show(fig: Figure) -> None:
    """Display a figure where the cell is (between the tables around it) and free it."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)


def _target(draw: object, target: float | None, label: str) -> None:
    if target is not None:
        draw(target, color=BREACH, linestyle="--", linewidth=1, label=label or None)  # type: ignore[operator]


def _finish(ax: Axes, fig: Figure, title: str, xlabel: str, ylabel: str, *, legend: bool) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
