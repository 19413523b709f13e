"""Datasette plugin of the office console: the review form (the one write), the inbox's links to it, the menu,
and a 403 page that says how to log in.

    GET  /-/review/<message id>   the message, its parse, the reply, earlier reviews, the form
    POST /-/review/<message id>   save a review (Datasette's CSRF token required; logged-in reviewers only)
"""

from __future__ import annotations

import datetime
import re
import sys
from functools import lru_cache
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Forbidden, NotFound, Response
from markupsafe import Markup, escape

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DB = "events"


def is_console(datasette) -> bool:
    """Plugins of a --plugins-dir join Datasette's process-wide plugin manager: the hotline desk, in the same
    process (the tests), must not get the console's login wall or routes. The console's metadata says it is one."""
    return bool(datasette.plugin_config("console"))


LINKED_TABLES = {"inbox", "messages"}
ENTITY = re.compile(r"^([a-z_]+)=(.+)$")


@lru_cache(maxsize=1)
def domain_names() -> tuple[list[str], list[str]]:
    """The intents and entity types of domain.yml (what a reviewer may choose)."""
    import yaml

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return list(domain.get("intents") or []), list(domain.get("entities") or [])


def parse_entities(text: str) -> list[tuple[str, str]]:
    """'degree=博士 age=36' → [('degree', '博士'), ('age', '36')]; ValueError on a word that is not entity=value
    or an entity type the domain does not have."""
    out = []
    _, entities = domain_names()
    for word in (text or "").replace("，", " ").replace(",", " ").replace("·", " ").split():
        m = ENTITY.match(word)
        if not m:
            raise ValueError(f"“{word}”不是 实体=值 的写法")
        if m.group(1) not in entities:
            raise ValueError(f"没有“{m.group(1)}”这种实体（可选：{'、'.join(entities)}）")
        out.append((m.group(1), m.group(2)))
    return out


async def _message(db, message_id: int):
    rows = (
        await db.execute(
            "select m.*, c.citation as cited from messages m left join kb_clauses c on c.number = m.clause "
            "where m.id = ?",
            [message_id],
        )
    ).rows
    return dict(rows[0]) if rows else None


async def review(request, datasette):
    if not is_console(datasette):
        raise NotFound("not found")
    if not request.actor:
        raise Forbidden("请先登录")
    db = datasette.get_database(DB)
    message_id = int(request.url_vars["id"])
    message = await _message(db, message_id)
    if message is None:
        raise NotFound("没有这条消息")
    intents, entities = domain_names()
    clauses = [
        dict(r) for r in (await db.execute("select number, citation, title from kb_clauses order by number")).rows
    ]
    errors, form = [], {}
    if request.method == "POST":
        form = dict(await request.post_vars())
        verdict = form.get("verdict")
        intent = (form.get("intent") or "").strip() or message["intent"]
        clause = (form.get("clause") or "").strip()
        if verdict not in ("right", "corrected"):
            errors.append("请选择：答复正确，或给出更正")
        if intent not in intents and intent != "nlu_fallback":
            errors.append(f"没有“{intent}”这个意图")
        if verdict == "corrected" and intent == "nlu_fallback":
            errors.append("更正时请选择正确的意图")
        if clause and not any(str(c["number"]) == clause for c in clauses):
            errors.append("条款号应为 1–14")
        try:
            parse_entities(form.get("entities", ""))
        except ValueError as e:
            errors.append(str(e))
        if not errors:
            now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
            values = [
                message_id,
                message["conversation"],
                message["text"],
                verdict,
                intent,
                " ".join(f"{k}={v}" for k, v in parse_entities(form.get("entities", ""))) or None,
                int(clause) if clause else None,
                (form.get("amounts") or "").strip() or None,
                (form.get("note") or "").strip() or None,
                request.actor["id"],
                now,
                message["ts"],
            ]
            await db.execute_write(
                "insert into reviews (message_id, conversation, text, verdict, intent, entities, clause, amounts, "
                "note, reviewer, reviewed_at, message_ts) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            return Response.redirect(datasette.urls.path(f"/-/review/{message_id}?saved=1"))
    reviews = [
        dict(r)
        for r in (await db.execute("select * from reviews where message_id = ? order by id desc", [message_id])).rows
    ]
    return Response.html(
        await datasette.render_template(
            "review.html",
            {
                "message": message,
                "reviews": reviews,
                "intents": intents,
                "entity_types": entities,
                "clauses": clauses,
                "errors": errors,
                "form": form,
                "saved": request.args.get("saved"),
            },
            request=request,
        ),
        status=400 if errors else 200,
    )


@hookimpl
def register_routes():
    return [(r"^/-/review/(?P<id>\d+)$", review)]


@hookimpl
def render_cell(value, column, table, database, datasette):
    if not is_console(datasette):
        return None
    if database == DB and table in LINKED_TABLES and column == "id" and value is not None:
        return Markup(
            f'<a class="review-link" href="{datasette.urls.path(f"/-/review/{int(value)}")}">'
            f'{escape(value)} 审核</a>'
        )
    if database == DB and column in ("reply", "text") and isinstance(value, str) and "\n" in value:
        return Markup("<br>".join(escape(line) for line in value.split("\n")))
    return None


@hookimpl
def menu_links(datasette, actor):
    if not actor or not is_console(datasette):
        return []
    return [
        {"href": datasette.urls.path("/events/inbox?status=待审"), "label": "待审消息"},
        {"href": datasette.urls.path("/-/dashboards/policy"), "label": "政策实施情况（图表）"},
        {"href": datasette.urls.path("/events/reviews"), "label": "审核记录"},
    ]


# Without a valid login cookie only these answer; everything else (pages, JSON, dashboards, debug tools) is 403.
OPEN_PATHS = re.compile(r"^/-/(login|static/.*|static-plugins/.*)$")


@hookimpl
def asgi_wrapper(datasette):
    if not is_console(datasette):
        return lambda app: app

    def wrap(app):
        async def require_login(scope, receive, send):
            if scope["type"] != "http" or OPEN_PATHS.match(scope.get("path", "")) or _logged_in(datasette, scope):
                return await app(scope, receive, send)
            if scope.get("path", "").endswith(".json"):
                response = Response.json({"ok": False, "error": "请先登录 / login required", "status": 403}, status=403)
            else:
                html = await datasette.render_template(
                    "forbidden_login.html", {"login": datasette.urls.path("/-/login")}
                )
                response = Response.html(html, status=403)
            await response.asgi_send(send)

        return require_login

    return wrap


def _logged_in(datasette, scope) -> bool:
    """A ds_actor cookie that Datasette signed (the login sets it) and that has not expired."""
    import http.cookies
    import time

    cookies = http.cookies.SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                cookies.load(value.decode("latin-1"))
            except http.cookies.CookieError:
                return False
    if "ds_actor" not in cookies:
        return False
    try:
        signed = datasette.unsign(cookies["ds_actor"].value, "actor")
    except Exception:  # noqa: BLE001 — a forged or damaged cookie
        return False
    expires = signed.get("e")
    if expires:
        from datasette.utils import baseconv

        if baseconv.base62.decode(expires) < time.time():
            return False
    return bool((signed.get("a") or {}).get("id"))
