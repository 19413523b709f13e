"""`python -m desk`: start the hotline desk (Datasette, read-only) over the knowledge base.

Not `datasette serve`: its uvicorn asks for the websockets protocol, whose import fails with the websockets
version Rasa pins; the desk needs no websockets, so it runs uvicorn itself with `ws="none"` — otherwise exactly
what `datasette serve --immutable KB --metadata … --plugins-dir … --template-dir …` does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from . import DEFAULT_KB, DEFAULT_PORT, datasette


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m desk", description="热线查询台：只读的 Datasette 知识库界面")
    parser.add_argument("--kb", default=str(DEFAULT_KB), help="knowledge base (default build/kb.sqlite)")
    parser.add_argument(
        "--host",
        default=os.environ.get("DESK_HOST", "127.0.0.1"),
        help="interface (default 127.0.0.1; 0.0.0.0 to serve the office network)",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("DESK_PORT", DEFAULT_PORT)))
    args = parser.parse_args(argv)
    if not Path(args.kb).exists():
        sys.exit(f"knowledge base not built: {args.kb} (run `make kb`)")

    import uvicorn
    from datasette.cli import check_databases

    ds = datasette(args.kb)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(ds.invoke_startup())
    loop.run_until_complete(check_databases(ds))
    loop.close()
    print(f"热线查询台 (Datasette, 只读): http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(ds.app(), host=args.host, port=args.port, log_level="info", lifespan="on", workers=1, ws="none")


if __name__ == "__main__":
    main()
