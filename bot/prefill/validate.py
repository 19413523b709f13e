"""Personal numbers: the resident ID number (GB 11643-1999) and mainland mobile numbers.

Each checker takes what a person typed (full-width digits, spaces, dashes, a +86 prefix are accepted) and returns
the normalized value, or raises `InvalidValue` with a Chinese message saying what is wrong and what to type.
`mask_id` / `mask_phone` are what chat replies show; `mask_text` hides any such number inside free text (logs).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def china_today() -> dt.date:
    """The date in China: ages (周岁) and the form's date are counted on it, whatever the server's zone."""
    return dt.datetime.now(CHINA).date()


class InvalidValue(ValueError):
    """A value a person typed that cannot be accepted; str(e) is the Chinese message to show them."""


# GB/T 2260 province-level codes (the first two digits), plus 81/82/83 used by the residence permits of
# Hong Kong, Macao and Taiwan residents. The county part (digits 3–6) changes every year and is not checked.
PROVINCE_CODES = {
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
}
# ISO 7064 MOD 11-2 as GB 11643-1999 writes it: weights 2^(17-i) mod 11, check characters indexed by sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
OLDEST_BIRTH_YEAR = 1900

_SEPARATORS = re.compile(r"[\s\-－—–_()（）]+")


def _normalize(raw) -> str:
    """NFKC (full-width digits and letters to ASCII), separators removed."""
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    return _SEPARATORS.sub("", text)


def id_check_char(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


@dataclass(frozen=True)
class IdNumber:
    number: str  # 18 characters, X upper-case
    birth_date: dt.date
    gender: str  # 男 / 女 (odd / even 17th digit)

    @property
    def masked(self) -> str:
        return mask_id(self.number)


def check_id(raw, today: dt.date | None = None) -> IdNumber:
    """Validate a resident ID number; InvalidValue with the rule it breaks."""
    number = _normalize(raw).upper()
    today = today or china_today()
    if not number:
        raise InvalidValue("请提供18位居民身份证号码。")
    if len(number) == 15 and number.isdigit():
        raise InvalidValue("这是15位的旧身份证号码，请提供现行的18位居民身份证号码。")
    if len(number) != 18:
        raise InvalidValue(
            f"身份证号码应为18位（17位数字加1位校验码，最后一位可能是X），您输入的是{len(number)}位，请核对后重新输入。"
        )
    if not (number.isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise InvalidValue("身份证号码的前17位应为数字，最后一位为数字或字母X，请核对后重新输入。")
    if number[:2] not in PROVINCE_CODES:
        raise InvalidValue(f"身份证号码前两位“{number[:2]}”不是有效的省级行政区划代码，请核对后重新输入。")
    digits = number[6:14]
    try:
        birth = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidValue(f"身份证号码第7至14位应为出生日期，“{digits}”不是有效日期，请核对后重新输入。") from None
    if birth > today:
        raise InvalidValue(f"身份证号码中的出生日期（{format_date(birth)}）晚于今天，请核对后重新输入。")
    if birth.year < OLDEST_BIRTH_YEAR:
        raise InvalidValue(f"身份证号码中的出生年份（{birth.year}年）不合理，请核对后重新输入。")
    if id_check_char(number[:17]) != number[17]:
        # Not telling the expected character: the typo may be anywhere, and "fixing" the last one would hide it.
        raise InvalidValue("身份证号码校验位不正确，可能有数字输错或顺序颠倒，请逐位核对后重新输入。")
    return IdNumber(number, birth, "男" if int(number[16]) % 2 else "女")


def check_phone(raw) -> str:
    """Validate a mainland mobile number; returns its 11 digits."""
    text = _normalize(raw)
    if not text:
        raise InvalidValue("请提供11位手机号码。")
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == 11 + len(prefix):
            text = text[len(prefix) :]
            break
    if not (text.isdigit() and text.isascii()):
        raise InvalidValue("手机号码只能包含数字（可带+86），请核对后重新输入。")
    if text.startswith("0"):
        raise InvalidValue("这看起来是固定电话号码，请提供11位手机号码（以1开头）。")
    if len(text) != 11:
        raise InvalidValue(f"手机号码应为11位数字，您输入的是{len(text)}位，请核对后重新输入。")
    if not re.fullmatch(r"1[3-9]\d{9}", text):
        raise InvalidValue(f"手机号码应以13至19开头，“{text[:2]}”开头的号码不是有效的手机号码，请核对后重新输入。")
    return text


def age_on(birth: dt.date, day: dt.date) -> int:
    """周岁: completed years on `day` (terms.yml: 按申请之日计算的实足年龄)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def format_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------------------------------------------
# Masking


def mask_id(number: str) -> str:
    """530113199001011234 → 5301**********1234"""
    n = _normalize(number)
    return n[:4] + "*" * max(len(n) - 8, 0) + n[-4:] if len(n) > 8 else "*" * len(n)


def mask_phone(number: str) -> str:
    """13800138000 → 138****8000"""
    n = _normalize(number)
    return n[:3] + "*" * max(len(n) - 7, 0) + n[-4:] if len(n) > 7 else "*" * len(n)


_D = r"[0-9０-９]"
_SEP = r"[ \t\-－]?"
# An ID number, possibly typed with spaces or dashes between digits.
ID_IN_TEXT = re.compile(rf"(?<![0-9０-９]){_D}(?:{_SEP}{_D}){{16}}{_SEP}[0-9０-９XxＸｘ](?![0-9０-９])")
# A mobile number, possibly with +86 and separators.
PHONE_IN_TEXT = re.compile(
    rf"(?<![0-9０-９])(?:(?:\+|00)?86{_SEP})?[1１][3-9３-９]{_D}(?:{_SEP}{_D}){{8}}(?![0-9０-９])"
)
_NOT_DIGIT = " \t-－+"
# Any other long run of digits (an ID and a phone typed together, a mistyped ID): hidden too.
LONG_DIGITS = re.compile(rf"{_D}{{15,}}")
# Download tokens inside links (a token is a bearer credential for an application file).
TOKEN_IN_LINK = re.compile(r"(/prefill/download/)([A-Za-z0-9_\-]{6})[A-Za-z0-9_\-]+")


def _mask_digits(text: str, keep_head: int, keep_tail: int = 4) -> str:
    """Replace the digits of `text` by '*' except the first `keep_head` and the last `keep_tail` ones."""
    positions = [i for i, ch in enumerate(text) if ch not in _NOT_DIGIT]
    hidden = set(positions[keep_head : len(positions) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def _digit_count(text: str) -> int:
    return sum(ch not in _NOT_DIGIT for ch in text)


def mask_text(text: str) -> str:
    """Hide every ID number, mobile number, long digit run and download token in free text."""
    if not text:
        return text
    text = ID_IN_TEXT.sub(lambda m: _mask_digits(m.group(0), 4), text)
    text = PHONE_IN_TEXT.sub(lambda m: _mask_digits(m.group(0), _digit_count(m.group(0)) - 8), text)
    text = LONG_DIGITS.sub(lambda m: _mask_digits(m.group(0), 4), text)
    return TOKEN_IN_LINK.sub(lambda m: m.group(1) + m.group(2) + "…", text)
