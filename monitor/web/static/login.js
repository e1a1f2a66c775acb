// The login page: language, the server's error (if any) in the chosen language, focus.
"use strict";
(function () {
  const box = document.getElementById("error");
  function show() {
    const code = box.dataset.error;
    box.hidden = !code;
    if (code) box.textContent = Dash.t("login.error." + code);
    document.title = Dash.t("login.title");
  }
  Dash.setupHeader();
  Dash.onLang(show);
  show();
  const user = document.getElementById("username");
  (user.value ? document.getElementById("password") : user).focus();
  document.getElementById("login").addEventListener("submit", () => { document.getElementById("submit").disabled = true; });
})();
