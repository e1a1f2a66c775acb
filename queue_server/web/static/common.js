/* Shared helpers of the console pages: API calls, live updates (SSE), DOM building, URL fragment. */
(function () {
  "use strict";

  var API = "/api/v1";

  /** An API failure: {status, code, message_vi, message_en}. */
  function ApiError(status, body) {
    this.status = status;
    this.code = (body && body.code) || (status === 0 ? "network" : "http_error");
    this.message_vi = body && body.message_vi;
    this.message_en = body && body.message_en;
  }

  var clockOffsetMs = 0; // server time minus browser time, from the Date header

  function noteServerDate(response) {
    var header = response.headers.get("Date");
    if (!header) { return; }
    var server = Date.parse(header);
    if (isNaN(server)) { return; }
    var offset = server - Date.now();
    // The header has a one-second resolution: only correct clearly wrong browser clocks.
    clockOffsetMs = Math.abs(offset) > 3000 ? offset : 0;
  }

  /**
   * Call the API. Resolves {status, data} (data null on 204); rejects with an ApiError.
   */
  function request(method, path, options) {
    options = options || {};
    var headers = { "Accept": "application/json" };
    if (options.token) { headers["Authorization"] = "Bearer " + options.token; }
    var init = { method: method, headers: headers, cache: "no-store" };
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    return fetch(API + path, init).then(function (response) {
      noteServerDate(response);
      if (response.status === 204) { return { status: 204, data: null }; }
      return response.text().then(function (text) {
        var data = null;
        if (text) {
          try { data = JSON.parse(text); } catch (e) { data = null; }
        }
        if (!response.ok) { throw new ApiError(response.status, data); }
        return { status: response.status, data: data };
      });
    }, function () {
      throw new ApiError(0, null);
    });
  }

  /**
   * Live updates: EventSource on /api/v1/stream; calls onChange() (debounced) after every change,
   * and once on every (re)connection. onState("on"|"off"|"connecting"). A slow poll is the fallback.
   */
  function live(token, onChange, onState, pollMs) {
    var source = null;
    var timer = null;
    var stopped = false;
    var retry = null;
    var poll = null;

    function fire() {
      if (timer) { return; }
      timer = setTimeout(function () { timer = null; if (!stopped) { onChange(); } }, 120);
    }

    function connect() {
      if (stopped) { return; }
      onState("connecting");
      source = new EventSource(API + "/stream?token=" + encodeURIComponent(token));
      source.addEventListener("open", function () { onState("on"); fire(); });
      source.addEventListener("change", fire);
      source.addEventListener("error", function () {
        onState("off");
        // EventSource retries by itself unless the server refused (e.g. 401): then retry ourselves.
        if (source.readyState === EventSource.CLOSED) {
          source = null;
          retry = setTimeout(connect, 5000);
        }
      });
    }

    connect();
    poll = setInterval(fire, pollMs || 30000);
    return {
      stop: function () {
        stopped = true;
        if (source) { source.close(); }
        clearTimeout(retry);
        clearTimeout(timer);
        clearInterval(poll);
      },
      refresh: fire
    };
  }

  /** Build an element: el("div", {class: "x", text: "..."}, [children]). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) { return; }
        if (key === "text") { node.textContent = value; }
        else if (key === "class") { node.className = value; }
        else if (key.slice(0, 2) === "on") { node.addEventListener(key.slice(2), value); }
        else { node.setAttribute(key, value === true ? "" : value); }
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
    return node;
  }

  /** Parameters of the URL fragment (#a=1&b=2), then the fragment is removed from the address bar. */
  function takeFragment() {
    var hash = window.location.hash.replace(/^#/, "");
    if (!hash) { return {}; }
    var params = {};
    hash.split("&").forEach(function (pair) {
      if (!pair) { return; }
      var at = pair.indexOf("=");
      var key = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
      params[key] = at < 0 ? "" : decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " "));
    });
    try {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    } catch (e) {
      window.location.hash = "";
    }
    return params;
  }

  function session(key, value) {
    try {
      if (value === undefined) { return window.sessionStorage.getItem(key); }
      if (value === null) { window.sessionStorage.removeItem(key); } else { window.sessionStorage.setItem(key, value); }
    } catch (e) { /* storage disabled */ }
    return null;
  }

  function serverNow() { return Date.now() + clockOffsetMs; }

  /** "m:ss" or "h:mm:ss" since an ISO time. */
  function elapsed(iso) {
    var start = Date.parse(iso);
    if (isNaN(start)) { return ""; }
    var total = Math.max(0, Math.floor((serverNow() - start) / 1000));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h > 0 ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }

  function isTyping(target) {
    if (!target) { return false; }
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  window.Console = {
    ApiError: ApiError,
    request: request,
    live: live,
    el: el,
    clear: clear,
    takeFragment: takeFragment,
    session: session,
    elapsed: elapsed,
    serverNow: serverNow,
    isTyping: isTyping
  };
})();
