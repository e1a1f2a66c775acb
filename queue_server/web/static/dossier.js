/* Shared pieces of the dossier screens (counter desk, department): papers, thumbnails, capture, printing. */
(function () {
  "use strict";

  var t = I18N.t;
  var el = Console.el;
  var API = "/api/v1";

  function path(id) { return "/dossiers/" + encodeURIComponent(id); }

  /** POST a file as multipart (file + kind) to a dossier's papers (or photo) endpoint; resolves the paper. */
  function upload(token, dossierId, kind, blob, filename, endpoint) {
    var form = new FormData();
    form.append("kind", kind);
    form.append("file", blob, filename || "paper");
    return fetch(API + path(dossierId) + "/" + (endpoint || "papers"), {
      method: "POST", headers: { "Authorization": "Bearer " + token, "Accept": "application/json" }, body: form
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) { throw new Console.ApiError(response.status, data); }
        return data;
      });
    }, function () { throw new Console.ApiError(0, null); });
  }

  var thumbCache = {};
  /** An <img> of page n of a paper (fetched with the token: an <img src> cannot send it). */
  function thumbnail(token, dossierId, paper, n) {
    var img = el("img", { "class": "thumb", alt: paper.kind + " " + (n + 1), "data-paper": paper.id, "data-page": String(n) });
    var key = paper.id + "/" + n;
    if (thumbCache[key]) { img.src = thumbCache[key]; return img; }
    fetch(API + path(dossierId) + "/papers/" + encodeURIComponent(paper.id) + "/thumbnails/" + n,
      { headers: { "Authorization": "Bearer " + token }, cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.blob(); })
      .then(function (blob) { thumbCache[key] = URL.createObjectURL(blob); img.src = thumbCache[key]; },
            function () { img.classList.add("broken"); });
    return img;
  }

  /** Thumbnails of every page of the given papers. */
  function thumbnails(token, dossierId, papers) {
    var box = el("div", { "class": "thumbs" });
    (papers || []).forEach(function (paper) {
      var pages = paper.thumbnails || 0;
      for (var n = 0; n < pages; n++) { box.appendChild(thumbnail(token, dossierId, paper, n)); }
      if (!pages) { box.appendChild(el("span", { "class": "badge svc", text: t("d.pages", { n: paper.pages }) })); }
    });
    return box;
  }

  function statusPill(status) {
    return el("span", { "class": "pill d-" + status, "data-status": status, text: t("d.status." + status) });
  }

  function lateBadge(late) { return late ? el("span", { "class": "badge late", text: t("d.late") }) : null; }

  /** "dd/mm/yyyy" of a yyyy-mm-dd date, or "HH:MM dd/mm/yyyy" of an ISO time. */
  function when(value) {
    if (!value) { return t("none"); }
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) { return value.slice(8, 10) + "/" + value.slice(5, 7) + "/" + value.slice(0, 4); }
    var d = new Date(value);
    if (isNaN(d)) { return value; }
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  /** Print slip lines ({text,size,bold,align,kind}) from the browser: the same layout on an 80 mm page. */
  function printSlip(slip) {
    var area = document.getElementById("print-area");
    if (!area) { area = el("div", { id: "print-area" }); document.body.appendChild(area); }
    Console.clear(area);
    var paper = el("div", { "class": "slip" });
    (slip.lines || []).forEach(function (line) {
      if (line.kind === "rule") { paper.appendChild(el("hr")); return; }
      if (line.kind === "blank") { paper.appendChild(el("div", { "class": "blank" })); return; }
      if (line.kind === "qr") {
        if (slip.qr_png) { paper.appendChild(el("img", { "class": "qr", src: slip.qr_png, alt: line.text })); }
        return;
      }
      paper.appendChild(el("div", { "class": "l " + line.size + (line.bold ? " b" : "") + " a-" + line.align, text: line.text }));
    });
    area.appendChild(paper);
    document.body.classList.add("printing-slip");
    var done = function () { document.body.classList.remove("printing-slip"); window.removeEventListener("afterprint", done); };
    window.addEventListener("afterprint", done);
    if (!window.__noBrowserPrint) { window.print(); } else { area.setAttribute("data-ready", "1"); }
  }

  // ---------- document camera (getUserMedia), one dialog per page
  function camera(onBlob, onError) {
    var dialog = document.getElementById("camera-dialog");
    if (!dialog) {
      dialog = el("dialog", { id: "camera-dialog", "class": "camera" }, [
        el("h2", { text: t("d.camera.title") }),
        el("video", { id: "camera-video", autoplay: true, playsinline: true, muted: true }),
        el("div", { "class": "row" }, [
          el("button", { type: "button", "class": "btn", id: "camera-shoot", text: t("d.camera.shoot") }),
          el("button", { type: "button", "class": "btn secondary", id: "camera-cancel", text: t("d.camera.cancel") })
        ])
      ]);
      document.body.appendChild(dialog);
    }
    var video = document.getElementById("camera-video");
    var stream = null;
    function stop() { if (stream) { stream.getTracks().forEach(function (tr) { tr.stop(); }); } stream = null; dialog.close(); }
    document.getElementById("camera-cancel").onclick = stop;
    document.getElementById("camera-shoot").onclick = function () {
      var canvas = document.createElement("canvas");
      canvas.width = video.videoWidth || 1280;
      canvas.height = video.videoHeight || 720;
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { stop(); onBlob(blob); }, "image/jpeg", 0.92);
    };
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      onError(t("d.camera.unavailable", { msg: "getUserMedia" }));
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 2592 }, height: { ideal: 1944 }, facingMode: "environment" } })
      .then(function (s) { stream = s; video.srcObject = s; dialog.showModal(); },
            function (err) { onError(t("d.camera.unavailable", { msg: err && err.name ? err.name : String(err) })); });
  }

  /** A hidden file input that calls onFile(file) once picked. */
  function pickFile(accept, onFile) {
    var input = el("input", { type: "file", accept: accept, "class": "file-input", hidden: true });
    input.addEventListener("change", function () { if (input.files && input.files[0]) { onFile(input.files[0]); } input.remove(); });
    document.body.appendChild(input);
    input.click();
    return input;
  }

  function fieldValue(field, data) {
    var value = data[field.name];
    if (value === undefined || value === null || value === "") { return ""; }
    if (field.type === "choice") {
      var c = (field.choices || []).filter(function (x) { return x.value === value; })[0];
      if (c) { return I18N.pick(c, "label"); }
    }
    return value;
  }

  window.Dossier = {
    path: path, upload: upload, thumbnails: thumbnails, statusPill: statusPill, lateBadge: lateBadge, when: when,
    printSlip: printSlip, camera: camera, pickFile: pickFile, fieldValue: fieldValue
  };
})();
