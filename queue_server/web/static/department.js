/* Department page: the competent department's queue of received dossiers (late ones flagged), a dossier's
 * papers, a supplement request, the digitised result and "result ready". Token: role "department".
 */
(function () {
  "use strict";

  var t = I18N.t;
  var el = Console.el;
  var $ = function (id) { return document.getElementById(id); };
  var KEY = "motcua.department.token";
  var OPEN = ["received", "forwarded", "supplement_requested", "supplemented"];

  var s = { token: Console.session(KEY) || "", filter: "open", rows: [], selected: null, dossier: null, live: null,
            flashTimer: null };

  function flash(kind, text) {
    var banner = $("banner");
    banner.className = "banner " + kind;
    $("banner-text").textContent = text;
    banner.hidden = false;
    clearTimeout(s.flashTimer);
    s.flashTimer = setTimeout(function () { banner.hidden = true; }, kind === "error" ? 15000 : 6000);
  }

  function api(method, p, body) { return Console.request(method, p, { token: s.token, body: body }); }

  function showSignin(error) {
    $("dept").hidden = true; $("signin").hidden = false; $("signout").hidden = true; $("live").hidden = true;
    $("f-token").value = s.token;
    $("signin-error").hidden = !error; $("signin-error").textContent = error || "";
    $("f-token").focus();
  }

  function signIn(token) {
    s.token = token;
    return api("GET", "/departments/dossiers").then(function (r) {
      Console.session(KEY, token);
      $("signin").hidden = true; $("dept").hidden = false; $("signout").hidden = false; $("live").hidden = false;
      s.rows = r.data || []; renderQueue();
      if (s.live) { s.live.stop(); }
      s.live = Console.live(token, refresh, function (state) { s.liveState = state; renderLive(); });
    }, function (err) {
      Console.session(KEY, null);
      showSignin(err.status === 401 || err.status === 403 ? t("dept.token.invalid") : I18N.errorText(err));
    });
  }

  function renderLive() {
    var state = s.liveState || "connecting";
    $("live").className = "live " + (state === "on" ? "on" : state === "off" ? "off" : "");
    $("live").textContent = t(state === "on" ? "live.on" : state === "off" ? "live.off" : "live.connecting");
  }

  function refresh() {
    var q = s.filter === "late" ? "?late=true" : "";
    return api("GET", "/departments/dossiers" + q).then(function (r) {
      s.rows = r.data || []; renderQueue();
      if (s.selected) { open(s.selected, true); }
    }, function (err) { if (err.status === 401) { showSignin(t("dept.token.invalid")); } });
  }

  function visible() {
    if (s.filter === "open") {
      return s.rows.filter(function (d) { return OPEN.indexOf(d.status) >= 0; });
    }
    return s.rows;
  }

  function renderQueue() {
    var rows = visible();
    $("queue-count").textContent = String(rows.length);
    var table = Console.clear($("queue-table"));
    table.appendChild(el("thead", null, [el("tr", null, ["dept.col.code", "dept.col.procedure", "dept.col.due"]
      .map(function (k) { return el("th", { text: t(k) }); }))]));
    var body = el("tbody");
    if (!rows.length) { body.appendChild(el("tr", null, [el("td", { colspan: "3", "class": "muted", text: t("dept.empty") })])); }
    rows.forEach(function (d) {
      body.appendChild(el("tr", { "class": (d.late ? "late" : "") + (d.id === s.selected ? " sel" : ""), "data-id": d.id,
        "data-code": d.code || d.receipt_code, tabindex: "0",
        onclick: function () { open(d.id); }, onkeydown: function (e) { if (e.key === "Enter") { open(d.id); } } }, [
        el("td", {}, [el("strong", { text: d.code || d.receipt_code }), el("br"), Dossier.statusPill(d.status)]),
        el("td", { "class": "proc", text: I18N.pick(d, "procedure_name") }),
        el("td", { "class": d.late ? "over" : "" }, [Dossier.when(d.due_date), " ", Dossier.lateBadge(d.late)])
      ]));
    });
    table.appendChild(body);
  }

  function open(id, quiet) {
    s.selected = id;
    return api("GET", Dossier.path(id) + "?purpose=processing").then(function (r) {
      s.dossier = r.data; renderDetail(); if (!quiet) { renderQueue(); }
    }, function (err) { flash("error", I18N.errorText(err)); });
  }

  function renderDetail() {
    var d = s.dossier;
    var box = Console.clear($("detail"));
    if (!d) { box.appendChild(el("p", { "class": "hint", text: t("dept.pick") })); return; }
    var proc = d.procedure || {};
    box.appendChild(el("div", { "class": "d-head" }, [el("h2", { id: "d-procedure", text: I18N.pick(proc, "name") }),
      Dossier.statusPill(d.status), Dossier.lateBadge(d.late)]));
    box.appendChild(el("div", { "class": "d-meta" }, [
      el("strong", { id: "d-code", text: t("d.code", { code: d.code || "—" }) }),
      proc.national_code ? el("span", { text: t("d.national_code", { code: proc.national_code }) }) : null,
      el("strong", { text: t("d.due", { due: Dossier.when(d.due_date) }) }),
      d.reason ? el("span", { "class": "warn-note", text: t("d.reason", { r: d.reason }) }) : null
    ]));
    var data = el("dl", { "class": "dept-data" });
    (d.form || []).forEach(function (f) {
      var v = Dossier.fieldValue(f, d.data || {});
      if (!v) { return; }
      data.appendChild(el("dt", { text: I18N.pick(f, "label") }));
      data.appendChild(el("dd", { text: v }));
    });
    box.appendChild(el("h3", { text: t("dept.data") }));
    box.appendChild(data);
    box.appendChild(el("h3", { text: t("dept.papers") }));
    var papers = el("ul", { "class": "d-checklist-ro", id: "d-papers" });
    var byKind = {};
    (d.paper_list || []).forEach(function (p) { (byKind[p.kind] = byKind[p.kind] || []).push(p); });
    (d.checklist || []).forEach(function (item) {
      papers.appendChild(el("li", { "class": "d-item" + (item.received ? " got" : "") + (item.required ? " req" : ""), "data-kind": item.kind }, [
        el("span", { "class": "name", text: (I18N.lang === "en" ? item.en : item.vi) }),
        " ", el("span", { "class": "badge svc", text: t("d.presentation." + item.presentation) + " · " + t("d.count", { n: item.received_count }) }),
        byKind[item.kind] ? Dossier.thumbnails(s.token, d.id, byKind[item.kind]) : null
      ]));
    });
    box.appendChild(papers);
    var open = OPEN.indexOf(d.status) >= 0;
    // the result
    var result = el("div", { "class": "dept-box", id: "d-result" }, [el("h3", { text: t("dept.result") })]);
    if (byKind.KETQUA) { result.appendChild(Dossier.thumbnails(s.token, d.id, byKind.KETQUA)); }
    else { result.appendChild(el("p", { "class": "hint", text: t("dept.result.none") })); }
    if (open || d.status === "result_ready") {
      var bar = el("div", { "class": "d-actions" }, [
        el("button", { type: "button", "class": "btn secondary", id: "d-attach-result", text: t("dept.result.attach"),
          onclick: function () { Dossier.pickFile("image/*,application/pdf", function (f) { attach(f, f.name, "papers"); }); } }),
        el("button", { type: "button", "class": "btn secondary", id: "d-camera-result", text: t("d.attach.camera"),
          onclick: function () { Dossier.camera(function (b) { attach(b, "camera.jpg", "photo"); }, function (m) { flash("error", m); }); } })
      ]);
      if (open) {
        bar.appendChild(el("button", { type: "button", "class": "btn", id: "d-result-ready", text: t("d.result_ready"),
          disabled: !byKind.KETQUA, title: byKind.KETQUA ? null : t("dept.result_ready.needs"),
          onclick: function () { act("result-ready", {}, "d.result_marked"); } }));
      }
      result.appendChild(bar);
    }
    box.appendChild(result);
    if (open && d.status !== "supplement_requested") {
      var kinds = el("div", { "class": "dept-kinds" }, (d.checklist || []).map(function (item) {
        return el("label", {}, [el("input", { type: "checkbox", value: item.kind, "data-kind": item.kind }), " ", I18N.lang === "en" ? item.en : item.vi]);
      }));
      var reason = el("textarea", { id: "d-reason", maxlength: "500" });
      box.appendChild(el("div", { "class": "dept-box", id: "d-supplement-box" }, [
        el("h3", { text: t("dept.supplement") }),
        el("label", { "for": "d-reason", text: t("dept.supplement.reason") }), reason,
        el("div", { "class": "hint", text: t("dept.supplement.kinds") }), kinds,
        el("button", { type: "button", "class": "btn secondary", id: "d-supplement-send", text: t("dept.supplement.send"),
          onclick: function () {
            var picked = Array.prototype.map.call(kinds.querySelectorAll("input:checked"), function (i) { return i.value; });
            if (!reason.value.trim()) { reason.focus(); return; }
            act("supplement-request", { reason: reason.value.trim(), kinds: picked }, "dept.supplement.sent");
          } })
      ]));
    }
  }

  function attach(blob, name, endpoint) {
    flash("info", t("d.attach.busy"));
    Dossier.upload(s.token, s.dossier.id, "KETQUA", blob, name, endpoint).then(function (paper) {
      flash("ok", paper.duplicate ? t("d.attach.duplicate") : t("d.attach.ok", { pages: paper.pages, kind: "KETQUA" }));
      return open(s.dossier.id);
    }, function (err) { flash("error", I18N.errorText(err)); });
  }

  function act(action, body, okKey) {
    api("POST", Dossier.path(s.dossier.id) + "/" + action, body).then(function (r) {
      s.dossier = r.data; renderDetail(); flash("ok", t(okKey)); refresh();
    }, function (err) { flash("error", I18N.errorText(err)); });
  }

  function init() {
    I18N.apply();
    I18N.bindSwitch($("lang"));
    I18N.onChange(function () { renderQueue(); renderDetail(); renderLive(); });
    $("banner-close").addEventListener("click", function () { $("banner").hidden = true; });
    $("signin-form").addEventListener("submit", function (e) { e.preventDefault(); signIn($("f-token").value.trim()); });
    $("signout").addEventListener("click", function () {
      if (s.live) { s.live.stop(); s.live = null; }
      Console.session(KEY, null); s.token = ""; s.dossier = null; s.selected = null; showSignin();
    });
    document.querySelectorAll("[data-filter]").forEach(function (b) {
      b.addEventListener("click", function () {
        s.filter = b.getAttribute("data-filter");
        document.querySelectorAll("[data-filter]").forEach(function (x) { x.setAttribute("aria-pressed", String(x === b)); });
        refresh();
      });
    });
    var fragment = Console.takeFragment();
    if (fragment.token) { s.token = fragment.token; }
    if (s.token) { signIn(s.token); } else { showSignin(); }
  }

  init();
})();
