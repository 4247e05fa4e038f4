/* The collaborators picker: a search field that asks the server for names on the public register
   (only those: nothing other applicants typed) and adds the one chosen as a ticked box. */
(function () {
  "use strict";
  document.querySelectorAll(".collaborator-picker").forEach(function (picker) {
    var url = picker.getAttribute("data-search-url");
    var name = picker.getAttribute("data-name");
    var input = picker.querySelector(".collaborator-search");
    var results = picker.querySelector(".collaborator-results");
    var picked = picker.querySelector(".picked");
    var status = picker.querySelector(".collaborator-status");
    var timer = null;
    var asked = 0;

    function close() {
      results.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
    }

    function add(id, label) {
      var box = picked.querySelector("input[value='" + id + "']");
      if (box) { box.checked = true; return; }
      var item = document.createElement("li");
      item.className = "form-check";
      var check = document.createElement("input");
      check.type = "checkbox";
      check.className = "form-check-input";
      check.name = name;
      check.value = id;
      check.checked = true;
      check.id = input.id + "-" + id;
      var text = document.createElement("label");
      text.className = "form-check-label";
      text.htmlFor = check.id;
      text.textContent = label;
      item.appendChild(check);
      item.appendChild(text);
      picked.appendChild(item);
      check.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(items) {
      close();
      status.textContent = items.length ? "" : picker.getAttribute("data-none");
      items.forEach(function (body) {
        var option = document.createElement("li");
        option.className = "list-group-item list-group-item-action";
        option.setAttribute("role", "option");
        option.tabIndex = -1;
        option.textContent = body.name;
        option.addEventListener("click", function () {
          add(body.id, body.name);
          input.value = "";
          close();
          input.focus();
        });
        option.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); option.click(); }
          if (event.key === "ArrowDown" && option.nextElementSibling) { event.preventDefault(); option.nextElementSibling.focus(); }
          if (event.key === "ArrowUp") { event.preventDefault(); (option.previousElementSibling || input).focus(); }
          if (event.key === "Escape") { close(); input.focus(); }
        });
        results.appendChild(option);
      });
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function search() {
      var query = input.value.trim();
      if (!query) { close(); status.textContent = ""; return; }
      var ticket = ++asked;
      fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (ticket === asked) { show(data.results || []); } })
        .catch(function () { /* the box below takes any name */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // never submit the form from the search field
        if (results.firstElementChild) { results.firstElementChild.click(); }
      }
      if (event.key === "ArrowDown" && results.firstElementChild) { event.preventDefault(); results.firstElementChild.focus(); }
      if (event.key === "Escape") { close(); }
    });
  });
}());
