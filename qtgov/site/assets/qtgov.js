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
  function init() {
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
