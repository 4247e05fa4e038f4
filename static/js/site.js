// Marks the navigation link of the section the page belongs to (the longest matching path), so
// that the bars show where the reader is; public pages stay identical for every visitor.
(function () {
  "use strict";
  var here = window.location.pathname;
  var best = null;
  var bestLength = 0;
  document.querySelectorAll(".site-nav .navbar-nav > .nav-item > a.nav-link, .work-nav a.nav-link").forEach(function (link) {
    var path = new URL(link.href, window.location.href).pathname;
    var isHome = /^\/[a-z-]+\/$/.test(path);
    var matches = isHome ? here === path : here.indexOf(path) === 0;
    if (matches && path.length > bestLength) {
      best = link;
      bestLength = path.length;
    }
  });
  if (best) {
    best.classList.add("active");
    best.setAttribute("aria-current", "page");
  }
})();
