"""An HTML report made safe for mail clients: inlined CSS, no scripts or CSS variables, CID images."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from tests.support.mail_files import CHART, LOGO, report_html, write_report
from toolkit.mail.job import body_warnings
from toolkit.mailing.html import GMAIL_CLIP_BYTES, mail_safe


def test_css_is_inlined_with_its_variables_resolved_and_the_rest_dropped(tmp_path: Path) -> None:
    body = mail_safe(write_report(tmp_path / "report").read_text(encoding="utf-8"), tmp_path / "report")
    soup = BeautifulSoup(body.html, "html.parser")
    assert soup.find("style") is None and soup.find("link") is None
    assert "color: #1f4e79" in soup.h1["style"] and "solid #1f4e79" in soup.h1["style"]
    assert "background: #fde2e1" in soup.find("p")["style"]  # .breach, through --breach
    assert "var(" not in body.html
    assert soup.find("td", string="0")["style"] == "text-align: right;"  # the undefined variable went
    assert soup.find("p", string="完")["style"] == "margin: 0"
    assert 'class="' not in body.html  # classes are dead weight once the CSS is inlined


def test_scripts_handlers_and_javascript_links_are_removed(tmp_path: Path) -> None:
    body = mail_safe(report_html())
    assert "<script" not in body.html.lower() and "alert" not in body.html
    assert "onload" not in body.html and "javascript:" not in body.html
    assert "点我" in body.html  # the link's text stays


def test_data_uris_and_local_images_become_cid_parts_each_image_once(tmp_path: Path) -> None:
    body = mail_safe(write_report(tmp_path / "report").read_text(encoding="utf-8"), tmp_path / "report")
    assert [(i.data, i.mime) for i in body.images] == [(CHART, "image/png"), (LOGO, "image/png")]
    sources = [img.get("src") for img in BeautifulSoup(body.html, "html.parser").find_all("img")]
    chart, logo = (f"cid:{i.cid}" for i in body.images)
    assert sources == [chart, chart, logo, None]  # the file outside the report's folder is not read
    assert body.missing_images == ["../secret.png"]
    assert "data:" not in body.html
    assert all(re.fullmatch(r"img-[0-9a-f]{16}@cs-toolkit", i.cid) for i in body.images)
    assert body.images[0].filename.endswith(".png")


def test_without_a_folder_no_local_file_is_read() -> None:
    body = mail_safe(report_html())
    assert [i.data for i in body.images] == [CHART]
    assert body.missing_images == ["logo.png", "../secret.png"]


def test_the_plain_text_part_reads_like_the_report() -> None:
    text = mail_safe(report_html(rows=2)).text
    assert text.splitlines()[:5] == ["客服日报 2026-11-22", "", "逾期 12 单", "", "[每日订单]"]
    assert "承运商 | 单数\n顺丰0 | 0\n顺丰1 | 1,000\n" in text
    assert "alert" not in text and "var(" not in text and "<" not in text


def test_the_body_is_measured_against_gmails_clipping_limit() -> None:
    small = mail_safe(report_html(rows=10))
    assert small.html_bytes == len(small.html.encode("utf-8")) < GMAIL_CLIP_BYTES
    assert not small.over_budget and body_warnings(small, "en") == [
        "image left out of the mail (not found or not an image): logo.png",
        "image left out of the mail (not found or not an image): ../secret.png",
    ]
    big = mail_safe(report_html(rows=3000))
    assert big.over_budget
    warning = body_warnings(big, "zh_CN")[-1]
    assert warning.startswith(f"邮件正文 {big.html_bytes / 1000:.1f} KB，超过 Gmail 约 100 KB")
    assert f"mail body is {big.html_bytes / 1000:.1f} KB" in body_warnings(big, "en")[-1]
