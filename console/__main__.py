"""`python -m console serve|hash-password|import-reviews` — see console/__init__.py and docs/console.md.

`serve` runs uvicorn itself with `ws="none"`, as the desk does (desk/__main__.py): `datasette serve`'s uvicorn asks
for the websockets protocol, whose import fails with the websockets version Rasa pins.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from . import DEFAULT_EVENTS, DEFAULT_KB, DEFAULT_PORT, NoAccount, datasette


def serve(args) -> int:
    import uvicorn
    from datasette.cli import check_databases

    events = Path(args.events)
    events.parent.mkdir(parents=True, exist_ok=True)
    try:
        ds = datasette(events, args.kb)
    except NoAccount as e:
        sys.exit(f"{e}")
    loop = asyncio.new_event_loop()
    loop.run_until_complete(ds.invoke_startup())
    loop.run_until_complete(check_databases(ds))
    loop.close()
    print(f"人才办工作台 (Datasette, 需登录): http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(ds.app(), host=args.host, port=args.port, log_level="info", lifespan="on", workers=1, ws="none")
    return 0


def hash_password(args) -> int:
    from datasette_auth_passwords.utils import hash_password as make_hash

    if sys.stdin.isatty():
        password = getpass.getpass("密码 / password: ")
        if getpass.getpass("再输一次 / again: ") != password:
            sys.exit("两次输入不一致 / the passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        sys.exit("密码至少10个字符 / at least 10 characters")
    print(make_hash(password))
    return 0


def import_reviews(args) -> int:
    from .review_import import run

    return run(Path(args.events), all_reviews=args.all)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description="人才办工作台")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="start the console")
    p.add_argument("--events", default=os.environ.get("EVENT_DB", str(DEFAULT_EVENTS)))
    p.add_argument("--kb", default=str(DEFAULT_KB))
    p.add_argument("--host", default=os.environ.get("CONSOLE_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", DEFAULT_PORT)))
    p.set_defaults(run=serve)
    p = sub.add_parser("hash-password", help="print the hash of a password (for CONSOLE_PASSWORD_HASH)")
    p.set_defaults(run=hash_password)
    p = sub.add_parser("import-reviews", help="reviewed messages → nlu_data/reviewed.yml and tests/e2e/reviewed.yml")
    p.add_argument("--events", default=os.environ.get("EVENT_DB", str(DEFAULT_EVENTS)))
    p.add_argument("--all", action="store_true", help="also reviews imported before")
    p.set_defaults(run=import_reviews)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
