"""Reports as the mail tests meet them: real PNG files, an HTML report with what mail clients refuse."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (any image viewer opens it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


CHART = png(40, 20, (31, 78, 121))
LOGO = png(8, 8, (200, 0, 0))


def report_html(rows: int = 3) -> str:
    """A report as a notebook export gives it: a style sheet with CSS variables, a script, inline
    PNG figures (one shown twice), a local image file, a table."""
    table = "".join(f"<tr><td>顺丰{i}</td><td class='num'>{i * 1000:,}</td></tr>" for i in range(rows))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>客服日报</title>
<style>
  :root {{ --accent: #1f4e79; --breach: #fde2e1; }}
  h1 {{ color: var(--accent); border-bottom: 2px solid var(--accent); }}
  td.num {{ text-align: right; background: var(--undefined-here); }}
  .breach {{ background: var(--breach); }}
</style>
<link rel="stylesheet" href="https://cdn.example.com/lab.css">
<script src="https://cdn.example.com/require.js"></script>
<script>window.alert("hi")</script>
</head>
<body onload="init()">
<h1>客服日报 2026-11-22</h1>
<p class="breach">逾期 <b>12</b> 单</p>
<figure><img src="{data_uri(CHART)}" alt="每日订单"></figure>
<figure><img src="{data_uri(CHART)}" alt="每日订单（重复）"></figure>
<img src="logo.png" alt="标志">
<img src="../secret.png" alt="文件夹外">
<table><tr><th>承运商</th><th>单数</th></tr>{table}</table>
<a href="javascript:alert(1)">点我</a>
<p style="color: var(--nowhere); margin: 0">完</p>
</body></html>
"""


def write_report(folder: Path, rows: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "logo.png").write_bytes(LOGO)
    (folder.parent / "secret.png").write_bytes(LOGO)
    path = folder / "report.html"
    path.write_text(report_html(rows), encoding="utf-8")
    return path
