"""The edges of the ID and phone rules and of masking, each expected value written out (GB 11643-1999, GB/T 2260)."""

import datetime as dt

import pytest

from bot.prefill.validate import (
    IdNumber,
    InvalidValue,
    age_on,
    check_id,
    check_phone,
    china_today,
    format_date,
    id_check_char,
    mask_id,
    mask_phone,
    mask_text,
)

# GB/T 2260 province-level codes, and 81/82/83 of the residence permits of Hong Kong, Macao and Taiwan residents.
PROVINCES = [
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
]


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


@pytest.mark.parametrize("province", PROVINCES)
def test_every_province_code_is_accepted(province):
    number = with_check(f"{province}0102199001011234"[:17])
    assert check_id(number).number == number


@pytest.mark.parametrize(
    "code", ["10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "66", "70", "72", "80", "84", "90", "00"]
)
def test_codes_that_are_no_province_are_refused(code):
    with pytest.raises(InvalidValue, match=f"前两位“{code}”"):
        check_id(with_check(f"{code}0102199001011234"[:17]))


def test_check_characters_of_the_standard():
    """ISO 7064 MOD 11-2: weights 2^(17-i) mod 11; the check character of sum mod 11 is 1 0 X 9 8 7 6 5 4 3 2."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    assert weights == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert id_check_char("11010519491231002") == "X"  # GB 11643-1999's worked example
    assert id_check_char("0" * 17) == "1"  # sum 0
    for position, weight in enumerate(weights):  # a single 1: the sum is that position's weight
        first17 = "0" * position + "1" + "0" * (16 - position)
        assert id_check_char(first17) == "10X98765432"[weight], position


def test_birth_years_from_1900_on_are_accepted_and_earlier_ones_refused():
    assert check_id(with_check("53011319000101123")).birth_date == dt.date(1900, 1, 1)
    with pytest.raises(InvalidValue, match="1899年"):
        check_id(with_check("53011318991231123"))


def test_a_birth_date_of_today_is_accepted_and_tomorrow_refused():
    today = dt.date(2025, 6, 30)
    assert check_id(with_check("53011320250630123"), today=today).birth_date == today
    with pytest.raises(InvalidValue, match="2025年7月1日"):
        check_id(with_check("53011320250701123"), today=today)


def test_the_id_result_carries_the_normalized_number_and_its_mask():
    info = check_id("  530113-19900101-123" + id_check_char("53011319900101123") + " ")
    assert isinstance(info, IdNumber) and info.number == with_check("53011319900101123")
    assert info.masked == "5301**********123" + info.number[-1]
    assert (info.birth_date, info.gender) == (dt.date(1990, 1, 1), "男")


@pytest.mark.parametrize(
    "raw",
    [
        "530113（1990）0101123" + id_check_char("53011319900101123"),
        "530113_19900101_123" + id_check_char("53011319900101123"),
        "530113—19900101–123" + id_check_char("53011319900101123"),
        "530113\t19900101\u3000123" + id_check_char("53011319900101123"),
    ],
)
def test_separators_people_type_are_dropped(raw):
    assert check_id(raw).number == with_check("53011319900101123")


def test_none_and_empty_ask_for_the_number():
    for raw in (None, "", "   "):
        with pytest.raises(InvalidValue, match="请提供18位居民身份证号码"):
            check_id(raw)
        with pytest.raises(InvalidValue, match="请提供11位手机号码"):
            check_phone(raw)


def test_non_ascii_digits_in_an_id_are_refused():
    # Arabic-Indic digits are digits to Python but not to the standard (NFKC keeps them)
    with pytest.raises(InvalidValue, match="前17位应为数字"):
        check_id("٥٣٠١١٣١٩٩٠٠١٠١١٢٣٤")


def test_a_non_ascii_digit_as_the_last_character_is_refused_as_not_a_digit_or_x():
    # not as a wrong check character: the last character is no digit of the standard at all
    with pytest.raises(InvalidValue, match="最后一位为数字或字母X"):
        check_id(with_check("53011319900101123")[:17] + "٣")


@pytest.mark.parametrize("raw", ["+8613800138000", "008613800138000", "8613800138000", "+86-138-0013-8000"])
def test_country_prefixes_are_dropped(raw):
    assert check_phone(raw) == "13800138000"


@pytest.mark.parametrize(
    "raw, words",
    [
        ("+86138001380", ["只能包含数字"]),  # '+' kept when the length does not fit a prefix
        ("86138001380", ["13至19", "“86”"]),  # 11 digits starting 86: no prefix dropped
        ("0086138001380", ["固定电话"]),
        ("861380013800", ["12位"]),
        ("11234567890", ["13至19", "“11”"]),
        ("10000000000", ["“10”"]),
        ("٣٨٠٠١٣٨٠٠٠١", ["只能包含数字"]),
    ],
)
def test_phone_edges(raw, words):
    with pytest.raises(InvalidValue) as e:
        check_phone(raw)
    for word in words:
        assert word in str(e.value), str(e.value)


def test_age_in_completed_years_on_the_day():
    birth = dt.date(1985, 6, 15)
    assert age_on(birth, dt.date(2025, 6, 14)) == 39
    assert age_on(birth, dt.date(2025, 6, 15)) == 40
    assert age_on(birth, dt.date(2025, 5, 20)) == 39
    assert age_on(birth, dt.date(2025, 7, 1)) == 40
    assert age_on(dt.date(2000, 2, 29), dt.date(2025, 2, 28)) == 24
    assert age_on(dt.date(2000, 2, 29), dt.date(2025, 3, 1)) == 25


def test_dates_as_chinese_forms_write_them():
    assert format_date(dt.date(2022, 10, 14)) == "2022年10月14日"
    assert format_date(dt.date(2025, 1, 5)) == "2025年1月5日"


def test_today_is_chinas_date():
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    assert china_today() in (now.date(), (now - dt.timedelta(seconds=5)).date())


@pytest.mark.parametrize(
    "number, masked",
    [
        ("530113199001011234", "5301**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),
        ("", ""),
        ("5301 1319 9001 0112 34", "5301**********1234"),
    ],
)
def test_mask_id(number, masked):
    assert mask_id(number) == masked


@pytest.mark.parametrize(
    "number, masked",
    [
        ("13800138000", "138****8000"),
        ("12345678", "123*5678"),
        ("1234567", "*******"),
        ("138 0013 8000", "138****8000"),
    ],
)
def test_mask_phone(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    "text, masked",
    [
        ("身份证530113199001011234。", "身份证5301**********1234。"),
        ("身份证 5301 1319 9001 0112 34 号", "身份证 5301 **** **** **12 34 号"),
        ("证号53011319900101123x", "证号5301**********123x"),
        ("证号11010519491231002X", "证号1101**********002X"),
        ("手机13800138000", "手机138****8000"),
        ("电话 +86 138-0013-8000 找我", "电话 +86 138-****-8000 找我"),
        ("电话0086 13800138000", "电话0086 138****8000"),
        ("手机１３８００１３８０００", "手机１３８****８０００"),
        ("连写53011319900101123413800138000", "连写5301*********************8000"),
        ("编号123456789012345", "编号1234*******2345"),
        ("编号12345678901234", "编号12345678901234"),  # 14 digits: not a personal number
        ("下载 /prefill/download/abcdef0123456789.json", "下载 /prefill/download/abcdef….json"),
        ("第（二）条 每人25万元，2022年10月14日", "第（二）条 每人25万元，2022年10月14日"),
        ("座机0871-62345678", "座机0871-62345678"),
        ("", ""),
    ],
)
def test_mask_text(text, masked):
    assert mask_text(text) == masked


def test_mask_text_of_none_is_none():
    assert mask_text(None) is None


def test_china_is_utc_plus_eight_and_ids_are_immutable():
    from bot.prefill.validate import CHINA

    assert CHINA.utcoffset(None) == dt.timedelta(hours=8)
    info = check_id(with_check("53011319900101123"))
    with pytest.raises(AttributeError):
        info.number = "x"


VALID = with_check("53011319900101123")


@pytest.mark.parametrize(
    "func, raw, message",
    [
        (check_id, "", "请提供18位居民身份证号码。"),
        (check_id, "530113900101123", "这是15位的旧身份证号码，请提供现行的18位居民身份证号码。"),
        (
            check_id,
            "53011390010112X",
            "身份证号码应为18位（17位数字加1位校验码，最后一位可能是X），您输入的是15位，请核对后重新输入。",
        ),
        (
            check_id,
            VALID[:17],
            "身份证号码应为18位（17位数字加1位校验码，最后一位可能是X），您输入的是17位，请核对后重新输入。",
        ),
        (
            check_id,
            VALID[:10] + "A" + VALID[11:],
            "身份证号码的前17位应为数字，最后一位为数字或字母X，请核对后重新输入。",
        ),
        (check_id, VALID[:17] + "Y", "身份证号码的前17位应为数字，最后一位为数字或字母X，请核对后重新输入。"),
        (
            check_id,
            with_check("99011319900101123"),
            "身份证号码前两位“99”不是有效的省级行政区划代码，请核对后重新输入。",
        ),
        (
            check_id,
            with_check("53011319900230123"),
            "身份证号码第7至14位应为出生日期，“19900230”不是有效日期，请核对后重新输入。",
        ),
        (check_id, with_check("53011318991231123"), "身份证号码中的出生年份（1899年）不合理，请核对后重新输入。"),
        (
            check_id,
            VALID[:17] + ("0" if VALID[17] != "0" else "1"),
            "身份证号码校验位不正确，可能有数字输错或顺序颠倒，请逐位核对后重新输入。",
        ),
        (check_phone, "", "请提供11位手机号码。"),
        (check_phone, "138abc38000", "手机号码只能包含数字（可带+86），请核对后重新输入。"),
        (check_phone, "0871-62345678", "这看起来是固定电话号码，请提供11位手机号码（以1开头）。"),
        (check_phone, "1380013800", "手机号码应为11位数字，您输入的是10位，请核对后重新输入。"),
        (check_phone, "12345678901", "手机号码应以13至19开头，“12”开头的号码不是有效的手机号码，请核对后重新输入。"),
    ],
)
def test_every_refusal_says_exactly_what_to_do(func, raw, message):
    with pytest.raises(InvalidValue) as e:
        func(raw)
    assert str(e.value) == message


def test_a_future_birth_date_is_named_in_the_refusal():
    with pytest.raises(InvalidValue) as e:
        check_id(with_check("53011320250701123"), today=dt.date(2025, 6, 30))
    assert str(e.value) == "身份证号码中的出生日期（2025年7月1日）晚于今天，请核对后重新输入。"
