"""Charts read in Chinese on a machine without a CJK system font: the font packaged in mplfonts."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from toolkit.reports import charts

CHART_TEXT = "及时提货率（目标98%）杭州萧山营业所义乌营业所查询1小时答复投诉4小时处理满意率近14天工单量日期比例"


def test_the_packaged_cjk_font_has_every_glyph_of_a_chinese_chart(tmp_path: Path) -> None:
    path = charts._packaged_font()
    assert path is not None and path.is_file()
    font = FT2Font(str(path))
    missing = [ch for ch in CHART_TEXT if font.get_char_index(ord(ch)) == 0]
    assert missing == []
    family = font_manager.FontProperties(fname=str(path)).get_name()
    font_manager.fontManager.addfont(str(path))
    figure = charts.bar(
        ["杭州萧山营业所", "义乌营业所"],
        [0.97, 0.99],
        title="及时提货率（目标98%）",
        ylabel="比例",
        target=0.98,
        target_label="目标 98%",
        breach=[True, False],
        percent=True,
    )
    matplotlib.rcParams["font.sans-serif"] = [family]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph (a tofu box) is a UserWarning
        figure.savefig(tmp_path / "chart.png")
    assert (tmp_path / "chart.png").stat().st_size > 5_000


def test_setup_finds_a_cjk_family_and_titles_charts() -> None:
    family = charts.setup()
    assert family is not None
    assert matplotlib.rcParams["font.sans-serif"][0] == family and matplotlib.rcParams["axes.unicode_minus"] is False
    figure = charts.line(
        ["11-20", "11-21"], {"查询": [0.8, None]}, title="达标率", ylabel="比例", target=0.8, target_label="目标"
    )
    axes = figure.axes[0]
    assert axes.get_title() == "达标率" and axes.get_ylabel() == "比例"
