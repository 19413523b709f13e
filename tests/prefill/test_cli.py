"""python -m bot.prefill make / purge."""

import json
import os
import subprocess
import sys
from pathlib import Path

from docx import Document

from bot.prefill.__main__ import main

from .conftest import PHD, applicant_for, make_id

ROOT = Path(__file__).resolve().parents[2]


def test_make_writes_docx_and_json(tmp_path, capsys):
    profile, applicant = tmp_path / "p.json", tmp_path / "a.json"
    profile.write_text(json.dumps(PHD), encoding="utf-8")
    # the Chinese labels of the form work as keys too
    data = applicant_for(PHD)
    applicant.write_text(
        json.dumps(
            {
                "姓名": data["name"],
                "身份证号码": data["id_number"],
                **{k: v for k, v in data.items() if k not in ("name", "id_number")},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out, js = tmp_path / "out.docx", tmp_path / "out.json"
    assert (
        main(["make", "--profile", str(profile), "--applicant", str(applicant), "--out", str(out), "--json", str(js)])
        == 0
    )
    payload = json.loads(js.read_text(encoding="utf-8"))
    # a 38-year-old full-time doctor is granted exactly the doctors' living allowance of 第（二）条 (the others need
    # facts the profile does not give); what that is, as the text says it: 每人25万元, paid 20% a year
    assert [i["item_id"] for i in payload["items"]] == ["c02-phd"]
    text = "\n".join(c.text for t in Document(str(out)).tables for row in t.rows for c in row.cells)
    assert data["name"] in text and data["id_number"] in text
    assert "第（二）条" in text and "每人25万元" in text and "每年5万元，共5年" in text and "区级财政" in text
    assert payload["reference"] in capsys.readouterr().out


def test_make_with_invalid_fields_says_what_is_wrong_without_echoing_numbers(tmp_path, capsys):
    bad_id = make_id(38)[:17] + ("0" if make_id(38)[17] != "0" else "1")
    applicant = tmp_path / "a.json"
    applicant.write_text(json.dumps(applicant_for(PHD, id_number=bad_id, phone="1380013800")), encoding="utf-8")
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(PHD), encoding="utf-8")
    assert (
        main(["make", "--profile", str(profile), "--applicant", str(applicant), "--out", str(tmp_path / "o.docx")]) == 2
    )
    captured = capsys.readouterr()
    assert "校验位" in captured.err and "11位" in captured.err
    assert bad_id not in captured.err + captured.out and "1380013800" not in captured.err + captured.out
    assert not (tmp_path / "o.docx").exists()


def test_purge_command(store, capsys):
    kept = store.save("KEEP", b"d", b"j")
    store.save("OLD", b"d", b"j", now=0)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.prefill", "purge"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "removed 1 application" in result.stdout
    assert store.resolve(kept.token) is not None
    assert main(["purge", "--all"]) == 0
    assert "removed 1 application" in capsys.readouterr().out
    assert store.resolve(kept.token) is None
