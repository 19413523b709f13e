"""Prefilled applications, their download tokens and the personal-data vault in PostgreSQL (PREFILL_DATABASE_URL),
as several servers share them: what one server stores, another serves; a purge anywhere removes it everywhere."""

import io
import json

import docx
import pytest

from bot.prefill.channel import serve
from bot.prefill.sql_store import SQLStore
from bot.prefill.store import Store
from bot.prefill.validate import id_check_char
from bot.prefill.vault import conceal_fields, conceal_text, reveal_fields, reveal_text

pytestmark = pytest.mark.servers  # private Redis/PostgreSQL (tests/scale/conftest.py)

ID = "53011319900101123" + id_check_char("53011319900101123")


@pytest.fixture
def database_url(services):
    e = services
    return (
        f"postgresql://{e['POSTGRES_USER']}:{e['POSTGRES_PASSWORD']}@{e['POSTGRES_HOST']}:{e['POSTGRES_PORT']}"
        f"/{e['POSTGRES_DB']}"
    )


@pytest.fixture
def two_servers(database_url):
    a, b = SQLStore(database_url, retention=7), SQLStore(database_url, retention=7)
    a.purge(everything=True)
    return a, b


def a_document() -> bytes:
    document = docx.Document()
    document.add_paragraph("东川区人才补贴申请表 第（十）条")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_store_is_the_sql_store_when_a_database_is_configured(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("PREFILL_DATABASE_URL", database_url)
    assert isinstance(Store(), SQLStore)
    assert isinstance(Store(tmp_path), Store)  # an explicit directory stays the file store
    monkeypatch.delenv("PREFILL_DATABASE_URL")
    assert isinstance(Store(), Store) and not isinstance(Store(), SQLStore)


def test_a_document_made_on_one_server_downloads_from_the_other(two_servers):
    a, b = two_servers
    body = a_document()
    stored = a.save("DC-TEST-1", body, json.dumps({"reference": "DC-TEST-1"}).encode())
    answer = serve(b, stored.token)
    assert answer.status == 200 and answer.body == body
    assert "attachment" in answer.headers["Content-Disposition"]
    assert json.loads(serve(b, stored.token + ".json").body) == {"reference": "DC-TEST-1"}
    assert serve(b, stored.token[:-1] + "x").status == 404
    with b.engine.connect() as conn:  # the token itself is nowhere in the database
        rows = conn.exec_driver_sql("select token_sha256, reference from prefill_applications").fetchall()
    assert stored.token not in repr(rows)


def test_a_purge_on_one_server_removes_the_document_for_every_server(two_servers):
    a, b = two_servers
    old = a.save("DC-OLD", b"old", b"{}", now=0.0)  # expired long ago
    new = a.save("DC-NEW", b"new", b"{}")
    assert b.purge() == 1
    assert a.fetch(old.token, now=0.0) is None and serve(a, old.token).status == 404
    assert a.fetch(new.token) == (b"new", "DC-NEW")
    assert b.purge(everything=True) == 1 and serve(a, new.token).status == 404


def test_an_expired_link_is_404_and_gone(two_servers):
    a, b = two_servers
    stored = a.save("DC-EXP", b"x", b"{}", now=1000.0)
    assert b.fetch(stored.token, now=1000.0 + 6 * 86400) == (b"x", "DC-EXP")
    assert b.fetch(stored.token, now=1000.0 + 8 * 86400) is None
    assert a.lookup(stored.token, now=1000.0) is None  # deleted when found expired


def test_numbers_concealed_on_one_server_are_revealed_on_the_other(two_servers):
    a, b = two_servers
    text = f"张三，身份证{ID}，手机13800138000"
    concealed = conceal_text(text, a)
    assert ID not in concealed and "13800138000" not in concealed
    assert reveal_text(concealed, b) == text
    fields = conceal_fields({"name": "张三", "id_number": ID, "phone": "13900139000"}, a)
    assert ID not in json.dumps(fields, ensure_ascii=False)
    assert reveal_fields(fields, b) == {"name": "张三", "id_number": ID, "phone": "13900139000"}
    b.purge(everything=True)
    assert reveal_text(concealed, a) == concealed  # purged: references stay references
