"""Fixtures for the web tests: the desk (Datasette) in-process and as a server, the chat page behind a stand-in
assistant or the real one, and headless Chromium (Debian's, driven by Playwright; scripts/install-browser.sh).

Screenshots go to build/artifacts/web/ (not committed)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.serve import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "artifacts" / "web"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000


def wait_http(url: str, proc: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        with contextlib.suppress(Exception):
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        time.sleep(0.25)
    raise TimeoutError(f"{what} did not answer {url} in {timeout:.0f} s")


@contextlib.contextmanager
def process(args: list[str], url: str, what: str, log: Path, timeout: float = 60):
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)}
        )
    try:
        wait_http(url, proc, what, timeout)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def desk_url(kb_path, tmp_path_factory):
    """The desk as `make desk` starts it (python -m desk), on a free loopback port, over a freshly built KB."""
    port = free_port()
    log = tmp_path_factory.mktemp("desk") / "desk.log"
    with process(
        [sys.executable, "-m", "desk", "--kb", str(kb_path), "--port", str(port)],
        f"http://127.0.0.1:{port}/",
        "desk (datasette)",
        log,
    ):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def fake_assistant(tmp_path_factory):
    """The chat page channel behind a scripted REST webhook (tests/web/fake_assistant.py): no model needed."""
    port = free_port()
    log = tmp_path_factory.mktemp("fake") / "fake.log"
    with process(
        [sys.executable, str(Path(__file__).parent / "fake_assistant.py"), str(port)],
        f"http://127.0.0.1:{port}/webhooks/webchat/",
        "fake assistant",
        log,
    ):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium. Each test gets its own context (fresh cookies and localStorage); Playwright
    gives the browser a fresh temporary profile directory."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run scripts/install-browser.sh (as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: .venv/bin/pip install playwright (see docs/web.md)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, request):
    """A phone-sized page (the chat is used on phones); console errors are collected in page.errors."""
    context = browser.new_context(viewport={"width": 412, "height": 860}, locale="zh-CN", device_scale_factor=1)
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    p.errors = []
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    # Content-Security-Policy violations are console errors, not exceptions: collect them as errors too
    p.on(
        "console",
        lambda m: p.errors.append(m.text) if m.type == "error" and "Content Security Policy" in m.text else None,
    )
    try:
        yield p
    finally:
        context.close()


@pytest.fixture
def desk_page(browser):
    """A desktop-sized page for the hotline desk."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    try:
        yield p
    finally:
        context.close()


CREDENTIALS_ENTRY = "bot.web.channel.WebChatPage: {}"


@pytest.fixture(scope="module")
def chat_url(request):
    """The chat page in front of the real assistant: the session's servers, or WEBCHAT_URL when one is running."""
    if os.environ.get(
        "WEBCHAT_URL"
    ):  # an assistant already running (`make run`): http://localhost:5005/webhooks/webchat/
        return os.environ["WEBCHAT_URL"]
    rest_url = request.getfixturevalue("assistant")  # the session's servers (tests/conftest.py)
    url = rest_url.replace("/rest/webhook", "/webchat/")
    try:
        urllib.request.urlopen(url, timeout=10).close()
    except urllib.error.HTTPError as e:
        pytest.fail(f"the chat page is not served ({e.code} for {url}): credentials.yml needs `{CREDENTIALS_ENTRY}`")
    return url
