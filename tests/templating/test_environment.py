"""Templates written by agents: sandboxed, strict about names, escaped where HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.files import write
from toolkit.templating.environment import MessageTemplate, TemplateError

ROW = {
    "serial": "110310221",
    "shipper_name": "王先生",
    "shipper_phone": "13812343212",
    "goods_name": "配件",
    "pieces": 5,
}


def template(tmp_path: Path, text: str, name: str = "dispatch.txt.j2") -> MessageTemplate:
    return MessageTemplate.load(write(tmp_path / name, text))


def test_an_sms_template_renders_a_row_with_filters_and_is_stripped(tmp_path: Path) -> None:
    sms = template(
        tmp_path, "\n[{{ serial }}]客{{ shipper_name }}{{ shipper_phone|mask_phone }}{{ goods_name }}{{ pieces }}件\n\n"
    )
    assert sms.render(ROW) == "[110310221]客王先生138****3212配件5件"
    assert sms.variables == {"serial", "shipper_name", "shipper_phone", "goods_name", "pieces"}


def test_a_misspelt_column_is_reported_before_the_first_row(tmp_path: Path) -> None:
    sms = template(tmp_path, "[{{ serial }}]\n客{{ shiper_name }}")
    with pytest.raises(TemplateError) as caught:
        sms.check_columns(ROW)
    assert caught.value.one_line() == (
        f"{sms.path}:2: undefined variable 'shiper_name' "
        "(columns: goods_name, pieces, serial, shipper_name, shipper_phone)"
    )
    assert caught.value.exit_code == 2


def test_an_undefined_attribute_at_render_time_names_the_line(tmp_path: Path) -> None:
    sms = template(tmp_path, "line one\n{{ serial.nothing }}")
    with pytest.raises(TemplateError) as caught:
        sms.render(ROW)
    assert caught.value.line == 2 and "nothing" in caught.value.message


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ serial.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{% set x = [].append(1) %}{{ x }}",
        "{{ self._TemplateReference__context }}",
    ],
)
def test_sandbox_escapes_fail_safely(tmp_path: Path, attack: str) -> None:
    sms = template(tmp_path, attack)
    with pytest.raises(TemplateError) as caught:
        sms.render(ROW)
    assert "<class" not in caught.value.one_line()


def test_html_templates_escape_customer_text_and_text_templates_do_not(tmp_path: Path) -> None:
    row = {**ROW, "shipper_name": "<script>alert(1)</script>"}
    letter = template(tmp_path, "<p>尊敬的{{ shipper_name }}：</p>", name="apology.html.j2")
    assert letter.render(row) == "<p>尊敬的&lt;script&gt;alert(1)&lt;/script&gt;：</p>"
    assert template(tmp_path, "{{ shipper_name }}").render(row) == "<script>alert(1)</script>"


def test_a_syntax_error_is_reported_at_load_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        template(tmp_path, "ok\n{{ serial ")
    assert caught.value.line == 2 and "template syntax error" in caught.value.message


def test_default_fills_an_optional_column(tmp_path: Path) -> None:
    assert template(tmp_path, "{{ extra_fee|default('无') }}").render(ROW) == "无"
