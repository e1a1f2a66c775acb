/* Counter page: a clerk calls, serves, transfers citizens at one counter. */
(function () {
  "use strict";

  var t = I18N.t;
  var el = Console.el;
  var $ = function (id) { return document.getElementById(id); };

  var KEYS = { token: "motcua.counter.token", counter: "motcua.counter.id", staff: "motcua.counter.staff",
               active: "motcua.counter.active" };
  var SHORTCUTS = { "n": "next", " ": "next", "r": "recall", "s": "start", "d": "done", "v": "no-show",
                    "t": "transfer", "p": "pause" };
  var FLASH_MS = { ok: 5000, info: 6000, error: 15000 };

  var state = {
    token: Console.session(KEYS.token) || "",
    counterId: Console.session(KEYS.counter) || "",
    staffId: Console.session(KEYS.staff) || "",
    view: null,
    services: {},
    priorities: {},
    busy: false,
    pending: null,
    live: null,
    liveState: "connecting",
    seq: 0,
    minSeq: 0,
    flash: null,
    flashTimer: null
  };

  // ---------- catalogue data (public)
  function loadCatalogue() {
    return Promise.all([
      Console.request("GET", "/services").then(function (r) {
        state.services = {};
        (r.data || []).forEach(function (s) { state.services[s.code] = s; });
      }, function () { /* shown as codes */ }),
      Console.request("GET", "/priorities").then(function (r) {
        state.priorities = {};
        (r.data || []).forEach(function (p) { state.priorities[p.code] = p; });
      }, function () { /* shown generically */ })
    ]);
  }

  function serviceName(code) {
    var s = state.services[code];
    return s ? I18N.pick(s, "name") : code;
  }

  function priorityBadge(code, extraClass) {
    if (!code) { return null; }
    var p = state.priorities[code];
    var text = p ? t("priority.badge", { name: I18N.pick(p, "name") }) : t("priority.generic");
    return el("span", { "class": "badge prio" + (extraClass ? " " + extraClass : ""), text: text });
  }

  // ---------- messages
  function flash(kind, text) {
    clearTimeout(state.flashTimer);
    state.flash = { kind: kind, text: text };
    state.flashTimer = setTimeout(function () { state.flash = null; showBanner(); }, FLASH_MS[kind] || 6000);
    showBanner();
  }

  function showBanner() {
    var banner = $("banner");
    var action = $("banner-action");
    var message = state.flash;
    action.hidden = true;
    if (!message && state.view && !$("console").hidden) {
      if (state.view.status === "paused") { message = { kind: "warn", text: t("msg.paused_banner") }; }
      else if (state.view.status === "closed") {
        message = { kind: "warn", text: t("msg.closed") };
        action.hidden = false;
        action.textContent = t("msg.reopen");
      }
    }
    if (!message) { banner.hidden = true; return; }
    banner.className = "banner " + message.kind;
    banner.setAttribute("role", message.kind === "error" ? "alert" : "status");
    $("banner-text").textContent = message.text;
    banner.hidden = false;
  }

  // ---------- sign in / out
  function showSignin(errorText, taken) {
    $("console").hidden = true;
    $("signin").hidden = false;
    $("signout").hidden = true;
    $("status").hidden = true;
    $("staff").hidden = true;
    $("live").hidden = true;
    $("counter-name").textContent = t("counter.title");
    $("counter-area").textContent = t("app.centre");
    $("f-counter").value = state.counterId;
    $("f-staff").value = state.staffId;
    $("f-token").value = state.token;
    var error = $("signin-error");
    error.hidden = !errorText;
    error.textContent = errorText || "";
    // Another clerk holds the counter: a manager (admin token) may take it over.
    $("signin-takeover").hidden = !taken;
    showBanner();
    var first = !state.counterId ? "f-counter" : !state.staffId ? "f-staff" : !state.token ? "f-token" : "signin-submit";
    $(first).focus();
  }

  function stopLive() {
    if (state.live) { state.live.stop(); state.live = null; }
  }

  function signIn(counterId, staffId, token, takeover) {
    var error = $("signin-error");
    if (!counterId || !staffId || !token) {
      error.textContent = t("signin.missing");
      error.hidden = false;
      return Promise.resolve();
    }
    if (!/^[A-Za-z0-9_.-]{1,32}$/.test(staffId)) {
      error.textContent = t("signin.staff.invalid");
      error.hidden = false;
      return Promise.resolve();
    }
    $("signin-submit").disabled = true;
    return Console.request("POST", "/counters/" + encodeURIComponent(counterId) + "/sign-in",
      { token: token, body: takeover ? { staff_id: staffId, takeover: true } : { staff_id: staffId } })
      .then(function (response) {
        state.counterId = counterId;
        state.staffId = staffId;
        state.token = token;
        Console.session(KEYS.counter, counterId);
        Console.session(KEYS.staff, staffId);
        Console.session(KEYS.token, token);
        Console.session(KEYS.active, "1");
        state.flash = null;
        enterConsole(response.data);
      }, function (err) {
        state.counterId = counterId;
        state.staffId = staffId;
        state.token = token;
        if (err.status === 401) { state.token = ""; Console.session(KEYS.token, null); }
        showSignin(I18N.errorText(err), err.code === "counter_taken");
      })
      .then(function () { $("signin-submit").disabled = false; });
  }

  function signOut() {
    if (state.busy) { return; }
    state.busy = true;
    Console.request("POST", "/counters/" + encodeURIComponent(state.counterId) + "/sign-out", { token: state.token })
      .then(function () {
        leaveConsole();
        flash("ok", t("msg.signed_out"));
      }, function (err) {
        if (err.status === 401 || err.status === 403) { leaveConsole(); }
        flash("error", I18N.errorText(err));
      })
      .then(function () { state.busy = false; });
  }

  function leaveConsole(errorText) {
    stopLive();
    Console.session(KEYS.active, null);
    state.view = null;
    if (window.DeskPanel) { DeskPanel.reset(); }
    document.title = t("counter.title") + " – " + t("app.name");
    showSignin(errorText);
  }

  function enterConsole(counter) {
    $("signin").hidden = true;
    $("console").hidden = false;
    $("signout").hidden = false;
    $("live").hidden = false;
    if (counter) { render(Object.assign({ waiting: [], today: null }, state.view || {}, counter)); }
    stopLive();
    state.live = Console.live(state.token, refresh, function (s) { state.liveState = s; renderLive(); });
    refresh();
  }

  // ---------- data
  function refresh() {
    if (!state.counterId || !state.token) { return Promise.resolve(); }
    var seq = ++state.seq;
    return Console.request("GET", "/counters/" + encodeURIComponent(state.counterId), { token: state.token })
      .then(function (response) {
        if (seq < state.minSeq || $("console").hidden) { return; }
        var view = response.data;
        var unknown = (view.waiting || []).some(function (w) { return !state.services[w.service]; });
        if (unknown) { loadCatalogue().then(function () { render(state.view); }); }
        render(view);
      }, function (err) {
        if (err.status === 401) { leaveConsole(t("msg.token_invalid")); }
        else if (err.status !== 0) { flash("error", I18N.errorText(err)); }
      });
  }

  // ---------- rendering
  function renderLive() {
    var node = $("live");
    node.className = "live " + (state.liveState === "on" ? "on" : state.liveState === "off" ? "off" : "");
    node.textContent = t(state.liveState === "on" ? "live.on" : state.liveState === "off" ? "live.off" : "live.connecting");
  }

  function render(view) {
    if (!view) { return; }
    state.view = view;
    var name = I18N.pick(view, "name");
    $("counter-name").textContent = name;
    $("counter-area").textContent = (I18N.pick(view, "area") || "") + " · " + (view.services || []).map(serviceName).join(", ");
    $("staff").hidden = !view.staff_id;
    $("staff").textContent = view.staff_id ? t("staff", { id: view.staff_id }) : "";
    var status = $("status");
    status.hidden = false;
    status.className = "pill " + view.status;
    status.textContent = t("status." + view.status);
    renderCurrent(view.current);
    renderButtons(view);
    renderWaiting(view.waiting || []);
    if (window.DeskPanel) { DeskPanel.sync(state.counterId, state.token, view.current); }  // the dossier (desk.js)
    var today = view.today || {};
    $("today-served").textContent = I18N.number(today.served || 0, 0);
    $("today-mean").textContent = I18N.minutes(today.mean_service_min);
    document.title = name + (view.current ? " – " + view.current.number : "") + " – " + t("app.name");
    renderLive();
    showBanner();
  }

  function renderCurrent(current) {
    var card = $("current");
    Console.clear(card);
    card.className = "card current" + (current ? " " + current.status : "");
    if (!current) {
      card.appendChild(el("div", { "class": "empty", id: "current-empty", text: t("current.none") }));
      card.appendChild(el("div", { "class": "empty-hint", text: t("current.none.hint") }));
      return;
    }
    card.appendChild(el("div", { "class": "number", id: "current-number", text: current.number }));
    card.appendChild(el("div", { "class": "service", id: "current-service", text: serviceName(current.service) }));
    var meta = el("div", { "class": "meta" }, [
      el("span", { "class": "pill " + current.status, id: "current-status", text: t("ticket." + current.status) }),
      priorityBadge(current.priority),
      el("span", { "class": "clock", id: "current-clock" }),
      current.recall_count ? el("span", { "class": "badge svc", text: t("current.recalls", { n: current.recall_count }) }) : null
    ]);
    card.appendChild(meta);
    tick();
  }

  function renderButtons(view) {
    var cur = view.current;
    var open = view.status === "open";
    var closed = view.status === "closed";
    var called = !!cur && cur.status === "called";
    var enabled = {
      "next": open && !called,
      "recall": !closed && called,
      "start": !closed && called,
      "done": !closed && !!cur,
      "no-show": !closed && called,
      "transfer": !closed && !!cur,
      "pause": !closed
    };
    document.querySelectorAll(".act").forEach(function (button) {
      button.disabled = !enabled[button.getAttribute("data-action")];
    });
    var pause = $("btn-pause");
    var paused = view.status === "paused";
    pause.classList.toggle("resume", paused);
    $("pause-label").textContent = t(paused ? "action.resume" : "action.pause");
  }

  function waitText(issuedAt) {
    var minutes = Math.max(0, (Console.serverNow() - Date.parse(issuedAt)) / 60000);
    return t("waiting.for", { t: I18N.minutes(Math.floor(minutes)) });
  }

  function renderWaiting(waiting) {
    var list = Console.clear($("waiting-list"));
    $("waiting-count").textContent = String(waiting.length);
    if (!waiting.length) {
      list.appendChild(el("li", { "class": "empty", text: t("waiting.empty") }));
      return;
    }
    waiting.forEach(function (w) {
      list.appendChild(el("li", { "class": w.priority ? "prio" : "", "data-number": w.number }, [
        el("span", { "class": "wnum", text: w.number }),
        el("span", { "class": "wsvc", text: serviceName(w.service) }),
        el("span", { "class": "wwait", "data-issued": w.issued_at, text: waitText(w.issued_at) }),
        w.priority ? el("span", { "class": "wsub" }, [priorityBadge(w.priority)]) : null
      ]));
    });
  }

  var tickCount = 0;
  function tick() {
    var cur = state.view && state.view.current;
    var clock = $("current-clock");
    if (cur && clock) {
      clock.textContent = cur.status === "serving"
        ? t("current.serving_for", { t: Console.elapsed(cur.started_at) })
        : t("current.called_for", { t: Console.elapsed(cur.called_at) });
    }
    if (++tickCount % 15 === 0) {
      document.querySelectorAll("#waiting-list .wwait").forEach(function (node) {
        node.textContent = waitText(node.getAttribute("data-issued"));
      });
    }
  }

  // ---------- actions
  var OK_MESSAGES = { "recall": "msg.recalled", "start": "msg.started", "done": "msg.done", "no-show": "msg.no_show",
                      "pause": "msg.paused", "resume": "msg.resumed" };

  function act(action, body) {
    if (!state.view) { return; }
    if (state.busy) {
      // One action typed ahead runs when the current one is answered (if still applicable then).
      state.pending = { action: action, body: body };
      return;
    }
    if (action === "pause" && state.view.status === "paused") { action = "resume"; }
    var button = $("btn-" + (action === "resume" ? "pause" : action));
    if (button && button.disabled) { return; }
    if (action === "transfer" && body === undefined) { openTransfer(); return; }
    var number = state.view.current ? state.view.current.number : "";
    state.busy = true;
    document.body.classList.add("busy");
    state.flash = null;
    Console.request("POST", "/counters/" + encodeURIComponent(state.counterId) + "/" + action,
      { token: state.token, body: body })
      .then(function (response) {
        state.minSeq = state.seq + 1;
        if (action === "next") {
          if (response.status === 204) { flash("info", t("msg.nobody")); }
          else {
            var view = Object.assign({}, state.view, { current: response.data, status: state.view.status });
            view.waiting = (view.waiting || []).filter(function (w) { return w.id !== response.data.id; });
            render(view);
            flash("ok", t("msg.called", { number: response.data.number }));
          }
        } else {
          render(Object.assign({}, state.view, response.data));
          if (action === "transfer") {
            flash("ok", t("msg.transferred", { number: number, service: serviceName(body.service) }));
          } else {
            flash("ok", t(OK_MESSAGES[action], { number: number }));
          }
        }
      }, function (err) {
        if (err.status === 401) { leaveConsole(t("msg.token_invalid")); return; }
        flash("error", I18N.errorText(err));
      })
      .then(function () {
        state.busy = false;
        document.body.classList.remove("busy");
        refresh();
        var pending = state.pending;
        state.pending = null;
        if (pending) { act(pending.action, pending.body); }
      });
  }

  function openTransfer() {
    var cur = state.view && state.view.current;
    if (!cur) { return; }
    var dialog = $("transfer-dialog");
    $("transfer-title").textContent = t("transfer.title", { number: cur.number });
    var box = Console.clear($("transfer-choices"));
    Object.keys(state.services).forEach(function (code) {
      var s = state.services[code];
      if (!s.active || code === cur.service) { return; }
      box.appendChild(el("button", {
        type: "button", "class": "svc-choice", "data-service": code,
        onclick: function () { dialog.close(); act("transfer", { service: code }); }
      }, [el("span", { "class": "letter", text: s.letter }), el("span", { text: I18N.pick(s, "name") })]));
    });
    dialog.showModal();
    var first = box.querySelector("button");
    if (first) { first.focus(); }
  }

  // ---------- wiring
  function onKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) { return; }
    if ($("console").hidden || $("transfer-dialog").open || Console.isTyping(event.target)) { return; }
    var action = SHORTCUTS[event.key.toLowerCase()];
    if (!action) { return; }
    event.preventDefault();
    act(action);
  }

  function init() {
    I18N.apply();
    I18N.bindSwitch($("lang"));
    I18N.onChange(function () {
      if (state.view && !$("console").hidden) { render(state.view); }
      else { $("counter-name").textContent = t("counter.title"); $("counter-area").textContent = t("app.centre"); }
      if (state.flash) { showBanner(); }
    });
    document.querySelectorAll(".act").forEach(function (button) {
      button.addEventListener("click", function () {
        button.blur();
        act(button.getAttribute("data-action"));
      });
    });
    $("signout").addEventListener("click", signOut);
    $("banner-close").addEventListener("click", function () {
      state.flash = null;
      clearTimeout(state.flashTimer);
      showBanner();  // a state notice (paused, closed) stays
    });
    $("banner-action").addEventListener("click", function () {
      signIn(state.counterId, state.staffId, state.token);
    });
    $("transfer-cancel").addEventListener("click", function () { $("transfer-dialog").close(); });
    $("signin-form").addEventListener("submit", function (event) {
      event.preventDefault();
      signIn($("f-counter").value.trim(), $("f-staff").value.trim(), $("f-token").value.trim());
    });
    $("signin-takeover").addEventListener("click", function () {
      signIn($("f-counter").value.trim(), $("f-staff").value.trim(), $("f-token").value.trim(), true);
    });
    document.addEventListener("keydown", onKey);
    setInterval(tick, 1000);

    var fragment = Console.takeFragment();
    if (fragment.token) { state.token = fragment.token; Console.session(KEYS.token, fragment.token); }
    if (fragment.counter) { state.counterId = fragment.counter; Console.session(KEYS.counter, fragment.counter); }
    if (fragment.staff) { state.staffId = fragment.staff; Console.session(KEYS.staff, fragment.staff); }

    loadCatalogue().then(function () {
      var ready = state.token && state.counterId && state.staffId;
      if (ready && fragment.staff) {
        signIn(state.counterId, state.staffId, state.token);
      } else if (ready && Console.session(KEYS.active) === "1") {
        // A reload of a signed-in page: show the counter as it is (no new sign-in event).
        enterConsole(null);
      } else {
        showSignin();
      }
    });
  }

  init();
})();
