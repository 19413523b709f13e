"""Hotline desk: Datasette over the knowledge base (build/kb.sqlite), read-only, in Chinese.

One place says how the desk is started, so `make desk`, the tests and anyone embedding it agree:

    python -m desk [--kb build/kb.sqlite] [--host 127.0.0.1] [--port 8001]

- the database is opened as immutable (Datasette's `--immutable`, SQLite `immutable=1`): no write can reach it;
- desk/metadata.yml: Chinese titles, descriptions, column labels, facets and canned queries;
- desk/plugins/desk_plugin.py: SQL functions that segment a query with the KB's own jieba segmenter
  (`jieba_match`, `jieba_match_any`, …) — user text never reaches FTS5 MATCH unquoted;
- desk/templates/: Chinese pages (a search-first home page, tables, clause pages with the verbatim text).
"""

from __future__ import annotations

from pathlib import Path

DESK = Path(__file__).resolve().parent
ROOT = DESK.parent
DEFAULT_KB = ROOT / "build" / "kb.sqlite"
METADATA = DESK / "metadata.yml"
PLUGINS = DESK / "plugins"
TEMPLATES = DESK / "templates"
DEFAULT_PORT = 8001

# Datasette settings: whole clause texts, pages long enough for every clause, no download of the database file.
SETTINGS = {
    "default_page_size": 100,
    "truncate_cells_html": 0,
    "sql_time_limit_ms": 2000,
    "default_facet_size": 40,
    "facet_time_limit_ms": 500,
    "allow_download": False,
}


def load_metadata() -> dict:
    import yaml

    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def datasette(kb: Path | str = DEFAULT_KB):
    """A Datasette instance configured exactly as `python -m desk` serves it (for tests and embedding)."""
    from datasette.app import Datasette

    return Datasette(
        immutables=[str(kb)],
        metadata=load_metadata(),
        plugins_dir=str(PLUGINS),
        template_dir=str(TEMPLATES),
        settings=dict(SETTINGS),
    )
