/* The clerk's desk on the counter page: the called citizen's dossier (kiosk-prepared or started here),
 * its form, paper checklist, digitised papers, Receive and the printed slips; late dossiers of the site.
 * counter.js calls DeskPanel.sync(counterId, token, current) after every render.
 */
(function () {
  "use strict";

  var t = I18N.t;
  var el = Console.el;
  var $ = function (id) { return document.getElementById(id); };
  var EDITABLE = { prepared: true, draft: true, supplement_requested: true };

  var s = { token: "", counterId: "", ticketId: null, dossier: null, mode: "hidden", identity: null, busy: false,
            searchTimer: null, hits: [], late: [], lateAt: 0, flash: null };

  function flash(kind, text) {
    s.flash = { kind: kind, text: text };
    var node = $("d-flash");
    if (node) { node.className = "d-flash " + kind; node.textContent = text; node.hidden = false; }
  }

  function api(method, p, body, extraHeaders) {
    var options = { token: s.token, body: body };
    if (extraHeaders) {
      // Console.request has no custom headers: a small fetch for the idempotent calls.
      var headers = { "Accept": "application/json", "Authorization": "Bearer " + s.token, "Content-Type": "application/json" };
      Object.keys(extraHeaders).forEach(function (k) { headers[k] = extraHeaders[k]; });
      return fetch("/api/v1" + p, { method: method, headers: headers, body: JSON.stringify(body || {}) }).then(function (r) {
        return r.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (!r.ok) { throw new Console.ApiError(r.status, data); }
          return { status: r.status, data: data };
        });
      }, function () { throw new Console.ApiError(0, null); });
    }
    return Console.request(method, p, options);
  }

  function key() { return "desk-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10); }

  // ---------- sync with the counter
  function sync(counterId, token, current) {
    s.counterId = counterId; s.token = token;
    var ticketId = current ? current.id : null;
    loadLate();
    if (ticketId === s.ticketId) { return; }
    s.ticketId = ticketId;
    s.identity = null;
    s.flash = null;
    if (!ticketId) {
      // A dossier opened by lookup stays until closed.
      if (s.mode !== "lookup") { s.dossier = null; s.mode = "hidden"; render(); }
      return;
    }
    loadCurrent();
  }

  function loadCurrent() {
    s.mode = "loading"; render();
    api("GET", "/counters/" + encodeURIComponent(s.counterId) + "/current-dossier").then(function (r) {
      s.dossier = r.data; s.mode = "dossier"; render();
    }, function (err) {
      if (err.code === "no_dossier") { s.dossier = null; s.mode = "walkin"; render(); }
      else if (err.code === "no_ticket") { s.dossier = null; s.mode = "hidden"; render(); }
      else { s.mode = "error"; render(); flash("error", I18N.errorText(err)); }
    });
  }

  function reload() {
    if (!s.dossier) { return Promise.resolve(); }
    return api("GET", Dossier.path(s.dossier.id) + "?purpose=intake").then(function (r) { s.dossier = r.data; render(); },
      function (err) { flash("error", I18N.errorText(err)); });
  }

  function loadLate() {
    if (Date.now() - s.lateAt < 20000 || !s.token) { return; }
    s.lateAt = Date.now();
    api("GET", "/dossiers?late=true").then(function (r) { s.late = r.data || []; renderLate(); }, function () { /* not shown */ });
  }

  // ---------- rendering
  function render() {
    var panel = $("dossier");
    if (!panel) { return; }
    document.querySelector(".counter-main").classList.toggle("with-dossier", s.mode !== "hidden");
    panel.hidden = s.mode === "hidden";
    Console.clear(panel);
    panel.appendChild(el("div", { id: "d-flash", "class": "d-flash" + (s.flash ? " " + s.flash.kind : ""), hidden: !s.flash,
                                  role: "status", text: s.flash ? s.flash.text : "" }));
    if (s.mode === "loading") { panel.appendChild(el("p", { "class": "hint", text: t("d.loading") })); return; }
    if (s.mode === "walkin") { renderWalkin(panel); return; }
    if ((s.mode === "dossier" || s.mode === "lookup") && s.dossier) { renderDossier(panel, s.dossier); }
  }

  function lookupBox() {
    var input = el("input", { id: "d-lookup", maxlength: "64", placeholder: t("d.lookup.placeholder"), autocomplete: "off" });
    var go = function () {
      var code = input.value.trim();
      if (!code) { return; }
      api("GET", Dossier.path(code) + "?purpose=lookup").then(function (r) { s.dossier = r.data; s.mode = "lookup"; s.flash = null; render(); },
        function (err) { flash("error", I18N.errorText(err)); });
    };
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); go(); } });
    return el("div", { "class": "field inline" }, [el("label", { "for": "d-lookup", text: t("d.lookup") }),
      el("div", { "class": "row" }, [input, el("button", { type: "button", "class": "btn secondary", id: "d-lookup-go", text: t("d.lookup.go"), onclick: go })])]);
  }

  function scanBox() {
    var input = el("input", { id: "d-cccd", maxlength: "2000", autocomplete: "off", placeholder: t("d.scan_cccd.placeholder") });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); takeCccd(input.value, input); }
    });
    return el("div", { "class": "field" }, [el("label", { "for": "d-cccd", text: t("d.scan_cccd") }), input]);
  }

  // A keyboard-wedge scanner "types" the QR then Enter. Its first key (a digit) outside any field moves the
  // focus to an off-screen capture field, so the rest (letters with diacritics included) lands there and never
  // reaches the counter's shortcuts (the "V" of "Văn" must not mark a no-show). Enter parses it.
  // The text is collected from the input events' data (not the field's value: where the caret stands after
  // an inserted composed character is up to the browser).
  var wedge = { input: null, timer: null, text: "" };
  function wedgeDone() {
    clearTimeout(wedge.timer);
    wedge.text = "";
    wedge.input.value = "";
    wedge.input.blur();
  }
  function onWedgeKey(event) {
    if (s.mode === "hidden" || Console.isTyping(event.target) || event.ctrlKey || event.altKey || event.metaKey) { return; }
    if (event.key.length !== 1 || !/[0-9]/.test(event.key)) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    wedge.text = event.key;
    wedge.input.value = "";
    wedge.input.focus();
    armWedge();
  }
  function armWedge() {
    clearTimeout(wedge.timer);
    wedge.timer = setTimeout(wedgeDone, 800);  // a person typed a digit: give the keyboard back
  }
  function makeWedge() {
    wedge.input = el("input", { id: "d-wedge", "class": "wedge", autocomplete: "off", tabindex: "-1", "aria-hidden": "true" });
    wedge.input.addEventListener("input", function (e) {
      if (typeof e.data === "string") { wedge.text += e.data; }
      armWedge();
    });
    wedge.input.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== "Escape") { return; }
      e.preventDefault();
      var text = wedge.text;
      wedgeDone();
      if (e.key === "Enter" && CCCD.looks(text)) { takeCccd(text, null); }
    });
    document.body.appendChild(wedge.input);
  }

  /** A scanner's QR text typed into a field: parse it, fill what it names, clear the field. */
  function takeCccd(text, input) {
    var identity;
    try { identity = CCCD.parse(text); } catch (e) {
      flash("error", t("d.cccd.bad", { msg: e.message }));
      if (input) { input.value = ""; }
      return false;
    }
    if (input) { input.value = ""; }
    s.identity = identity;
    if (s.dossier && EDITABLE[s.dossier.status]) {
      save(CCCD.prefill(s.dossier.form, identity)).then(function () { flash("ok", t("d.cccd.ok")); });
    } else {
      render();
      flash("ok", t("d.cccd.ok"));
    }
    return true;
  }

  function renderWalkin(panel) {
    panel.appendChild(el("h2", { text: t("d.title") }));
    panel.appendChild(el("p", { "class": "hint", id: "d-none", text: t("d.none") }));
    var row = el("div", { "class": "d-walkin" });
    var search = el("input", { id: "d-search", maxlength: "80", autocomplete: "off", placeholder: t("d.search.placeholder") });
    var hits = el("ol", { id: "d-hits", "class": "d-hits" });
    search.addEventListener("input", function () {
      clearTimeout(s.searchTimer);
      s.searchTimer = setTimeout(function () { findProcedures(search.value, hits); }, 200);
    });
    search.addEventListener("keydown", function (e) {
      if (CCCD.looks(search.value) && e.key === "Enter") { e.preventDefault(); takeCccd(search.value, search); }
    });
    row.appendChild(el("div", { "class": "field" }, [el("label", { "for": "d-search", text: t("d.search") }), search, hits]));
    row.appendChild(el("div", {}, [scanBox(), s.identity ? el("p", { "class": "ok-note", id: "d-identity", text: t("d.cccd.ok") }) : null, lookupBox()]));
    panel.appendChild(row);
  }

  function findProcedures(q, list) {
    Console.clear(list);
    if (!q.trim() || CCCD.looks(q)) { return; }
    Console.request("GET", "/procedures?limit=8&q=" + encodeURIComponent(q.trim())).then(function (r) {
      Console.clear(list);
      var items = (r.data && r.data.items) || [];
      if (!items.length) { list.appendChild(el("li", { "class": "empty", text: t("d.search.empty") })); return; }
      items.forEach(function (p) {
        list.appendChild(el("li", {}, [el("button", { type: "button", "class": "d-hit", "data-code": p.code,
          onclick: function () { startDraft(p.code); } }, [el("strong", { text: I18N.pick(p, "name") }), el("small", { text: " " + p.code })])]));
      });
    }, function (err) { flash("error", I18N.errorText(err)); });
  }

  function startDraft(code) {
    if (s.busy) { return; }
    s.busy = true;
    var body = { procedure_code: code };
    if (s.ticketId) { body.ticket_id = s.ticketId; }
    api("POST", "/dossiers/draft", body, { "Idempotency-Key": key() }).then(function (r) {
      s.dossier = r.data; s.mode = "dossier";
      var values = s.identity ? CCCD.prefill(s.dossier.form, s.identity) : {};
      render();
      if (Object.keys(values).length) { return save(values); }
    }, function (err) { flash("error", I18N.errorText(err)); }).then(function () { s.busy = false; });
  }

  function save(values) {
    if (!s.dossier || !Object.keys(values).length) { return Promise.resolve(); }
    return api("PATCH", Dossier.path(s.dossier.id), { data: values }).then(function (r) { s.dossier = r.data; render(); },
      function (err) { flash("error", I18N.errorText(err)); render(); });
  }

  function input(field, value, editable) {
    var attrs = { id: "df-" + field.name, name: field.name, "data-field": field.name, disabled: !editable };
    var node;
    if (field.type === "choice") {
      node = el("select", attrs, [el("option", { value: "", text: "—" })].concat((field.choices || []).map(function (c) {
        return el("option", { value: c.value, text: I18N.pick(c, "label"), selected: c.value === value });
      })));
    } else {
      attrs.value = value || "";
      // No maxlength: a scanner types a whole CCCD QR (~150 characters) into whichever field has the focus.
      if (field.max_length) { attrs["data-max"] = String(field.max_length); }
      attrs.autocomplete = "off";
      if (field.type === "date") { attrs.placeholder = "dd/mm/yyyy"; }
      if (field.type === "phone" || field.type === "id_number" || field.type === "number") { attrs.inputmode = "numeric"; }
      node = el("input", attrs);
    }
    node.addEventListener("change", function () {
      if (field.type !== "choice" && CCCD.looks(node.value)) { takeCccd(node.value, node); return; }
      var values = {}; values[field.name] = node.value.trim(); save(values);
    });
    node.addEventListener("keydown", function (e) {
      // A scanner types the QR then Enter into whichever field has the focus.
      if (e.key === "Enter" && field.type !== "choice" && CCCD.looks(node.value)) { e.preventDefault(); takeCccd(node.value, node); }
    });
    return node;
  }

  function renderDossier(panel, d) {
    var editable = !!EDITABLE[d.status];
    var proc = d.procedure || {};
    panel.appendChild(el("div", { "class": "d-head" }, [
      el("h2", { id: "d-procedure", text: I18N.pick(proc, "name") || I18N.pick(d, "procedure_name") }),
      Dossier.statusPill(d.status),
      Dossier.lateBadge(d.late),
      el("span", { "class": "badge svc", text: t("d.channel." + d.channel) }),
      proc.on_the_spot ? el("span", { "class": "badge ok", text: t("d.on_the_spot") }) : null,
      el("button", { type: "button", "class": "btn secondary small", id: "d-close", text: t("d.close"),
        hidden: s.mode !== "lookup", onclick: function () {
          s.dossier = null; s.flash = null;
          if (s.ticketId) { loadCurrent(); } else { s.mode = "hidden"; render(); }
        } })
    ]));
    panel.appendChild(el("div", { "class": "d-meta" }, [
      el("span", { id: "d-receipt-code", text: t("d.receipt_code", { code: d.receipt_code }) }),
      d.code ? el("strong", { id: "d-code", text: t("d.code", { code: d.code }) }) : null,
      proc.national_code ? el("span", { text: t("d.national_code", { code: proc.national_code }) }) : null,
      proc.processing_time_vi ? el("span", { text: t("d.processing", { t: I18N.pick(proc, "processing_time") }) }) : null,
      d.due_date ? el("strong", { id: "d-due", text: t("d.due", { due: Dossier.when(d.due_date) }) }) : null,
      d.reason ? el("span", { "class": "warn-note", text: t("d.reason", { r: d.reason }) }) : null
    ]));
    var cols = el("div", { "class": "d-cols" });
    var form = el("form", { id: "d-form", "class": "d-form", autocomplete: "off", onsubmit: function (e) { e.preventDefault(); } });
    form.appendChild(el("h3", { text: t("d.form") }));
    if (editable) { form.appendChild(scanBox()); }
    (d.form || []).forEach(function (field) {
      form.appendChild(el("div", { "class": "field" + (field.required ? " req" : "") }, [
        el("label", { "for": "df-" + field.name, text: I18N.pick(field, "label") + (field.required ? " *" : "") }),
        input(field, (d.data || {})[field.name], editable),
        field.help_vi ? el("small", { "class": "hint", text: I18N.pick(field, "help") }) : null
      ]));
    });
    cols.appendChild(form);
    cols.appendChild(renderChecklist(d, editable));
    panel.appendChild(cols);
    panel.appendChild(renderActions(d));
  }

  function renderChecklist(d, editable) {
    var box = el("div", { "class": "d-checklist" }, [el("h3", { text: t("d.checklist") })]);
    var list = el("ul", { id: "d-checklist" });
    var papersByKind = {};
    (d.paper_list || []).forEach(function (p) { (papersByKind[p.kind] = papersByKind[p.kind] || []).push(p); });
    (d.checklist || []).forEach(function (item) {
      var tick = el("input", { type: "checkbox", id: "dk-" + item.kind, "data-kind": item.kind, checked: item.received, disabled: !editable });
      tick.addEventListener("change", function () { setTick(item.kind, tick.checked, item.received_count || item.count); });
      var count = el("input", { type: "number", min: "0", max: "99", "class": "count", "data-count": item.kind,
        value: String(item.received ? item.received_count : item.count), disabled: !editable, "aria-label": t("d.count.label") });
      count.addEventListener("change", function () { setTick(item.kind, parseInt(count.value, 10) > 0, parseInt(count.value, 10) || 0); });
      var attach = editable ? el("span", { "class": "attach" }, [
        el("button", { type: "button", "class": "btn secondary small", "data-attach": item.kind, text: t("d.attach.file"),
          onclick: function () { Dossier.pickFile("image/*,application/pdf", function (f) { attachFile(item.kind, f, f.name, "papers"); }); } }),
        el("button", { type: "button", "class": "btn secondary small", "data-camera": item.kind, text: t("d.attach.camera"),
          onclick: function () { Dossier.camera(function (b) { attachFile(item.kind, b, "camera.jpg", "photo"); }, function (m) { flash("error", m); }); } }),
        el("button", { type: "button", "class": "btn secondary small", "data-scan": item.kind, text: t("d.attach.scan"),
          onclick: function () { scanPaper(item.kind); } })
      ]) : null;
      var li = el("li", { "class": "d-item" + (item.received ? " got" : "") + (item.required ? " req" : ""), "data-kind": item.kind }, [
        el("label", { "class": "d-tick", "for": "dk-" + item.kind }, [tick, el("span", { "class": "name", text: I18N.lang === "en" ? item.en : item.vi })]),
        el("div", { "class": "d-item-meta" }, [
          el("span", { "class": "badge svc", text: t("d.presentation." + item.presentation) }),
          el("span", { "class": "badge svc", text: t("d.count", { n: item.count }) }),
          el("span", { "class": "badge " + (item.required ? "req" : "opt"), text: t(item.required ? "d.required" : "d.optional") }),
          count, attach
        ]),
        papersByKind[item.kind] ? Dossier.thumbnails(s.token, d.id, papersByKind[item.kind]) : null
      ]);
      list.appendChild(li);
    });
    box.appendChild(list);
    var results = papersByKind.KETQUA;
    if (results) { box.appendChild(el("h3", { text: t("dept.result") })); box.appendChild(Dossier.thumbnails(s.token, d.id, results)); }
    return box;
  }

  function setTick(kind, received, count) {
    var items = {}; items[kind] = { received: received, count: received ? Math.max(1, count || 1) : 0 };
    api("PUT", Dossier.path(s.dossier.id) + "/checklist", { items: items }).then(function (r) { s.dossier = r.data; render(); },
      function (err) { flash("error", I18N.errorText(err)); render(); });
  }

  function attachFile(kind, blob, name, endpoint) {
    flash("info", t("d.attach.busy"));
    document.body.classList.add("busy");
    Dossier.upload(s.token, s.dossier.id, kind, blob, name, endpoint).then(function (paper) {
      flash("ok", paper.duplicate ? t("d.attach.duplicate") : t("d.attach.ok", { pages: paper.pages, kind: kind }));
      return reload();
    }, function (err) { flash("error", I18N.errorText(err)); }).then(function () { document.body.classList.remove("busy"); });
  }

  function scanPaper(kind) {
    flash("info", t("d.attach.busy"));
    api("POST", Dossier.path(s.dossier.id) + "/scan", { kind: kind }).then(function (r) {
      flash("ok", t("d.attach.ok", { pages: r.data.pages, kind: kind }));
      return reload();
    }, function (err) { flash("error", I18N.errorText(err)); });
  }

  function button(id, label, kind, onclick, disabled) {
    return el("button", { type: "button", "class": "btn" + (kind ? " " + kind : ""), id: id, text: label, disabled: !!disabled, onclick: onclick });
  }

  function renderActions(d) {
    var bar = el("div", { "class": "d-actions", role: "toolbar" });
    var missing = d.missing_required || [];
    var names = {};
    (d.checklist || []).forEach(function (i) { names[i.kind] = I18N.lang === "en" ? i.en : i.vi; });
    if (d.status === "prepared" || d.status === "draft") {
      bar.appendChild(el("p", { id: "d-missing", "class": missing.length ? "warn-note" : "ok-note",
        text: missing.length ? t("d.missing", { list: missing.map(function (k) { return names[k] || k; }).join("; ") }) : t("d.complete") }));
      bar.appendChild(button("d-receive", t("d.receive"), "", receive, missing.length > 0));
      if (missing.length) { bar.appendChild(button("d-supplement", t("d.supplement.print"), "secondary", printSupplement)); }
    } else if (d.status === "supplement_requested") {
      bar.appendChild(button("d-supplement", t("d.supplement.print"), "secondary", printSupplement, !missing.length));
      bar.appendChild(button("d-supplemented", t("d.supplemented"), "", function () { transition("supplemented", {}); }, missing.length > 0));
    } else {
      if (d.code && d.status !== "returned" && d.status !== "cancelled" && d.status !== "refused") {
        bar.appendChild(button("d-print", t("d.receipt.print"), "secondary", function () { printReceipt(false); }));
        bar.appendChild(button("d-print-browser", t("d.receipt.browser"), "secondary", function () { printReceipt(true); }));
      }
      var spot = d.procedure && d.procedure.on_the_spot;
      if (d.status === "received" && !spot) { bar.appendChild(button("d-forward", t("d.forward"), "", function () { transition("forward", {}, "d.forwarded"); })); }
      if ((d.status === "received" || d.status === "forwarded") && spot) {
        bar.appendChild(button("d-result-ready", t("d.result_ready"), "", function () { transition("result-ready", {}, "d.result_marked"); }));
      }
      if (d.status === "result_ready") { bar.appendChild(button("d-return", t("d.return"), "", function () { transition("return", {}, "d.returned"); })); }
    }
    return bar;
  }

  function transition(action, body, okKey) {
    api("POST", Dossier.path(s.dossier.id) + "/" + action, body).then(function (r) {
      s.dossier = r.data; s.flash = null; render();
      if (okKey) { flash("ok", t(okKey, { code: r.data.code || r.data.receipt_code })); }
      s.lateAt = 0; loadLate();
    }, function (err) { flash("error", I18N.errorText(err)); });
  }

  function receive() {
    if (s.busy || !s.dossier) { return; }
    s.busy = true;
    var id = s.dossier.id;
    api("POST", Dossier.path(id) + "/receive", {}, { "Idempotency-Key": "receive-" + id }).then(function (r) {
      s.dossier = r.data; render();
      flash("ok", t("d.received", { code: r.data.code, due: Dossier.when(r.data.due_date) }));
      return printReceipt(false, true);
    }, function (err) { flash("error", I18N.errorText(err)); }).then(function () { s.busy = false; });
  }

  function counterQuery() { return "?counter=" + encodeURIComponent(s.counterId); }

  function printReceipt(browser, quiet) {
    var id = s.dossier.id;
    var viaBrowser = function (msg) {
      return api("GET", Dossier.path(id) + "/receipt" + counterQuery()).then(function (r) {
        if (msg) { flash("warn", t("d.print.fallback", { msg: msg })); }
        Dossier.printSlip(r.data);
      }, function (err) { flash("error", I18N.errorText(err)); });
    };
    if (browser) { return viaBrowser(null); }
    return api("POST", Dossier.path(id) + "/receipt/print" + counterQuery()).then(function () {
      var done = t("d.receipt.printed");
      flash("ok", quiet && s.dossier ? t("d.received", { code: s.dossier.code, due: Dossier.when(s.dossier.due_date) }) + " " + done : done);
    }, function (err) { return viaBrowser(I18N.errorText(err)); });
  }

  function printSupplement() {
    var id = s.dossier.id;
    api("POST", Dossier.path(id) + "/missing/print" + counterQuery()).then(function () { flash("ok", t("d.supplement.printed")); },
      function (err) {
        api("GET", Dossier.path(id) + "/missing/slip" + counterQuery()).then(function (r) {
          flash("warn", t("d.print.fallback", { msg: I18N.errorText(err) }));
          Dossier.printSlip(r.data);
        }, function (e2) { flash("error", I18N.errorText(e2)); });
      });
  }

  function renderLate() {
    var box = $("late-list");
    if (!box) { return; }
    $("late-count").textContent = String(s.late.length);
    $("late-card").classList.toggle("has-late", s.late.length > 0);
    Console.clear(box);
    if (!s.late.length) { box.appendChild(el("li", { "class": "empty", text: t("d.late_list.none") })); return; }
    s.late.slice(0, 8).forEach(function (d) {
      box.appendChild(el("li", { "class": "late", "data-code": d.code || d.receipt_code }, [
        el("span", { "class": "wnum", text: d.code || d.receipt_code }),
        el("span", { "class": "wsvc", text: I18N.pick(d, "procedure_name") }),
        el("span", { "class": "badge late", text: t("d.due", { due: Dossier.when(d.due_date) }) })
      ]));
    });
  }

  function init() {
    makeWedge();
    window.addEventListener("keydown", onWedgeKey, true);
    var main = document.querySelector(".counter-main");
    if (!main || $("dossier")) { return; }
    main.appendChild(el("section", { id: "dossier", "class": "card dossier", hidden: true, "aria-live": "polite" }));
    var right = document.querySelector(".right-col");
    if (right) {
      right.appendChild(el("section", { "class": "card late-card", id: "late-card" }, [
        el("h2", {}, [el("span", { text: t("d.late_list") }), " ", el("span", { "class": "count", id: "late-count", text: "0" })]),
        el("ol", { id: "late-list" })
      ]));
    }
    I18N.onChange(function () {
      var h = document.querySelector("#late-card h2 span"); if (h) { h.textContent = t("d.late_list"); }
      render(); renderLate();
    });
  }

  init();
  window.DeskPanel = {
    sync: sync,
    reset: function () { s.ticketId = null; s.dossier = null; s.mode = "hidden"; s.lateAt = 0; render(); },
    state: s
  };
})();
