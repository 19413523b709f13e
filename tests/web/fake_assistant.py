"""A stand-in for the Rasa server, for browser tests of the chat page that need no trained model: the real
WebChatPage channel, registered the way Rasa registers channels, plus a scripted /webhooks/rest/webhook.

    python tests/web/fake_assistant.py PORT

POST /webhooks/rest/session hands out numbered session tokens as the real channel hands out signed ones; a
token it did not issue is 403, as the real channel answers a forged one. Scripted replies (by message): 博士… → an answer citing 第（二）条; 链接 → a download link and text that looks like
HTML; 按钮 → buttons; 出错 → HTTP 500; 慢 → a reply after 1.5 s; anything else → an echo. Every message is
recorded; GET /fake/log returns them. GET /webhooks/rest/clause/<n> is the real channel's clause view.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.channels.channel import register  # noqa: E402
from sanic import Sanic, response  # noqa: E402

from bot.web.channel import WebChatPage  # noqa: E402

DOWNLOAD = "/webhooks/prefill/download/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde"
received: list[dict] = []
issued: list[str] = []


def reply(sender: str, text: str):
    if "博士" in text:
        return [
            {
                "recipient_id": sender,
                "text": "全日制博士研究生生活补贴：每人25万元，经考核合格每年按20%逐年发放。\n出处：第（二）条",
            }
        ]
    if "链接" in text:
        return [
            {
                "recipient_id": sender,
                "text": f"申请预填表已生成：http://localhost:5005{DOWNLOAD}。\n"
                "<img src=x onerror=\"document.title='pwned'\"><b>不是粗体</b>",
            }
        ]
    if "按钮" in text:
        return [
            {
                "recipient_id": sender,
                "text": "您是想问以下哪一条？",
                "buttons": [
                    {"title": "第（二）条 分类定岗招引紧缺人才", "payload": "第（二）条原文"},
                    {"title": "第（九）条 促进教师人才队伍壮梁增柱", "payload": "第（九）条原文"},
                ],
            }
        ]
    if "原文" in text:
        return [{"recipient_id": sender, "text": f"收到按钮：{text}"}]
    return [{"recipient_id": sender, "text": f"您说的是：{text}"}]


def main(port: int) -> None:
    app = Sanic("fake_assistant")

    async def on_new_message(message):  # WebChatPage takes no messages
        raise AssertionError("the chat page channel must not receive messages")

    register([WebChatPage()], app, "/webhooks/")

    @app.post("/webhooks/rest/session")
    async def session(request):
        issued.append(f"fake-session-{len(issued) + 1}")
        return response.json({"session": issued[-1]})

    @app.post("/webhooks/rest/webhook")
    async def webhook(request):
        body = request.json
        received.append(body)
        if body.get("session") not in issued:
            return response.json({"error": "会话无效"}, status=403)
        text = body.get("message") or ""
        if "出错" in text:
            return response.json({"error": "boom"}, status=500)
        if "慢" in text:
            await asyncio.sleep(1.5)
        return response.json(reply(body["session"], text))

    @app.get("/webhooks/rest/clause/<number:int>")
    async def clause(request, number: int):  # the real channel's clause view, from the knowledge base
        from bot.channels.rest import clause_json

        found = clause_json(number)
        return response.json(found) if found else response.json({"error": "没有这一条"}, status=404)

    @app.get("/fake/log")
    async def log(request):
        return response.json(received)

    app.run(host="127.0.0.1", port=port, access_log=False, workers=1)


if __name__ == "__main__":
    main(int(sys.argv[1]))
