// Progressive enhancements; every page works without them.
(function () {
  "use strict";
  // "Print" links open the print dialog instead of reloading the page.
  document.querySelectorAll("[data-print]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
  });

  // Guides that may already answer what is being typed (the appeal form's text).
  var box = document.querySelector("[data-guide-suggest]");
  if (!box) { return; }
  var source = document.getElementById(box.dataset.guideSuggest);
  var list = box.querySelector("ul");
  var opened = document.getElementById("id_guide");
  var timer = null;
  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = source.value.trim();
      if (text.length < 12) { box.hidden = true; return; }
      fetch(box.dataset.url + "?q=" + encodeURIComponent(text.slice(0, 300)), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {guides: []}; })
        .then(function (data) {
          list.replaceChildren();
          data.guides.slice(0, 3).forEach(function (guide) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = guide.url + "?from=appeal";
            link.target = "_blank";
            link.rel = "noopener";
            link.textContent = guide.title;
            link.addEventListener("click", function () { if (opened) { opened.value = guide.slug; } });
            item.appendChild(link);
            list.appendChild(item);
          });
          box.hidden = data.guides.length === 0;
        })
        .catch(function () { box.hidden = true; });
    }, 400);
  });
})();
