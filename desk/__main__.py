"""`python -m desk`: start the hotline desk (Datasette, read-only) over the knowledge base."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import DEFAULT_KB, DEFAULT_PORT, ROOT, serve_args


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m desk", description="热线查询台：只读的 Datasette 知识库界面")
    parser.add_argument("--kb", default=str(DEFAULT_KB), help="knowledge base (default build/kb.sqlite)")
    parser.add_argument("--host", default=os.environ.get("DESK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DESK_PORT", DEFAULT_PORT)))
    args = parser.parse_args(argv)
    if not Path(args.kb).exists():
        sys.exit(f"knowledge base not built: {args.kb} (run `make kb`)")
    # The plugin imports policy_kb (the segmenter): the repository must be importable.
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    print(f"热线查询台 (Datasette, 只读): http://{args.host}:{args.port}/", flush=True)
    from datasette.cli import cli
    cli.main(serve_args(args.kb, args.host, args.port), prog_name="datasette")


if __name__ == "__main__":
    main()
