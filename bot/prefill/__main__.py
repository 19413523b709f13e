"""python -m bot.prefill make --profile p.json --applicant a.json --out out.docx [--json out.json] [--items …]
python -m bot.prefill purge [--all]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import logmask


def _read_json(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def _applicant_keys(data: dict) -> dict:
    """Accept the field keys (id_number) or the form's Chinese labels (身份证号码) as keys."""
    from .applicant import FIELDS

    by_label = {f.label: f.key for f in FIELDS}
    return {by_label.get(k, k): v for k, v in data.items()}


def run_make(args) -> int:
    from .applicant import ApplicantError
    from .application import NothingToApply, prepare, to_json
    from .document import render

    profile = _read_json(args.profile) if args.profile else {}
    applicant = _applicant_keys(_read_json(args.applicant))
    items = [i.strip() for i in args.items.split(",") if i.strip()] if args.items else None
    try:
        payload, done = prepare(profile, applicant, items)
    except ApplicantError as e:
        for key, message in e.problems.items():
            print(f"{key}: {message}", file=sys.stderr)
        return 2
    except (NothingToApply, KeyError) as e:
        print(e, file=sys.stderr)
        return 2
    Path(args.out).write_bytes(render(payload))
    if args.json:
        Path(args.json).write_bytes(to_json(payload))
    for field, (old, new) in done.changed.items():
        print(f"note: {field} {old!r} → {new!r} (from the applicant's answers)", file=sys.stderr)
    lines = [f"{i['citation']} {i['name']} {i['amount_text']}（{i['status_label']}）" for i in payload["items"]]
    print(f"wrote {args.out}" + (f" and {args.json}" if args.json else "") + f" ({payload['reference']})")
    print("\n".join(lines))
    return 0


def run_purge(args) -> int:
    from .store import Store

    store = Store()
    removed = store.purge(everything=args.all)
    print(f"removed {removed} application(s) from {store.directory}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.prefill", description="东川区人才政策待遇申请预填表")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("make", help="a JSON profile and applicant in, the DOCX (and JSON) out")
    make.add_argument("--profile", help="self-check profile (JSON, fields of policy_kb/data/profile.yml)")
    make.add_argument("--applicant", required=True, help="applicant fields (JSON; keys or Chinese labels)")
    make.add_argument("--out", required=True, help="the DOCX to write")
    make.add_argument("--json", help="also write the application as JSON here")
    make.add_argument("--items", help="comma-separated item ids (default: every item the profile is eligible for)")
    purge = sub.add_parser("purge", help="delete expired applications now (PREFILL_DIR, PREFILL_RETENTION_DAYS)")
    purge.add_argument("--all", action="store_true", help="delete every stored application, expired or not")
    args = parser.parse_args(argv)
    return run_make(args) if args.command == "make" else run_purge(args)


if __name__ == "__main__":
    logmask.install()
    raise SystemExit(main())
