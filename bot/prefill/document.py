"""The DOCX a Chinese office recognises, rendered from the application payload (payload.py) and nothing else.

Layout: title, basis line, reference and date, the prefill notice; 一、申请人基本信息 (a four-column grid);
二、申请享受的待遇 (clause, item, amount, schedule, payer, result); 三、申请人自述符合的条件 (each condition with the
text it comes from); 四、责任单位及说明; 五、申报材料与程序; 六、申请人承诺 with signature and date lines;
七、受理单位意见. Fonts carry a w:eastAsia name so Word and WPS render the Chinese in 宋体/仿宋/黑体.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY_FONT, TABLE_FONT, HEADING_FONT, TITLE_FONT = "仿宋", "宋体", "黑体", "宋体"
LATIN_FONT = "Times New Roman"

# The applicant grid: pairs share a row, single fields span it.
GRID = (
    ("name", "gender"),
    ("birth_date", "age"),
    ("id_number",),
    ("phone", "full_time"),
    ("degree", "title_level"),
    ("school",),
    ("employer",),
    ("address",),
)
ITEM_COLUMNS = ("序号", "条款", "待遇项目", "金额标准", "发放方式", "资金来源", "自查结果")
CONDITION_COLUMNS = ("序号", "条件", "原文依据", "申请人自述情况")


def _font(run, name: str = BODY_FONT, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = LATIN_FONT
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def _style_defaults(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = Pt(12)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), BODY_FONT)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.4)


def _para(doc_or_cell, text: str = "", *, font=BODY_FONT, size=12, bold=False, align=None, space_after=4):
    p = doc_or_cell.add_paragraph()
    if text:
        _font(p.add_run(text), font, size, bold)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    return p


def _heading(doc, text: str) -> None:
    p = _para(doc, text, font=HEADING_FONT, size=14, space_after=6)
    p.paragraph_format.space_before = Pt(10)
    p.paragraph_format.keep_with_next = True


def _cell(cell, text: str, *, bold=False, align=None, size=10.5) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    _font(p.add_run(text or ""), TABLE_FONT, size, bold)
    if align is not None:
        p.alignment = align


def _table(doc, rows: int, cols: int):
    table = doc.add_table(rows=rows, cols=cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def _header_row(table, columns) -> None:
    for cell, text in zip(table.rows[0].cells, columns):
        _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")  # repeat the header row on each page
    tr_pr.append(header)


def _applicant(doc, payload: dict) -> None:
    rows = {r["key"]: r for r in payload["applicant_rows"]}
    table = _table(doc, len(GRID), 4)
    for tr, keys in zip(table.rows, GRID):
        cells = tr.cells
        if len(keys) == 1:
            value = cells[1].merge(cells[3])
            _cell(cells[0], rows[keys[0]]["label"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            _cell(value, rows[keys[0]]["text"])
        else:
            for i, key in enumerate(keys):
                _cell(cells[2 * i], rows[key]["label"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
                _cell(cells[2 * i + 1], rows[key]["text"])
    for row in table.rows:
        for i, width in enumerate((Cm(3.4), Cm(4.9), Cm(3.4), Cm(4.5))):
            row.cells[i].width = width


def _items(doc, payload: dict) -> None:
    table = _table(doc, 1, len(ITEM_COLUMNS))
    _header_row(table, ITEM_COLUMNS)
    for n, item in enumerate(payload["items"], 1):
        cells = table.add_row().cells
        values = (
            str(n),
            item["citation"],
            item["name"],
            item["amount_text"] or "（非资金待遇）",
            (item["schedule"] or {}).get("text", "—"),
            item["payer"] or item["payer_note"] or "—",
            item["status_label"],
        )
        for cell, text in zip(cells, values):
            _cell(cell, text, size=9)


def _conditions(doc, payload: dict) -> None:
    for item in payload["items"]:
        _para(doc, f"{item['citation']} {item['name']}（{item['status_label']}）", font=HEADING_FONT, size=12)
        rows = [(c["label"], c["quote"], c["declared"]) for c in item["conditions_declared"]]
        rows += [(c["label"], c["quote"], f"尚需确认：{c['question']}") for c in item["conditions_to_confirm"]]
        table = _table(doc, 1, len(CONDITION_COLUMNS))
        _header_row(table, CONDITION_COLUMNS)
        for n, (label, quote, answer) in enumerate(rows, 1):
            cells = table.add_row().cells
            for cell, text in zip(cells, (str(n), label, f"“{quote}”", answer)):
                _cell(cell, text, size=9)
        _para(doc, "", space_after=2)


def _units_and_notes(doc, payload: dict) -> None:
    for item in payload["items"]:
        p = _para(doc)
        _font(p.add_run(f"{item['citation']} {item['name']}："), BODY_FONT, 12, True)
        _font(p.add_run(f"责任单位为{'、'.join(item['units'])}。"), BODY_FONT, 12)
        for d in item["discretion"]:
            _para(doc, f"· 原文写有“{d['flag']}”（“{d['quote']}”），金额或发放以考核认定为准。", size=11)
        for a in item["ambiguities"]:
            _para(doc, f"· {a['note']}", size=11)


def _signature(doc, payload: dict) -> None:
    _para(doc, payload["declaration"])
    _para(doc, "")
    _para(
        doc,
        "申请人签名：____________________        日期：________年____月____日",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        space_after=12,
    )


def _office(doc) -> None:
    table = _table(doc, 1, 1)
    cell = table.rows[0].cells[0]
    _cell(cell, "（由责任单位填写）", size=10.5)
    for _ in range(3):
        _para(cell, "")
    _para(
        cell,
        "经办人：______________    审核人：______________    日期：________年____月____日（盖章）",
        font=TABLE_FONT,
        size=10.5,
    )


def _footer(doc, payload: dict) -> None:
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(f"预填编号 {payload['reference']} · 本表为预填表，不是审批结果"), BODY_FONT, 9)


def render(payload: dict) -> bytes:
    """The DOCX file for an application payload, as bytes."""
    doc = Document()
    _style_defaults(doc)
    policy = payload["policy"]
    _para(doc, payload["title"], font=TITLE_FONT, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    _para(doc, f"（依据{policy['doc_number']}《{policy['title']}》）", size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        doc,
        f"预填编号：{payload['reference']}        生成日期：{payload['generated_date']}",
        size=11,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=8,
    )
    notice = _para(doc)
    _font(notice.add_run("预填说明："), HEADING_FONT, 11, True)
    _font(notice.add_run(payload["prefill_notice"]), BODY_FONT, 11)

    _heading(doc, "一、申请人基本信息")
    _applicant(doc, payload)
    _heading(doc, "二、申请享受的待遇")
    _items(doc, payload)
    _heading(doc, "三、申请人自述符合的条件")
    _para(doc, "以下条件及原文摘自政策文件，“申请人自述情况”为申请人在自查中提供的信息，须由责任单位审核。", size=11)
    _conditions(doc, payload)
    _heading(doc, "四、责任单位及说明")
    _units_and_notes(doc, payload)
    _heading(doc, "五、申报材料与程序")
    for note in payload["policy_silences"]:
        _para(doc, f"· {note}", size=11)
    _heading(doc, "六、申请人承诺")
    _signature(doc, payload)
    _heading(doc, "七、受理单位意见")
    _office(doc)
    _footer(doc, payload)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
