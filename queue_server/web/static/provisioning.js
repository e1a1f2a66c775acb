// Enrolment codes (text + QR), pending/enrolled/revoked devices, revoke. The admin token comes from
// the page fragment (#token=...) like the admin page, and stays in sessionStorage only.
"use strict";
(function () {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("token")) { sessionStorage.setItem("motcua.admin", hash.get("token")); history.replaceState(null, "", location.pathname); }
  const token = sessionStorage.getItem("motcua.admin") || "";
  const $ = (id) => document.getElementById(id);
  const STATUS = { pending: "Chờ đăng ký / pending", enrolled: "Đã đăng ký / enrolled", revoked: "Đã thu hồi / revoked",
    expired: "Mã hết hạn / code expired", locked: "Mã bị khoá / code locked" };

  function fail(body) {
    $("banner-text").textContent = body && body.message_vi ? `${body.message_vi} — ${body.message_en}` : "Lỗi / Error";
    $("banner").hidden = false;
  }
  async function api(method, path, body) {
    const r = await fetch(`/api/v1/provisioning${path}`, { method, headers: { "Authorization": `Bearer ${token}`,
      "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    const data = await r.json().catch(() => null);
    if (!r.ok) { fail(data); throw new Error(String(r.status)); }
    $("banner").hidden = true;
    return data;
  }
  function cell(row, text) { const td = document.createElement("td"); td.textContent = text; row.appendChild(td); return td; }
  async function load() {
    const devices = await api("GET", "/devices");
    const body = $("devices").querySelector("tbody");
    body.replaceChildren();
    for (const d of devices) {
      const tr = document.createElement("tr");
      cell(tr, d.id); cell(tr, d.role); cell(tr, d.counter_id || "–"); cell(tr, STATUS[d.status] || d.status);
      cell(tr, d.config_version ? `v${d.config_version} (chạy / runs ${d.reported_config_version ?? "?"})` : "–");
      const actions = cell(tr, "");
      if (d.status !== "revoked") {
        const b = document.createElement("button");
        b.className = "btn danger"; b.type = "button"; b.textContent = "Thu hồi / Revoke";
        b.addEventListener("click", async () => {
          if (confirm(`Thu hồi ${d.id}? / Revoke ${d.id}?`)) { await api("POST", `/devices/${encodeURIComponent(d.id)}/revoke`); load(); }
        });
        actions.appendChild(b);
      }
      body.appendChild(tr);
    }
  }
  $("code-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const counter = $("f-counter").value.trim();
    const issued = await api("POST", "/codes", { role: $("f-role").value, counter_id: counter || null, label: $("f-label").value });
    $("issued-code").textContent = issued.code;
    $("issued-device").textContent = `${issued.device_id} (${issued.role})`;
    $("issued-expires").textContent = new Date(issued.expires_at).toLocaleTimeString("vi-VN");
    $("issued-fp").textContent = issued.ca_fingerprint;
    // The SVG comes from our own server's QR encoder; parse it as SVG rather than injecting HTML.
    const svg = new DOMParser().parseFromString(issued.qr_svg, "image/svg+xml").documentElement;
    $("issued-qr").replaceChildren(document.importNode(svg, true));
    $("issued").hidden = false;
    load();
  });
  $("refresh").addEventListener("click", load);
  load();
})();
