"""Where the knowledge base's files live."""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
DATA = PACKAGE / "data"
SOURCE = PACKAGE / "source" / "dongfa-2022-26.txt"
DEFAULT_DB = Path(os.environ.get("POLICY_KB_DB", ROOT / "build" / "kb.sqlite"))
