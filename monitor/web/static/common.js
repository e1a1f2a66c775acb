// Shared helpers of the dashboard pages: language, formatting, polling.
"use strict";
(function () {
  const I18N = window.MOTCUA_I18N;
  const KEY = "motcua.dashboard.lang";
  let lang = localStorage.getItem(KEY) === "en" ? "en" : "vi";
  const listeners = [];

  function t(key, vars) {
    let text = (I18N[lang] && I18N[lang][key]) || I18N.vi[key] || key;
    if (vars) for (const [k, v] of Object.entries(vars)) text = text.split("{" + k + "}").join(v);
    return text;
  }

  // The text of `prefix + value` (e.g. "role." + a device's role); a value the catalogue lacks is shown as it
  // is, never as a raw catalogue key.
  function label(prefix, value) {
    const key = prefix + value;
    const text = t(key);
    return text === key ? String(value) : text;
  }

  function applyStatic() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  }

  function setLang(next) {
    lang = next;
    localStorage.setItem(KEY, lang);
    applyStatic();
    listeners.forEach((fn) => fn(lang));
  }

  const locale = () => (lang === "vi" ? "vi-VN" : "en-GB");
  function num(value, digits) {
    if (value === null || value === undefined) return "—";
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits ?? 1, minimumFractionDigits: 0 }).format(value);
  }
  const pct = (value) => (value === null || value === undefined ? "—" : num(value, 1) + " %");
  function time(iso) {
    if (!iso) return "—";
    return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "Asia/Ho_Chi_Minh" }).format(new Date(iso));
  }
  function dateTime(iso) {
    if (!iso) return "—";
    return new Intl.DateTimeFormat(locale(), { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh" }).format(new Date(iso));
  }
  function day(iso) {
    return new Intl.DateTimeFormat(locale(), { weekday: "long", day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }).format(new Date(iso + "T00:00:00Z"));
  }
  // Search without diacritics: "yen phong" finds "Yên Phong".
  const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();

  // Good / warning / bad against a target: higher is better unless lowerIsBetter.
  function grade(value, good, bad, lowerIsBetter) {
    if (value === null || value === undefined) return "na";
    if (lowerIsBetter) return value <= good ? "good" : value <= bad ? "warn" : "bad";
    return value >= good ? "good" : value >= bad ? "warn" : "bad";
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  // Signed out (session ended, expired or revoked): back to the login page, then here again.
  function toLogin() {
    location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
  }

  // The CSRF token the server gave this session (a cookie the page may read; the session cookie it may not).
  function csrfToken() {
    const match = document.cookie.split("; ").find((c) => c.startsWith("__Host-motcua_csrf=") || c.startsWith("motcua_csrf="));
    return match ? decodeURIComponent(match.split("=").slice(1).join("=")) : "";
  }

  // A state-changing request of the page: it carries the CSRF token.
  function send(method, url, body) {
    const headers = { "X-CSRF-Token": csrfToken() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  }

  // Poll a JSON URL every `interval` ms; `onData` gets each new body (ETags make unchanged polls cheap).
  function poll(url, interval, onData, onState) {
    let stopped = false;
    async function tick() {
      if (stopped) return;
      try {
        const res = await fetch(url, { cache: "no-cache" });
        if (res.status === 401) { stopped = true; toLogin(); return; }
        if (res.status === 503) { onState("loading"); }
        else if (!res.ok) { onState("error", res.status, await res.json().catch(() => null)); }
        else { onState("live"); onData(await res.json()); }
      } catch (err) {
        onState("offline");
      }
      setTimeout(tick, interval);
    }
    tick();
    return () => { stopped = true; };
  }

  // Who is signed in, and the sign-out button (pages that have them: the dashboard's, not the login page).
  let account = null;
  const accountListeners = [];
  function renderAccount() {
    const who = document.getElementById("who");
    if (who && account) who.textContent = account.name + " · " + t("account.role." + account.role);
  }
  async function setupAccount() {
    const out = document.getElementById("signout");
    if (!out) return;
    out.addEventListener("click", async () => {
      out.disabled = true;
      const res = await send("POST", "/api/v1/auth/logout");
      if (res.ok || res.status === 401) location.assign("/login");
      else out.disabled = false;
    });
    const res = await fetch("/api/v1/auth/me", { cache: "no-store" });
    if (res.status === 401) { toLogin(); return; }
    if (!res.ok) return;
    account = await res.json();
    const exported = document.getElementById("export");
    if (exported && account.role !== "viewer") {
      const site = location.pathname.startsWith("/sites/") ? decodeURIComponent(location.pathname.slice(7)) : "";
      if (site) exported.href += "&site=" + encodeURIComponent(site);
      exported.hidden = false;
    }
    renderAccount();
    accountListeners.forEach((fn) => fn(account));
  }

  function setupHeader() {
    const button = document.getElementById("lang");
    button.addEventListener("click", () => setLang(lang === "vi" ? "en" : "vi"));
    listeners.push(renderAccount);
    applyStatic();
    setupAccount();
  }

  function liveState(state) {
    const badge = document.getElementById("live");
    badge.dataset.state = state;
    if (state === "loading") badge.textContent = t("live.loading");
    if (state === "offline") badge.textContent = t("live.offline");
  }

  window.Dash = {
    t, label, num, pct, time, dateTime, day, fold, grade, el, poll, setupHeader, liveState, send, csrfToken, applyStatic, setLang,
    get lang() { return lang; },
    get account() { return account; },
    onLang(fn) { listeners.push(fn); },
    onAccount(fn) { accountListeners.push(fn); if (account) fn(account); },
  };
})();
