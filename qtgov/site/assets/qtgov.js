/* qtgov handbook: filter the agreement registry by type, status and in-force, and the member
   cards by sector, region and status.
   No dependencies; the table works without JavaScript (every row is shown). */
(function () {
  "use strict";
  function setup(box) {
    var table = null;
    var node = box.nextElementSibling;
    while (node && !table) {
      table = node.tagName === "TABLE" ? node : node.querySelector("table");
      node = node.nextElementSibling;
    }
    if (!table || !table.tBodies.length) { return; }
    var selects = box.querySelectorAll("select[data-qt-column]");
    function apply() {
      var rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        var show = true;
        for (var j = 0; j < selects.length; j++) {
          var want = selects[j].value;
          var cell = rows[i].cells[parseInt(selects[j].getAttribute("data-qt-column"), 10)];
          if (want && (!cell || cell.textContent.trim() !== want)) { show = false; }
        }
        rows[i].hidden = !show;
      }
    }
    for (var k = 0; k < selects.length; k++) { selects[k].addEventListener("change", apply); }
    box.hidden = false;
    apply();
  }
  /* Cards (the member directory): each select names a data attribute holding space-separated
     values; a card is shown when it carries every chosen value. */
  function setupCards(box) {
    var cards = document.querySelectorAll(".qt-card");
    var selects = box.querySelectorAll("select[data-qt-attr]");
    function apply() {
      for (var i = 0; i < cards.length; i++) {
        var show = true;
        for (var j = 0; j < selects.length; j++) {
          var want = selects[j].value;
          var have = cards[i].getAttribute("data-" + selects[j].getAttribute("data-qt-attr")) || "";
          if (want && have.indexOf(" " + want + " ") < 0) { show = false; }
        }
        cards[i].hidden = !show;
      }
    }
    for (var k = 0; k < selects.length; k++) { selects[k].addEventListener("change", apply); }
    box.hidden = false;
    apply();
  }
  /* Search (Material for MkDocs): a result whose page title is the query, or starts with it,
     comes first. The engine ranks by how often the query's words occur, so a page that merely
     mentions a member could outrank the member's own page. The other results keep its order. */
  function normal(text) { return (text || "").replace(/[\u200b\s]+/g, " ").trim().toLowerCase(); }
  function setupSearch() {
    var list = document.querySelector(".md-search-result__list");
    var input = document.querySelector("input.md-search__input");
    if (!list || !input || !window.MutationObserver) { return; }
    function rank(item, query) {
      var heading = item.querySelector("h1");
      var title = normal(heading ? heading.textContent : "");
      return title === query ? 0 : (title.indexOf(query) === 0 ? 1 : 2);
    }
    function reorder() {
      var query = normal(input.value);
      if (!query) { return; }
      var items = Array.prototype.slice.call(list.children);
      var ranked = items.map(function (item, i) { return [rank(item, query), i, item]; });
      ranked.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
      for (var i = 0; i < ranked.length; i++) {
        if (ranked[i][2] !== items[i]) {
          for (var j = 0; j < ranked.length; j++) { list.appendChild(ranked[j][2]); }
          return;
        }
      }
    }
    new MutationObserver(reorder).observe(list, { childList: true });
  }
  function init() {
    setupSearch();
    var boxes = document.querySelectorAll("[data-qt-filter]");
    for (var i = 0; i < boxes.length; i++) { setup(boxes[i]); }
    var cardBoxes = document.querySelectorAll("[data-qt-cards]");
    for (var c = 0; c < cardBoxes.length; c++) { setupCards(cardBoxes[c]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
