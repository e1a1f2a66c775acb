/* Track page: the citizen follows a ticket from the QR code on the slip (public; polls every 10 s). */
(function () {
  "use strict";

  var t = I18N.t;
  var $ = function (id) { return document.getElementById(id); };
  var POLL_MS = 10000;

  var ticketId = decodeURIComponent(window.location.pathname.replace(/\/+$/, "").split("/").pop() || "");
  var state = { ticket: null, priorities: {}, error: null, updatedAt: null, langFromTicket: false };
  var timer = null;

  function counterName(ticket) {
    return I18N.pick(ticket, "counter_name") || t("track.counter_generic");
  }

  function statusText(ticket) {
    switch (ticket.status) {
      case "waiting":
        if (ticket.people_ahead === null || ticket.people_ahead === undefined) {
          return { headline: t("track.waiting.unknown") };
        }
        if (ticket.people_ahead === 0) { return { headline: t("track.waiting.next") }; }
        return { headline: t("track.waiting", {
          n: ticket.people_ahead,
          m: I18N.number(Math.max(1, Math.round(ticket.estimated_wait_min || 0)), 0)
        }) };
      case "called":
        return { headline: t("track.called", { counter: counterName(ticket) }), detail: t("track.called.hint") };
      case "serving":
        return { headline: t("track.serving", { counter: counterName(ticket) }) };
      case "done":
        return { headline: t("track.done") };
      case "no_show":
        return { headline: t("track.no_show") };
      case "cancelled":
        return { headline: t("track.cancelled") };
      default:
        return { headline: ticket.status };
    }
  }

  function errorText(err) {
    return err.status === 404 ? t("track.not_found") : I18N.errorText(err);
  }

  function render() {
    var status = $("status");
    if (state.error && !state.ticket) {
      $("ticket").hidden = true;
      status.hidden = false;
      status.className = "status error";
      $("headline").textContent = errorText(state.error);
      $("detail").textContent = "";
      $("where").hidden = true;
      $("note").hidden = true;
      $("updated").textContent = "";
      return;
    }
    var original = state.ticket;
    if (!original) { return; }
    // A transferred ticket continues as its new ticket in the other service.
    var ticket = original.status === "transferred" && original.transferred_to ? original.transferred_to : original;
    $("ticket").hidden = false;
    $("number").textContent = ticket.number;
    $("service").textContent = I18N.pick(ticket, "service_name");
    var prio = $("priority");
    if (ticket.priority) {
      var p = state.priorities[ticket.priority];
      prio.textContent = p ? t("priority.badge", { name: I18N.pick(p, "name") }) : t("priority.generic");
      prio.hidden = false;
    } else {
      prio.hidden = true;
    }
    var text = statusText(ticket);
    status.hidden = false;
    status.className = "status " + ticket.status;
    $("headline").textContent = text.headline;
    $("detail").textContent = text.detail || "";
    $("detail").hidden = !text.detail;
    var where = $("where");
    var places = I18N.lang === "en" ? ticket.counters_en : ticket.counters_vi;
    where.hidden = ticket.status !== "waiting" || !places || !places.length;
    where.textContent = places && places.length ? t("track.counters", { list: places.join(", ") }) : "";
    var note = $("note");
    note.hidden = ticket === original;
    note.textContent = ticket === original ? "" : t("track.transferred", { service: I18N.pick(ticket, "service_name") });
    var updated = state.updatedAt ? t("track.updated", { time: I18N.time(state.updatedAt) }) : "";
    $("updated").textContent = state.error ? t("track.stale") + " " + updated : updated;
    document.title = ticket.number + " – " + t("track.title");
  }

  function load() {
    clearTimeout(timer);
    if (!ticketId) {
      state.error = { status: 404 };
      render();
      return;
    }
    Console.request("GET", "/tickets/" + encodeURIComponent(ticketId)).then(function (response) {
      state.ticket = response.data;
      state.error = null;
      state.updatedAt = new Date();
      if (!I18N.hasStoredChoice() && !state.langFromTicket && state.ticket.lang && state.ticket.lang !== I18N.lang) {
        state.langFromTicket = true;
        I18N.setLang(state.ticket.lang, false);
      }
      state.langFromTicket = true;
      render();
    }, function (err) {
      state.error = err;
      if (err.status === 404) { state.ticket = null; }
      render();
    }).then(function () {
      timer = setTimeout(load, POLL_MS);
    });
  }

  function init() {
    I18N.apply();
    I18N.bindSwitch($("lang"));
    I18N.onChange(render);
    Console.request("GET", "/priorities").then(function (r) {
      (r.data || []).forEach(function (p) { state.priorities[p.code] = p; });
      render();
    }, function () { /* generic badge */ });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { load(); }
    });
    load();
  }

  init();
})();
