#!/usr/bin/env python3
"""Fixtures for the import tests: files shaped like what agencies really have.

Called by make_fixtures.sh (which builds nianbao's own outputs of examples/demo-county-2024
first). Subcommands:

  agency-docx OUR.docx OUT.docx   a Word report as an agency writes it, with python-docx:
                                  the text of our DOCX, six headings as plain bold paragraphs,
                                  仿宋 runs split mid-sentence, indents typed as full-width
                                  spaces, tables rebuilt cell by cell with python-docx merges,
                                  labels as agencies misspell them, a date in a smart tag and a
                                  page number in a simple field
  portal-html OUR.docx OUT.html   a portal article page (menus, 发布时间, footer) whose tables
                                  use rowspan/colspan; labels with half-width brackets, spaces,
                                  &nbsp; and <strong>; Chromium then loads and saves it
  edit-xlsx IN.xlsx OUT.xlsx      openpyxl changes three input cells of our workbook

The numbers are always those of examples/demo-county-2024: the tests compare with it.
"""

import copy
import html
import sys

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt


def body_blocks(path):
    """Our DOCX as ('p', style, text) and ('t', grid) blocks, in order."""
    d = docx.Document(path)
    out = []
    body = d.element.body
    tables = iter(d.tables)
    paras = {p._p: p for p in d.paragraphs}
    for child in body.iterchildren():
        if child.tag == qn("w:p") and child in paras:
            p = paras[child]
            if p.text.strip():
                out.append(("p", p.style.name if p.style is not None else "", p.text))
        elif child.tag == qn("w:tbl"):
            out.append(("t", grid(next(tables))))
    return out


def grid(table):
    """A table as rows of (text, rowspan, colspan, origin?) from python-docx's merged cells."""
    rows = len(table.rows)
    cols = len(table.columns)
    covered = set()
    cells = []
    for r in range(rows):
        for c in range(cols):
            if (r, c) in covered:
                continue
            tc = table.cell(r, c)._tc
            # Extent of this merged cell.
            r2 = r
            while r2 + 1 < rows and table.cell(r2 + 1, c)._tc is tc:
                r2 += 1
            c2 = c
            while c2 + 1 < cols and table.cell(r, c2 + 1)._tc is tc:
                c2 += 1
            covered.update((i, j) for i in range(r, r2 + 1) for j in range(c, c2 + 1))
            cells.append((r, c, r2, c2, table.cell(r, c).text))
    return rows, cols, cells


# Label spellings seen in real reports (the seed, and others): the importer must still map.
AGENCY_LABELS = {
    "本年制发件数": "本年制件数量",
    "现行有效件数": "现行有效件数量",
    "本年收费金额（单位：万元）": "本年收费金额（单位;万元）",
    "（一）予以公开": "(一)予以公开",
    "1.属于国家秘密": "1、属于国家秘密",
    "3.危及“三安全一稳定”": "3.危及\"三安全一稳定\"",
    "三、本年度办理结果": "三、本年度办理结果：",
    "（三）不予公开": "（三）不予公开：",
}


def set_font(run, name, size=None, bold=None):
    run.font.name = name
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def split_runs(p, text, font, size, bold=False):
    """Agencies' runs break anywhere (every edit starts one): three pieces per paragraph."""
    n = len(text)
    cuts = [0, n // 3, (2 * n) // 3, n]
    for a, b in zip(cuts, cuts[1:]):
        if a < b:
            set_font(p.add_run(text[a:b]), font, size, bold)


def smart_tag(p, text):
    """A date wrapped in Word's Chinese date smart tag (w:smartTag), as old Word writes it."""
    tag = OxmlElement("w:smartTag")
    tag.set(qn("w:uri"), "urn:schemas-microsoft-com:office:smarttags")
    tag.set(qn("w:element"), "chsdate")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    r.append(t)
    tag.append(r)
    p._p.append(tag)


def simple_field(p, instr, result):
    """A w:fldSimple (a field Word stores with its last result)."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = result
    r.append(t)
    fld.append(r)
    p._p.append(fld)


def agency_docx(src, dst):
    blocks = body_blocks(src)
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "仿宋_GB2312"
    st.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    st.font.size = Pt(16)
    title = [b[2] for b in blocks if b[0] == "p" and b[1] == "Title"]
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # One title line, as many agencies type it.
    set_font(p.add_run("".join(title)), "方正小标宋简体", 22)
    rest = [b for b in blocks if not (b[0] == "p" and b[1] == "Title")]
    signature = []
    # Our signature is the last two paragraphs.
    if len(rest) >= 2 and rest[-1][0] == "p" and rest[-1][2].endswith("日"):
        signature = [rest[-2][2], rest[-1][2]]
        rest = rest[:-2]
    for b in rest:
        if b[0] == "p":
            style, text = b[1], b[2]
            p = d.add_paragraph()
            if style == "heading 1":
                # Plain bold paragraph (no heading style), 黑体.
                set_font(p.add_run("\u3000\u3000" + text), "黑体", 16, bold=True)
            elif style.startswith("heading"):
                set_font(p.add_run("\u3000\u3000" + text), "楷体_GB2312", 16, bold=True)
            elif "10.1" in text and "如对本报告" in text:
                split_runs(p, "\u3000\u3000" + text, "仿宋_GB2312", 16)
            else:
                split_runs(p, "\u3000\u3000" + text, "仿宋_GB2312", 16)
        else:
            rows, cols, cells = b[1]
            t = d.add_table(rows=rows, cols=cols)
            t.style = "Table Grid"
            for r, c, r2, c2, text in cells:
                cell = t.cell(r, c)
                if (r2, c2) != (r, c):
                    cell = cell.merge(t.cell(r2, c2))
                cell.text = ""
                label = AGENCY_LABELS.get(text, text)
                run = cell.paragraphs[0].add_run(label)
                set_font(run, "仿宋_GB2312", 10.5)
            d.add_paragraph()
    # A page-number field in the body (fldSimple), as a pasted footer leaves one.
    p = d.add_paragraph()
    simple_field(p, " PAGE ", "8")
    for line in signature:
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if line.endswith("日"):
            smart_tag(p, line)
        else:
            set_font(p.add_run(line), "仿宋_GB2312", 16)
    d.core_properties.author = "政务公开科"
    d.save(dst)


PORTAL_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}_青禾县人民政府门户网站</title>
<style>.nav a{{margin:0 8px}} td{{border:1px solid #000}}</style></head>
<body>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zfxxgk/">政府信息公开</a><a>年度报告</a></div>
<div class="wrap"><div class="article">
<h1 class="title">{title}</h1>
<div class="info">发布时间：2025-03-18 09:30 &nbsp;&nbsp; 来源：县政府办公室 &nbsp;&nbsp; 字号：[大 中 小]</div>
<div class="content" id="zoom">
"""

PORTAL_TAIL = """</div></div></div>
<div class="footer"><p>主办：青禾县人民政府办公室 &nbsp; 网站标识码：3200000000 &nbsp; 备案号：某ICP备00000000号</p>
<p>版权所有 © 青禾县人民政府</p></div>
<script>document.title = document.title;</script>
</body></html>
"""

PORTAL_LABELS = {
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "(二)部分公开 (区分处理的，只计这一情形，不计其他情形)",
    "三、本年度办理结果": "三、本 年度 办理 结果",
    "四、结转下年度继续办理": "四、结转下年度继续办理&nbsp;",
    "2.其他法律行政法规禁止公开": "2．其他法律行政法规禁止公开",
    "行政规范性文件": "行政规范性&nbsp;文件",
}


def portal_html(src, dst):
    blocks = body_blocks(src)
    title = "".join(b[2] for b in blocks if b[0] == "p" and b[1] == "Title")
    out = [PORTAL_HEAD.format(title=html.escape(title))]
    for b in blocks:
        if b[0] == "p":
            style, text = b[1], b[2]
            if style == "Title":
                continue
            t = html.escape(text)
            if style == "heading 1":
                out.append(f'<p style="text-indent:2em;"><strong>{t}</strong></p>\n')
            elif style.startswith("heading"):
                out.append(f'<p style="text-indent:2em;"><span style="font-family:楷体;">{t}</span></p>\n')
            else:
                # Editors pad with &nbsp; and break source lines between Chinese characters
                # (where a browser shows no space).
                mid = len(t) // 2
                while 0 < mid < len(t) and (t[mid - 1].isascii() or t[mid].isascii()):
                    mid += 1
                out.append(
                    f'<p style="text-indent:2em;">&nbsp;&nbsp;<span style="font-family:仿宋_GB2312;font-size:16pt">{t[:mid]}\n{t[mid:]}</span></p>\n'
                )
        else:
            rows, cols, cells = b[1]
            out.append('<table border="1" cellspacing="0" cellpadding="0" style="width:100%">\n')
            by_row = {}
            for r, c, r2, c2, text in cells:
                by_row.setdefault(r, []).append((c, r2 - r + 1, c2 - c + 1, text))
            for r in range(rows):
                out.append("<tr>")
                for c, rs, cs, text in sorted(by_row.get(r, [])):
                    label = PORTAL_LABELS.get(text, None)
                    t = label if label is not None else html.escape(text)
                    attrs = ""
                    if rs > 1:
                        attrs += f' rowspan="{rs}"'
                    if cs > 1:
                        attrs += f' colspan="{cs}"'
                    # Numbers centred in a <p>, labels sometimes bold, as editors paste them.
                    if t.replace(".", "").isdigit():
                        out.append(f'<td{attrs} style="text-align:center"><p>{t}</p></td>')
                    elif r < 2:
                        out.append(f"<td{attrs}><strong>{t}</strong></td>")
                    else:
                        out.append(f"<td{attrs}>{t}</td>")
                out.append("</tr>\n")
            out.append("</table>\n")
    out.append(PORTAL_TAIL)
    with open(dst, "w", encoding="utf-8") as f:
        f.write("".join(out))


def edit_xlsx(src, dst):
    """Three input cells changed, as a clerk types them (none breaks a table check)."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    t2 = next(ws for ws in wb.worksheets if ws.title.startswith("表二"))
    t4 = next(ws for ws in wb.worksheets if ws.title.startswith("表四"))
    # Two title rows above each table. 表二 行政许可: grid row 7 → B9; 行政事业性收费: B16.
    assert t2["B9"].value == 9317, t2["B9"].value
    t2["B9"] = 9320
    assert abs(t2["B16"].value - 356.2731) < 1e-9, t2["B16"].value
    t2["B16"] = 360.5
    # 表四 行政复议 · 结果纠正: grid row 4 → B6.
    assert t4["B6"].value == 1, t4["B6"].value
    t4["B6"] = 2
    wb.save(dst)


if __name__ == "__main__":
    cmd, a, b = sys.argv[1:4]
    {"agency-docx": agency_docx, "portal-html": portal_html, "edit-xlsx": edit_xlsx}[cmd](a, b)
