"""The web chat page, served by the Rasa server itself as a tiny input channel that takes no messages.

credentials.yml:

    bot.web.channel.WebChatPage: {}

    GET /webhooks/webchat/            the page (bot/web/static/index.html)
    GET /webhooks/webchat/<file>      its CSS and JS (files of bot/web/static/ only)

The page talks to the REST channel of the same server with fetch() (POST /webhooks/rest/webhook): same origin,
so no CORS and no socket.io client. Nothing is loaded from outside the machine: the Content-Security-Policy
allows this origin only. Any other path — `../`, `%2e%2e`, a sub-folder, a file that is not in static/ — is 404.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

STATIC = Path(__file__).resolve().parent / "static"
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\.(css|js|svg|png|ico|webmanifest)")
TYPES = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "ico": "image/x-icon",
    "webmanifest": "application/manifest+json",
}
HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"
    ),
}
NOT_FOUND = "未找到该页面。"


def static_files() -> dict[str, Path]:
    """The files the channel serves, by name: what is in static/ and has an allowed name."""
    return {p.name: p for p in STATIC.iterdir() if p.is_file() and (p.name == "index.html" or NAME.fullmatch(p.name))}


def serve(name: str) -> response.HTTPResponse:
    path = static_files().get(name)
    if path is None:
        return response.text(NOT_FOUND, status=404, headers={"X-Content-Type-Options": "nosniff"})
    return response.raw(path.read_bytes(), content_type=TYPES[path.suffix[1:]], headers=HEADERS)


class WebChatPage(InputChannel):
    """Serves the chat page and its assets; receives no messages (the page posts to the REST channel)."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "InputChannel":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("webchat_page", __name__)

        @bp.route("/", methods=["GET"])
        async def page(request: Request) -> response.HTTPResponse:
            if not request.path.endswith("/"):
                # the page loads chat.js and chat.css relative to its own URL: it must end with a slash
                return response.redirect(request.path + "/", status=301)
            return serve("index.html")

        @bp.route("/<name>", methods=["GET"])
        async def asset(request: Request, name: str) -> response.HTTPResponse:
            return serve(name or "index.html")  # Sanic routes /webhooks/webchat/ here with an empty name

        return bp
