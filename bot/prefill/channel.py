"""Downloads of generated applications, served by the Rasa server itself as a tiny input channel that takes no
messages. credentials.yml:

    bot.prefill.channel.PrefillDownloads: {}

    GET /webhooks/prefill/download/<token>        the DOCX
    GET /webhooks/prefill/download/<token>.json   the same application as JSON

Anything else — an unknown, expired or malformed token, another suffix, `../`, `%2e%2e%2f`, an absolute path —
is 404 with the same body. The token is only ever looked up (by its hash) in the store's index; it is never
joined into a path. Responses are `Cache-Control: no-store` and `Referrer-Policy: no-referrer`.

Registering the channel (Rasa calls `blueprint()` at startup) installs the personal-data log masking
(logmask.install) in the Rasa server process; the channel also purges expired applications when the server
starts and every hour.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import quote

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from . import logmask
from .payload import TITLE
from .store import Store

log = logging.getLogger(__name__)

NAME = re.compile(r"([A-Za-z0-9_-]{43})(\.json|\.docx)?")
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json; charset=utf-8",
}
NO_STORE = {
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}
NOT_FOUND = "未找到该文件，或下载链接已过期。请回到对话中重新生成申请预填表。"
PURGE_EVERY_SECONDS = 3600


def not_found() -> response.HTTPResponse:
    return response.text(NOT_FOUND, status=404, headers=NO_STORE)


def serve(store: Store, name: str) -> response.HTTPResponse:
    """The response for /download/<name>: the file of a live token, else 404."""
    m = NAME.fullmatch(name or "")
    if not m:
        return not_found()
    kind = "json" if m.group(2) == ".json" else "docx"
    found = store.fetch(m.group(1), kind)
    if not found:
        return not_found()
    body, reference = found
    filename = f"{TITLE}-{reference}.{kind}"
    ascii_name = f"prefill-{reference}.{kind}"
    headers = {
        **NO_STORE,
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
    }
    return response.raw(body, content_type=MIME[kind], headers=headers)


class PrefillDownloads(InputChannel):
    """Serves the generated application files; receives no messages."""

    def __init__(self, store: Store | None = None, mask_logs: bool = True):
        self.store = store
        self.mask_logs = mask_logs

    @classmethod
    def name(cls) -> Text:
        return "prefill"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "InputChannel":
        return cls()

    def _store(self) -> Store:
        return self.store or Store()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.mask_logs:
            logmask.install()
        bp = Blueprint("prefill_downloads", __name__)
        tasks: list[asyncio.Task] = []

        @bp.route("/download/<name>", methods=["GET"], strict_slashes=True)
        async def download(request: Request, name: str) -> response.HTTPResponse:
            return serve(self._store(), name)

        async def purge_loop() -> None:
            while True:
                try:
                    self._store().purge()
                except Exception:  # never let the loop die; say so
                    log.exception("prefill purge failed")
                await asyncio.sleep(PURGE_EVERY_SECONDS)

        @bp.listener("after_server_start")
        async def start_purging(app, loop) -> None:
            tasks.append(loop.create_task(purge_loop()))

        @bp.listener("before_server_stop")
        async def stop_purging(app, loop) -> None:
            for task in tasks:
                task.cancel()

        return bp
