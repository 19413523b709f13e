"""Through the real servers: self-check → apply → correct a field → download → the document has the corrected
value; no reply and no server log line of that conversation holds the ID number or the phone."""

import io
import re
import urllib.request

import docx
import pytest

from tests.e2e.flows import NEW_PHONE, OLD_PHONE, fill_application
from tests.e2e.flows import TEST_ID as ID

pytestmark = [pytest.mark.model, pytest.mark.servers]


def test_self_check_apply_correct_download(chat, assistant_dir):
    replies = fill_application(chat.ask)
    final = replies[-1]
    for r in replies:
        assert ID not in r and OLD_PHONE not in r and NEW_PHONE not in r
    url = re.search(r"(http://\S+/webhooks/prefill/download/[\w-]+)", final).group(1)
    with urllib.request.urlopen(url, timeout=10) as r:
        document = docx.Document(io.BytesIO(r.read()))
    text = "\n".join(
        [p.text for p in document.paragraphs] + [c.text for t in document.tables for row in t.rows for c in row.cells]
    )
    assert NEW_PHONE in text and OLD_PHONE not in text and ID in text
    assert "第（十）条" in text and "5000元" in text
    log = (assistant_dir / "servers.log").read_text(encoding="utf-8", errors="replace")
    assert ID not in log and OLD_PHONE not in log and NEW_PHONE not in log
