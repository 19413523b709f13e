"""WeChat's API servers on 127.0.0.1 — the one thing outside this machine, so the one thing the tests fake.

A real HTTP server (``http.server`` in a thread) answering ``/cgi-bin/token``, ``/cgi-bin/stable_token``, ``/cgi-bin/menu/create`` and
``/cgi-bin/message/custom/send`` as api.weixin.qq.com does, and recording what it received: the menu JSON WeChat
would store, customer-service messages, which access_token each call carried. ``errors`` makes the next calls of an
endpoint answer with a WeChat errcode.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeWeChat:
    def __init__(self, appid: str, secret: str):
        self.appid, self.secret = appid, secret
        self.tokens_issued = 0
        self.valid_tokens: set = set()
        self.menus: list = []  # bodies of accepted menu/create calls, as WeChat parsed them
        self.menu_calls = 0
        self.sent: list = []  # accepted customer-service messages
        self.errors = {"token": [], "menu": [], "send": []}
        self.base = ""
        self._lock = threading.Lock()

    # --- the endpoints ------------------------------------------------------------------------------------
    def token(self, query: dict) -> dict:
        if self.errors["token"]:
            return {"errcode": self.errors["token"].pop(0), "errmsg": "simulated"}
        if (
            query.get("appid") != self.appid
            or query.get("secret") != self.secret
            or query.get("grant_type") != "client_credential"
        ):
            return {"errcode": 40013, "errmsg": "invalid appid"}
        self.tokens_issued += 1
        token = f"ACCESS-TOKEN-{self.tokens_issued}-{secrets.token_hex(6)}"
        self.valid_tokens = {token}
        return {"access_token": token, "expires_in": 7200}

    def stable_token(self, payload: dict) -> dict:
        """POST /cgi-bin/stable_token: the same token while it is valid (a new one with force_refresh)."""
        self.stable_calls = getattr(self, "stable_calls", 0) + 1
        if self.valid_tokens and not payload.get("force_refresh"):
            return {"access_token": next(iter(self.valid_tokens)), "expires_in": 7200}
        return self.token({**payload, "grant_type": payload.get("grant_type")})

    def _authorised(self, query: dict, endpoint: str):
        if self.errors[endpoint]:
            return {"errcode": self.errors[endpoint].pop(0), "errmsg": "simulated"}
        if query.get("access_token") not in self.valid_tokens:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        return None

    def menu_create(self, query: dict, body: bytes) -> dict:
        self.menu_calls += 1
        refused = self._authorised(query, "menu")
        if refused:
            return refused
        self.menus.append(json.loads(body.decode("utf-8")))
        return {"errcode": 0, "errmsg": "ok"}

    def send(self, query: dict, body: bytes) -> dict:
        refused = self._authorised(query, "send")
        if refused:
            return refused
        self.sent.append(json.loads(body.decode("utf-8")))
        return {"errcode": 0, "errmsg": "ok"}

    def messages_to(self, openid: str) -> list:
        return [m["text"]["content"] for m in self.sent if m.get("touser") == openid]

    def wait_messages(self, openid: str, count: int, timeout: float) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages_to(openid)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages_to(openid)

    # --- the server ---------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def running(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, payload: dict) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method: str) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if method == "POST" else b""
                with fake._lock:
                    if method == "GET" and parts.path == "/cgi-bin/token":
                        return self._answer(fake.token(query))
                    if method == "POST" and parts.path == "/cgi-bin/stable_token":
                        return self._answer(fake.stable_token(json.loads(body.decode("utf-8"))))
                    if method == "POST" and parts.path == "/cgi-bin/menu/create":
                        return self._answer(fake.menu_create(query, body))
                    if method == "POST" and parts.path == "/cgi-bin/message/custom/send":
                        return self._answer(fake.send(query, body))
                self.send_error(404)

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def log_message(self, *args):  # quiet
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
