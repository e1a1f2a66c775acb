// Staffing advice page: GET /api/v1/staffing, a table of counters per hour (rows) and service (columns).
(function () {
  "use strict";
  var KEY = "motcua.admin.token";  // shared with the admin page (sessionStorage, never localStorage)
  var $ = function (id) { return document.getElementById(id); };

  function cell(tag, text, title) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (title) { el.title = title; }
    return el;
  }

  function render(data) {
    var codes = data.services.map(function (s) { return s.code; });
    var head = $("advice").tHead, body = $("advice").tBodies[0];
    head.textContent = ""; body.textContent = "";
    var row = head.insertRow();
    row.appendChild(cell("th", "Giờ / Hour"));
    data.services.forEach(function (s) {
      row.appendChild(cell("th", s.code, "TB " + s.mean_min + " phút/min, cv " + s.cv));
    });
    row.appendChild(cell("th", "Tổng / Total"));
    var byHour = {};
    data.advice.forEach(function (a) { (byHour[a.hour] = byHour[a.hour] || {})[a.service] = a; });
    Object.keys(byHour).map(Number).sort(function (x, y) { return x - y; }).forEach(function (hour) {
      var tr = body.insertRow();
      tr.appendChild(cell("th", (hour < 10 ? "0" : "") + hour + ":00"));
      codes.forEach(function (code) {
        var a = byHour[hour][code];
        tr.appendChild(cell("td", a ? String(a.counters) : "0",
          a ? a.arrivals + " lượt/giờ arrivals/h · p90 " + a.p90_wait_min + " phút/min · " + Math.round(100 * a.utilisation) + " %" : ""));
      });
      tr.appendChild(cell("td", String(data.counters_per_hour[hour] || 0)));
    });
    $("status").textContent = data.days_of_history
      ? "Dự báo từ " + data.days_of_history + " ngày có dữ liệu / Forecast from " + data.days_of_history + " days with tickets."
      : "Chưa có dữ liệu các ngày trước / No history yet.";
  }

  function load() {
    var token = $("token").value.trim();
    if (token) { sessionStorage.setItem(KEY, token); }
    var url = "/api/v1/staffing?target=" + encodeURIComponent($("target").value) + "&days=" + encodeURIComponent($("days").value);
    fetch(url, { headers: { "Authorization": "Bearer " + token } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { $("status").textContent = res.body.message_vi + " / " + res.body.message_en; return; }
        render(res.body);
      })
      .catch(function () { $("status").textContent = "Không kết nối được máy chủ / Cannot reach the server."; });
  }

  var fragment = new URLSearchParams(window.location.hash.slice(1));
  if (fragment.get("token")) {
    sessionStorage.setItem(KEY, fragment.get("token"));
    history.replaceState(null, "", window.location.pathname);  // keep the token out of the address bar
  }
  $("token").value = sessionStorage.getItem(KEY) || "";
  $("load").addEventListener("click", load);
  if ($("token").value) { load(); }
})();
