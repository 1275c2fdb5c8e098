"""A self-contained HTML report of the warehouse: ``<data-dir>/report/index.html``.

Everything is inline (CSS, SVG charts drawn here); the page needs no network to view.
The only link out is the relative ``../docs/index.html`` to the Great Expectations Data Docs
built into ``<data-dir>/docs/``. Charts read the analysis views from tasks/views.sql; a
report held back by a critical data-quality failure is drawn hatched, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from dataclasses import dataclass, field
from pathlib import Path

from tasks import warehouse
from tasks.regions import UNITS

DOCS_HREF = "../docs/index.html"

FONT_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
              '"WenQuanYi Zen Hei", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", system-ui, sans-serif')

# Tile-map position (column, row) of each unit by division code, roughly geographic.
TILE_GRID: dict[str, tuple[int, int]] = {
    "23": (6, 0),
    "15": (5, 1), "22": (6, 1),
    "65": (0, 2), "64": (2, 2), "14": (3, 2), "13": (4, 2), "11": (5, 2), "21": (6, 2),
    "63": (1, 3), "62": (2, 3), "61": (3, 3), "41": (4, 3), "37": (5, 3), "12": (6, 3),
    "54": (0, 4), "51": (1, 4), "50": (2, 4), "42": (3, 4), "34": (4, 4), "32": (5, 4),
    "53": (1, 5), "52": (2, 5), "43": (3, 5), "36": (4, 5), "33": (5, 5), "31": (6, 5),
    "45": (2, 6), "44": (3, 6), "35": (4, 6),
    "46": (3, 7),
}

ROLE_ZH = {"party_secretary": "书记", "governor": "省长/主席/市长", "cppcc_chair": "政协主席", "host": "主持",
           "group_leader": "指导组组长", "group_deputy": "指导组副组长"}
WEEKDAYS = "一二三四五六日"
# Sequential palette, early → late meeting date.
PALETTE = ["#fff3b0", "#fdd682", "#fbb45c", "#f28c45", "#e0643a", "#c13f36", "#962a3a", "#6a1d3b"]


@dataclass
class ReportData:
    generated_at: str
    warehouse: str
    meetings: list[dict]  # v_meetings_all
    timeline: list[dict]  # v_timeline_all
    coverage: list[dict]  # v_group_coverage
    officials: list[dict]  # v_officials
    slogans: list[dict]  # slogans over v_slogans
    slogan_regions: list[dict]
    counts: dict
    last_run: dict | None
    dq_results: list[dict]
    dq_failures: list[dict]
    held_back: list[dict]
    quarantine: list[dict]
    docs_present: bool = False
    extra: dict = field(default_factory=dict)


def _rows(con, sql: str, params=None) -> list[dict]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def collect(con) -> ReportData:
    """Everything the page shows, from a (read-only) warehouse connection."""
    meetings = _rows(con, "SELECT * FROM v_meetings_all ORDER BY meeting_date NULLS LAST, province_code")
    timeline = _rows(con, "SELECT * FROM v_timeline_all ORDER BY meeting_date")
    coverage = _rows(con, "SELECT * FROM v_group_coverage ORDER BY campaign, guidance_group_no")
    officials = _rows(con, """SELECT * FROM v_officials
                              ORDER BY n_reports DESC, n_roles DESC, first_date NULLS LAST, name LIMIT 20""")
    slogans = _rows(con, """
        SELECT slogan, sum(n_mentions)::INTEGER AS n_mentions, count(DISTINCT province) AS n_provinces,
               string_agg(DISTINCT province, '、' ORDER BY province) AS provinces
        FROM v_slogans GROUP BY slogan
        ORDER BY n_provinces DESC, n_mentions DESC, slogan LIMIT 15""")
    slogan_regions = _rows(con, """
        WITH r AS (
            SELECT region, slogan, sum(n_mentions) AS n, count(DISTINCT province) AS p
            FROM v_slogans WHERE region IS NOT NULL GROUP BY ALL),
        ranked AS (SELECT *, row_number() OVER (PARTITION BY region ORDER BY p DESC, n DESC, slogan) AS k FROM r)
        SELECT region, string_agg(slogan || '（' || n || '）', '；' ORDER BY k) AS top_slogans
        FROM ranked WHERE k <= 6 GROUP BY region ORDER BY min(region)""")
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    counts = {
        "reports": one("SELECT count(*) FROM reports"),
        "meetings": one("SELECT count(*) FROM v_meetings"),
        "meetings_all": one("SELECT count(*) FROM v_meetings_all"),
        "provinces": one("SELECT count(DISTINCT province) FROM v_meetings_all WHERE province IS NOT NULL"),
        "groups": one("SELECT count(*) FROM v_group_coverage"),
        "officials": one("SELECT count(*) FROM v_officials"),
        "held_back": one("SELECT count(*) FROM v_held_back"),
        "quarantined": one("SELECT count(*) FROM quarantine"),
        "first_date": one("SELECT min(meeting_date) FROM v_meetings_all"),
        "last_date": one("SELECT max(meeting_date) FROM v_meetings_all"),
    }
    runs = _rows(con, "SELECT * FROM runs ORDER BY started_at DESC NULLS LAST LIMIT 1")
    last_run = runs[0] if runs else None
    dq_results = _rows(con, """SELECT suite, expectation, severity, success, n_checked, n_failed, description
                               FROM dq_results WHERE run_id = ? ORDER BY success, severity, suite, expectation""",
                       [last_run["run_id"] if last_run else None])
    dq_failures = _rows(con, "SELECT * FROM dq_failures ORDER BY severity, expectation, doc_id NULLS FIRST LIMIT 200")
    held_back = _rows(con, "SELECT * FROM v_held_back")
    quarantine = _rows(con, "SELECT source_path, stage, reason FROM quarantine ORDER BY source_path LIMIT 200")
    return ReportData(generated_at=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip(),
                      warehouse="", meetings=meetings, timeline=timeline, coverage=coverage, officials=officials,
                      slogans=slogans, slogan_regions=slogan_regions, counts=counts, last_run=last_run,
                      dq_results=dq_results, dq_failures=dq_failures, held_back=held_back, quarantine=quarantine)


def build_report(data_dir: Path | str, output: Path | str | None = None) -> Path:
    """Read ``<data_dir>/warehouse.duckdb`` (read-only) and write the report; returns its path."""
    data_dir = Path(data_dir)
    wh = data_dir / "warehouse.duckdb"
    if not wh.is_file():
        raise FileNotFoundError(f"no warehouse at {wh}: run `make run` (or `chuxin run`) first")
    out = Path(output) if output else data_dir / "report" / "index.html"
    con = warehouse.connect(wh, read_only=True)
    try:
        data = collect(con)
    finally:
        con.close()
    data.warehouse = str(wh)
    data.docs_present = (out.parent / DOCS_HREF).resolve().is_file()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(render(data), encoding="utf-8")
    os.replace(tmp, out)
    return out


# --- rendering -----------------------------------------------------------------------------------

def e(value) -> str:
    """HTML-escape a value for text or attribute context; None → empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return html.escape(str(value), quote=True)


def _short(province: str | None) -> str:
    for u in UNITS:
        if u.name == province:
            return u.short
    return province or "?"


def _md(d: dt.date | None) -> str:
    return f"{d.month}月{d.day}日" if d else "日期不明"


def _hex_to_rgb(h: str) -> tuple[int, int, int]:
    return int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)


def _mix(a: str, b: str, t: float) -> str:
    ra, rb = _hex_to_rgb(a), _hex_to_rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ra, rb))


def date_colour(d: dt.date | None, first: dt.date | None, last: dt.date | None) -> str:
    if d is None or first is None or last is None:
        return "#d9d9d9"
    span = (last - first).days
    t = 0.0 if span <= 0 else (d - first).days / span
    pos = t * (len(PALETTE) - 1)
    i = min(int(pos), len(PALETTE) - 2)
    return _mix(PALETTE[i], PALETTE[i + 1], pos - i)


def text_colour(fill: str) -> str:
    r, g, b = _hex_to_rgb(fill)
    return "#1a1a1a" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#ffffff"


# Defined once per page (in a zero-size SVG) and used by every chart as fill="url(#hatch)".
HATCH_DEFS = ('<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
              '<pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
              'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eeeeee"/>'
              '<line x1="0" y1="0" x2="0" y2="6" stroke="#b0b0b0" stroke-width="3"/></pattern></defs></svg>')


def _span(meetings: list[dict]) -> tuple[dt.date | None, dt.date | None]:
    dates = [m["meeting_date"] for m in meetings if m["meeting_date"]]
    return (min(dates), max(dates)) if dates else (None, None)


def by_campaign(meetings: list[dict]) -> list[tuple[str | None, list[dict]]]:
    """Meetings grouped by campaign, campaigns in order of their first meeting (each has its own scale)."""
    groups: dict[str | None, list[dict]] = {}
    for m in meetings:
        groups.setdefault(m["campaign"], []).append(m)
    return sorted(groups.items(), key=lambda kv: (_span(kv[1])[0] or dt.date.max, kv[0] or ""))


def timeline_svg(meetings: list[dict]) -> str:
    """Stacked blocks per day, one block per provincial meeting, labelled with the province."""
    dated = [m for m in meetings if m["meeting_date"]]
    if not dated:
        return '<p class="empty">没有带日期的会议（no dated meetings）。</p>'
    first, last = _span(meetings)
    span = (last - first).days
    days = ([first + dt.timedelta(n) for n in range(span + 1)] if span <= 45
            else sorted({m["meeting_date"] for m in dated}))
    per_day: dict[dt.date, list[dict]] = {d: [] for d in days}
    for m in dated:
        per_day[m["meeting_date"]].append(m)
    for ms in per_day.values():
        ms.sort(key=lambda m: ({"上午": 0, "下午": 1, "晚上": 2}.get(m["time_of_day"] or "", 1), m["province_code"] or ""))
    col_w = max(86, min(220, 1000 // max(1, len(days))))
    block_h, gap, left, top, bottom = 28, 3, 40, 24, 46
    max_n = max(len(v) for v in per_day.values())
    chart_h = max(3, max_n) * (block_h + gap)
    width = left + len(days) * col_w + 10
    height = top + chart_h + bottom
    base = top + chart_h
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="各地会议时间线">']
    for k in range(0, max(3, max_n) + 1, max(1, (max_n + 4) // 5)):  # y grid
        y = base - k * (block_h + gap)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y}" y2="{y}" class="grid"/>'
                     f'<text x="{left - 8}" y="{y + 4}" class="axis" text-anchor="end">{k}</text>')
    for i, d in enumerate(days):
        x = left + i * col_w
        for j, m in enumerate(per_day[d]):
            y = base - (j + 1) * (block_h + gap) + gap
            fill = "url(#hatch)" if m["held_back"] else date_colour(d, first, last)
            fg = "#555555" if m["held_back"] else text_colour(fill)
            label = _short(m["province"]) + (f" {m['time_of_day']}" if m["time_of_day"] else "")
            tip = f"{m['province']} {d.isoformat()} {m['time_of_day'] or ''}".strip()
            if m["held_back"]:
                tip += "（因数据质量问题暂缓）"
            parts.append(f'<g><title>{e(tip)}</title><rect x="{x + 4}" y="{y}" width="{col_w - 8}" '
                         f'height="{block_h}" rx="4" fill="{fill}" class="block"/>'
                         f'<text x="{x + col_w / 2}" y="{y + block_h / 2 + 5}" text-anchor="middle" '
                         f'fill="{fg}" class="blabel">{e(label)}</text></g>')
        n = len(per_day[d])
        parts.append(f'<text x="{x + col_w / 2}" y="{base + 18}" text-anchor="middle" class="axis">{e(_md(d))}</text>'
                     f'<text x="{x + col_w / 2}" y="{base + 34}" text-anchor="middle" class="axis sub">'
                     f'周{WEEKDAYS[d.weekday()]}{f" · {n}场" if n else ""}</text>')
    parts.append("</svg>")
    return "".join(parts)


def tilemap_svg(meetings: list[dict]) -> str:
    """The 31 province-level units as a tile grid, coloured by meeting date."""
    by_province: dict[str, list[dict]] = {}
    for m in meetings:
        if m["province"]:
            by_province.setdefault(m["province"], []).append(m)
    first, last = _span(meetings)
    tw, th, pad = 92, 70, 6
    cols = max(c for c, _ in TILE_GRID.values()) + 1
    rows = max(r for _, r in TILE_GRID.values()) + 1
    width, height = cols * (tw + pad) + pad, rows * (th + pad) + pad
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="31个省级单位会议日期">']
    for u in UNITS:
        c, r = TILE_GRID[u.code]
        x, y = pad + c * (tw + pad), pad + r * (th + pad)
        ms = by_province.get(u.name, [])
        clean = [m for m in ms if not m["held_back"]]
        m = (clean or ms or [None])[0]
        if m is None:
            fill, fg, line2, line3, tip = "#ececec", "#9a9a9a", "无报告", "", f"{u.name}：语料中没有会议报告"
        else:
            d = m["meeting_date"]
            fill = "url(#hatch)" if not clean else date_colour(d, first, last)
            fg = "#444444" if not clean else text_colour(fill)
            line2 = (f"{d.month}/{d.day}" if d else "日期?") + (f" {m['time_of_day']}" if m["time_of_day"] else "")
            line3 = f"第{m['guidance_group_no']}组" if m["guidance_group_no"] else ""
            tip = (f"{u.name} {d.isoformat() if d else '日期不明'} {m['time_of_day'] or ''}"
                   f"{'，中央第' + str(m['guidance_group_no']) + '指导组' if m['guidance_group_no'] else ''}"
                   f"{'，书记' + m['party_secretary'] if m['party_secretary'] else ''}"
                   f"{'（因数据质量问题暂缓）' if not clean else ''}"
                   f"{f'，共{len(ms)}篇报告' if len(ms) > 1 else ''}")
        stroke = ' stroke="#c0392b" stroke-dasharray="4 3" stroke-width="2"' if ms and not clean else ""
        parts.append(f'<g class="tile" data-province="{e(u.name)}"><title>{e(tip)}</title>'
                     f'<rect x="{x}" y="{y}" width="{tw}" height="{th}" rx="8" fill="{fill}"{stroke}/>'
                     f'<text x="{x + tw / 2}" y="{y + 25}" text-anchor="middle" fill="{fg}" class="tname">{e(u.short)}</text>'
                     f'<text x="{x + tw / 2}" y="{y + 45}" text-anchor="middle" fill="{fg}" class="tdate">{e(line2)}</text>'
                     f'<text x="{x + tw / 2}" y="{y + 61}" text-anchor="middle" fill="{fg}" class="tgroup">{e(line3)}</text>'
                     f'</g>')
    parts.append("</svg>")
    return "".join(parts)


def legend_html(meetings: list[dict]) -> str:
    first, last = _span(meetings)
    dates = sorted({m["meeting_date"] for m in meetings if m["meeting_date"]})
    items = []
    if len(dates) <= 14:
        items = [f'<span class="sw" style="background:{date_colour(d, first, last)}"></span>{e(_md(d))}'
                 for d in dates]
    elif dates:
        grad = ", ".join(PALETTE)
        items = [f'{e(_md(first))} <span class="grad" style="background:linear-gradient(to right, {grad})"></span> '
                 f'{e(_md(last))}']
    items.append('<span class="sw" style="background:#ececec"></span>无报告')
    items.append('<span class="sw hatch"></span>因数据质量问题暂缓')
    return '<div class="legend">' + "".join(f"<span class='li'>{i}</span>" for i in items) + "</div>"


def bars_svg(rows: list[dict], label_key: str, value_key: str, note_key: str | None = None,
             colour: str = "#c0392b") -> str:
    if not rows:
        return '<p class="empty">没有数据。</p>'
    bar_h, gap, bar_w = 22, 6, 230
    label_w = 16 + 14 * max(len(str(r[label_key])) for r in rows)
    width, height = label_w + bar_w + 60, len(rows) * (bar_h + gap) + gap
    vmax = max(r[value_key] for r in rows) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img">']
    for i, r in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(2.0, bar_w * r[value_key] / vmax)
        tip = f"{r[label_key]}：{r[value_key]}" + (f"（{r[note_key]}）" if note_key and r.get(note_key) else "")
        parts.append(f'<g><title>{e(tip)}</title>'
                     f'<text x="{label_w - 8}" y="{y + bar_h / 2 + 5}" text-anchor="end" class="blabel dark">'
                     f'{e(r[label_key])}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{colour}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h / 2 + 5}" class="axis">{e(r[value_key])}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def table_html(rows: list[dict], columns: list[tuple[str, str]], cls: str = "") -> str:
    if not rows:
        return '<p class="empty">（无）</p>'
    head = "".join(f"<th>{e(label)}</th>" for _, label in columns)
    body = []
    for r in rows:
        tr_cls = ' class="held"' if r.get("held_back") else ""
        cells = []
        for key, _ in columns:
            v = r.get(key)
            if isinstance(v, dt.date):
                v = v.isoformat()
            cells.append(f"<td>{e(v) if v is not None else '<span class=na>–</span>'}</td>")
        body.append(f"<tr{tr_cls}>{''.join(cells)}</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _date_time(m: dict) -> str | None:
    d = m["meeting_date"]
    if d is None:
        return None
    return d.isoformat() + (f" {m['time_of_day']}" if m["time_of_day"] else "")


def dq_html(data: ReportData) -> str:
    passed = sum(1 for r in data.dq_results if r["success"])
    failed = [r for r in data.dq_results if not r["success"]]
    run = data.last_run
    docs_note = "" if data.docs_present else '<span class="muted">（Data Docs 尚未生成：运行验证并构建文档后可用）</span>'
    parts = [f'<p class="dqline"><span class="pill ok">通过 {passed}</span> '
             f'<span class="pill {"bad" if failed else "ok"}">未通过 {len(failed)}</span> '
             f'<span class="pill {"bad" if data.held_back else "ok"}">暂缓报告 {len(data.held_back)}</span> '
             f'<span class="pill {"warn" if data.quarantine else "ok"}">隔离文件 {data.counts["quarantined"]}</span> '
             f'&nbsp;<a href="{DOCS_HREF}">查看 Great Expectations Data Docs →</a> {docs_note}</p>']
    if run:
        parts.append(f'<p class="muted">最近一次运行 {e(run["run_id"])}：发现文件 {e(run["n_seen"])}，载入 {e(run["n_loaded"])}，'
                     f'隔离 {e(run["n_quarantined"])}，结果 {e(run["outcome"])}。</p>')
    rows = [{**r, "success": "✔ 通过" if r["success"] else "✘ 未通过"} for r in data.dq_results]
    parts.append(table_html(rows, [("suite", "套件"), ("expectation", "期望"), ("severity", "级别"),
                                   ("success", "结果"), ("n_checked", "检查行数"), ("n_failed", "失败行数"),
                                   ("description", "说明")], "dq"))
    if data.held_back:
        parts.append("<h3>暂缓的报告（critical 失败，不进入 v_* 视图）</h3>")
        parts.append(table_html(data.held_back, [("doc_id", "doc_id"), ("expectations", "期望"),
                                                 ("observed", "观测值")]))
    if data.dq_failures:
        parts.append("<h3>当前失败明细</h3>")
        parts.append(table_html(data.dq_failures, [("doc_id", "doc_id"), ("suite", "套件"),
                                                   ("expectation", "期望"), ("severity", "级别"),
                                                   ("observed", "观测值")]))
    if data.quarantine:
        parts.append("<h3>隔离的文件</h3>")
        parts.append(table_html(data.quarantine, [("source_path", "文件"), ("stage", "阶段"), ("reason", "原因")]))
    return "".join(parts)


CSS = """
:root { --ink:#1f2328; --muted:#667085; --line:#e4e7ec; --accent:#c0392b; --bg:#faf8f5; }
* { box-sizing: border-box; }
html { font-family: FONTS; color: var(--ink); background: var(--bg); }
body { margin: 0 auto; max-width: 1180px; padding: 28px 32px 60px; line-height: 1.55; font-size: 15px; }
h1 { font-size: 28px; margin: 0 0 4px; letter-spacing: .02em; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--accent); }
h2 small, h1 small { font-weight: 400; color: var(--muted); font-size: 13px; margin-left: 8px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
.campaigns { font-size: 17px; margin: 2px 0 8px; color: #7a2e2a; }
.muted, .sub { color: var(--muted); font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 6px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; min-width: 130px; }
.card b { display: block; font-size: 26px; line-height: 1.2; }
.card span { color: var(--muted); font-size: 13px; }
.panel.center { text-align: center; } .panel.center .legend { justify-content: center; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 16px; overflow-x: auto; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 1000px) { .two { grid-template-columns: 1fr; } }
svg.chart { max-width: 100%; height: auto; font-family: FONTS; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { font-size: 12px; fill: #475467; }
svg .axis.sub { font-size: 11px; fill: #98a2b3; }
svg .blabel { font-size: 13px; }
svg .blabel.dark { fill: var(--ink); }
svg .block { stroke: #ffffff; stroke-width: 1; }
svg .tname { font-size: 17px; font-weight: 700; }
svg .tdate { font-size: 13px; }
svg .tgroup { font-size: 11px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; background: #fff; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; white-space: nowrap; }
tr.held td { background: repeating-linear-gradient(45deg, #fff, #fff 6px, #f4f4f4 6px, #f4f4f4 12px); color: #667085; }
.na { color: #c0c4cc; }
table.dq td:nth-child(4), table.dq td:nth-child(3) { white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 10px 4px 0; font-size: 13px; color: #475467; }
.legend .li { display: inline-flex; align-items: center; gap: 6px; }
.sw { display: inline-block; width: 16px; height: 16px; border-radius: 4px; border: 1px solid #d0d5dd; }
.sw.hatch { background: repeating-linear-gradient(45deg, #eee, #eee 3px, #b0b0b0 3px, #b0b0b0 5px);
            border: 2px dashed #c0392b; }
.grad { display: inline-block; width: 140px; height: 12px; border-radius: 6px; }
.pill { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 13px; font-weight: 600; }
.pill.ok { background: #e7f6ec; color: #1e7b3c; } .pill.bad { background: #fdecea; color: #b42318; }
.pill.warn { background: #fff4e5; color: #b54708; }
a { color: #175cd3; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
""".replace("FONTS", FONT_STACK)


def render(data: ReportData) -> str:
    c = data.counts
    first, last = c["first_date"], c["last_date"]
    if first is None:
        span, span_label = "—", "会议日期"
    elif first.year == last.year:
        span, span_label = f"{_md(first)} – {_md(last)}", f"{first.year} 会议日期"
    else:
        span, span_label = f"{first.isoformat()} – {last.isoformat()}", "会议日期"
    cards = [(c["meetings"], "省级会议报告"), (f"{c['provinces']}/31", "省级单位"), (span, span_label),
             (c["groups"], "中央指导组"), (c["officials"], "出场官员"), (c["held_back"], "暂缓（数据质量）"),
             (c["quarantined"], "隔离文件")]
    campaigns = by_campaign(data.meetings)
    several = len(campaigns) > 1

    def heading(campaign: str | None, ms: list[dict]) -> str:
        if not several:
            return ""
        f, _ = _span(ms)
        name = f"“{campaign}”主题教育" if campaign else "未识别的主题教育"
        return f"<h3>{e(name)} {e(f.year if f else '')}（{len(ms)} 篇报告）</h3>"

    timelines = "".join(f'{heading(k, ms)}<div class="panel">{timeline_svg(ms)}</div>' for k, ms in campaigns)
    maps = "".join(f'{heading(k, ms)}<div class="panel center">{tilemap_svg(ms)}{legend_html(ms)}</div>'
                   for k, ms in campaigns)
    names = "、".join(f"“{k}”" for k, _ in campaigns if k) or "主题教育"
    meetings_rows = [{**m, "when": _date_time(m), "province_s": m["province"]} for m in data.meetings]
    body = f"""
{HATCH_DEFS}
<header>
<h1>主题教育 · 各地会议概览<small>theme-education meetings report</small></h1>
<p class="campaigns">{e(names)}</p>
<p class="muted">根据仓库 {e(data.warehouse)} 生成于 {e(data.generated_at)}；共 {e(c['reports'])} 篇报告。
阴影（斜纹）表示因 critical 数据质量问题暂缓的报告：它们在图中显示，但不计入 v_* 视图。</p>
<div class="cards">{''.join(f'<div class="card"><b>{e(v)}</b><span>{e(k)}</span></div>' for v, k in cards)}</div>
</header>

<section id="timeline"><h2>会议时间线<small>meetings by date</small></h2>
{timelines}</section>

<section id="map"><h2>31 个省级单位：会议日期<small>tile map coloured by meeting date</small></h2>
{maps}</section>

<section id="groups"><h2>中央指导组覆盖情况<small>central guidance group coverage</small></h2>
{table_html(data.coverage, [("guidance_group_no", "指导组"), ("group_leader", "组长"), ("group_deputy", "副组长"),
                            ("n_provinces", "省份数"), ("provinces", "省份（按会议先后）"), ("dates", "会议日期"),
                            ("campaign", "主题教育")], "groups")}
</section>

<section id="meetings"><h2>各地会议<small>one row per provincial meeting</small></h2>
{table_html(meetings_rows, [("province_s", "省份"), ("when", "日期"), ("venue_city", "地点"),
                            ("meeting_format", "形式"), ("guidance_group_no", "指导组"), ("group_leader", "组长"),
                            ("group_deputy", "副组长"), ("party_secretary", "书记"), ("governor", "省长/主席/市长"),
                            ("cppcc_chair", "政协主席"), ("host", "主持人")], "meetings")}
</section>

<div class="two">
<section id="officials"><h2>出场最多的官员<small>top officials</small></h2>
{table_html([{**o, "roles": "、".join(ROLE_ZH.get(x, x) for x in (o["roles"] or "").split("、"))}
             for o in data.officials],
            [("name", "姓名"), ("roles", "角色"), ("n_reports", "报告数"), ("provinces", "省份")], "officials")}
</section>
<section id="slogans"><h2>常见提法<small>top slogans (provinces quoting them)</small></h2>
<div class="panel">{bars_svg(data.slogans, "slogan", "n_provinces", "provinces")}</div>
<h3>各区域的高频提法</h3>
{table_html(data.slogan_regions, [("region", "区域"), ("top_slogans", "提法（提及次数）")], "regions")}
</section>
</div>

<section id="dq"><h2>数据质量<small>data quality (Great Expectations)</small></h2>
{dq_html(data)}
</section>

<footer>chuxin · 本页完全自包含（内联 CSS 与 SVG，无需联网）。用 <code>chuxin query --list</code> 查看可查询的表和视图。</footer>
"""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>主题教育会议概览 · chuxin</title>\n<style>{CSS}</style>\n</head>\n<body>{body}</body>\n</html>\n')
