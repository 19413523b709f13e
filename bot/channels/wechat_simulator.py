"""Send one message to a local instance as WeChat would, and print the reply.

For the staff who set up the 公众号: checks token, AES key and AppID before WeChat does.

    python -m bot.channels.wechat_simulator --url http://localhost:5005/webhooks/wechat/webhook \\
        --token TOKEN [--aes-key KEY --appid APPID] "博士能拿多少补贴"
    python -m bot.channels.wechat_simulator --url … --token TOKEN --verify       # URL verification (GET)
    python -m bot.channels.wechat_simulator --url … --token TOKEN --type subscribe
    python -m bot.channels.wechat_simulator --url … --token TOKEN --type click POLICY_OVERVIEW

Signatures and encryption are wechatpy's (``WeChatSigner``, ``WeChatCrypto``).
"""

import argparse
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, Optional, Tuple

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

ACCOUNT = "gh_simulator0000"


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def message_xml(
    kind: str,
    openid: str,
    value: str = "",
    msg_id: Optional[int] = None,
    create_time: Optional[int] = None,
    account: str = ACCOUNT,
) -> str:
    """A message or event as WeChat posts it (kind: text, voice, image, subscribe, click)."""
    create_time = create_time or int(time.time())
    msg_id = msg_id or secrets.randbelow(2**63)
    head = (
        f"<ToUserName><![CDATA[{account}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
    )
    bodies = {
        "text": f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{value}]]></Content>" f"<MsgId>{msg_id}</MsgId>",
        "voice": f"<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_id]]></MediaId>"
        f"<Format><![CDATA[amr]]></Format><Recognition><![CDATA[{value}]]></Recognition>"
        f"<MsgId>{msg_id}</MsgId>",
        "image": f"<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://127.0.0.1/p.jpg]]></PicUrl>"
        f"<MediaId><![CDATA[media_id]]></MediaId><MsgId>{msg_id}</MsgId>",
        "subscribe": "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>",
        "click": f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>"
        f"<EventKey><![CDATA[{value}]]></EventKey>",
    }
    return f"<xml>{head}{bodies[kind]}</xml>"


def signed_request(
    xml: str,
    token: str,
    crypto: Optional[WeChatCrypto] = None,
    timestamp: Optional[str] = None,
    nonce: Optional[str] = None,
    account: str = ACCOUNT,
    openid: str = "",
) -> Tuple[Dict[str, str], bytes]:
    """Query parameters and body of the POST WeChat sends (safe mode when ``crypto`` is given)."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or str(secrets.randbelow(10**10))
    query = {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    if openid:
        query["openid"] = openid  # WeChat adds it; the channel reads FromUserName only
    if crypto is None:
        return query, xml.encode("utf-8")
    envelope = xmltodict.parse(crypto.encrypt_message(xml, nonce, timestamp))["xml"]
    query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
    body = (
        f"<xml><ToUserName><![CDATA[{account}]]></ToUserName>"
        f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
    )
    return query, body.encode("utf-8")


def read_reply(body: bytes, crypto: Optional[WeChatCrypto] = None) -> Optional[str]:
    """The text of a passive reply; ``None`` for ``success``/empty (answer comes via the API)."""
    text = body.decode("utf-8").strip()
    if text in ("", "success"):
        return None
    reply = xmltodict.parse(text)["xml"]
    if crypto is not None:
        plain = crypto.decrypt_message(reply, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
        reply = xmltodict.parse(plain)["xml"]
    return reply.get("Content") or f"({reply.get('MsgType')})"


def _call(url: str, query: Dict[str, str], body: Optional[bytes], timeout: float) -> Tuple[int, bytes]:
    full = url + ("&" if "?" in url else "?") + urllib.parse.urlencode(query)
    request = urllib.request.Request(
        full, data=body, method="POST" if body is not None else "GET", headers={"Content-Type": "text/xml"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError) as error:  # refused, timed out, unknown host
        reason = getattr(error, "reason", error)
        return 0, f"无法连接 {url}：{reason}".encode("utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:5005/webhooks/wechat/webhook")
    parser.add_argument("--token", required=True, help="the Token set in the 公众号 admin (WECHAT_TOKEN)")
    parser.add_argument("--aes-key", help="EncodingAESKey (safe mode); needs --appid")
    parser.add_argument("--appid", help="AppID (safe mode)")
    parser.add_argument("--openid", default="o_simulator_user")
    parser.add_argument(
        "--type",
        default="text",
        choices=["text", "voice", "image", "subscribe", "click"],
        help="voice: the text is the Recognition; click: the text is the EventKey",
    )
    parser.add_argument("--verify", action="store_true", help="do the URL verification (GET) instead")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("text", nargs="?", default="")
    args = parser.parse_args(argv)
    if args.aes_key and not args.appid:
        parser.error("--aes-key needs --appid")

    if args.verify:
        timestamp, nonce, echo = str(int(time.time())), str(secrets.randbelow(10**10)), secrets.token_hex(8)
        query = {
            "signature": sign(args.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": echo,
        }
        status, body = _call(args.url, query, None, args.timeout)
        ok = status == 200 and body.decode("utf-8", "replace") == echo
        detail = "" if ok else "：" + body[:200].decode("utf-8", "replace")
        print(f"URL 验证{'成功' if ok else '失败'}（HTTP {status}）{detail}")
        return 0 if ok else 1

    crypto = WeChatCrypto(args.token, args.aes_key, args.appid) if args.aes_key else None
    query, body = signed_request(message_xml(args.type, args.openid, args.text), args.token, crypto, openid=args.openid)
    started = time.monotonic()
    status, answer = _call(args.url, query, body, args.timeout)
    elapsed = time.monotonic() - started
    if status != 200:
        print(f"HTTP {status or '—'}（{elapsed:.2f} s）：{answer[:300].decode('utf-8', 'replace')}")
        return 1
    text = read_reply(answer, crypto)
    if text is None:
        print(f"（{elapsed:.2f} s）success：没有被动回复；答案若有，将通过客服消息接口发送。")
    else:
        print(f"（{elapsed:.2f} s）\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
