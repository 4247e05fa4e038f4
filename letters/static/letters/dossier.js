// The dossier page: poll the JSON status until the build is ready or failed. No inline script;
// without JavaScript the page refreshes itself (meta refresh in <noscript>).
(function () {
  "use strict";
  var box = document.getElementById("dossier");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function show(status) {
    document.getElementById("dossier-label").textContent = status.label;
    var bar = document.getElementById("dossier-progress");
    bar.value = status.progress;
    bar.textContent = status.progress + "%";
    var files = document.getElementById("dossier-files");
    files.textContent = files.textContent.replace(/\d+(\D+)\d+/, status.files_done + "$1" + status.files_total);
    var error = document.getElementById("dossier-error");
    error.textContent = status.error || "";
    error.hidden = !status.error;
    document.getElementById("dossier-ready").hidden = !status.ready;
    box.setAttribute("data-state", status.state);
    return status.state === "queued" || status.state === "building";
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (status) { if (show(status)) { window.setTimeout(poll, 1500); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
