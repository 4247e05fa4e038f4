/* A live character counter for narratives, and a copy of the text in sessionStorage so that
   nothing typed is lost if the page is left or the session ends before saving. */
(function () {
  "use strict";
  var areas = document.querySelectorAll("textarea[data-counter]");
  areas.forEach(function (area) {
    var limit = parseInt(area.getAttribute("maxlength"), 10) || 0;
    var counter = document.getElementById("narrative-counter");
    var template = counter ? counter.getAttribute("data-template") : "";
    var key = "qf-draft:" + window.location.pathname + ":" + area.name;
    var restoredNote = document.getElementById("draft-restored");

    function update() {
      if (!counter) { return; }
      var text = template.replace("%(count)s", area.value.length).replace("%(limit)s", limit);
      counter.textContent = text;
      counter.classList.toggle("text-danger", limit && area.value.length > limit * 0.95);
    }

    try {
      var saved = window.sessionStorage.getItem(key);
      if (saved === area.value) {
        window.sessionStorage.removeItem(key);
      } else if (saved !== null && saved !== area.value && saved.trim() !== "") {
        area.value = saved;
        if (restoredNote) { restoredNote.classList.remove("d-none"); }
      }
    } catch (e) { /* storage may be disabled: the server keeps posted text as well */ }

    area.addEventListener("input", function () {
      update();
      try { window.sessionStorage.setItem(key, area.value); } catch (e) { /* ignore */ }
    });
    update();
  });
}());
