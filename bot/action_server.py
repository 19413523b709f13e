"""The action server as `make run` starts it: rasa-sdk's own server, on loopback, answering only the Rasa server.

    python -m bot.action_server --actions actions --port 5055     (every option of `rasa run actions`)

- It binds to ACTION_HOST, default 127.0.0.1: not reachable from another machine unless configured. In a deployment
  with the action server on its own machine, set ACTION_HOST=0.0.0.0 there *and* a token.
- It logs at LOG_LEVEL (as the Rasa server does; default INFO) unless a level option (-v, -vv, --quiet) is given.
- With ACTION_SERVER_TOKEN set (scripts/env.sh always sets one: a random one kept in var/action_server_token when
  none is given), every request but /health must carry it as `?token=…` — what Rasa sends when endpoints.yml gives
  the action endpoint a `token`. Anything else is 401, before rasa-sdk sees the tracker.

The check is a rasa-sdk plugin (its `attach_sanic_app_extensions` hook), so the server is otherwise rasa-sdk's.
"""

from __future__ import annotations

import hmac
import logging
import os

import pluggy
from sanic import Sanic, response

hookimpl = pluggy.HookimplMarker("rasa_sdk")
OPEN_PATHS = {"/health"}


class ActionServerToken:
    """rasa-sdk plugin: requests without the configured token are refused."""

    def __init__(self, token: str) -> None:
        self.token = token

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        expected = self.token.encode()

        @app.middleware("request")
        async def require_token(request):
            if request.path in OPEN_PATHS:
                return None
            given = (request.args.get("token") or "").encode()
            if not hmac.compare_digest(given, expected):
                return response.json({"error": "unauthorized"}, status=401)
            return None


def main() -> None:
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser
    from rasa_sdk.plugin import plugin_manager

    os.environ["SANIC_HOST"] = os.environ.get("ACTION_HOST") or "127.0.0.1"
    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if token:
        plugin_manager().register(ActionServerToken(token))
    parser = create_argument_parser()
    level = logging.getLevelName((os.environ.get("LOG_LEVEL") or "INFO").upper())
    if isinstance(level, int):
        parser.set_defaults(loglevel=level)
    main_from_args(parser.parse_args())


if __name__ == "__main__":
    main()
