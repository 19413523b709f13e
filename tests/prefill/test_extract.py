"""Several fields in one message, and corrections."""

from bot.prefill.applicant import known_values
from bot.prefill.extract import correction_target, extract_fields, read_answer

from .conftest import PHD, make_id

ID = make_id(38)


def test_several_fields_in_one_message():
    got = extract_fields(
        f"我叫欧阳明，身份证{ID}，手机138 0013 8000，单位：东川区人民医院；地址是东川区铜都街道8号",
        known_values({}, PHD),
    )
    assert got.values == {
        "name": "欧阳明",
        "id_number": ID,
        "phone": "13800138000",
        "employer": "东川区人民医院",
        "address": "东川区铜都街道8号",
    }
    assert got.errors == {}


def test_short_answers_say_what_they_are():
    got = extract_fields("男，全日制博士，副主任医师")
    assert got.values["gender"] == "男" and got.values["degree"] == "博士" and got.values["full_time"] is True
    assert got.values["title_level"] == "副高级"


def test_an_invalid_value_comes_back_as_an_error_for_its_field():
    got = extract_fields("手机号是12345678901，身份证号 5301131990")
    assert got.values == {}
    assert "13至19" in got.errors["phone"] and "10位" in got.errors["id_number"]


def test_a_gender_that_disagrees_with_the_id_in_the_same_message():
    got = extract_fields(f"身份证{ID}，性别女")
    assert got.values == {"id_number": ID}
    assert "不一致" in got.errors["gender"]


def test_correction_names_the_field():
    assert correction_target("手机号填错了") == "phone"
    assert correction_target("身份证号码输错了") == "id_number"
    assert correction_target("地址不对") == "address"
    assert correction_target("我的手机号是13800138000") is None


def test_correction_with_the_new_value():
    got = extract_fields("手机号填错了，应该是139 0013 9000")
    assert got.corrected == "phone" and got.values == {"phone": "13900139000"}
    got = extract_fields("地址写错了，应该是东川区碧谷街道5号")
    assert got.corrected == "address" and got.values == {"address": "东川区碧谷街道5号"}
    got = extract_fields("手机号填错了，应该是1390013900")
    assert "10位" in got.errors["phone"]


def test_read_answer_takes_the_whole_message_for_the_asked_field():
    assert read_answer("欧阳明", "name").values == {"name": "欧阳明"}
    assert read_answer("东川区第一中学", "employer").values == {"employer": "东川区第一中学"}
    assert "10位" in read_answer("1380013800", "phone").errors["phone"]
    # a message that names other fields is not forced into the asked one
    assert read_answer("手机13800138000", "name").values == {"phone": "13800138000"}


def test_yes_no_and_none_answers_to_the_asked_field():
    assert read_answer("是", "full_time").values == {"full_time": True}
    assert read_answer("否", "full_time").values == {"full_time": False}
    assert read_answer("没有", "title_level").values == {"title_level": "无"}
    assert read_answer("我是张三", "name").values == {"name": "张三"}
