"""The applicant fields an office needs, as a small declarative table, with their parsers and the rules that keep
them consistent with each other and with what the self-check already knows.

An applicant is a plain dict (what Rasa slots hold): name, id_number, phone, gender, birth_date (ISO date),
degree, full_time, school, title_level (+ title_name as written), employer, address. Four of them are self-check
facts as well (`profile_field`): a fact the profile already holds is never asked again. Gender and birth date are
read from the ID number (never stored beside it); one stated separately must agree with it, and so must the age
the self-check was given.

    validate_field("phone", "138 0013 8000", known)   → {"phone": "13800138000"}     (or InvalidValue)
    missing_fields(applicant, profile)                  → ["name", "id_number", …]      (what to ask, in order)
    complete(applicant, profile)                        → Completed(applicant, profile, changed)
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from policy_kb.load import load_policy
from policy_kb.profile import ProfileError, coerce
from policy_kb.profile import fields as profile_fields

from .validate import InvalidValue, age_on, check_id, check_phone, china_today, format_date


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # as the form prints it
    parse: Callable  # (raw, today) → dict of updates; raises InvalidValue
    aliases: tuple = ()  # words people use to name the field ("手机号填错了")
    profile_field: str | None = None
    derived_from_id: bool = False
    ask: str = ""  # the question; profile fields use profile.yml's question

    @property
    def question(self) -> str:
        if self.ask:
            return self.ask
        return profile_fields()[self.profile_field]["question"]


# --------------------------------------------------------------------------------------------------------------
# Parsers: raw text (or a value from a JSON file) → {key: normalized value}

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def _clean(raw) -> str:
    """NFKC, control and invisible characters out (they would also break the DOCX), trimmed."""
    text = CONTROL.sub(" ", unicodedata.normalize("NFKC", str(raw if raw is not None else "")))
    return text.strip().strip("。.，,；;").strip()


NAME = re.compile(r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z·• .\-]*[\u4e00-\u9fffA-Za-z]")


def parse_name(raw, today=None) -> dict:
    name = _clean(raw).replace("•", "·").replace("・", "·")
    if not name:
        raise InvalidValue("请提供您的姓名。")
    if not NAME.fullmatch(name) or len(name) > 30:
        raise InvalidValue("姓名应为2至30个汉字或字母（少数民族姓名可用间隔号“·”），请重新输入。")
    return {"name": name}


def parse_id(raw, today=None) -> dict:
    """Only the number: gender and birth date are derived from it when needed (`from_id`), so a gender or birth
    date in the applicant dict is always one the person stated, and a corrected ID number replaces the old facts."""
    return {"id_number": check_id(raw, today).number}


def parse_phone(raw, today=None) -> dict:
    return {"phone": check_phone(raw)}


DATE_FORMS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_birth_date(raw, today=None) -> dict:
    """1990-01-02 · 1990/1/2 · 1990.1.2 · 1990年1月2日 · 19900102 → {"birth_date": "1990-01-02"}"""
    if isinstance(raw, dt.date):
        day = raw
    else:
        text = _clean(raw).replace(" ", "")
        match = next((m for m in (f.fullmatch(text) for f in DATE_FORMS) if m), None)
        if not match:
            raise InvalidValue("出生日期请按“1990-01-02”“1990年1月2日”或“19900102”的格式填写。")
        try:
            day = dt.date(*map(int, match.groups()))
        except ValueError:
            raise InvalidValue(f"“{text}”不是有效的日期，请核对后重新输入。") from None
    today = today or china_today()
    if day > today or day.year < 1900:
        raise InvalidValue(f"出生日期“{format_date(day)}”不合理，请核对后重新输入。")
    return {"birth_date": day.isoformat()}


@functools.lru_cache(maxsize=None)
def _vocabulary(kind: str) -> tuple[dict, tuple]:
    """({term: value}, terms longest first) for one vocabulary.yml type."""
    table = {str(value).lower(): value for value in load_policy().vocabulary.get(kind, {})}
    for value, synonyms in load_policy().vocabulary.get(kind, {}).items():
        for term in synonyms or []:
            table.setdefault(str(term).lower(), value)
    return table, tuple(sorted((t for t in table if t), key=len, reverse=True))


def vocabulary_value(kind: str, text: str) -> str | None:
    """The canonical value of a vocabulary.yml term found in `text`: exact match first, then the longest term
    the text contains (非全日制 before 全日制, 博士研究生 before 博士)."""
    table, terms = _vocabulary(kind)
    text = text.lower()
    if text in table:
        return table[text]
    return next((table[t] for t in terms if t in text), None)


NEGATION = re.compile(r"^(不是|不|否|没有|并非)")
NONE_WORDS = {"无", "没有", "暂无", "没", "无职称", "没有职称", "还没有", "未评", "none"}


def _profile_choice(profile_field: str, key: str, vocabulary: str | None = None):
    """A parser for a self-check fact, read with the KB vocabulary and checked by the profile's own coercion."""
    spec = profile_fields()[profile_field]

    def parse(raw, today=None) -> dict:
        if isinstance(raw, bool) or (raw in spec.get("values", ()) if not isinstance(raw, (list, dict)) else False):
            value = raw
        else:
            text = _clean(raw)
            value = vocabulary_value(vocabulary, text) if vocabulary else None
            if value is None and profile_field == "title_level" and text.lower() in NONE_WORDS:
                value = "无"
            if value is None:
                value = text
            if profile_field == "full_time" and value in ("全日制", "非全日制"):
                value = value == "全日制" and not NEGATION.match(text)
        try:
            value = coerce(profile_field, value)
        except ProfileError:
            raise InvalidValue(f"没能识别“{_clean(raw)}”。{spec['question']}") from None
        out = {key: value}
        if profile_field == "title_level":
            text = _clean(raw)
            if value != "无" and not _generic_title(text):
                out["title_name"] = text  # 副主任医师: kept as written, the level beside it
        return out

    return parse


def _generic_title(text: str) -> bool:
    """正高级, 副高级职称, 副高: a level, not the name of a title (副主任医师, 高级教师)."""
    return text.endswith("职称") or text.rstrip("职") in profile_fields()["title_level"]["values"] + ["正高", "副高"]


def _free_text(key: str, label: str, shortest: int, longest: int):
    def parse(raw, today=None) -> dict:
        text = re.sub(r"\s+", " ", _clean(raw))
        if len(text) < shortest:
            raise InvalidValue(f"请填写{label}（至少{shortest}个字）。")
        if len(text) > longest:
            raise InvalidValue(f"{label}太长了（最多{longest}个字），请简要填写。")
        return {key: text}

    return parse


FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", parse_name, ("姓名", "名字"), ask="请问您的姓名？"),
    Field(
        "id_number",
        "身份证号码",
        parse_id,
        ("身份证号码", "身份证号", "身份证", "证件号码", "证件号"),
        ask="请提供您的18位居民身份证号码（仅用于生成申请预填表，到期自动删除）。",
    ),
    Field(
        "phone",
        "手机号码",
        parse_phone,
        ("手机号码", "手机号", "手机", "联系电话", "电话号码", "电话"),
        ask="请提供您的手机号码。",
    ),
    Field("gender", "性别", _profile_choice("gender", "gender", "gender"), ("性别",), "gender", True),
    Field(
        "birth_date",
        "出生日期",
        parse_birth_date,
        ("出生日期", "出生年月日", "生日"),
        derived_from_id=True,
        ask="请问您的出生日期（如1990-01-02）？",
    ),
    Field(
        "degree", "最高学历/学位", _profile_choice("degree", "degree", "degree"), ("最高学历", "学历", "学位"), "degree"
    ),
    Field(
        "full_time",
        "是否全日制",
        _profile_choice("full_time", "full_time", "full_time"),
        ("是否全日制", "学习方式"),
        "full_time",
    ),
    Field(
        "school",
        "毕业院校",
        _free_text("school", "毕业院校", 2, 60),
        ("毕业院校", "毕业学校", "院校", "学校"),
        ask="请问您的毕业院校（最高学历）？",
    ),
    Field(
        "title_level",
        "专业技术职称",
        _profile_choice("title_level", "title_level", "title"),
        ("专业技术职称", "职称"),
        "title_level",
    ),
    Field(
        "employer",
        "拟就职/现工作单位",
        _free_text("employer", "拟就职/现工作单位", 2, 80),
        ("拟就职单位", "现工作单位", "工作单位", "就职单位", "用人单位", "单位"),
        ask="请问您拟就职或现工作的单位全称？",
    ),
    Field(
        "address",
        "联系地址",
        _free_text("address", "联系地址", 5, 120),
        ("联系地址", "通讯地址", "家庭住址", "住址", "地址"),
        ask="请提供您的联系地址（可收取邮件的地址）。",
    ),
)
BY_KEY = {f.key: f for f in FIELDS}
EXTRA_KEYS = ("title_name",)  # kept beside a field, never asked
PERSONAL_KEYS = ("id_number", "phone")


class ApplicantError(ValueError):
    """Some applicant fields are missing or invalid: `problems` maps each key to its Chinese message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("；".join(f"{BY_KEY[k].label if k in BY_KEY else k}：{m}" for k, m in problems.items()))


# --------------------------------------------------------------------------------------------------------------
# Consistency: the ID number against the gender, birth date and age stated elsewhere


def known_values(applicant: dict | None, profile: dict | None = None) -> dict:
    """Applicant values, with the self-check facts (and its age) filling what the applicant has not given."""
    profile = profile or {}
    out = {
        f.key: profile[f.profile_field]
        for f in FIELDS
        if f.profile_field and profile.get(f.profile_field) not in (None, "")
    }
    if profile.get("age") not in (None, ""):
        out["age"] = profile["age"]
    out.update({k: v for k, v in (applicant or {}).items() if v not in (None, "")})
    return out


def from_id(number: str, today: dt.date | None = None) -> dict:
    """{"gender", "birth_date"} read from a valid ID number."""
    info = check_id(number, today)
    return {"gender": info.gender, "birth_date": info.birth_date.isoformat()}


def _date(iso: str) -> str:
    return format_date(dt.date.fromisoformat(iso))


def _age_conflict(birth: str, age, whose: str, today: dt.date) -> str | None:
    actual = age_on(dt.date.fromisoformat(birth), today)
    if age in (None, "") or int(float(age)) == actual:
        return None
    return f"{whose}出生日期为{_date(birth)}，按今天计算为{actual}周岁，与您自查时提供的年龄{age}周岁不一致"


def conflicts(key: str, values: dict, known: dict, today: dt.date | None = None) -> list[str]:
    """Where a new value of `key` disagrees with what is known on identity facts; each message says which fact
    disagrees with which."""
    today = today or china_today()
    out = []
    if key == "id_number":
        facts = from_id(values["id_number"], today)
        if known.get("gender") and known["gender"] != facts["gender"]:
            out.append(f"身份证号码显示性别为“{facts['gender']}”，与您提供的性别“{known['gender']}”不一致")
        if known.get("birth_date") and known["birth_date"] != facts["birth_date"]:
            out.append(
                f"身份证号码显示出生日期为{_date(facts['birth_date'])}，"
                f"与您填写的出生日期{_date(known['birth_date'])}不一致"
            )
        out.append(_age_conflict(facts["birth_date"], known.get("age"), "身份证号码显示", today))
    elif key in ("gender", "birth_date"):
        try:
            facts = from_id(known["id_number"], today) if known.get("id_number") else {}
        except InvalidValue:  # an invalid ID number is reported on its own field
            facts = {}
        if key == "gender" and facts and facts["gender"] != values["gender"]:
            out.append(f"您填写的性别“{values['gender']}”与身份证号码显示的性别“{facts['gender']}”不一致")
        if key == "birth_date":
            if facts and facts["birth_date"] != values["birth_date"]:
                out.append(
                    f"您填写的出生日期{_date(values['birth_date'])}与身份证号码显示的出生日期"
                    f"{_date(facts['birth_date'])}不一致"
                )
            out.append(_age_conflict(values["birth_date"], known.get("age"), "您填写的", today))
    return [m for m in out if m]


def validate_field(key: str, raw, known: dict | None = None, today: dt.date | None = None) -> dict:
    """Parse one field's raw value and check it against what is known (`known_values(applicant, profile)`).
    Returns the slot updates; raises InvalidValue with the message to show before asking again."""
    f = BY_KEY[key]
    known = {k: v for k, v in (known or {}).items() if k != key}
    values = f.parse(raw, today)
    problems = conflicts(key, values, known, today)
    if problems:
        hint = (
            "请核对身份证号码；如果之前提供的信息有误，请告诉我正确的信息。"
            if key == "id_number"
            else "请核对后重新填写。"
        )
        raise InvalidValue("；".join(problems) + "。" + hint)
    return values


def missing_fields(applicant: dict | None, profile: dict | None = None) -> list[str]:
    """The keys still to ask, in order; facts the self-check knows and those the ID number gives are skipped."""
    known = known_values(applicant, profile)
    return [f.key for f in FIELDS if f.key not in known and not (f.derived_from_id and known.get("id_number"))]


def next_question(applicant: dict | None, profile: dict | None = None) -> tuple[str, str] | None:
    """(key, question) of the next field to ask, or None when the form is complete."""
    missing = missing_fields(applicant, profile)
    return (missing[0], BY_KEY[missing[0]].question) if missing else None


# --------------------------------------------------------------------------------------------------------------
# The complete record the document prints


@dataclass
class Completed:
    applicant: dict  # every field, normalized, plus age (周岁 on the application date)
    profile: dict  # the self-check profile with the applicant's facts (gender, age, degree …) in it
    changed: dict  # profile facts the applicant's answers changed: {field: (old, new)}


def complete(applicant: dict, profile: dict | None = None, today: dt.date | None = None) -> Completed:
    """Re-validate every field (input may come from a JSON file), fill from the profile, derive gender and birth
    date from the ID number, check consistency; ApplicantError lists every problem at once."""
    today = today or china_today()
    profile = dict(profile or {})
    known = known_values(applicant, profile)
    out, problems = {}, {}
    for f in FIELDS:
        if f.key not in known:
            continue
        try:
            values = f.parse(known[f.key], today)
        except InvalidValue as e:
            problems[f.key] = str(e)
            continue
        found = conflicts(f.key, values, {k: v for k, v in known.items() if k != f.key}, today)
        if found and f.key != "id_number" and "id_number" in problems:
            found = []  # reported once, on the ID number
        if found:
            problems[f.key] = "；".join(found)
        out.update(values)
    if "id_number" in out and "id_number" not in problems:
        for k, v in from_id(out["id_number"], today).items():
            out.setdefault(k, v)
    given_id = {"id_number": known["id_number"]} if known.get("id_number") else {}
    for key in missing_fields({**out, **given_id}):
        problems.setdefault(key, f"未填写（{BY_KEY[key].question}）")
    if problems:
        raise ApplicantError(problems)
    if (applicant or {}).get("title_name") and out.get("title_level") != "无":
        out.setdefault("title_name", _clean(applicant["title_name"]))
    out["age"] = age_on(dt.date.fromisoformat(out["birth_date"]), today)
    facts = {f.profile_field: out[f.key] for f in FIELDS if f.profile_field} | {"age": out["age"]}
    changed = {k: (profile[k], v) for k, v in facts.items() if k in profile and profile[k] != v}
    order = [f.key for f in FIELDS] + ["age", *EXTRA_KEYS]
    return Completed({k: out[k] for k in order if k in out}, {**profile, **facts}, changed)
