/* Admin page: the site's late dossiers (past their appointment date), flagged in red; refreshed every 30 s. */
(function () {
  "use strict";

  var t = I18N.t;
  var el = Console.el;
  var card = el("section", { "class": "card", id: "late-dossiers" }, [
    el("div", { "class": "section-head" }, [el("h2", { id: "late-title", text: t("d.late_list") }),
      el("span", { "class": "badge late", id: "late-total", text: "0" })]),
    el("div", { "class": "table-wrap" }, [el("table", { id: "late-table" })])
  ]);

  function render(rows) {
    var table = Console.clear(document.getElementById("late-table"));
    document.getElementById("late-title").textContent = t("d.late_list");
    document.getElementById("late-total").textContent = String(rows.length);
    document.getElementById("late-total").className = "badge " + (rows.length ? "late" : "svc");
    table.appendChild(el("thead", null, [el("tr", null, [t("dept.col.code"), t("dept.col.procedure"), t("dept.col.status"),
      t("dept.col.due")].map(function (h) { return el("th", { text: h }); }))]));
    var body = el("tbody");
    if (!rows.length) { body.appendChild(el("tr", null, [el("td", { colspan: "4", "class": "muted", text: t("d.late_list.none") })])); }
    rows.forEach(function (d) {
      body.appendChild(el("tr", { "class": "late", "data-code": d.code || d.receipt_code }, [
        el("td", { text: d.code || d.receipt_code }), el("td", { text: I18N.pick(d, "procedure_name") }),
        el("td", { text: t("d.status." + d.status) }), el("td", { "class": "over", text: Dossier.when(d.due_date) })
      ]));
    });
    table.appendChild(body);
  }

  var last = [];
  function poll() {
    var token = Console.session("motcua.admin.token");
    var main = document.getElementById("admin");
    var shown = !!(token && main && !main.hidden);
    if (shown) {
      if (!card.parentNode) { main.insertBefore(card, main.children[1] || null); }
      Console.request("GET", "/dossiers?late=true", { token: token }).then(function (r) { last = r.data || []; render(last); },
        function () { /* the admin page shows its own errors */ });
    }
    setTimeout(poll, shown ? 30000 : 1000);
  }
  I18N.onChange(function () { if (card.parentNode) { render(last); } });
  poll();
})();
