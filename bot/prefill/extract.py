"""Applicant fields out of one free-text message: several at once (“张三，身份证530113…，手机138…”) and
corrections (“手机号填错了，应该是139…”).

Numbers are found by their shape (an ID number, a mobile number) wherever they stand; other fields by their name
at the start of a segment (“单位：东川区人民医院”, “地址是…”); a segment after a correction (“应该是…”) belongs
to the field the correction names. Each value goes through `applicant.validate_field`, so a wrong value comes back
as an error message for that field, never as a value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from .applicant import DATE_FORMS, FIELDS, validate_field, vocabulary_value
from .validate import InvalidValue

CORRECTION = re.compile(r"填错|写错|输错|打错|弄错|搞错|错了|不对|有误|更正|修改|改一下|改成|改为|换成|更改|重新填")
LEADS = re.compile(
    r"^(?:另外|还有|然后|以及|并且|而且|我的|我|本人的|本人|应该是|应为|正确的是|正确的|改成|改为|换成|是)+"
)
SEPARATORS = re.compile(r"[，,；;。\n！!？?]+")
LABEL_GLUE = r"(?:是|为|:|：|填|写|叫|\s)*"
ID_SHAPE = re.compile(r"(?<![0-9])[0-9](?:[ \-]?[0-9]){16}[ \-]?[0-9Xx](?![0-9Xx])")
PHONE_SHAPE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[ \-]?)?1[0-9](?:[ \-]?[0-9]){9}(?![0-9])")
# Organisation and address words: a segment holding one is not read as a degree, title or gender answer.
PLACE_WORDS = re.compile(r"大学|学院|学校|中学|小学|医院|卫生院|公司|集团|局|中心|所|街道|路|号|区|县|市|省|镇|村")
NAME_INTRO = re.compile(r"^(?:我叫|我的名字是|名字叫|我的姓名是)(.+)$")

# Aliases longest first, so 手机号码 is tried before 手机 and 身份证号码 before 身份证.
ALIASES = sorted(((a, f.key) for f in FIELDS for a in f.aliases), key=lambda x: -len(x[0]))


@dataclass
class Extraction:
    values: dict = field(default_factory=dict)  # slot updates, validated
    errors: dict = field(default_factory=dict)  # key → Chinese message (ask that field again)
    corrected: str | None = None  # the field a correction names (“手机号填错了”)


def correction_target(text: str) -> str | None:
    """The field a message says is wrong: “手机号填错了” → "phone"; None when it is not a correction."""
    text = unicodedata.normalize("NFKC", text or "")
    if not CORRECTION.search(text):
        return None
    found = [(text.find(alias), -len(alias), key) for alias, key in ALIASES if alias in text]
    return min(found)[2] if found else None


def _try(out: Extraction, key: str, raw, known: dict, today) -> None:
    try:
        values = validate_field(key, raw, {**known, **out.values}, today)
    except InvalidValue as e:
        out.errors[key] = str(e)
        return
    out.values.update(values)
    out.errors.pop(key, None)


def _labelled(segment: str) -> tuple[str, str] | None:
    for alias, key in ALIASES:
        m = re.match(rf"^{re.escape(alias)}{LABEL_GLUE}(.*)$", segment)
        if m:
            return key, m.group(1).strip()
    return None


def _unlabelled(segment: str) -> dict:
    """Short answers that say what they are: 男, 1990年1月2日, 全日制博士, 副主任医师."""
    if PLACE_WORDS.search(segment) or len(segment) > 10:
        return {}
    if any(f.fullmatch(segment.replace(" ", "")) for f in DATE_FORMS[:2]):
        return {"birth_date": segment}
    out = {}
    if segment in ("男", "女", "男性", "女性"):
        out["gender"] = segment
    for key, vocab in (("degree", "degree"), ("full_time", "full_time"), ("title_level", "title")):
        if vocabulary_value(vocab, segment):
            out[key] = segment
    return out


def extract_fields(text: str, known: dict | None = None, today: dt.date | None = None) -> Extraction:
    """Every applicant field found in `text`, validated against `known` (see applicant.known_values)."""
    known = dict(known or {})
    out = Extraction(corrected=correction_target(text))
    rest = unicodedata.normalize("NFKC", text or "")
    for key, shape in (("id_number", ID_SHAPE), ("phone", PHONE_SHAPE)):
        for m in shape.finditer(rest):
            _try(out, key, m.group(0), known, today)
        rest = shape.sub("，", rest)
    for segment in SEPARATORS.split(rest):
        segment = segment.strip()
        if not segment:
            continue
        named = NAME_INTRO.match(segment)
        if named:
            _try(out, "name", named.group(1), known, today)
            continue
        labelled = _labelled(LEADS.sub("", segment))
        if labelled:
            key, value = labelled
            if value and not CORRECTION.search(value) and key not in out.values:
                _try(out, key, value, known, today)
            continue
        value = LEADS.sub("", segment).strip()
        if out.corrected and out.corrected not in out.values and value and not CORRECTION.search(value):
            _try(out, out.corrected, value, known, today)
            continue
        for key, raw in _unlabelled(value).items():
            if key not in out.values:
                _try(out, key, raw, known, today)
    return out


def read_answer(
    text: str, requested: str | None, known: dict | None = None, today: dt.date | None = None
) -> Extraction:
    """What a form turn gives: every field the message names, and, when it names none of them, the whole message
    as the answer to the field that was asked (`requested`), e.g. “张三” after “请问您的姓名？”."""
    out = extract_fields(text, known, today)
    if requested and requested not in out.values and requested not in out.errors and not out.corrected:
        whole = SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).strip()
        value = LEADS.sub("", whole).strip() or whole  # “是” is an answer, not a lead-in
        if value and not out.values:
            _try(out, requested, value, dict(known or {}), today)
    return out
