/* motcua staff console: the MQTT broker state of the site server in the top bar (GET /api/v1/health).
 * A pill with id "broker-state", class "live on|off", data-state connected|disconnected|none|unknown;
 * polled every few seconds. Needs i18n.js.
 */
(function () {
  "use strict";

  var POLL_MS = 3000;
  var state = "unknown";
  var pill = document.createElement("span");
  pill.id = "broker-state";
  pill.className = "live";
  pill.setAttribute("role", "status");

  function render() {
    pill.dataset.state = state;
    pill.className = "live " + (state === "connected" ? "on" : state === "unknown" ? "" : "off");
    pill.textContent = I18N.t("broker." + state);
    pill.title = I18N.t("broker." + state + ".title");
  }

  function poll() {
    fetch("/api/v1/health", { cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { mqtt: "unknown" }; })
      .then(function (body) { state = body.mqtt || "unknown"; }, function () { state = "unknown"; })
      .then(function () { render(); setTimeout(poll, POLL_MS); });
  }

  var bar = document.querySelector(".topbar");
  if (!bar) { return; }
  var brand = bar.querySelector(".brand");
  bar.insertBefore(pill, brand ? brand.nextSibling : bar.firstChild);
  render();
  I18N.onChange(render);
  poll();
})();
