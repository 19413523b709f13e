"""ID numbers (GB 11643-1999) and mobile numbers: every rule has its own clear message; masking."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.prefill.validate import InvalidValue, check_id, check_phone, id_check_char, mask_id, mask_phone, mask_text

from .conftest import TODAY, make_id

VALID = make_id(38, "男")


def rejects(func, raw, *words):
    with pytest.raises(InvalidValue) as e:
        func(raw)
    for word in words:
        assert word in str(e.value), str(e.value)
    return str(e.value)


# -- ID numbers ---------------------------------------------------------------------------------------------------


def test_a_valid_id_gives_birth_date_and_gender():
    info = check_id(VALID)
    assert info.number == VALID
    assert info.birth_date == dt.date(TODAY.year - 38, 1, 1)
    assert info.gender == "男"
    assert check_id(make_id(30, "女")).gender == "女"


def test_the_known_published_example_passes():
    # The worked example of GB 11643-1999 (appendix): 11010519491231002X, a woman born 1949-12-31.
    info = check_id("11010519491231002x")
    assert (info.number, info.birth_date, info.gender) == ("11010519491231002X", dt.date(1949, 12, 31), "女")


def test_gender_comes_from_the_17th_digit():
    first16 = VALID[:16]
    for digit in "0123456789":
        number = first16 + digit + id_check_char(first16 + digit)
        assert check_id(number).gender == ("男" if int(digit) % 2 else "女")


def test_spaces_dashes_and_full_width_digits_are_accepted():
    spaced = f"{VALID[:6]} {VALID[6:14]}-{VALID[14:]}"
    assert check_id(spaced).number == VALID
    full_width = VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert check_id(full_width).number == VALID


@pytest.mark.parametrize("raw", [VALID[:17], VALID + "1", "123"])
def test_length_other_than_18_is_rejected_with_the_count(raw):
    rejects(check_id, raw, "18位", f"{len(raw)}位")


def test_the_old_15_digit_number_is_named():
    rejects(check_id, "530113900101123", "15位", "18位")


def test_letters_other_than_a_final_x_are_rejected():
    rejects(check_id, VALID[:10] + "A" + VALID[11:], "前17位应为数字")
    rejects(check_id, VALID[:17] + "Y", "最后一位为数字或字母X")


def test_an_unknown_province_code_is_rejected():
    first17 = "99" + VALID[2:17]
    rejects(check_id, first17 + id_check_char(first17), "前两位", "99")


@pytest.mark.parametrize("date", ["19900230", "19901301", "19900100"])
def test_an_impossible_birth_date_is_rejected(date):
    first17 = VALID[:6] + date + VALID[14:17]
    rejects(check_id, first17 + id_check_char(first17), "出生日期", date, "不是有效日期")


def test_a_birth_date_in_the_future_is_rejected():
    first17 = VALID[:6] + f"{TODAY.year + 1}0101" + VALID[14:17]
    rejects(check_id, first17 + id_check_char(first17), "晚于今天")


def test_a_wrong_check_digit_is_rejected_without_revealing_the_right_one():
    right = VALID[17]
    wrong = "0" if right != "0" else "1"
    message = rejects(check_id, VALID[:17] + wrong, "校验位不正确", "逐位核对")
    assert "应为" not in message and "应该是" not in message


def test_x_is_the_check_character_for_ten_and_only_then():
    # find a number whose check character is X, then make sure a digit there fails and lower-case x passes
    for serial in range(1000):
        first17 = f"{VALID[:14]}{serial:03d}"
        if id_check_char(first17) == "X":
            break
    assert check_id(first17 + "x").number == first17 + "X"
    rejects(check_id, first17 + "0", "校验位不正确")
    other = next(f"{VALID[:14]}{s:03d}" for s in range(1000) if id_check_char(f"{VALID[:14]}{s:03d}") != "X")
    rejects(check_id, other + "X", "校验位不正确")


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1940, TODAY.year - 18),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 999),
    st.integers(0, 16),
    st.integers(0, 9),
)
def test_every_single_digit_typo_is_caught(year, month, day, serial, position, replacement):
    first17 = f"530113{year:04d}{month:02d}{day:02d}{serial:03d}"
    number = first17 + id_check_char(first17)
    assert check_id(number).number == number
    if number[position] == str(replacement):
        return
    typo = number[:position] + str(replacement) + number[position + 1 :]
    with pytest.raises(InvalidValue):
        check_id(typo)


# -- mobile numbers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "8613800138000",
        "１３８００１３８０００",
    ],
)
def test_mobile_numbers_in_common_forms(raw):
    assert check_phone(raw) == "13800138000"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix_13_to_19(prefix):
    assert check_phone(prefix + "912345678") == prefix + "912345678"


def test_wrong_length_is_rejected_with_the_count():
    rejects(check_phone, "1380013800", "11位", "10位")
    rejects(check_phone, "138001380001", "11位", "12位")


def test_a_prefix_outside_13_to_19_is_rejected():
    rejects(check_phone, "12345678901", "13至19", "12")


def test_a_landline_is_named():
    rejects(check_phone, "0871-62345678", "固定电话")


def test_letters_are_rejected():
    rejects(check_phone, "138abc38000", "只能包含数字")


def test_empty_input_asks_for_the_number():
    rejects(check_phone, "", "11位手机号码")
    rejects(check_id, " ", "18位")


# -- masking --------------------------------------------------------------------------------------------------


def test_masks_as_the_chat_shows_them():
    assert mask_id("530113199001011234") == "5301**********1234"
    assert mask_phone("13800138000") == "138****8000"


def test_mask_text_hides_ids_phones_and_tokens_in_any_form():
    phone = "13800138000"
    text = (
        f"身份证{VALID}，手机{phone}；又写作 {VALID[:6]} {VALID[6:]} 和 +86 138-0013-8000；"
        f"连写{VALID}{phone}；链接 https://x/webhooks/prefill/download/{'a' * 43}.json"
    )
    masked = mask_text(text)
    digits = "".join(ch for ch in masked if ch.isdigit())
    for secret in (VALID, VALID[6:14], phone, "00138000", "a" * 43):
        assert secret not in masked and secret not in digits
    assert mask_id(VALID) in masked and "138****8000" in masked
    assert mask_text("第（二）条 每人25万元，2022年10月14日") == "第（二）条 每人25万元，2022年10月14日"
