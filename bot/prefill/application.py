"""One call for the actions: profile + applicant in; the engine run, the items kept, DOCX + JSON written and a
download link registered.

    app = create_application(profile, applicant, item_ids=None)
    app.url, app.json_url, app.expires_at, app.items, app.path

`item_ids=None` keeps the items the profile is eligible for. Items named in `item_ids` are kept when eligible or
still to confirm (marked 尚需确认 in the document with the conditions left open); naming an item the profile is
not eligible for is an error that says why. `candidates()` lists both groups so the action can offer them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass, field

from policy_kb.eligibility import ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, ItemResult, assess
from policy_kb.profile import fields as profile_fields

from .applicant import complete
from .document import render
from .payload import build_payload
from .store import Store
from .validate import CHINA, china_today

DEFAULT_BASE_URL = "http://localhost:5005"
DOWNLOAD_PATH = "/webhooks/prefill/download/"
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


class NothingToApply(ValueError):
    """No item can go on the form; str(e) is the Chinese message, `to_confirm` the items still open."""

    def __init__(self, message: str, to_confirm: list[ItemResult] | None = None):
        super().__init__(message)
        self.to_confirm = to_confirm or []


@dataclass
class Application:
    token: str
    url: str
    json_url: str
    expires_at: dt.datetime
    items: list[dict]  # the payload's items: item_id, citation, name, amount_text, status …
    path: str  # the DOCX on disk ("" in the SQL store: documents are rows)
    json_path: str
    reference: str
    changed: dict = field(default_factory=dict)  # self-check facts the applicant's answers changed
    payload: dict = field(default_factory=dict)


def public_base_url() -> str:
    return (os.environ.get("PUBLIC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def download_url(token: str, kind: str = "docx") -> str:
    return f"{public_base_url()}{DOWNLOAD_PATH}{token}" + (".json" if kind == "json" else "")


def new_reference(today: dt.date) -> str:
    return f"DC{today:%Y%m%d}-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def candidates(profile: dict) -> dict[str, list[ItemResult]]:
    """{"eligible": […], "to_confirm": […]}: what a form can hold for this profile (to_confirm: items still open
    that the profile speaks to, as the self-check report lists them)."""
    report = assess({k: v for k, v in (profile or {}).items() if k in profile_fields()})
    return {
        "eligible": report.by_verdict(ELIGIBLE),
        "to_confirm": [r for r in report.by_verdict(UNDETERMINED) if r.relevant],
    }


def select_items(results: list[ItemResult], item_ids: list[str] | None) -> list[ItemResult]:
    """The results to put on the form, in clause order."""
    if not item_ids:
        chosen = [r for r in results if r.verdict == ELIGIBLE]
        if not chosen:
            open_ = [r for r in results if r.verdict == UNDETERMINED and r.relevant]
            raise NothingToApply(
                "根据目前提供的信息，还没有确定符合的待遇项目，暂不能生成申请预填表。"
                + ("可以先补充信息完成自查，或选择“尚需确认”的项目一并申请。" if open_ else ""),
                open_,
            )
    else:
        by_id = {r.item_id: r for r in results}
        unknown = [i for i in item_ids if i not in by_id]
        if unknown:
            raise KeyError(f"unknown item id(s): {', '.join(unknown)}")
        chosen = [by_id[i] for i in dict.fromkeys(item_ids)]
        refused = [r for r in chosen if r.verdict == NOT_ELIGIBLE]
        if refused:
            reasons = "；".join(
                f"{r.citation}{r.name}：" + "，".join(leaf.explain() for leaf in r.failed) for r in refused
            )
            raise NothingToApply(f"以下项目根据您提供的信息不符合条件，不能列入申请：{reasons}。")
    return sorted(chosen, key=lambda r: (r.clause, results.index(r)))


def prepare(
    profile: dict,
    applicant: dict,
    item_ids: list[str] | None = None,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
):
    """(payload, Completed): the application as data, without writing anything (the CLI and tests use this)."""
    today = today or china_today()
    now = now or dt.datetime.now(CHINA)
    known = profile_fields()
    profile = {k: v for k, v in (profile or {}).items() if k in known}  # slots that are not profile facts out
    done = complete(applicant, profile, today)
    report = assess(done.profile)
    chosen = select_items(report.results, item_ids)
    payload = build_payload(
        reference=new_reference(today),
        applicant=done.applicant,
        profile=report.profile,
        results=chosen,
        generated_at=now,
        expires_at=expires_at,
    )
    return payload, done


def to_json(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


def create_application(
    profile: dict, applicant: dict, item_ids: list[str] | None = None, *, store: Store | None = None
) -> Application:
    """Run the engine on the profile completed with the applicant's facts, keep the items, write DOCX + JSON,
    register a token. Raises ApplicantError (fields missing or invalid), NothingToApply, KeyError (unknown id)."""
    store = store or Store()
    store.purge()
    now = dt.datetime.now(CHINA)
    expires_at = now + dt.timedelta(days=store.retention)
    payload, done = prepare(profile, applicant, item_ids, now=now, expires_at=expires_at)
    stored = store.save(payload["reference"], render(payload), to_json(payload), now=now.timestamp())
    return Application(
        token=stored.token,
        url=download_url(stored.token),
        json_url=download_url(stored.token, "json"),
        expires_at=stored.expires_at.astimezone(CHINA),
        items=payload["items"],
        path=str(stored.docx_path or ""),
        json_path=str(stored.json_path or ""),
        reference=payload["reference"],
        changed=done.changed,
        payload=payload,
    )
