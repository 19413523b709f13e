"""The console's plugin joins Datasette's process-wide plugin manager (as every --plugins-dir plugin does): it must
act on the console only, not on the hotline desk running in the same process."""

import asyncio

from datasette_auth_passwords.utils import hash_password


def test_the_desk_beside_the_console_stays_open_and_the_console_closed(tmp_path, kb_path):
    import desk
    from console import datasette as console_datasette

    console = console_datasette(tmp_path / "events.db", kb_path, env={"CONSOLE_PASSWORD_HASH": hash_password("x" * 12)})
    hotline = desk.datasette(kb_path)

    async def statuses():
        await console.invoke_startup()
        await hotline.invoke_startup()
        return (
            (await console.client.get("/")).status_code,
            (await hotline.client.get("/")).status_code,
            (await hotline.client.get("/kb/clauses.json")).status_code,
            (await hotline.client.get("/-/review/1")).status_code,
        )

    assert asyncio.run(statuses()) == (403, 200, 200, 404)


def test_the_console_does_not_start_without_an_account(tmp_path, kb_path):
    import pytest

    from console import NoAccount, datasette

    with pytest.raises(NoAccount):
        datasette(tmp_path / "events.db", kb_path, env={})
