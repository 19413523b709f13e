"""Fixtures for the prefill tests: valid ID numbers made to measure, a store in a temporary directory, the
profiles the self-check would hand over, and a loopback Sanic server running the download channel."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

import pytest

from bot.prefill.validate import china_today, id_check_char

TODAY = china_today()
_APP_NUMBERS = itertools.count()


def _sanic_test_mode():
    # Several Sanic apps in one process: without test mode Sanic's touch-up breaks on the second server.
    from sanic import Sanic

    Sanic.test_mode = True


def make_id(age: int | None = 38, gender: str = "男", region: str = "530113", birth: dt.date | None = None) -> str:
    """A valid 18-character ID number for someone `age` 周岁 old today (born on 1 January) or born on `birth`."""
    birth = birth or dt.date(TODAY.year - age, 1, 1)
    first17 = f"{region}{birth:%Y%m%d}01{1 if gender == '男' else 2}"
    return first17 + id_check_char(first17)


PHD = {"age": 38, "degree": "博士", "full_time": True, "public_institution_post": True, "contract_years": 5}
MASTER = {"age": 30, "degree": "硕士", "full_time": True, "public_institution_post": True, "contract_years": 5}


def applicant_for(profile: dict, **overrides) -> dict:
    """The fields an office needs that the self-check does not know."""
    data = {
        "name": "欧阳明",
        "id_number": make_id(profile.get("age", 38), profile.get("gender", "男")),
        "phone": "13800138000",
        "school": "云南大学",
        "employer": "昆明市东川区人民医院",
        "address": "云南省昆明市东川区铜都街道办事处8号",
    }
    for key, value in (("title_level", "副主任医师"), ("degree", "本科"), ("full_time", "是")):
        if key not in profile:
            data[key] = value
    data.update(overrides)
    return data


@pytest.fixture
def store(tmp_path, monkeypatch):
    from bot.prefill.store import Store

    monkeypatch.setenv("PREFILL_DIR", str(tmp_path / "prefill"))
    monkeypatch.setenv("PREFILL_RETENTION_DAYS", "7")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://rencai.example.cn/")
    return Store()


async def _get(port: int, path: bytes) -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def fetch(store, paths: list) -> list[tuple[int, dict, bytes]]:
    """Start Sanic on a loopback port with the channel registered as Rasa registers it, GET each raw path
    (bytes, sent as is: no client-side normalization of ../ or %2e), stop, return (status, headers, body)."""
    from rasa.core.channels.channel import register
    from sanic import Sanic

    from bot.prefill.channel import PrefillDownloads

    async def run():
        _sanic_test_mode()
        app = Sanic(f"prefill_test_{next(_APP_NUMBERS)}", configure_logging=False)
        register([PrefillDownloads(store, mask_logs=False)], app, "/webhooks/")
        server = await app.create_server(host="127.0.0.1", port=0, return_asyncio_server=True, access_log=False)
        await server.startup()
        await server.after_start()
        try:
            port = server.server.sockets[0].getsockname()[1]
            return [await _get(port, p if isinstance(p, bytes) else p.encode()) for p in paths]
        finally:
            await server.before_stop()
            server.close()
            await server.wait_closed()
            await server.after_stop()

    return asyncio.run(run())
