/* Drafts are saved as the applicant types, and a changed form warns before the page is left.

   A form with data-autosave-url sends each textarea[data-autosave] to the server a moment after
   typing stops (and at once when a link is followed), and shows "Saved at ..." in #autosave-status.
   Every form with data-warn-unsaved asks before the page is left with changes that are not saved.
   No inline script: the site's Content-Security-Policy allows scripts from the site's files only. */
(function () {
  "use strict";
  var DELAY = 1200;
  var forms = document.querySelectorAll("form[data-autosave-url], form[data-warn-unsaved]");
  if (!forms.length) { return; }
  var status = document.getElementById("autosave-status");
  var submitting = false;
  var watchers = [];

  function say(template, values, isError) {
    if (!status || !template) { return; }
    var text = template;
    Object.keys(values || {}).forEach(function (k) { text = text.replace("%(" + k + ")s", values[k]); });
    status.textContent = text;
    status.classList.toggle("text-danger", !!isError);
    status.classList.toggle("text-success", !isError && text !== "");
  }

  function snapshot(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "submit" || el.type === "button" || el.name === "csrfmiddlewaretoken") { return; }
      if (el.hasAttribute("data-autosave") && form.hasAttribute("data-autosave-url")) { return; }
      if (el.type === "checkbox" || el.type === "radio") { parts.push(el.name + "=" + el.checked + ":" + el.value); }
      else { parts.push(el.name + "=" + el.value); }
    });
    return parts.join("&");
  }

  function watch(form) {
    var url = form.getAttribute("data-autosave-url");
    var areas = url ? form.querySelectorAll("textarea[data-autosave]") : [];
    var saved = {};
    var timer = null;
    var inFlight = null;
    var initial = snapshot(form);
    Array.prototype.forEach.call(areas, function (area) { saved[area.name] = area.defaultValue; });

    function pending() {
      return Array.prototype.filter.call(areas, function (area) { return area.value !== saved[area.name]; });
    }

    function save() {
      clearTimeout(timer);
      timer = null;
      var changed = pending();
      if (!changed.length) { return Promise.resolve(true); }
      var body = new FormData();
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      if (form.getAttribute("data-criterion")) { body.append("criterion", form.getAttribute("data-criterion")); }
      var sent = {};
      changed.forEach(function (area) { body.append(area.name, area.value); sent[area.name] = area.value; });
      say(status && status.getAttribute("data-saving"));
      inFlight = fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (response.redirected) {  // the session ended: the answer is the sign-in page
            throw new Error(status ? status.getAttribute("data-signed-out") : "");
          }
          return response.json().catch(function () { return {}; }).then(function (data) {
            if (!response.ok || !data.saved) { throw new Error(data.error || response.statusText || String(response.status)); }
            Object.keys(sent).forEach(function (name) {
              saved[name] = sent[name];
              try { window.sessionStorage.removeItem("qf-draft:" + window.location.pathname + ":" + name); } catch (e) { /* ignore */ }
            });
            say(status && status.getAttribute("data-saved"), { time: data.saved_at_display });
            return true;
          });
        })
        .catch(function (error) {
          say(status && status.getAttribute("data-failed"), { error: error.message }, true);
          return false;
        })
        .then(function (ok) { inFlight = null; return ok; });
      return inFlight;
    }

    Array.prototype.forEach.call(areas, function (area) {
      area.addEventListener("input", function () {
        say(status && status.getAttribute("data-unsaved"));
        clearTimeout(timer);
        timer = setTimeout(save, DELAY);
      });
    });
    form.addEventListener("submit", function () { submitting = true; });

    var watcher = {
      autosaves: areas.length > 0,
      unsavedByScript: function () { return pending().length > 0; },
      otherChanges: function () { return snapshot(form) !== initial; },
      save: save,
    };
    watchers.push(watcher);
  }

  Array.prototype.forEach.call(forms, watch);

  function anyUnsaved() {
    return watchers.some(function (w) { return w.unsavedByScript() || w.otherChanges(); });
  }

  // A link followed with unsaved text: save first, then go (the server has it before the next page loads).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    if (link.target && link.target !== "_self") { return; }
    if (link.origin !== window.location.origin || link.getAttribute("href").charAt(0) === "#") { return; }
    var toSave = watchers.filter(function (w) { return w.unsavedByScript(); });
    if (!toSave.length || watchers.some(function (w) { return w.otherChanges(); })) { return; }
    event.preventDefault();
    Promise.all(toSave.map(function (w) { return w.save(); })).then(function () {
      window.location.assign(link.href);
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !anyUnsaved()) { return; }
    event.preventDefault();
    event.returnValue = "";
    return "";
  });
}());
