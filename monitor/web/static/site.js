// One site's page: live cards, hourly charts, forecast, services, counters, staff productivity, alerts, devices.
"use strict";
(function () {
  const { t, label, num, pct, el, grade } = Dash;
  const site = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
  const HOURS = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const charts = {};
  let data = null;

  function head(table, keys) {
    table.tHead.replaceChildren(el("tr", {}, ...keys.map(([key, isNum]) => el("th", { class: isNum ? "num" : "", text: t(key, { days: data.period.days }) }))));
  }
  function rows(table, list, make) {
    table.tBodies[0].replaceChildren(...(list.length ? list.map(make) : [el("tr", {}, el("td", { colspan: "9", class: "meta", text: t("none") }))]));
  }
  const td = (text, cls) => el("td", { class: cls || "", text });
  const tdn = (text, cls) => el("td", { class: "num " + (cls || ""), text });
  const pill = (key, cls) => el("td", {}, el("span", { class: "pill " + cls, text: t(key) }));

  function card(id, label, value, extra, cls) {
    return el("div", { class: "card " + (cls || ""), id: "card-" + id },
      el("div", { class: "card-label", text: label }), el("div", { class: "card-value", text: value }),
      extra ? el("div", { class: "card-extra", text: extra }) : null);
  }

  function chart(id, config) {
    if (charts[id]) {
      charts[id].data.labels = config.data.labels;
      charts[id].data.datasets.forEach((ds, i) => Object.assign(ds, config.data.datasets[i]));
      charts[id].update("none");
    } else {
      config.options = Object.assign({ animation: false, maintainAspectRatio: false, responsive: true, interaction: { mode: "index", intersect: false }, plugins: { legend: { position: "bottom" } } }, config.options || {});
      charts[id] = new Chart(document.getElementById(id), config);
    }
  }

  function renderCharts() {
    const labels = HOURS.map((h) => h + "h");
    const pick = (arr) => HOURS.map((h) => arr[h]);
    chart("chart-arrivals", { type: "bar", data: { labels, datasets: [
      { type: "bar", label: t("chart.arrivals_today"), data: pick(data.hourly.arrivals), backgroundColor: "#2563eb" },
      { type: "line", label: t("chart.forecast_today"), data: pick(data.hourly.forecast), borderColor: "#dc2626", backgroundColor: "#dc2626", tension: 0.3, pointRadius: 2 },
      { type: "line", label: t("chart.typical"), data: pick(data.hourly.typical), borderColor: "#64748b", borderDash: [5, 4], pointRadius: 0, tension: 0.3 },
    ] }, options: { scales: { y: { beginAtZero: true } } } });
    chart("chart-waits", { type: "line", data: { labels, datasets: [
      { label: t("chart.median"), data: pick(data.hourly.median_wait_min), borderColor: "#2563eb", backgroundColor: "#2563eb", spanGaps: true, tension: 0.3 },
      { label: t("chart.p90"), data: pick(data.hourly.p90_wait_min), borderColor: "#f59e0b", backgroundColor: "#f59e0b", spanGaps: true, tension: 0.3 },
      { label: t("chart.target"), data: HOURS.map(() => data.targets.wait_min), borderColor: "#dc2626", borderDash: [6, 4], pointRadius: 0 },
    ] }, options: { scales: { y: { beginAtZero: true } } } });
    const next = data.forecast_next;
    const basis = next.basis && next.basis !== "weekday" ? " (" + t("forecast.basis." + next.basis) + ")" : "";
    document.getElementById("next-title").textContent = t("chart.next", { day: Dash.day(next.day) }) + " — " + t("chart.next_total") + " " + num(next.total, 0) + basis;
    chart("chart-next", { type: "bar", data: { labels, datasets: [
      { label: t("chart.forecast"), data: pick(data.forecast_next.hourly).map((v) => Math.round(v * 10) / 10), backgroundColor: "#7c3aed" },
    ] }, options: { scales: { y: { beginAtZero: true } } } });
    chart("chart-daily", { type: "bar", data: { labels: data.daily.map((d) => d.day.slice(8, 10) + "/" + d.day.slice(5, 7)), datasets: [
      { type: "bar", label: t("chart.daily_arrivals"), data: data.daily.map((d) => d.arrivals), backgroundColor: "#93c5fd", yAxisID: "y" },
      { type: "line", label: t("chart.daily_within"), data: data.daily.map((d) => d.within_target_pct), borderColor: "#15803d", backgroundColor: "#15803d", yAxisID: "y1", spanGaps: true, tension: 0.2, pointRadius: 2 },
    ] }, options: { scales: { y: { beginAtZero: true, position: "left" }, y1: { min: 0, max: 100, position: "right", grid: { drawOnChartArea: false } } } } });
  }

  function render() {
    if (!data) return;
    document.title = data.name + " — " + t("app.title");
    document.getElementById("site-name").textContent = data.name;
    const r = data.rank;
    const rankText = r && r.rank ? t("rank.label", { rank: r.rank, of: r.of, level: t("level." + data.level).toLowerCase(), score: num(r.score) }) : t("unranked");
    const staffText = data.one_stop_staff > 0 ? num(data.one_stop_staff, 0) + " " + t("site.staff") : t("site.no_staff");
    document.getElementById("site-meta").textContent = t("level." + data.level) + " · " + staffText + " · " + rankText;
    const live = data.live;
    document.getElementById("cards").replaceChildren(
      card("waiting", t("kpi.waiting"), num(live.waiting_now, 0), num(live.waiting_over_target, 0) + " " + t("kpi.waiting_over"), live.waiting_over_target ? "g-warn" : "g-good"),
      card("arrivals", t("kpi.arrivals"), num(live.arrivals_today, 0), t("kpi.served") + ": " + num(live.served_today, 0)),
      card("median", t("kpi.median_wait"), live.median_wait_min === null ? "—" : num(live.median_wait_min) + " " + t("unit.min"), t("kpi.target") + " ≤ 15 " + t("unit.min"), "g-" + grade(live.median_wait_min, 10, 15, true)),
      card("within", t("kpi.within"), pct(live.within_target_pct), null, "g-" + grade(live.within_target_pct, 90, 75)),
      card("satisfaction", t("kpi.satisfaction"), pct(live.satisfaction_pct), t("kpi.target") + " ≥ 95 %", "g-" + grade(live.satisfaction_pct, 95, 85)),
      card("negative", t("kpi.negative"), pct(live.negative_pct), null, "g-" + grade(live.negative_pct, 5, 10, true)),
    );
    renderCharts();
    const pt = data.period_totals;
    document.getElementById("services-title").textContent = t("section.services", { days: data.period.days });
    document.getElementById("period-note").textContent = t("period.totals", { days: data.period.days, visits: num(pt.visits, 0), dossiers: num(pt.dossiers, 0), wait: num(pt.mean_wait_min) });
    const services = document.getElementById("services");
    head(services, [["col.service"], ["col.visits", 1], ["col.served", 1], ["col.served_today", 1], ["col.median_wait", 1], ["col.p90_wait", 1], ["col.within", 1], ["col.service_min", 1], ["col.dossiers", 1], ["col.satisfaction", 1]]);
    rows(services, data.services, (s) => el("tr", { "data-service": s.service },
      td(t("service." + s.service) === "service." + s.service ? s.service : t("service." + s.service)),
      tdn(num(s.visits, 0)), tdn(num(s.served, 0)), tdn(num(s.served_today, 0)), tdn(num(s.wait_min.median)), tdn(num(s.wait_min.p90)),
      tdn(pct(s.within_target_pct), "g-" + grade(s.within_target_pct, 90, 75)), tdn(num(s.service_min.median)), tdn(num(s.dossiers, 0)),
      tdn(pct(s.satisfaction_pct), "g-" + grade(s.satisfaction_pct, 95, 85))));
    const p = data.productivity;
    const target = p.target_high ? num(p.target_low, 0) + "–" + num(p.target_high, 0) : "≥ " + num(p.target_low, 0);
    const noStaff = p.status === "no_staff";
    document.getElementById("productivity").replaceChildren(el("div", {},
      el("span", { class: "big-figure s-" + p.status, text: noStaff ? t("prod.no_staff") : num(p.per_person_year, 0) }), " ",
      el("span", { class: "meta", text: (noStaff ? "" : t("prod.per_person") + " · ") + t("kpi.target") + " " + target + " · " }),
      el("span", { class: "pill " + p.status, text: t("status." + p.status) }),
      el("div", { class: "meta", text: t("prod.basis." + p.basis) })));
    const noteVars = { days: data.period.days, work: num(p.working_days), staff: num(p.staff, 0), count: num(p.count, 0), level: t("level." + data.level).toLowerCase(), target };
    document.getElementById("productivity-note").textContent = t(noStaff ? "section.productivity_note_no_staff" : "section.productivity_note", noteVars);
    const staff = document.getElementById("staff");
    head(staff, [["col.staff"], ["col.served", 1], ["col.dossiers", 1], ["col.per_year", 1], ["col.status"]]);
    rows(staff, data.staff, (s) => el("tr", {}, td(s.staff_id), tdn(num(s.served, 0)), tdn(num(s.dossiers, 0)), tdn(num(s.per_year, 0)), pill("status." + s.status, s.status)));
    const counters = document.getElementById("counters");
    head(counters, [["col.counter"], ["col.state"], ["col.staff"], ["col.served_today", 1], ["col.served", 1], ["col.median_wait", 1], ["col.service_min", 1], ["col.satisfaction", 1]]);
    rows(counters, data.counters, (c) => el("tr", { "data-counter": c.counter_id }, td(c.counter_id), pill("state." + c.state, c.state), td(c.staff_id || "—"),
      tdn(num(c.served_today, 0)), tdn(num(c.served, 0)), tdn(num(c.wait_min.median)), tdn(num(c.service_min.median)), tdn(pct(c.satisfaction_pct), "g-" + grade(c.satisfaction_pct, 95, 85))));
    const alerts = document.getElementById("alerts");
    head(alerts, [["col.time"], ["col.severity"], ["col.message"]]);
    rows(alerts, data.alerts, (a) => el("tr", {}, td(Dash.dateTime(a.at)), pill("severity." + a.severity, a.severity),
      td((Dash.lang === "vi" ? a.message_vi : a.message_en) + (a.resolved_at ? " (" + t("alert.resolved") + ")" : ""), a.resolved_at ? "meta" : "")));
    const devices = document.getElementById("devices");
    head(devices, [["col.device"], ["col.role"], ["col.state"], ["col.last_seen"]]);
    const presence = (d) => d.presence || d.state;
    const ordered = [...data.devices].sort((a, b) => (presence(a) === "online" ? 1 : 0) - (presence(b) === "online" ? 1 : 0));
    rows(devices, ordered, (d) => el("tr", { "data-device": d.device_id }, td(d.device_id), td(label("role.", d.role)), pill("state." + presence(d), presence(d)), td(Dash.dateTime(d.last_seen))));
    document.getElementById("live").textContent = t("live.updated") + " " + Dash.time(data.generated_at);
    document.body.dataset.version = data.version;
  }

  Dash.setupHeader();
  Dash.onLang(render);
  Dash.poll("/api/v1/dashboard/sites/" + encodeURIComponent(site), 3000, (body) => { data = body; render(); }, (state, status, body) => {
    if (state === "error" && status === 404) {
      const box = document.getElementById("error");
      box.hidden = false;
      box.textContent = body ? (Dash.lang === "vi" ? body.message_vi : body.message_en) : t("site.not_found");
    }
    if (state !== "live" || !data) Dash.liveState(state);
  });
})();
