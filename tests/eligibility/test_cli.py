"""The self-check CLI as hotline staff use it."""

import json

from policy_kb.cli import main


def run(capsys, *args):
    code = main(["check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_38_year_old_full_time_doctor(capsys):
    code, out, _ = run(capsys, "--age", "38", "--degree", "博士", "--full-time")
    assert code == 0
    assert "第（二）条 全日制博士研究生生活补贴" in out and "每人25万元" in out
    assert "经考核合格每年按20%逐年发放，即每年5万元，共5年" in out and "区人社局" in out
    assert "还需满足" in out and "下一步" in out


def test_36_year_old_master_is_refused_with_the_reason_and_its_quote(capsys):
    _, out, _ = run(capsys, "--age", "36", "--degree", "硕士", "--full-time")
    assert "不符合" in out and "全日制硕士研究生生活补贴" in out
    assert "36岁，超过“35周岁及以下”1岁" in out and "原文：“35周岁及以下”" in out


def test_json_profile_file_and_json_output(capsys, tmp_path):
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"roles": ["在岗乡村医生"], "degree": "专科", "certificates": ["注册执业医师"]}))
    _, out, _ = run(capsys, "--profile", str(profile), "--json")
    data = json.loads(out)
    verdicts = {r["item_id"]: r["verdict"] for r in data["results"]}
    assert verdicts["c10-village-doctor-physician"] == "eligible"


def test_invalid_value_is_a_clear_error(capsys, tmp_path):
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"degree": "院士"}))
    code, _, err = run(capsys, "--profile", str(profile))
    assert code == 2 and "最高学历的取值无效" in err


def test_json_verdicts_are_the_words_the_console_counts(capsys, tmp_path):
    """console/schema.py counts verdicts by these three words: a 36-year-old full-time master is refused the
    masters' allowance (35周岁及以下), granted nothing, and every item whose facts are not told is undetermined."""
    _, out, _ = run(capsys, "--age", "36", "--degree", "硕士", "--full-time", "--json")
    verdicts = {r["item_id"]: r["verdict"] for r in json.loads(out)["results"]}
    assert verdicts["c02-master"] == "not_eligible"
    assert verdicts["c11-social-worker-junior"] == "undetermined"
    assert set(verdicts.values()) == {"not_eligible", "undetermined"}
    profile = tmp_path / "p.json"  # a doctor in a public institution post, five-year contract
    doctor = {"age": 38, "degree": "博士", "full_time": True, "public_institution_post": True, "contract_years": 5}
    profile.write_text(json.dumps(doctor))
    _, out, _ = run(capsys, "--profile", str(profile), "--json")
    assert {r["item_id"]: r["verdict"] for r in json.loads(out)["results"]}["c02-phd"] == "eligible"
