"""Helpers for the letters job tests: a batch config with one `render_letters` job, and a
reporter that keeps the log lines."""

from __future__ import annotations

from pathlib import Path

from toolkit.pipeline import JobRecord


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


class LogReporter:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def job_started(self, name: str, kind: str) -> None:
        pass

    def job_finished(self, record: JobRecord) -> None:
        pass

    def log(self, message: str) -> None:
        self.lines.append(message)
