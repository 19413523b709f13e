/* 东川人才政策助手 — chat page.
 *
 * Talks to the REST channel of the same Rasa server: POST ../rest/session gives a signed session token (the server
 * picks the conversation, never the page), then POST ../rest/webhook {"session", "message"} →
 * [{"recipient_id", "text", "buttons": [{"title", "payload"}]}]. The session token and the transcript are kept in
 * localStorage, so a reload shows the conversation and continues it; a token the server no longer accepts (403,
 * e.g. after its secret was rotated) is replaced by a new session and the message sent again. Bot text is never parsed as HTML: it is set
 * with textContent, and only http(s) URLs and this server's /webhooks/… paths become links.
 */
(function () {
  "use strict";

  var STORE_KEY = "dongchuan-webchat-v2";
  var MAX_STORED = 200;          // messages kept in localStorage
  var TIMEOUT_MS = 45000;        // the server answers in well under a second; the action server may be slow
  var MAX_CHARS = 500;

  var meta = document.querySelector('meta[name="webchat-endpoint"]');
  var endpoint = new URL((meta && meta.content) || "../rest/webhook", window.location.href).toString();
  var sessionEndpoint = new URL("session", endpoint).toString();

  var els = {
    log: document.getElementById("log"),
    messages: document.getElementById("messages"),
    typing: document.getElementById("typing"),
    error: document.getElementById("error"),
    errorText: document.getElementById("error-text"),
    retry: document.getElementById("retry"),
    form: document.getElementById("composer"),
    input: document.getElementById("input"),
    send: document.getElementById("send"),
    suggestions: document.getElementById("suggestions"),
    newChat: document.getElementById("new-chat"),
    announce: document.getElementById("announce")
  };

  var Cards = window.DongchuanCards;
  var panel = new Cards.Panel(document.getElementById("clause-panel"), window.location.href);
  var busy = false;
  var failed = null;             // the message that could not be delivered: {index, text}
  var state = load();

  // ---- storage -------------------------------------------------------------------------------------------
  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.messages)) {
        var session = typeof saved.session === "string" ? saved.session : null;
        return { session: session, messages: saved.messages.filter(isMessage) };
      }
    } catch (e) { /* private mode or a damaged entry: start afresh */ }
    return { session: null, messages: [] };
  }

  function isMessage(m) {
    return m && (m.from === "user" || m.from === "bot") &&
      (typeof m.text === "string" || Array.isArray(m.buttons) || Cards.isReply(m.custom));
  }

  function save() {
    state.messages = state.messages.slice(-MAX_STORED);
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) { /* storage full or disabled: the conversation still works, it is just not kept */ }
  }

  // ---- rendering -----------------------------------------------------------------------------------------
  // URLs (http/https) and this server's own paths (/webhooks/…, e.g. the prefilled-application downloads).
  var LINK = /(https?:\/\/[^\s<>"'“”‘’，。；！？、（）()【】「」]+|\/webhooks\/[^\s<>"'“”‘’，。；！？、（）()【】「」]+)/g;

  function safeHref(raw) {
    try {
      var url = new URL(raw, window.location.href);
      return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // A citation in an answer (第（二）条) opens the clause's text.
  var CITATION = /第（([一二三四五六七八九十]{1,3})）条/g;
  var NUMERALS = "一二三四五六七八九";

  function clauseNumber(numeral) {
    if (numeral === "十") { return 10; }
    if (numeral.charAt(0) === "十") { return 10 + NUMERALS.indexOf(numeral.charAt(1)) + 1; }
    return NUMERALS.indexOf(numeral) + 1;
  }

  function appendCited(parent, text) {
    var last = 0;
    text.replace(CITATION, function (match, numeral, offset) {
      var number = clauseNumber(numeral);
      if (number < 1 || number > 14) { return match; }
      if (offset > last) { parent.appendChild(document.createTextNode(text.slice(last, offset))); }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "cite inline";
      b.textContent = match;
      b.setAttribute("aria-label", "查看" + match + "原文");
      b.setAttribute("aria-haspopup", "dialog");
      b.addEventListener("click", function () { panel.open(number, [], b); });
      parent.appendChild(b);
      last = offset + match.length;
      return match;
    });
    if (last < text.length) { parent.appendChild(document.createTextNode(text.slice(last))); }
  }

  function appendText(parent, text) {
    var last = 0;
    text.replace(LINK, function (match, _g, offset) {
      var url = match.replace(/[.,;:!?]+$/, "");
      var href = safeHref(url);
      if (!href) { return match; }
      if (offset > last) { appendCited(parent, text.slice(last, offset)); }
      var a = document.createElement("a");
      a.href = href;
      a.textContent = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      if (url.indexOf("/download/") !== -1) { a.className = "download"; }
      parent.appendChild(a);
      last = offset + url.length;
      return match;
    });
    if (last < text.length) { appendCited(parent, text.slice(last)); }
  }

  function replyHooks(message) {
    return {
      used: !!message.used,
      cite: function (clause, quotes, opener) { panel.open(clause, quotes, opener); },
      ask: function (payload, title) {
        if (busy) { return false; }
        message.used = true;
        save();
        ask(payload, title);
        return true;
      }
    };
  }

  function renderReply(wrap, message) {
    var reply = message.custom;
    var hooks = replyHooks(message);
    wrap.appendChild(Cards.render(reply, hooks, message.text));
    if (message.text) {   // the same answer as text: to read aloud, copy or compare
      var details = document.createElement("details");
      details.className = "as-text";
      var summary = document.createElement("summary");
      summary.textContent = "文字版";
      details.appendChild(summary);
      var p = document.createElement("p");
      p.className = "bubble bot";
      appendText(p, message.text);
      details.appendChild(p);
      wrap.appendChild(details);
    }
    var hasButtons = message.buttons && message.buttons.length;   // a reply's own choices are its buttons
    if (!hasButtons && reply.next_questions && reply.next_questions.length) { wrap.appendChild(Cards.quickReplies(reply, hooks)); }
  }

  function appendQuickReplies(wrap, message) {
    var reply = message.custom;
    if (!reply.next_questions || !reply.next_questions.length || (message.buttons && message.buttons.length)) { return; }
    wrap.appendChild(Cards.quickReplies(reply, replyHooks(message)));
  }

  function render(message, index) {
    var wrap = document.createElement("div");
    wrap.className = "msg " + message.from;
    wrap.dataset.index = String(index);
    if (message.from === "bot" && Cards.isReply(message.custom) && (message.custom.items || []).length) {
      renderReply(wrap, message);
    } else if (message.text) {
      var bubble = document.createElement("p");
      bubble.className = "bubble " + message.from;
      if (message.from === "bot") {
        appendText(bubble, message.text);
      } else {
        bubble.textContent = message.text;
      }
      wrap.appendChild(bubble);
    }
    if (message.from === "bot" && Cards.isReply(message.custom) && !(message.custom.items || []).length) {
      appendQuickReplies(wrap, message);   // the text is the answer (a clause verbatim): no card, the next questions
    }
    if (message.image) {
      var href = safeHref(message.image);
      if (href) {
        var p = document.createElement("p");
        p.className = "bubble bot";
        appendText(p, href);
        wrap.appendChild(p);
      }
    }
    if (message.buttons && message.buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      message.buttons.forEach(function (b) {
        if (!b || typeof b.title !== "string") { return; }
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.disabled = !!message.used;
        button.addEventListener("click", function () {
          if (busy) { return; }
          message.used = true;
          Array.prototype.forEach.call(row.querySelectorAll("button"), function (x) { x.disabled = true; });
          ask(typeof b.payload === "string" && b.payload ? b.payload : b.title, b.title);
        });
        row.appendChild(button);
      });
      wrap.appendChild(row);
    }
    if (message.failed) {
      var note = document.createElement("span");
      note.className = "failed-note";
      note.textContent = "未发送";
      wrap.appendChild(note);
    }
    return wrap;
  }

  function renderAll() {
    els.messages.textContent = "";
    state.messages.forEach(function (m, i) { els.messages.appendChild(render(m, i)); });
    scrollDown();
  }

  function announce(message) {
    if (message.from !== "bot") { return; }
    var said = Cards.isReply(message.custom) ? Cards.headlineOf(message.custom, message.text) : (message.text || "").split("\n")[0];
    els.announce.textContent = "";
    window.setTimeout(function () { els.announce.textContent = "助手：" + said; }, 50);
  }

  function add(message) {
    state.messages.push(message);
    save();
    announce(message);
    if (state.messages.length > MAX_STORED) { renderAll(); return; }
    els.messages.appendChild(render(message, state.messages.length - 1));
    scrollDown();
  }

  function scrollDown() {
    els.log.scrollTop = els.log.scrollHeight;
  }

  function setBusy(value) {
    busy = value;
    els.typing.hidden = !value;
    els.send.disabled = value;
    els.log.setAttribute("aria-busy", value ? "true" : "false");
    if (value) { scrollDown(); }
  }

  function showError(text) {
    els.errorText.textContent = text;
    els.error.hidden = false;
  }

  function hideError() {
    els.error.hidden = true;
  }

  // ---- talking to the assistant --------------------------------------------------------------------------
  function ask(message, shown) {
    message = String(message || "").trim().slice(0, MAX_CHARS);
    if (!message || busy) { return; }
    if (failed) { markDelivered(failed.index); failed = null; }  // a new message supersedes the failed one
    var entry = { from: "user", text: shown || message };
    if (shown && shown !== message) { entry.send = message; }   // a button: show its title, send its payload
    add(entry);
    deliver(message, state.messages.length - 1);
  }

  function deliver(message, index) {
    setBusy(true);
    hideError();
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, TIMEOUT_MS);
    var signal = controller ? controller.signal : undefined;
    function post(url, body) {
      return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
                          body: JSON.stringify(body), signal: signal });
    }
    function session() {
      if (state.session) { return Promise.resolve(state.session); }
      return post(sessionEndpoint, {}).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(function (body) {
        if (!body || typeof body.session !== "string") { throw new Error("bad reply"); }
        state.session = body.session;
        save();
        return state.session;
      });
    }
    function send(retried) {
      return session().then(function (token) {
        return post(endpoint, { session: token, message: message });
      }).then(function (response) {
        if (response.status === 403 && !retried) {   // the server no longer knows this session: start a new one
          state.session = null;
          return send(true);
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
    }
    send(false).then(function (replies) {
      if (!Array.isArray(replies)) { throw new Error("bad reply"); }
      markDelivered(index);
      failed = null;
      if (!replies.length) {
        add({ from: "bot", text: "（没有收到答复，请换个说法再问一次。）" });
      }
      replies.forEach(function (r) {
        var custom = r && Cards.isReply(r.custom) ? r.custom : null;
        if (r && (r.text || r.image || (r.buttons && r.buttons.length) || custom)) {
          add({ from: "bot", text: r.text || "", buttons: r.buttons || [], image: r.image || null, custom: custom });
        }
      });
    }).catch(function (err) {
      failed = { index: index, text: message };
      markFailed(index);
      var why = String(err && err.message || "");
      if (err && err.name === "AbortError") {
        showError("助手响应超时，消息可能没有送达。");
      } else if (/^HTTP 5/.test(why)) {
        showError("服务暂时不可用，请稍后重试。");
      } else if (/^HTTP/.test(why)) {
        showError("消息没有被接受（" + why.replace("HTTP ", "错误 ") + "）。");
      } else {
        showError("网络连接失败，消息没有发出。");
      }
    }).then(function () {
      clearTimeout(timer);
      setBusy(false);
    });
  }

  function markFailed(index) {
    var m = state.messages[index];
    if (m && !m.failed) { m.failed = true; save(); renderAll(); }
  }

  function markDelivered(index) {
    var m = state.messages[index];
    if (m && m.failed) { delete m.failed; save(); renderAll(); }
  }

  // ---- wiring ------------------------------------------------------------------------------------------
  els.form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = els.input.value;
    if (!text.trim() || busy) { return; }
    els.input.value = "";
    grow();
    ask(text);
  });

  els.input.addEventListener("keydown", function (e) {
    // Enter sends; Shift+Enter is a new line; Enter that confirms an IME candidate (拼音) does not send.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      els.form.requestSubmit ? els.form.requestSubmit() : els.send.click();
    }
  });

  function grow() {
    els.input.style.height = "auto";
    els.input.style.height = Math.min(els.input.scrollHeight + 2, 160) + "px";
  }
  els.input.addEventListener("input", grow);

  els.suggestions.addEventListener("click", function (e) {
    var chip = e.target.closest("button.chip");
    if (chip) { ask(chip.textContent); }
  });

  els.retry.addEventListener("click", function () {
    if (failed && !busy) { deliver(failed.text, failed.index); }
  });

  els.newChat.addEventListener("click", function () {
    if (busy) { return; }
    state = { session: null, messages: [] };
    failed = null;
    hideError();
    save();
    renderAll();
    els.input.focus();
  });

  renderAll();
  // A message that could not be delivered before the reload can still be retried.
  (function restoreFailed() {
    var last = state.messages[state.messages.length - 1];
    if (last && last.from === "user" && last.failed) {
      failed = { index: state.messages.length - 1, text: last.send || last.text };
      showError("上一条消息没有发出。");
    }
  })();
  // A link may open the page with a question to send at once: /webhooks/webchat/?q=… (the 公众号 menu's 网页自测).
  // It is sent once, then removed from the address, so a reload does not send it again.
  (function askFromLink() {
    var params = new URLSearchParams(window.location.search);
    var question = (params.get("q") || "").trim();
    if (!question) { return; }
    params.delete("q");
    var rest = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
    ask(question);
  })();
})();
