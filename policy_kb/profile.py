"""The applicant profile (fields in policy_kb/data/profile.yml), checked and coerced. Missing means unknown."""

from __future__ import annotations

from .load import load_policy

TRUE_WORDS = {"true", "1", "yes", "y", "是", "对", "有", "全日制"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "不是", "没有", "无", "非全日制"}


class ProfileError(ValueError):
    pass


def fields() -> dict:
    return load_policy().profile


def coerce(field: str, value):
    """A value as the engine compares it, or ProfileError with a Chinese message naming the allowed values."""
    spec = fields().get(field)
    if spec is None:
        raise ProfileError(f"未知的字段：{field}")
    kind = spec["type"]
    try:
        if kind == "int":
            out = int(str(value).strip())
            if not 0 <= out <= spec.get("max", 10**7):
                raise ValueError
            return out
        if kind == "number":
            number = float(str(value).strip())
            if not 0 <= number <= spec.get("max", 10**7):
                raise ValueError
            return int(number) if number.is_integer() else number
        if kind == "bool":
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ValueError
    except ValueError:
        raise ProfileError(f"{spec['label']}的取值无效：{value}") from None
    allowed = spec["values"]
    if kind == "set":
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        bad = [v for v in values if v not in allowed]
        if bad:
            raise ProfileError(f"{spec['label']}的取值无效：{'、'.join(map(str, bad))}（可选：{'、'.join(allowed)}）")
        return frozenset(values)
    if value not in allowed:
        raise ProfileError(f"{spec['label']}的取值无效：{value}（可选：{'、'.join(allowed)}）")
    return value


# What the person said beyond the fields: the values they ruled out (field → values) and their words (field →
# {words, reason, reading}); policy_kb.statements writes them, the engine reads them.
EXCLUDED, SAID = "_excluded", "_said"


def make_profile(data: dict | None) -> dict:
    """Keep the known fields, coerced. None and "" mean unknown and are dropped; an empty list for a set field
    means "none of these" (e.g. no certificates), which is known. `_excluded` and `_said` are kept; other keys
    starting with "_" (the conversation's own notes) are dropped."""
    out: dict = {}
    for field, value in (data or {}).items():
        if field == EXCLUDED and value:
            out[EXCLUDED] = _exclusions(value)
        elif field == SAID and value:
            out[SAID] = {k: dict(v) for k, v in value.items() if k in fields() and isinstance(v, dict)}
        elif str(field).startswith("_") or value is None or value == "":
            continue
        else:
            out[field] = coerce(field, value)
    return out


def _exclusions(value: dict) -> dict:
    out = {}
    for field, values in value.items():
        spec = fields().get(field)
        if spec is None or "values" not in spec:
            continue
        out[field] = frozenset(v for v in values if v in spec["values"])
    return out


def rank(field: str, value) -> int:
    """Position of an ordinal value, low to high."""
    return fields()[field]["values"].index(value)
