"""The generated DOCX, opened with python-docx: every applicant field, every item's clause, amount, schedule and
payer, every self-declared condition with its quote, the units, the policy's silences, the declaration and the
signature lines. Expected values come from the engine and the KB, never typed here."""

import json

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from bot.prefill.applicant import complete
from bot.prefill.application import NothingToApply, candidates, create_application, prepare
from bot.prefill.document import render
from bot.prefill.payload import DECLARATION, NOTICE, TITLE
from policy_kb.eligibility import ELIGIBLE, assess
from policy_kb.load import load_policy

from .conftest import MASTER, PHD, applicant_for

PROFILES = {
    "phd": PHD,
    "master": MASTER,
    "township-senior": {"roles": ["乡镇基层医疗卫生机构卫生专业技术人员"], "title_level": "副高级"},
    "flexible": {"employment": "柔性", "degree": "博士", "days_per_year": 61},
    "retired-principal": {"roles": ["退休名校长"], "gender": "女", "age": 58},
}


class Doc:
    """The text of a DOCX: paragraphs, and tables as rows of distinct cells (merged cells once)."""

    def __init__(self, data: bytes, path):
        path.write_bytes(data)
        self.document = Document(str(path))
        self.paragraphs = [p.text for p in self.document.paragraphs]
        self.tables = []
        for table in self.document.tables:
            rows = []
            for row in table.rows:
                seen, cells = set(), []
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text)
                rows.append(cells)
            self.tables.append(rows)
        self.text = "\n".join(self.paragraphs + ["\t".join(r) for t in self.tables for r in t])

    def value_of(self, label: str) -> str:
        """The cell right of a label in the applicant grid."""
        for row in self.tables[0]:
            for i, cell in enumerate(row[:-1]):
                if cell == label:
                    return row[i + 1]
        raise KeyError(label)

    def table_after(self, heading: str) -> list[list[str]]:
        """The first table after the paragraph `heading`."""
        body = list(self.document.element.body.iterchildren())
        start = next(i for i, el in enumerate(body) if el.tag == qn("w:p") and Paragraph(el, None).text == heading)
        tbl = next(el for el in body[start:] if el.tag == qn("w:tbl"))
        return self.tables[[t._tbl for t in self.document.tables].index(tbl)]


@pytest.fixture(params=sorted(PROFILES), scope="module")
def case(request, tmp_path_factory):
    profile = PROFILES[request.param]
    applicant = applicant_for(profile)
    payload, done = prepare(profile, applicant)
    expected = assess(done.profile).by_verdict(ELIGIBLE)
    doc = Doc(render(payload), tmp_path_factory.mktemp("doc") / "out.docx")
    return profile, applicant, payload, done, expected, doc


def test_title_notice_and_basis(case):
    *_, payload, _, _, doc = case
    policy = load_policy().document
    assert doc.paragraphs[0] == TITLE == "东川区人才政策待遇申请预填表"
    assert policy["doc_number"] in doc.paragraphs[1] and policy["title"] in doc.paragraphs[1]
    assert payload["reference"] in doc.text and payload["generated_date"] in doc.text
    assert NOTICE in doc.text and "预填" in NOTICE and "申报材料" in NOTICE and "责任单位" in NOTICE


def test_every_applicant_field_is_in_the_table(case):
    _, applicant, payload, done, _, doc = case
    for row in payload["applicant_rows"]:
        assert doc.value_of(row["label"]) == row["text"], row["label"]
    # and the values are the applicant's own, normalized
    for key in ("name", "id_number", "phone", "school", "employer", "address"):
        assert done.applicant[key] in doc.value_of(
            next(r["label"] for r in payload["applicant_rows"] if r["key"] == key)
        )
    assert doc.value_of("性别") == done.applicant["gender"]
    assert doc.value_of("年龄（周岁）") == f"{done.applicant['age']}周岁"
    assert doc.value_of("是否全日制") == ("是" if done.applicant["full_time"] else "否")
    assert done.applicant["degree"] in doc.value_of("最高学历/学位")
    assert done.applicant["title_level"] in doc.value_of("专业技术职称")


def test_every_eligible_item_with_clause_amount_schedule_and_payer(case):
    *_, expected, doc = case
    assert expected, "the case should be eligible for something"
    rows = doc.table_after("二、申请享受的待遇")
    assert rows[0] == ["序号", "条款", "待遇项目", "金额标准", "发放方式", "资金来源", "自查结果"]
    assert len(rows) - 1 == len(expected)
    by_name = {row[2]: row for row in rows[1:]}
    for r in expected:
        row = by_name[r.name]
        assert row[1] == r.citation
        assert row[3] == r.amount_text
        assert row[4] == (r.schedule.text if r.schedule else "—")
        assert row[5] == (r.payer or r.payer_note)
        assert row[6] == "符合"


def test_every_declared_condition_with_its_verbatim_quote(case):
    *_, expected, doc = case
    policy = load_policy()
    for r in expected:
        rows = doc.table_after(f"{r.citation} {r.name}（符合）")
        assert rows[0] == ["序号", "条件", "原文依据", "申请人自述情况"]
        assert [(row[1], row[2]) for row in rows[1:]] == [(leaf.label, f"“{leaf.quote}”") for leaf in r.met]
        for leaf in r.met:
            assert leaf.quote in policy.clause(r.clause)["text"]


def test_units_discretion_and_silences(case):
    *_, payload, _, expected, doc = case
    document = load_policy().document
    for r in expected:
        for unit in r.units:
            assert unit in doc.text
        for d in r.discretion:
            assert d["flag"] in doc.text and d["quote"] in doc.text
        for a in r.ambiguities:
            assert a["note"] in doc.text
    silences = {s["topic"]: s["note"] for s in document["silences"]}
    for topic in ("materials", "deadline", "where_to_apply", "procedure"):
        assert silences[topic] in doc.text
    assert (silences["combine"] in doc.text) == (len(expected) > 1)


def test_declaration_signature_and_office_box(case):
    *_, doc = case
    assert DECLARATION.startswith("本人承诺以上信息真实有效") and DECLARATION in doc.text
    signature = next(p for p in doc.paragraphs if p.startswith("申请人签名"))
    assert "日期" in signature and "年" in signature and "月" in signature and "日" in signature
    assert "七、受理单位意见" in doc.paragraphs and "经办人" in doc.text


def test_chinese_fonts_are_set_for_word(case):
    *_, doc = case
    normal = doc.document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    runs = [r for p in doc.document.paragraphs for r in p.runs if r.text]
    runs += [
        r
        for t in doc.document.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
        if r.text
    ]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) in ("宋体", "仿宋", "黑体") for r in runs)


def test_the_json_carries_the_same_data(case, store):
    profile, applicant, *_ = case
    app = create_application(profile, applicant, store=store)
    data = json.loads(open(app.json_path, encoding="utf-8").read())
    assert data == json.loads(json.dumps(app.payload, ensure_ascii=False))
    doc = Document(app.path)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    assert data["reference"] in text
    for item in data["items"]:
        for value in (item["citation"], item["name"], item["amount_text"], item["schedule"]["text"]):
            assert value in text
        for c in item["conditions_declared"]:
            assert c["label"] in text and c["quote"] in text
    for key, value in data["applicant"].items():
        if isinstance(value, str) and key != "birth_date":
            assert value in text, key
    assert data["applicant"]["id_number"] == complete(applicant, profile).applicant["id_number"]


def test_an_item_still_to_confirm_is_marked_with_the_conditions_left_open(tmp_path):
    open_item = candidates(PHD)["to_confirm"][0]
    eligible = [r.item_id for r in candidates(PHD)["eligible"]]
    payload, done = prepare(PHD, applicant_for(PHD), eligible + [open_item.item_id])
    doc = Doc(render(payload), tmp_path / "o.docx")
    result = assess(done.profile).result(open_item.item_id)
    row = next(r for r in doc.table_after("二、申请享受的待遇")[1:] if r[2] == result.name)
    assert row[1] == result.citation and row[6] == "尚需确认"
    rows = doc.table_after(f"{result.citation} {result.name}（尚需确认）")
    open_rows = [r for r in rows[1:] if r[3].startswith("尚需确认")]
    assert [(r[1], r[2]) for r in open_rows] == [(leaf.label, f"“{leaf.quote}”") for leaf in result.missing]
    assert payload["all_eligible"] is False


def test_items_the_profile_fails_are_refused_with_the_reason():
    with pytest.raises(NothingToApply) as e:
        prepare(PHD, applicant_for(PHD), ["c02-master"])
    r = assess({**PHD, "gender": "男", "title_level": "副高级"}).result("c02-master")
    assert r.citation in str(e.value)
    assert all(leaf.explain() in str(e.value) for leaf in r.failed)
    with pytest.raises(KeyError):
        prepare(PHD, applicant_for(PHD), ["c99-nothing"])


def test_nothing_eligible_is_said_plainly():
    with pytest.raises(NothingToApply, match="还没有确定符合的待遇项目"):
        prepare({"age": 38}, applicant_for({"age": 38}))


def test_slots_that_are_not_profile_facts_are_ignored(tmp_path):
    payload, _ = prepare({**PHD, "requested_slot": "phone", "session_started_metadata": None}, applicant_for(PHD))
    assert payload["items"] and "requested_slot" not in payload["self_check_profile"]
    Doc(render(payload), tmp_path / "o.docx")
