// The province overview: cards, the live table of every site, the ranking per level.
"use strict";
(function () {
  const { t, num, pct, el, grade, fold } = Dash;
  let data = null;
  let level = "";
  let rankLevel = "district";
  let query = "";
  let sortKey = "rank";
  let sortDir = 1;
  let rankChart = null;

  const COLUMNS = [
    { key: "name", label: "col.site", cls: "name" },
    { key: "level", label: "col.level" },
    { key: "waiting_now", label: "col.waiting", num: true },
    { key: "waiting_over_target", label: "col.waiting_over", num: true, grade: (v) => grade(v, 0, 3, true) },
    { key: "median_wait_min", label: "col.median_wait", num: true, grade: (v) => grade(v, 10, 15, true) },
    { key: "within_target_pct", label: "col.within", pct: true, grade: (v) => grade(v, 90, 75) },
    { key: "satisfaction_pct", label: "col.satisfaction", pct: true, grade: (v) => grade(v, 95, 85) },
    { key: "negative_pct", label: "col.negative", pct: true, grade: (v) => grade(v, 5, 10, true) },
    { key: "devices_offline", label: "col.devices_offline", num: true, grade: (v) => grade(v, 0, 1, true) },
    { key: "score", label: "col.score", num: true },
    { key: "rank", label: "col.rank", num: true },
    { key: "productivity_per_person_year", label: "col.productivity", num: true },
  ];

  function card(id, label, value, extra, cls) {
    return el("div", { class: "card " + (cls || ""), id: "card-" + id },
      el("div", { class: "card-label", text: label }),
      el("div", { class: "card-value", text: value }),
      extra ? el("div", { class: "card-extra", text: extra }) : null);
  }

  function renderCards() {
    const p = data.province;
    const box = document.getElementById("cards");
    box.replaceChildren(
      card("waiting", t("kpi.waiting"), num(p.waiting_now, 0), num(p.waiting_over_target, 0) + " " + t("kpi.waiting_over"), p.waiting_over_target > 0 ? "warn" : "good"),
      card("median", t("kpi.median_wait"), p.median_wait_min === null ? "—" : num(p.median_wait_min) + " " + t("unit.min"), t("kpi.target") + " ≤ 15 " + t("unit.min"), "g-" + grade(p.median_wait_min, 10, 15, true)),
      card("within", t("kpi.within"), pct(p.within_target_pct), num(p.arrivals_today, 0) + " " + t("kpi.arrivals").toLowerCase(), "g-" + grade(p.within_target_pct, 90, 75)),
      card("satisfaction", t("kpi.satisfaction"), pct(p.satisfaction_pct), t("kpi.target") + " ≥ 95 %", "g-" + grade(p.satisfaction_pct, 95, 85)),
      card("negative", t("kpi.negative"), pct(p.negative_pct), null, "g-" + grade(p.negative_pct, 5, 10, true)),
      card("devices", t("kpi.devices_offline"), num(p.devices_offline, 0) + " / " + num(p.devices, 0), null, p.devices_offline ? "g-bad" : "g-good"),
      card("alerts", t("kpi.alerts"), num(p.open_alerts, 0), null, p.open_alerts ? "g-warn" : "g-good"),
      card("active", t("kpi.sites_active"), num(p.sites_active_today, 0) + " / " + num(p.sites, 0), null, ""),
    );
  }

  function levelName(l) { return t("level." + l); }

  function cell(col, row) {
    const v = row[col.key];
    if (col.key === "name") {
      return el("td", { class: "name" }, el("a", { href: "/sites/" + encodeURIComponent(row.site), text: row.name }));
    }
    if (col.key === "level") return el("td", { text: levelName(row.level) });
    if (col.key === "rank") return el("td", { class: "num", text: v === null ? "—" : v + "/" + row.rank_of });
    if (col.key === "productivity_per_person_year") {
      const text = row.productivity_status === "no_staff" ? t("prod.no_staff") : num(v, 0);
      return el("td", { class: "num s-" + row.productivity_status, text });
    }
    const text = col.pct ? pct(v) : num(v, col.key === "score" || col.key === "median_wait_min" ? 1 : 0);
    return el("td", { class: "num" + (col.grade ? " g-" + col.grade(v) : "") }, text);
  }

  function sortedRows() {
    const rows = data.sites.filter((r) => (!level || r.level === level) && (!query || fold(r.name + " " + r.site).includes(query)));
    const order = { province: 0, district: 1, commune: 2 };
    rows.sort((a, b) => {
      let x = a[sortKey], y = b[sortKey];
      if (sortKey === "rank" || sortKey === "level") { x = order[a.level] * 1000 + (a.rank ?? 999); y = order[b.level] * 1000 + (b.rank ?? 999); }
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      if (typeof x === "string") return sortDir * x.localeCompare(y, "vi");
      return sortDir * (x - y);
    });
    return rows;
  }

  function renderTable() {
    const table = document.getElementById("sites");
    const head = el("tr");
    for (const col of COLUMNS) {
      const th = el("th", { class: col.num || col.pct ? "num sortable" : "sortable", "data-key": col.key, text: t(col.label) + (sortKey === col.key ? (sortDir > 0 ? " ▲" : " ▼") : "") });
      th.addEventListener("click", () => { if (sortKey === col.key) sortDir = -sortDir; else { sortKey = col.key; sortDir = col.num || col.pct ? -1 : 1; } renderTable(); });
      head.append(th);
    }
    table.tHead.replaceChildren(head);
    const body = sortedRows().map((row) => {
      const tr = el("tr", { "data-site": row.site });
      for (const col of COLUMNS) {
        const td = cell(col, row);
        td.dataset.key = col.key;
        tr.append(td);
      }
      return tr;
    });
    table.tBodies[0].replaceChildren(...body);
  }

  function renderRanking() {
    document.getElementById("rank-note").textContent = t("section.ranking_note", { days: data.period.days });
    const rows = data.sites.filter((r) => r.level === rankLevel).sort((a, b) => (a.rank ?? 9999) - (b.rank ?? 9999));
    const table = document.getElementById("ranking");
    table.tHead.replaceChildren(el("tr", {},
      el("th", { class: "num", text: t("col.rank") }), el("th", { text: t("col.site") }), el("th", { class: "num", text: t("col.score") }),
      el("th", { class: "num", text: t("col.comp_wait") }), el("th", { class: "num", text: t("col.comp_sat") }),
      el("th", { class: "num", text: t("col.comp_neg") }), el("th", { class: "num", text: t("col.comp_prod") }),
      el("th", { class: "num", text: t("col.visits", { days: data.period.days }) })));
    table.tBodies[0].replaceChildren(...rows.map((r) => el("tr", { "data-site": r.site },
      el("td", { class: "num", text: r.rank === null ? "—" : String(r.rank) }),
      el("td", { class: "name" }, el("a", { href: "/sites/" + encodeURIComponent(r.site), text: r.name })),
      el("td", { class: "num strong", text: r.score === null ? t("unranked") : num(r.score) }),
      el("td", { class: "num", text: num(r.components.wait) }), el("td", { class: "num", text: num(r.components.satisfaction) }),
      el("td", { class: "num", text: num(r.components.negative) }), el("td", { class: "num", text: num(r.components.productivity) }),
      el("td", { class: "num", text: num(r.period_visits, 0) }))));
    const ranked = rows.filter((r) => r.score !== null);
    const labels = ranked.map((r) => r.name.replace(/^(UBND |Bộ phận một cửa )/, ""));
    const parts = [["wait", "col.comp_wait", "#2563eb"], ["satisfaction", "col.comp_sat", "#16a34a"], ["negative", "col.comp_neg", "#f59e0b"], ["productivity", "col.comp_prod", "#7c3aed"]];
    const weights = data.targets.ranking_weights;
    const datasets = parts.map(([key, label, color]) => ({
      label: t(label) + " × " + weights[key], backgroundColor: color,
      data: ranked.map((r) => r.components[key] === null ? 0 : Math.round(r.components[key] * weights[key] * 10) / 10),
    }));
    const box = document.querySelector(".chart-box.tall");
    box.style.height = Math.max(220, 22 * ranked.length + 60) + "px";
    if (!rankChart) {
      rankChart = new Chart(document.getElementById("rank-chart"), {
        type: "bar", data: { labels, datasets },
        options: { indexAxis: "y", animation: false, maintainAspectRatio: false, responsive: true,
          scales: { x: { stacked: true, max: 100 }, y: { stacked: true, ticks: { autoSkip: false, font: { size: 11 } } } },
          plugins: { legend: { position: "bottom" } } },
      });
    } else {
      rankChart.data.labels = labels;
      rankChart.data.datasets.forEach((ds, i) => { ds.label = datasets[i].label; ds.data = datasets[i].data; });
      rankChart.update("none");
    }
  }

  function render() {
    if (!data) return;
    const sites = data.province.sites;
    document.getElementById("subtitle").textContent = sites === 1 ? t("app.subtitle_one") : t("app.subtitle", { sites: num(sites, 0) });
    renderCards();
    renderTable();
    renderRanking();
    const badge = document.getElementById("live");
    badge.textContent = t("live.updated") + " " + Dash.time(data.generated_at);
    document.body.dataset.version = data.version;
  }

  function tabs(id, onPick) {
    document.querySelectorAll("#" + id + " button").forEach((b) => b.addEventListener("click", () => {
      document.querySelectorAll("#" + id + " button").forEach((x) => x.classList.toggle("on", x === b));
      onPick(b.dataset.level);
      render();
    }));
  }

  Dash.setupHeader();
  Dash.onLang(render);
  tabs("level-tabs", (l) => { level = l; });
  tabs("rank-tabs", (l) => { rankLevel = l; });
  document.getElementById("search").addEventListener("input", (e) => { query = fold(e.target.value.trim()); renderTable(); });
  Dash.poll("/api/v1/dashboard/overview", 3000, (body) => { data = body; render(); }, (state) => { if (state !== "live" || !data) Dash.liveState(state); });
})();
