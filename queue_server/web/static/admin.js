/* Admin page: services, counters, the live queue, access tokens and the day's KPIs. */
(function () {
  "use strict";

  var t = I18N.t;
  var el = Console.el;
  var $ = function (id) { return document.getElementById(id); };

  var TOKEN_KEY = "motcua.admin.token";
  var TARGET_MIN = 15;        // province target: a citizen waits at most 15 minutes
  var TARGET_SHARE = 90;      // share of citizens within the target shown green from here (amber from 70)

  var state = {
    token: Console.session(TOKEN_KEY) || "",
    services: [], priorities: {}, counters: [], queue: [], kpis: null, tokens: [],
    day: "", live: null, liveState: "connecting", seq: 0, secret: null
  };

  function api(method, path, body) {
    return Console.request(method, path, { token: state.token, body: body });
  }

  function showError(text) {
    $("banner-text").textContent = text;
    $("banner").hidden = !text;
  }

  // ---------- sign in
  function showSignin(errorText) {
    if (state.live) { state.live.stop(); state.live = null; }
    $("admin").hidden = true;
    $("signout").hidden = true;
    $("live").hidden = true;
    $("signin").hidden = false;
    $("f-token").value = state.token;
    $("signin-error").hidden = !errorText;
    $("signin-error").textContent = errorText || "";
    $("f-token").focus();
  }

  function signIn(token) {
    if (!token) { showSignin(t("admin.signin.missing")); return Promise.resolve(); }
    state.token = token;
    return api("GET", "/admin/tokens").then(function (response) {
      Console.session(TOKEN_KEY, token);
      state.tokens = response.data || [];
      $("signin").hidden = true;
      $("admin").hidden = false;
      $("signout").hidden = false;
      $("live").hidden = false;
      state.live = Console.live(token, refresh, function (s) { state.liveState = s; renderLive(); });
      renderTokens();
      refresh();
    }, function (err) {
      Console.session(TOKEN_KEY, null);
      state.token = "";
      showSignin(err.status === 403 ? t("admin.forbidden") + " " + I18N.errorText(err) : I18N.errorText(err));
    });
  }

  // ---------- data
  function refresh() {
    if (!state.token) { return Promise.resolve(); }
    var seq = ++state.seq;
    var day = state.day ? "?date=" + encodeURIComponent(state.day) : "";
    return Promise.all([
      api("GET", "/services"), api("GET", "/counters"), api("GET", "/queue"), api("GET", "/kpis" + day)
    ]).then(function (results) {
      if (seq !== state.seq) { return; }
      state.services = results[0].data || [];
      state.counters = results[1].data || [];
      state.queue = results[2].data || [];
      state.kpis = results[3].data;
      showError("");
      renderAll();
    }, function (err) {
      if (err.status === 401 || err.status === 403) { showSignin(I18N.errorText(err)); return; }
      showError(I18N.errorText(err));
    });
  }

  function loadTokens() {
    return api("GET", "/admin/tokens").then(function (r) { state.tokens = r.data || []; renderTokens(); },
      function (err) { showError(I18N.errorText(err)); });
  }

  // ---------- rendering helpers
  function serviceName(code) {
    var s = state.services.filter(function (x) { return x.code === code; })[0];
    return s ? s.letter + " · " + I18N.pick(s, "name") : code;
  }

  /** Codes in the services' display order (unknown codes last). */
  function serviceOrder(codes) {
    var order = state.services.map(function (s) { return s.code; });
    var rank = function (code) { var i = order.indexOf(code); return i < 0 ? order.length : i; };
    return codes.slice().sort(function (a, b) { return rank(a) - rank(b) || (a < b ? -1 : 1); });
  }

  function counterRank(id) {
    var i = state.counters.map(function (c) { return c.id; }).indexOf(id);
    return i < 0 ? state.counters.length : i;
  }

  function counterName(id) {
    var c = state.counters.filter(function (x) { return x.id === id; })[0];
    return c ? I18N.pick(c, "name") : id;
  }

  function table(node, headers, rows) {
    Console.clear(node);
    node.appendChild(el("thead", null, [el("tr", null, headers.map(function (h) {
      return el("th", { "class": h.num ? "num" : null, scope: "col", text: t(h.key) });
    }))]));
    if (!rows.length) {
      rows = [el("tr", null, [el("td", { colspan: String(headers.length), "class": "muted", text: t("kpi.no_data") })])];
    }
    node.appendChild(el("tbody", null, rows));
  }

  function cell(content, cls) {
    var td = el("td", { "class": cls || null });
    if (content === null || content === undefined) { td.textContent = t("none"); }
    else if (typeof content === "string" || typeof content === "number") { td.textContent = String(content); }
    else { td.appendChild(content); }
    return td;
  }

  function waitCell(value) {
    var cls = "num" + (value === null || value === undefined ? "" : value <= TARGET_MIN ? " within" : " over");
    return cell(I18N.minutes(value), cls);
  }

  function minutesClass(value) {
    if (value === null || value === undefined) { return ""; }
    return value <= TARGET_MIN ? "good" : value <= 2 * TARGET_MIN ? "warn" : "bad";
  }

  function shareClass(value) {
    if (value === null || value === undefined) { return ""; }
    return value >= TARGET_SHARE ? "good" : value >= 70 ? "warn" : "bad";
  }

  function kpiCard(id, key, value, cls, sub) {
    return el("div", { "class": "kpi " + (cls || ""), id: "kpi-" + id }, [
      el("div", { "class": "k", text: t(key) }),
      el("div", { "class": "v", text: value }),
      sub ? el("div", { "class": "s", text: sub }) : null
    ]);
  }

  function targetText(cls) {
    return cls === "good" ? t("kpi.ok") : cls === "bad" || cls === "warn" ? t("kpi.bad") : t("kpi.no_data");
  }

  function pct(value) {
    return value === null || value === undefined ? t("none") : I18N.number(value, 1) + " %";
  }

  // ---------- sections
  function renderKpis() {
    var k = state.kpis;
    var box = Console.clear($("kpis"));
    $("target-note").textContent = t("admin.target", { n: TARGET_MIN });
    if (!k) { return; }
    if (!state.day && k.day) { $("day").value = k.day; }
    var w = k.wait_min || {};
    var n = w.n || 0;
    var of = n ? t("kpi.of", { n: n }) : t("kpi.no_data");
    var p50c = minutesClass(w.p50), p90c = minutesClass(w.p90), maxc = minutesClass(w.max);
    var s15 = shareClass(k.served_within_15_min_pct);
    var prio = (k.priority_wait_min || {}).mean, normal = (k.normal_wait_min || {}).mean;
    [
      kpiCard("issued", "kpi.issued", I18N.number(k.tickets_issued, 0)),
      kpiCard("done", "kpi.done", I18N.number(k.tickets_done, 0)),
      kpiCard("waiting", "kpi.waiting", I18N.number(k.waiting_now, 0)),
      kpiCard("no-show", "kpi.no_show", pct(k.no_show_rate), "",
        k.no_shows ? String(k.no_shows) + " / " + String(k.tickets_called) : null),
      kpiCard("wait-p50", "kpi.wait_p50", I18N.minutes(w.p50), p50c, n ? targetText(p50c) : of),
      kpiCard("wait-p90", "kpi.wait_p90", I18N.minutes(w.p90), p90c, n ? targetText(p90c) : of),
      kpiCard("wait-max", "kpi.wait_max", I18N.minutes(w.max), maxc, n ? targetText(maxc) : of),
      kpiCard("within15", "kpi.within15", pct(k.served_within_15_min_pct), s15, of),
      kpiCard("within30", "kpi.within30", pct(k.served_within_30_min_pct), shareClass(k.served_within_30_min_pct), of),
      kpiCard("prio-wait", "kpi.priority_wait", I18N.number(prio, 1) + " / " + I18N.minutes(normal)),
      kpiCard("service-mean", "kpi.service_mean", I18N.minutes((k.service_min || {}).mean))
    ].forEach(function (card) { box.appendChild(card); });
  }

  function renderCounters() {
    table($("counters-table"), [
      { key: "col.counter" }, { key: "col.services" }, { key: "col.status" }, { key: "col.staff" }, { key: "col.current" }
    ], state.counters.map(function (c) {
      var cur = c.current;
      var current = cur ? el("span", { "class": "chips" }, [
        el("span", { "class": "chip" + (cur.priority ? " prio" : ""), text: cur.number }),
        el("span", { "class": "pill " + cur.status, text: t("ticket." + cur.status) })
      ]) : null;
      return el("tr", { "data-counter": c.id }, [
        cell(I18N.pick(c, "name")),
        cell(c.services.join(", ")),
        cell(el("span", { "class": "pill " + c.status, text: t("status." + c.status) })),
        cell(c.staff_id),
        cell(current)
      ]);
    }));
  }

  function renderQueue() {
    table($("queue-table"), [
      { key: "col.service" }, { key: "col.waiting", num: true }, { key: "col.priority_waiting", num: true },
      { key: "col.estimate", num: true }, { key: "col.tickets" }
    ], state.queue.map(function (q) {
      var chips = el("span", { "class": "chips" }, q.tickets.slice(0, 12).map(function (ticket) {
        return el("span", { "class": "chip" + (ticket.priority ? " prio" : ""), text: ticket.number,
                            title: ticket.priority ? t("priority.generic") : null });
      }));
      if (q.tickets.length > 12) { chips.appendChild(el("span", { "class": "muted", text: "+" + (q.tickets.length - 12) })); }
      if (!q.tickets.length) { chips.appendChild(el("span", { "class": "muted", text: t("queue.empty") })); }
      return el("tr", { "data-service": q.code }, [
        cell(q.letter + " · " + I18N.pick(q, "name")),
        cell(q.waiting, "num"),
        cell(q.priority_waiting, "num"),
        waitCell(q.estimated_wait_min),
        cell(chips)
      ]);
    }));
  }

  function renderByService() {
    var by = (state.kpis && state.kpis.by_service) || {};
    table($("by-service-table"), [
      { key: "col.service" }, { key: "col.visits", num: true }, { key: "col.done", num: true },
      { key: "col.wait_p50", num: true }, { key: "col.wait_p90", num: true }, { key: "col.wait_max", num: true },
      { key: "col.service_mean", num: true }
    ], serviceOrder(Object.keys(by)).map(function (code) {
      var s = by[code];
      return el("tr", { "data-service": code }, [
        cell(serviceName(code)), cell(s.visits, "num"), cell(s.done, "num"),
        waitCell(s.wait_min.p50), waitCell(s.wait_min.p90), waitCell(s.wait_min.max),
        cell(I18N.minutes(s.service_min.mean), "num")
      ]);
    }));
  }

  function renderByCounter() {
    var by = (state.kpis && state.kpis.by_counter) || {};
    table($("by-counter-table"), [
      { key: "col.counter" }, { key: "col.served", num: true }, { key: "col.service_mean", num: true }
    ], Object.keys(by).sort(function (a, b) { return counterRank(a) - counterRank(b); }).map(function (id) {
      var c = by[id];
      return el("tr", { "data-counter": id }, [
        cell(counterName(id)), cell(c.served, "num"), cell(I18N.minutes(c.service_min.mean), "num")
      ]);
    }));
  }

  function renderServices() {
    table($("services-table"), [
      { key: "col.letter" }, { key: "col.code" }, { key: "col.name_vi" }, { key: "col.name_en" }, { key: "col.active" }
    ], state.services.map(function (s) {
      return el("tr", { "data-service": s.code }, [
        cell(el("strong", { text: s.letter })), cell(s.code), cell(s.name_vi), cell(s.name_en),
        cell(t(s.active ? "yes" : "no"))
      ]);
    }));
  }

  function renderTokens() {
    table($("tokens-table"), [
      { key: "col.id" }, { key: "col.role" }, { key: "col.counter" }, { key: "col.label" }, { key: "col.created" },
      { key: "col.revoked" }
    ], state.tokens.map(function (tok) {
      return el("tr", { "data-token": tok.id }, [
        cell(el("code", { text: tok.id })), cell(t("role." + tok.role)), cell(tok.counter_id), cell(tok.label || null),
        cell(formatDate(tok.created_at)), cell(tok.revoked_at ? formatDate(tok.revoked_at) : t("token.active"))
      ]);
    }));
    renderCounterChoices();
  }

  function renderCounterChoices() {
    var select = $("t-counter");
    var chosen = select.value;
    Console.clear(select);
    state.counters.forEach(function (c) {
      select.appendChild(el("option", { value: c.id, text: I18N.pick(c, "name") }));
    });
    if (chosen) { select.value = chosen; }
    var departments = $("t-department");
    var department = departments.value;
    Console.clear(departments);
    (state.services || []).forEach(function (s) {
      departments.appendChild(el("option", { value: s.code, text: s.letter + " · " + I18N.pick(s, "name") }));
    });
    if (department) { departments.value = department; }
    showRoleFields();
  }

  function showRoleFields() {
    $("t-counter-field").hidden = $("t-role").value !== "counter";
    $("t-department-field").hidden = $("t-role").value !== "department";
  }

  function formatDate(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return iso || ""; }
    return d.toLocaleString(I18N.lang === "en" ? "en-GB" : "vi-VN",
      { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
  }

  function renderLive() {
    var node = $("live");
    node.className = "live " + (state.liveState === "on" ? "on" : state.liveState === "off" ? "off" : "");
    node.textContent = t(state.liveState === "on" ? "live.on" : state.liveState === "off" ? "live.off" : "live.connecting");
  }

  function renderAll() {
    renderKpis();
    renderCounters();
    renderQueue();
    renderByService();
    renderByCounter();
    renderServices();
    renderCounterChoices();
    renderTokens();
    renderLive();
  }

  // ---------- tokens
  function createToken(event) {
    event.preventDefault();
    var role = $("t-role").value;
    var body = { role: role, label: $("t-label").value.trim() };
    if (role === "department") { body.department = $("t-department").value || null; }
    if (role === "counter") {
      body.counter_id = $("t-counter").value;
      if (!body.counter_id) { $("token-error").textContent = t("token.counter.missing"); $("token-error").hidden = false; return; }
    }
    $("t-submit").disabled = true;
    api("POST", "/admin/tokens", body).then(function (response) {
      var data = response.data;
      $("token-error").hidden = true;
      $("token-value").textContent = data.token;
      var linkBox = $("token-link-box");
      linkBox.hidden = data.role !== "counter";
      if (data.role === "counter") {
        $("token-link").textContent = window.location.origin + "/console/counter#counter=" +
          encodeURIComponent(data.counter_id) + "&token=" + encodeURIComponent(data.token);
      }
      $("token-secret").hidden = false;
      $("t-label").value = "";
      loadTokens();
    }, function (err) {
      $("token-error").textContent = I18N.errorText(err);
      $("token-error").hidden = false;
    }).then(function () { $("t-submit").disabled = false; });
  }

  function copySecret() {
    var text = $("token-value").textContent;
    var done = function () { $("token-copy").textContent = t("copied"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { selectSecret(); });
    } else { selectSecret(); }
  }

  function selectSecret() {
    var range = document.createRange();
    range.selectNodeContents($("token-value"));
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // ---------- wiring
  function init() {
    I18N.apply();
    I18N.bindSwitch($("lang"));
    I18N.onChange(function () { if (!$("admin").hidden) { renderAll(); } });
    $("signin-form").addEventListener("submit", function (event) {
      event.preventDefault();
      signIn($("f-token").value.trim());
    });
    $("signout").addEventListener("click", function () {
      Console.session(TOKEN_KEY, null);
      state.token = "";
      showSignin();
    });
    $("banner-close").addEventListener("click", function () { showError(""); });
    $("t-role").addEventListener("change", function () {
      showRoleFields();
    });
    $("token-form").addEventListener("submit", createToken);
    $("token-copy").addEventListener("click", copySecret);
    $("day").addEventListener("change", function () { state.day = $("day").value; refresh(); });

    var fragment = Console.takeFragment();
    if (fragment.token) { state.token = fragment.token; }
    if (state.token) { signIn(state.token); } else { showSignin(); }
  }

  init();
})();
