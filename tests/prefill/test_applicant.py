"""The applicant fields: parsing, what is never asked again, and agreement of the ID number with gender, birth
date and the age the self-check was given."""

import datetime as dt

import pytest

from bot.prefill.applicant import (
    BY_KEY,
    FIELDS,
    ApplicantError,
    complete,
    known_values,
    missing_fields,
    next_question,
    validate_field,
)
from bot.prefill.validate import InvalidValue, age_on
from policy_kb.load import load_policy

from .conftest import PHD, TODAY, applicant_for, make_id


def test_the_table_has_every_field_an_office_needs():
    labels = [f.label for f in FIELDS]
    for label in (
        "姓名",
        "性别",
        "出生日期",
        "身份证号码",
        "手机号码",
        "最高学历/学位",
        "毕业院校",
        "是否全日制",
        "专业技术职称",
        "拟就职/现工作单位",
        "联系地址",
    ):
        assert label in labels
    profile_fields = load_policy().profile
    for f in FIELDS:
        assert f.question
        assert f.profile_field is None or f.profile_field in profile_fields


@pytest.mark.parametrize(
    "raw", ["1990-01-02", "1990/1/2", "1990.01.02", "1990年1月2日", "1990年01月02号", "19900102", "１９９０年１月２日"]
)
def test_birth_date_forms(raw):
    assert validate_field("birth_date", raw) == {"birth_date": "1990-01-02"}


@pytest.mark.parametrize(
    "raw, words", [("1990-02-30", "不是有效的日期"), ("明年", "格式"), (f"{TODAY.year + 1}-01-01", "不合理")]
)
def test_bad_birth_dates(raw, words):
    with pytest.raises(InvalidValue, match=words):
        validate_field("birth_date", raw)


def test_names():
    assert validate_field("name", " 欧阳明 ") == {"name": "欧阳明"}
    assert validate_field("name", "买买提•艾力") == {"name": "买买提·艾力"}
    for bad in ("张", "张3", "", "a" * 31):
        with pytest.raises(InvalidValue, match="姓名"):
            validate_field("name", bad)


@pytest.mark.parametrize(
    "raw, value", [("博士研究生", "博士"), ("硕士", "硕士"), ("大专", "专科"), ("本科学历", "本科")]
)
def test_degree_words_from_the_kb_vocabulary(raw, value):
    assert validate_field("degree", raw) == {"degree": value}


@pytest.mark.parametrize(
    "raw, value",
    [
        ("是", True),
        ("全日制", True),
        ("统招", True),
        ("否", False),
        ("非全日制", False),
        ("不是全日制", False),
        ("在职研究生", False),
    ],
)
def test_full_time_answers(raw, value):
    assert validate_field("full_time", raw) == {"full_time": value}


def test_titles_keep_the_name_beside_the_level():
    assert validate_field("title_level", "副主任医师") == {"title_level": "副高级", "title_name": "副主任医师"}
    assert validate_field("title_level", "正高级") == {"title_level": "正高级"}
    assert validate_field("title_level", "副高级职称") == {"title_level": "副高级"}
    assert validate_field("title_level", "没有") == {"title_level": "无"}
    with pytest.raises(InvalidValue, match="正高级、副高级"):
        validate_field("title_level", "很厉害")


def test_an_unrecognised_choice_lists_the_allowed_values():
    with pytest.raises(InvalidValue, match="博士"):
        validate_field("degree", "幼儿园")


def test_free_text_fields_have_sensible_lengths():
    assert validate_field("address", "云南省昆明市东川区铜都街道8号") == {"address": "云南省昆明市东川区铜都街道8号"}
    with pytest.raises(InvalidValue, match="联系地址"):
        validate_field("address", "东川")
    with pytest.raises(InvalidValue, match="太长"):
        validate_field("employer", "单" * 81)


# -- never ask again what is known ---------------------------------------------------------------------------


def test_self_check_facts_are_not_asked_again():
    missing = missing_fields({}, PHD)
    assert "degree" not in missing and "full_time" not in missing
    assert missing[:3] == ["name", "id_number", "phone"]
    assert "title_level" in missing


def test_gender_and_birth_date_come_from_the_id_number():
    assert {"gender", "birth_date"} <= set(missing_fields({}, {}))
    missing = missing_fields({"id_number": make_id(38)}, {})
    assert "gender" not in missing and "birth_date" not in missing


def test_next_question_walks_the_table_and_ends():
    applicant = {}
    asked = []
    while (step := next_question(applicant, PHD)) is not None:
        key, question = step
        asked.append(key)
        applicant.update(validate_field(key, applicant_for(PHD)[key], known_values(applicant, PHD)))
    assert asked == ["name", "id_number", "phone", "school", "title_level", "employer", "address"]


# -- the ID number agrees with the rest, and says which disagrees -----------------------------------------------


def test_id_against_the_age_of_the_self_check():
    with pytest.raises(InvalidValue) as e:
        validate_field("id_number", make_id(36), known_values({}, PHD))
    message = str(e.value)
    assert "36周岁" in message and "38周岁" in message and "自查" in message
    assert validate_field("id_number", make_id(38), known_values({}, PHD)) == {"id_number": make_id(38)}


def test_id_against_a_stated_gender():
    with pytest.raises(InvalidValue) as e:
        validate_field("id_number", make_id(38, "女"), known_values({}, {**PHD, "gender": "男"}))
    assert "性别为“女”" in str(e.value) and "“男”" in str(e.value)


def test_a_stated_gender_or_birth_date_against_the_id():
    known = {"id_number": make_id(38, "男")}
    with pytest.raises(InvalidValue, match="身份证号码显示的性别“男”"):
        validate_field("gender", "女", known)
    born = dt.date(TODAY.year - 38, 1, 1)
    assert validate_field("birth_date", born.isoformat(), known) == {"birth_date": born.isoformat()}
    with pytest.raises(InvalidValue, match="身份证号码显示的出生日期"):
        validate_field("birth_date", "1990-05-05", known)


def test_a_birth_date_against_the_age_of_the_self_check():
    with pytest.raises(InvalidValue, match="与您自查时提供的年龄38周岁不一致"):
        validate_field("birth_date", f"{TODAY.year - 30}-01-01", {"age": 38})


def test_a_corrected_id_replaces_the_old_one():
    known = {"id_number": make_id(38, "男")}
    assert validate_field("id_number", make_id(38, "女"), known) == {"id_number": make_id(38, "女")}


# -- the complete record --------------------------------------------------------------------------------------


def test_complete_fills_from_the_profile_and_the_id():
    done = complete(applicant_for(PHD), PHD)
    a = done.applicant
    assert a["degree"] == "博士" and a["full_time"] is True
    assert a["gender"] == "男" and a["birth_date"] == f"{TODAY.year - 38}-01-01"
    assert a["age"] == age_on(dt.date.fromisoformat(a["birth_date"]), TODAY) == 38
    assert a["title_level"] == "副高级" and a["title_name"] == "副主任医师"
    assert done.profile["gender"] == "男" and done.profile["title_level"] == "副高级"
    assert done.changed == {}


def test_complete_reports_every_problem_at_once():
    with pytest.raises(ApplicantError) as e:
        complete(
            {"name": "欧阳明", "id_number": make_id(38)[:17] + "0" if make_id(38)[17] != "0" else "1", "phone": "123"},
            PHD,
        )
    problems = e.value.problems
    assert set(problems) >= {"id_number", "phone", "school", "employer", "address", "title_level"}
    assert "gender" not in problems and "birth_date" not in problems  # they wait for the ID number
    assert "校验位" in problems["id_number"] and "11位" in problems["phone"]


def test_complete_records_the_self_check_facts_the_applicant_changed():
    done = complete(applicant_for(PHD, degree="硕士"), PHD)
    assert done.changed == {"degree": ("博士", "硕士")}
    assert done.profile["degree"] == "硕士"


def test_complete_refuses_an_id_that_disagrees_with_the_self_check_age():
    with pytest.raises(ApplicantError) as e:
        complete(applicant_for(PHD, id_number=make_id(41)), PHD)
    assert "41周岁" in e.value.problems["id_number"]


def test_every_field_key_is_unique_and_aliases_name_one_field():
    assert len(BY_KEY) == len(FIELDS)
    aliases = [a for f in FIELDS for a in f.aliases]
    assert len(aliases) == len(set(aliases))


def test_control_and_invisible_characters_are_dropped():
    value = validate_field("address", "东川区\x00铜都街道\u200b8号\n2单元")["address"]
    assert value == "东川区 铜都街道 8号 2单元"


def test_an_invalid_id_with_a_stated_gender_is_reported_once():
    with pytest.raises(ApplicantError) as e:
        complete(applicant_for(PHD, id_number="530113", gender="女", birth_date=f"{TODAY.year - 38}-01-01"), PHD)
    assert set(e.value.problems) == {"id_number"}
    assert "18位" in e.value.problems["id_number"]
