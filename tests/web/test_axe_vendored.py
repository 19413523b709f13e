"""The vendored axe-core is the pinned release, byte for byte (tests/web/vendor/axe-core/README.md)."""

import hashlib
import re

from .axe import AXE


def test_the_vendored_axe_core_is_the_pinned_release():
    readme = (AXE.parent / "README.md").read_text(encoding="utf-8")
    pinned = re.search(r"sha256 of axe.min.js: ([0-9a-f]{64})", readme).group(1)
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == pinned
    assert AXE.read_text(encoding="utf-8").startswith("/*! axe v4.10.3")
