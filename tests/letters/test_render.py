"""Letter templates: auto-escaped customer text, strict names with the template and line, the
sandbox, the printable document, and the shipped templates in both languages."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.files import REPO, replace_once
from toolkit.letters.render import LetterTemplate, long_date
from toolkit.templating.environment import TemplateError

SHIPPED = REPO / "templates" / "letters"
TZ = ZoneInfo("Asia/Shanghai")

CLAIM = {
    "claim_id": "LP20261103001",
    "customer": "王伟",
    "waybill": "7551000001",
    "branch": "杭州萧山营业所",
    "goods_name": "陶瓷",
    "incident_date": date(2026, 11, 2),
    "filed_at": datetime(2026, 11, 3, 10, tzinfo=TZ),
    "incident_label": "破损",
    "payer_label": "发货方",
    "valuation_basis_label": "进货价",
    "valuation_price": 1000.0,
    "insured": True,
    "declared_value": 800.0,
    "liability_cap": 800.0,
    "amount_claimed": 1400.0,
    "proposed_amount": 800.0,
    "evidence_due": date(2026, 11, 6),
    "insurer_due": date(2026, 11, 6),
    "proposal_due": date(2026, 11, 10),
    "escalation_due": date(2026, 11, 17),
    "payment_due": date(2026, 1, 2),
    "company": {
        "name": "顺达物流有限公司",
        "department": "客户服务部",
        "contact": "李娜",
        "phone": "400-820-8820",
        "address": "",
    },
    "letter_date": date(2026, 11, 3),
    "locale": "zh_CN",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped letter templates the test may edit."""
    return Path(shutil.copytree(SHIPPED, tmp_path / "letters"))


def test_the_negotiation_letter_states_the_valuation_and_the_offer() -> None:
    html = LetterTemplate.load(SHIPPED / "negotiation.html.j2").render(CLAIM)
    assert "关于运单7551000001货物破损赔偿事宜的商洽函" in html
    assert "本票运费由发货方支付，依照约定按货物进货价核定损失，进货价为¥1,000.00" in html
    assert "保价金额¥800.00，赔偿以保价金额为限" in html
    assert '我司拟赔付<span class="amount">¥800.00</span>' in html
    assert "我司将于2026年11月17日前上报处理" in html
    assert "尊敬的王伟：" in html and "2026年11月3日" in html and "此致" in html


def test_the_apology_letter_promises_only_deadlines_still_ahead() -> None:
    template = LetterTemplate.load(SHIPPED / "apology.html.j2")
    fresh = template.render(CLAIM)
    assert "于2026年11月10日前向贵方提出赔偿方案" in fresh and "2026年11月6日前完成调查取证" in fresh
    late = template.render({**CLAIM, "letter_date": date(2026, 11, 12)})
    assert "完成调查取证" not in late and "并尽快向贵方提出赔偿方案" in late


def test_english_letters_with_locale_en() -> None:
    template = LetterTemplate.load(SHIPPED / "apology.html.j2", "en")
    html = template.render(
        {
            **CLAIM,
            "locale": "en",
            "incident_label": "damage",
            "valuation_basis_label": "purchase price",
            "payer_label": "the shipper",
        }
    )
    assert "Letter of Apology" in html and "Dear 王伟," in html and "3 November 2026" in html
    assert "valued at their purchase price" in html and "Yours faithfully," in html
    assert 'lang="en"' in template.document_html([html], title="x")


def test_customer_text_is_escaped() -> None:
    template = LetterTemplate.load(SHIPPED / "apology.html.j2")
    html = template.render({**CLAIM, "customer": "<script>alert('x')</script>李四"})
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;李四" in html
    document = template.document_html([html], title="<b>批次</b>")
    assert "<script>" not in document and "&lt;b&gt;批次&lt;/b&gt;" in document


def test_a_misspelt_variable_names_the_template_and_line_before_any_letter(folder: Path) -> None:
    path = folder / "apology.html.j2"
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if "{{ waybill }}" in text and "贵方于" in text)
    path.write_text(
        replace_once(path.read_text(encoding="utf-8"), "运单号：{{ waybill }}", "运单号：{{ waybil }}"),
        encoding="utf-8",
    )
    template = LetterTemplate.load(path)
    with pytest.raises(TemplateError) as error:
        template.check_columns(CLAIM)
    assert f"apology.html.j2:{line}: undefined variable 'waybil'" in str(error.value)
    assert "waybill" in str(error.value)  # the columns there are
    with pytest.raises(TemplateError, match=rf"apology.html.j2:{line}: 'waybil' is undefined"):
        template.render(CLAIM)


def test_a_variable_missing_in_the_shared_layout_names_the_layout(folder: Path) -> None:
    base = folder / "base.html.j2"
    base.write_text(
        replace_once(base.read_text(encoding="utf-8"), "{{ letter_date|long_date }}", "{{ sign_date|long_date }}"),
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match=r"base.html.j2:\d+: undefined variable 'sign_date'"):
        LetterTemplate.load(folder / "negotiation.html.j2").check_columns(CLAIM)


def test_templates_cannot_reach_python_internals(folder: Path) -> None:
    path = folder / "apology.html.j2"
    path.write_text(
        '{% extends "base.html.j2" %}{% block body %}{{ customer.__class__.__mro__ }}{% endblock %}', encoding="utf-8"
    )
    with pytest.raises(TemplateError, match="apology.html.j2"):
        LetterTemplate.load(path).render(CLAIM)


def test_a_letter_folder_needs_its_printable_document(folder: Path) -> None:
    (folder / "document.html.j2").unlink()
    with pytest.raises(TemplateError, match="no document.html.j2 next to the letter template"):
        LetterTemplate.load(folder / "apology.html.j2")


def test_the_document_prints_each_letter_on_its_own_a4_pages() -> None:
    template = LetterTemplate.load(SHIPPED / "apology.html.j2")
    letters = [template.render({**CLAIM, "claim_id": f"LP{i}"}) for i in range(3)]
    html = template.document_html(letters, title="致歉信")
    assert html.count('<article class="letter">') == 3
    assert "size: A4" in html and "page-break-after: always" in html
    assert '"Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif' in html
    assert html.index("LP0") < html.index("LP1") < html.index("LP2")


def test_long_dates() -> None:
    assert long_date(date(2026, 11, 2)) == "2026年11月2日"
    assert long_date(datetime(2026, 11, 2, 9, 5), "en") == "2 November 2026"
    assert long_date(None) == ""
