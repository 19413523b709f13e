"""Hotline desk CLI: `python -m policy_kb search 退休名师`, `clause 第9条`, `unit 区教育体育局`, `group 乡村医生`.

Readable Chinese in a terminal by default; `--json` for machines. Any input gives results or a clear
“没有找到”; nothing typed at the prompt can crash it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import textwrap

from . import compose
from .paths import DEFAULT_DB

WIDTH = 38  # CJK characters are two columns wide


def _wrap(line: str, indent: str = "    ") -> str:
    return textwrap.fill(line.strip(), WIDTH, initial_indent=indent, subsequent_indent=indent)


def terminal_text(reply) -> str:
    """The composer's reply for a terminal: quotes wrapped at the terminal's width."""
    lines = []
    for kind, line in reply.lines:
        if kind == "quote":
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(_wrap(line, indent))
        else:
            lines.append(line)
    return "\n".join(lines)


def format_search(query: str, hits) -> str:
    return terminal_text(compose.search_reply(query, hits))


def format_clause(c) -> str:
    return terminal_text(compose.clause_card_reply(c))


def format_unit(query: str, res) -> str:
    return terminal_text(compose.unit_clauses_reply(query, res))


def format_items(query: str, items) -> str:
    return terminal_text(compose.group_reply(query, items))


def _jsonable(obj):
    if dataclasses.is_dataclass(obj):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(obj).items()}
    if isinstance(obj, list):
        return [_jsonable(x) for x in obj]
    return obj


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per profile field (profile.yml): --age 38 --degree 博士 --full-time --roles 在岗乡村医生 …"""
    from .profile import fields

    parser.add_argument("--profile", help="a JSON file holding the profile (options below override it)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--all", action="store_true", help="also list items the profile does not speak to")
    for name, spec in fields().items():
        flag = "--" + name.replace("_", "-")
        if spec["type"] == "bool":
            group = parser.add_mutually_exclusive_group()
            group.add_argument(flag, dest=name, action="store_true", default=None, help=spec["label"])
            group.add_argument("--not-" + name.replace("_", "-"), dest=name, action="store_false")
        elif spec["type"] == "set":
            parser.add_argument(flag, dest=name, action="append", choices=spec["values"], help=spec["label"])
        else:
            kw = (
                {"choices": spec["values"]}
                if "values" in spec
                else {"type": float if spec["type"] == "number" else int}
            )
            parser.add_argument(flag, dest=name, help=spec["label"], **kw)


def run_check(args) -> int:
    from .eligibility import assess
    from .profile import ProfileError, fields
    from .report import format_report

    data = {}
    if args.profile:
        with open(args.profile, encoding="utf-8") as f:
            data = json.load(f)
    data.update({k: getattr(args, k) for k in fields() if getattr(args, k, None) is not None})
    try:
        report = assess(data)
    except ProfileError as e:
        print(e, file=sys.stderr)
        return 2
    if args.json:
        payload = _jsonable(report)
        payload["profile"] = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in report.profile.items()}
        print(json.dumps(payload, ensure_ascii=False, indent=1, default=list))
    else:
        print(format_report(report, show_all=args.all))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy_kb", description="东发〔2022〕26号 知识库查询")
    parser.add_argument("--db", default=str(DEFAULT_DB), help="SQLite knowledge base (default: build/kb.sqlite)")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the SQLite knowledge base from policy_kb/data")
    b.add_argument("--out", default=str(DEFAULT_DB))
    for name, help_ in (
        ("search", "search by words: 退休名师, 社工证"),
        ("clause", "a clause verbatim: 第九条, 第9条, （九）, 九"),
        ("unit", "clauses of a responsible unit: 区教育体育局, 卫健局"),
        ("group", "items for a target group: 博士, 乡村医生"),
    ):
        p = sub.add_parser(name, help=help_)
        p.add_argument("query", nargs="*", help="the words to look up")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.add_argument("--limit", type=int, default=5)
    check = sub.add_parser(
        "check", help="self-check: a profile in, verdicts out (e.g. --age 38 --degree 博士 --full-time)"
    )
    add_profile_arguments(check)
    args = parser.parse_args(argv)

    if args.command == "check":
        return run_check(args)

    if args.command == "build":
        from .build import build

        path = build(args.out)
        print(f"built {path}")
        return 0

    from .query import KB, NotBuilt

    try:
        kb = KB(args.db)
    except NotBuilt as e:
        print(e, file=sys.stderr)
        return 2
    query = " ".join(args.query)
    result: object
    if args.command == "search":
        result = kb.search(query, limit=args.limit)
        text = format_search(query, result)
    elif args.command == "clause":
        result = kb.clause(query)
        text = format_clause(result) if result else compose.no_such_clause_text(query, kb.clause_count())
    elif args.command == "unit":
        result = kb.unit(query)
        text = format_unit(query, result)
    else:
        result = kb.by_target(query)
        text = format_items(query, result)
    if args.json:
        print(json.dumps(_jsonable(result), ensure_ascii=False, indent=1))
    else:
        print(text)
    return 0
