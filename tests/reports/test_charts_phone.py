"""Charts drawn for a phone's column: no text smaller than charts.FONT_PT, long labels wrapped
and cut with "…", bars whose labels would not stand side by side lying down, days thinned out
on a time axis, and a small PNG whose dpi says how it was drawn."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from toolkit.reports import charts

RULES = [
    "收货人电话不是有效的手机号或带区号的座机号",
    "体积不是有效的数字",
    "订单总体积超过30方（超长超大）",
    "违禁品，不予承运",
]
BRANCHES = ["杭州萧山营业所", "义乌营业所", "宁波北仑营业所", "温州营业所", "绍兴柯桥营业所"]
DAYS = [f"11-{day:02d}" for day in range(8, 22)]


def texts(figure: Figure) -> list[Text]:
    figure.canvas.draw()
    return [t for t in figure.findobj(Text) if t.get_text().strip() and t.get_visible()]


def test_no_text_of_a_chart_is_smaller_than_the_font_size_drawn_for_phones() -> None:
    figures = [
        charts.bar(
            RULES, [9, 9, 8, 7], title="按规则：拒收（红）与需致电（蓝）的订单", xlabel="订单数", horizontal=True
        ),
        charts.bar(
            BRANCHES,
            [0.97, 0.99, 0.985, 0.95, 0.992],
            title="各营业所及时提货率",
            ylabel="及时提货率",
            target=0.98,
            target_label="目标 98%",
            percent=True,
        ),
        charts.line(
            DAYS,
            {"查询1小时答复": [0.8] * 14, "投诉4小时处理": [0.7] * 14},
            title="近14天服务标准达标率",
            ylabel="达标率",
            target=0.8,
            target_label="查询目标 80%",
            percent=True,
        ),
    ]
    for figure in figures:
        sizes = {t.get_text(): t.get_fontsize() for t in texts(figure)}
        assert min(sizes.values()) >= charts.FONT_PT, sizes
        assert figure.get_figwidth() == charts.WIDTH_IN
        plt.close(figure)
    shown = charts.FONT_PT / 72 * charts.SHOWN_AT / charts.WIDTH_IN
    assert shown >= 11  # px, at the width a 390-px phone shows a chart


def test_long_labels_are_wrapped_beside_the_bars_and_cut_with_an_ellipsis() -> None:
    figure = charts.bar(RULES, [9, 9, 8, 7], title="按规则", xlabel="订单数", horizontal=True)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == [
        "收货人电话不是有\n效的手机号或带…",
        "体积不是有\n效的数字",
        "订单总体积超过30\n方（超长超大）",
        "违禁品，不予承运",
    ]
    plt.close(figure)
    assert charts.label("Consignee phone is not a valid mobile number") == "Consignee phone\nis not a valid…"
    assert charts.wrap("近14天服务标准达标率（目标：查询80%，投诉70%）", charts.TITLE_UNITS) == (
        "近14天服务标准达标率（目\n标：查询80%，投诉70%）"  # two even lines, none starting with "，"
    )


def test_bars_whose_labels_would_not_stand_side_by_side_lie_down() -> None:
    lying = charts.bar(
        BRANCHES, [0.97, 0.99, 0.985, 0.95, 0.992], title="各营业所及时提货率", ylabel="及时提货率", percent=True
    )
    axes = lying.axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == BRANCHES and axes.get_xlabel() == "及时提货率"
    assert [t.get_text() for t in axes.texts] == ["97.0%", "99.0%", "98.5%", "95.0%", "99.2%"]  # at the bars' ends
    standing = charts.bar(["杭州", "义乌"], [12, 30], title="各发货地票数", xlabel="发货地", ylabel="票数")
    assert [t.get_text() for t in standing.axes[0].get_xticklabels()] == ["杭州", "义乌"]
    assert standing.axes[0].get_ylabel() == "票数"
    plt.close("all")


def test_a_time_axis_shows_every_few_days_unrotated() -> None:
    figure = charts.line(DAYS, {"工单": list(range(14))}, title="近14天工单量", xlabel="日期")
    ticks = figure.axes[0].get_xticklabels()
    assert [t.get_text() for t in ticks] == DAYS[::2] and {t.get_rotation() for t in ticks} == {0}
    plt.close(figure)


def test_the_png_is_small_and_records_its_dpi() -> None:
    figure = charts.bar(RULES * 6, list(range(24)), title="按规则", xlabel="订单数", horizontal=True)
    png = charts.png(figure)
    full = io.BytesIO()
    figure.savefig(full, format="png", bbox_inches="tight")
    image = Image.open(io.BytesIO(png))
    assert round(image.info["dpi"][0]) == charts.DPI and image.width <= charts.WIDTH_IN * charts.DPI + 20
    assert len(png) < len(full.getvalue()) / 2  # 64 colours: a chart has few
    assert figure.get_label() == "按规则"  # the image's alt text
    plt.close(figure)
