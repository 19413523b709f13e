"""axe-core in the page under test: the WCAG 2.1 A and AA rules, nothing fetched at run time.

axe-core is vendored (tests/web/vendor/axe-core/axe.min.js, version and checksum in its README); it is evaluated
into the page through the browser's debugging protocol, which the page's Content-Security-Policy does not block.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
        " return {passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))}; }",
        WCAG_21_AA,
    )
    assert result["passes"] >= 10, result  # axe ran its rules on this page
    return result["violations"]
