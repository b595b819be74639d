"""A batch config with one `render_letters` job, for the letters job tests."""

from __future__ import annotations

from pathlib import Path


def letters_config(team_folder: Path, *, pdf: bool = False) -> Path:
    path = team_folder / "config" / "letters.yaml"
    path.write_text(
        f"""batch: letters
timezone: Asia/Shanghai
locale: zh_CN
output: ../out
state: ../data
jobs:
  claim_letters:
    kind: render_letters
    input: ../samples/claims.csv
    company: {{name: 顺达物流有限公司, department: 客户服务部, contact: 李娜, phone: 400-820-8820}}
    letters:
      apology: {{template: ../templates/letters/apology.html.j2}}
      negotiation: {{template: ../templates/letters/negotiation.html.j2}}
    pdf: {str(pdf).lower()}
""",
        encoding="utf-8",
    )
    return path
