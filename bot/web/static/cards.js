/* 东川人才政策助手 — answer cards, drawn from the structured reply a message carries in `custom`
 * (schema dongchuan-reply/1, docs/reply.schema.json); a citation opens the clause from the REST channel
 * (GET ../rest/clause/<n>, the knowledge base's verbatim text). Every figure and word shown comes from that reply, i.e. from
 * the knowledge base; this file only lays it out: the amount, the payment schedule as an inline SVG timeline, the
 * conditions as a checklist (self-check: met / not met and by how much / to confirm), units, what the text does not
 * say, the citations (a tap opens the clause verbatim with the quoted words highlighted) and quick replies.
 * Nothing is parsed as HTML: every text goes in with textContent.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var SCHEMA = "dongchuan-reply/1";
  var STATUS = {
    met: { mark: "✓", label: "已满足" },
    unmet: { mark: "✗", label: "不满足" },
    to_confirm: { mark: "?", label: "待确认" }
  };
  var VERDICT = {
    eligible: { mark: "✓", label: "符合" },
    undetermined: { mark: "?", label: "可能符合，尚需确认" },
    not_eligible: { mark: "✗", label: "不符合" }
  };

  function isReply(custom) {
    return !!custom && typeof custom === "object" && custom.schema === SCHEMA && typeof custom.aspect === "string";
  }

  // a whole number of yuan as the text writes it: 万元 from ten thousand up, else 元 (the rules of policy_kb/money.py yuan(); labels of the KB's numbers only)
  function yuan(value) {
    value = Math.round(Number(value));
    if (value >= 10000) {
      return String(Number((value / 10000).toFixed(4))) + "万元";
    }
    return String(value) + "元";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  // ---- the schedule ---------------------------------------------------------------------------------------
  // Yearly instalments as a timeline: one dot a year, the instalment under it, the running total above.
  function yearlyTimeline(s) {
    var instalments = [];
    for (var y = 0; y < s.years; y += 1) { instalments.push(s.per_year); }
    var n = instalments.length;
    var step = 64, left = 34, width = left * 2 + step * (n - 1), height = 92;
    var described = s.text + "；合计" + yuan(s.total);
    var figure = svg("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height,
                              role: "img", "aria-label": described, "class": "timeline" });
    figure.appendChild(svg("title", {}, described));
    figure.appendChild(svg("line", { x1: left, y1: 40, x2: left + step * (n - 1), y2: 40, "class": "tl-line" }));
    var sum = 0;
    instalments.forEach(function (amount, i) {
      var x = left + step * i;
      sum += amount;
      figure.appendChild(svg("circle", { cx: x, cy: 40, r: 7, "class": "tl-dot" }));
      figure.appendChild(svg("text", { x: x, y: 22, "class": "tl-sum", "text-anchor": "middle" }, yuan(sum)));
      figure.appendChild(svg("text", { x: x, y: 64, "class": "tl-year", "text-anchor": "middle" }, "第" + (i + 1) + "年"));
      figure.appendChild(svg("text", { x: x, y: 84, "class": "tl-amount", "text-anchor": "middle" }, yuan(amount)));
    });
    return figure;
  }

  // Monthly amounts: twelve bars of the month's sum and the year's total beside them.
  function monthlyBars(s) {   // s: {per_month, per_year, ceiling}
    var width = 12 * 16 + 8, height = 56;
    var described = (s.ceiling ? "每月最高" : "每月") + yuan(s.per_month) + "，一年合计" + (s.ceiling ? "最高" : "") + yuan(s.per_year);
    var figure = svg("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height,
                              role: "img", "aria-label": described, "class": "months" });
    figure.appendChild(svg("title", {}, described));
    for (var m = 0; m < 12; m += 1) {
      figure.appendChild(svg("rect", { x: 4 + m * 16, y: 8, width: 12, height: 28, rx: 2, "class": "mo-bar" }));
      figure.appendChild(svg("text", { x: 10 + m * 16, y: 50, "class": "mo-label", "text-anchor": "middle" }, m + 1));
    }
    return figure;
  }

  // The payment of an item: its rule drawn (yearly instalments, twelve months), then the text's own words.
  function scheduleKind(item) {
    var p = item.payment || {}, a = item.amount || {};
    if (p.rule === "yearly_share" && p.years && p.per_year && p.total) { return "yearly_share"; }
    if (a.basis === "per_month" && a.max && p.per_year) { return "monthly"; }
    return "other";
  }

  function scheduleBlock(item) {
    var p = item.payment, a = item.amount || {};
    var kind = scheduleKind(item);
    var s = { text: p.text, years: p.years, per_year: p.per_year, total: p.total, per_month: a.max, ceiling: !!a.ceiling };
    var box = el("div", "schedule");
    box.appendChild(el("h4", "schedule-title", "怎么发"));
    if (kind === "yearly_share") {
      var scroll = el("div", "timeline-scroll");
      scroll.appendChild(yearlyTimeline(s));
      box.appendChild(scroll);
      var total = el("p", "schedule-total");
      total.textContent = "每年" + yuan(s.per_year) + " × " + s.years + "年 = " + yuan(s.total);
      box.appendChild(total);
    } else if (kind === "monthly") {
      box.appendChild(monthlyBars(s));
      var sum = el("p", "schedule-total");
      sum.textContent = (s.ceiling ? "每月最高" : "每月") + yuan(s.per_month) + " × 12个月 = 一年合计" +
        (s.ceiling ? "最高" : "") + yuan(s.per_year);
      box.appendChild(sum);
    }
    box.appendChild(el("p", "schedule-text", s.text));
    (item.discretion || []).forEach(function (flag) {   // 经考核合格: each instalment is decided, not promised
      if (s.text.indexOf(flag) !== -1) { box.appendChild(el("p", "note", "原文写有“" + flag + "”：以责任单位认定为准。")); }
    });
    return box;
  }

  // ---- conditions -----------------------------------------------------------------------------------------
  function checklist(conditions) {
    var list = el("ul", "checklist");
    conditions.forEach(function (c) {
      var li = el("li", "cond cond-" + (c.status || "plain"));
      if (c.status && STATUS[c.status]) {
        li.appendChild(el("span", "cond-mark", STATUS[c.status].mark)).setAttribute("aria-hidden", "true");
        li.appendChild(el("span", "cond-status", STATUS[c.status].label + "："));
      }
      li.appendChild(el("span", "cond-label", c.label));
      if (c.explanation) { li.appendChild(el("span", "cond-explain", "（" + c.explanation + "）")); }
      list.appendChild(li);
    });
    return list;
  }

  function itemQuotes(item) {
    var quotes = [];
    [item.amount && item.amount.quote, item.payment && item.payment.quote].concat(
      (item.conditions || []).map(function (c) { return c.quote; })
    ).forEach(function (q) { if (q && q.quote && quotes.indexOf(q.quote) === -1) { quotes.push(q.quote); } });
    return quotes;
  }

  function citeButton(citation, clause, quotes, hooks) {
    var b = el("button", "cite", citation);
    b.type = "button";
    b.setAttribute("aria-label", "查看" + citation + "原文");
    b.setAttribute("aria-haspopup", "dialog");
    b.addEventListener("click", function () { hooks.cite(clause, quotes, b); });
    return b;
  }

  // What is one tap away on a card: a disclosure with its count in the summary.
  function disclosure(summaryText, content, open) {
    var d = el("details", "more");
    if (open) { d.open = true; }
    d.appendChild(el("summary", "", summaryText));
    d.appendChild(content);
    return d;
  }

  function itemCard(item, reply, hooks, primary) {
    var card = el("section", "item" + (item.verdict ? " verdict-" + item.verdict : ""));
    var head = el("h3", "item-name");
    if (item.verdict && VERDICT[item.verdict]) {
      var v = el("span", "verdict", VERDICT[item.verdict].mark + " " + VERDICT[item.verdict].label);
      head.appendChild(v);
    }
    head.appendChild(el("span", "item-title", item.name));
    card.appendChild(head);
    card.appendChild(citeButton(item.citation.citation, item.citation.clause, itemQuotes(item), hooks));
    if (item.amount) {
      var amount = el("p", "amount");
      amount.appendChild(el("span", "amount-value", item.amount.text));
      card.appendChild(amount);
    }
    var flags = (item.discretion || []).filter(function (flag) {   // what the payment already says is not repeated
      return !(item.payment && item.payment.text.indexOf(flag) !== -1);
    }).map(function (flag) { return "“" + flag + "”"; });
    if (flags.length) {
      card.appendChild(el("p", "discretion", "原文写有" + flags.join("") + "，以责任单位认定为准。"));
    }
    var drawn = item.payment && (scheduleKind(item) !== "other" || reply.aspect === "payment");
    // the answer's own item shows its schedule; the others keep theirs one tap away
    var more = el("div", "more-body");
    if (drawn) { (primary ? card : more).appendChild(scheduleBlock(item)); }
    if (item.conditions && item.conditions.length) {
      if (item.verdict) {          // a self-check: the checklist is the answer
        card.appendChild(el("h4", "conditions-title", "条件核对"));
        card.appendChild(checklist(item.conditions));
      } else {
        var conditions = el("div", "");
        conditions.appendChild(checklist(item.conditions));
        var asked = primary && (reply.aspect === "conditions" || reply.aspect === "eligibility");
        card.appendChild(disclosure("条件（" + item.conditions.length + "项）", conditions, asked));
      }
    }
    (item.near_misses || []).forEach(function (t) { card.appendChild(el("p", "near-miss", "提示：" + t)); });
    var payer = item.payment && item.payment.payer;
    if (payer) { (primary || reply.aspect === "payer" ? card : more).appendChild(el("p", "payer", "资金：" + payer)); }
    (item.notes || []).forEach(function (t) { more.appendChild(el("p", "note", "说明：" + t)); });
    if (more.childNodes.length) { card.appendChild(disclosure(primary ? "说明" : "怎么发、谁出钱", more, false)); }
    if (item.units && item.units.length && reply.aspect === "self_check") {
      card.appendChild(el("p", "units", "责任单位：" + item.units.join("、")));
    }
    return card;
  }

  // ---- the whole answer -----------------------------------------------------------------------------------
  // hooks: {cite(clause, quotes, opener), ask(payload, title), used: bool}
  // The lines of the text that the card's fields do not show (the open question, notes, the text's own body).
  function linesOf(reply, kind) {
    return (reply.lines || []).filter(function (l) { return l[0] === kind; }).map(function (l) { return l[1]; });
  }

  function citationsByClause(reply) {
    var by = [];
    (reply.citations || []).forEach(function (c) {
      var entry = by.filter(function (e) { return e.clause === c.clause; })[0];
      if (!entry) { entry = { clause: c.clause, citation: c.citation, quotes: [] }; by.push(entry); }
      if (c.quote && entry.quotes.indexOf(c.quote) === -1) { entry.quotes.push(c.quote); }
    });
    return by;
  }

  function render(reply, hooks, text) {
    var card = el("article", "card card-" + reply.aspect);
    var headline = el("h2", "headline", reply.headline || String(text || "").split("\n")[0]);
    headline.id = "h-" + Math.random().toString(36).slice(2, 10);
    card.setAttribute("aria-labelledby", headline.id);
    card.appendChild(headline);
    var items = reply.items || [];
    items.forEach(function (item, i) { card.appendChild(itemCard(item, reply, hooks, i === 0)); });
    (reply.silences || []).forEach(function (s) { card.appendChild(el("p", "silence", s.note)); });
    (reply.notes || []).forEach(function (t) { card.appendChild(el("p", "note", "说明：" + t)); });
    if (reply.units && reply.units.length && reply.aspect !== "self_check") {
      card.appendChild(el("p", "units", "责任单位：" + reply.units.join("、")));
    }
    var cited = citationsByClause(reply);
    if (cited.length) {
      var sources = el("p", "sources");
      sources.appendChild(el("span", "sources-label", "依据："));
      cited.forEach(function (c) { sources.appendChild(citeButton(c.citation, c.clause, c.quotes, hooks)); });
      card.appendChild(sources);
    }
    linesOf(reply, "question").forEach(function (q) { card.appendChild(el("p", "next-question", q)); });
    return card;
  }

  // Quick replies: the natural next questions, or the answers to the self-check's next question.
  function quickReplies(reply, hooks) {
    var row = el("div", "quick-replies");
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", linesOf(reply, "question").length ? "选择回答" : "接着问");
    (reply.next_questions || []).forEach(function (s) {
      if (!s || typeof s.title !== "string") { return; }
      var b = el("button", "quick", s.title);
      b.type = "button";
      b.disabled = !!hooks.used;
      b.addEventListener("click", function () {
        if (hooks.ask(s.payload || s.title, s.title) === false) { return; }
        Array.prototype.forEach.call(row.querySelectorAll("button"), function (x) { x.disabled = true; });
      });
      row.appendChild(b);
    });
    return row;
  }

  // ---- the citation panel -----------------------------------------------------------------------------------
  // The clause verbatim (from the knowledge base, GET clause/<n>) with every quoted span marked.
  function highlighted(text, quotes) {
    var ranges = [];
    (quotes || []).forEach(function (q) {
      if (!q) { return; }
      var at = text.indexOf(q);
      while (at !== -1) {
        ranges.push([at, at + q.length]);
        at = text.indexOf(q, at + 1);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); } else { merged.push(r.slice()); }
    });
    var frag = document.createDocumentFragment();
    var pos = 0;
    merged.forEach(function (r) {
      if (r[0] > pos) { frag.appendChild(document.createTextNode(text.slice(pos, r[0]))); }
      frag.appendChild(el("mark", "", text.slice(r[0], r[1])));
      pos = r[1];
    });
    if (pos < text.length) { frag.appendChild(document.createTextNode(text.slice(pos))); }
    return frag;
  }

  function Panel(dialog, base) {
    this.dialog = dialog;
    this.base = base;
    this.title = dialog.querySelector("#clause-title");
    this.body = dialog.querySelector("#clause-text");
    this.units = dialog.querySelector("#clause-units");
    this.status = dialog.querySelector("#clause-status");
    this.opener = null;
    var self = this;
    dialog.querySelector("#clause-close").addEventListener("click", function () { self.close(); });
    dialog.addEventListener("close", function () {
      if (self.opener && document.body.contains(self.opener)) { self.opener.focus(); }
    });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) { self.close(); } });
  }

  Panel.prototype.open = function (clause, quotes, opener) {
    var self = this;
    self.opener = opener || null;
    self.title.textContent = "正在打开原文…";
    self.body.textContent = "";
    self.units.textContent = "";
    self.status.textContent = "";
    if (!self.dialog.open) { self.dialog.showModal(); }
    fetch(new URL("../rest/clause/" + encodeURIComponent(clause), self.base).toString()).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (c) {
      self.title.textContent = c.citation + " " + c.title;
      self.body.appendChild(highlighted(c.text, quotes));
      self.units.textContent = c.units && c.units.length ? "责任单位：" + c.units.join("、") : "";
      var marks = self.body.querySelectorAll("mark").length;
      self.status.textContent = marks ? "已标出答复引用的原文（" + marks + "处）。" : "";
    }).catch(function () {
      self.title.textContent = "原文暂时打不开";
      self.body.textContent = "请稍后再试，或回复“" + "原文" + "”让助手发送条文。";
    });
  };

  Panel.prototype.close = function () {
    if (this.dialog.open) { this.dialog.close(); }
  };

  function headlineOf(reply, text) {
    return reply.headline || String(text || "").split("\n")[0];
  }

  window.DongchuanCards = { isReply: isReply, render: render, quickReplies: quickReplies, Panel: Panel,
                            yuan: yuan, highlighted: highlighted, headlineOf: headlineOf };
})();
