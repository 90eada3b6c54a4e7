// Zensical 0.0.73's search dialog has its labels written into its JavaScript in English and reads
// no translation. On pages of another language this puts them into that language: the dialog
// lives in an open shadow root, which is watched, and only its own labels are rewritten (whole
// attribute values and whole text nodes that equal an English label, and the result count),
// never the text of a search result. qtgov's build writes QT_SEARCH_LABELS in front of this file.
(function () {
  "use strict";
  var labels = window.QT_SEARCH_LABELS;
  if (!labels) return;
  var words = labels.words;
  var count = /^([\d,]+) results?$/;

  function text(value) {
    if (Object.prototype.hasOwnProperty.call(words, value)) return words[value];
    var m = count.exec(value);
    if (m) return m[1] === "1" ? labels.one : labels.many.replace("{n}", m[1]);
    if (value === "No results") return labels.none;
    return null;
  }

  function translate(root) {
    root.querySelectorAll("[placeholder], [aria-label]").forEach(function (el) {
      ["placeholder", "aria-label"].forEach(function (name) {
        var value = el.getAttribute(name);
        var wanted = value && Object.prototype.hasOwnProperty.call(words, value) ? words[value] : null;
        if (wanted && wanted !== value) el.setAttribute(name, wanted);
      });
    });
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var parent = node.parentElement;
      if (parent && parent.closest("[role=listbox]")) continue; // a result: the page's own text
      var value = node.data.trim();
      var wanted = value ? text(value) : null;
      if (wanted && wanted !== value) node.data = wanted;
    }
  }

  var watched = [];
  function watch() {
    document.querySelectorAll("*").forEach(function (el) {
      var root = el.shadowRoot;
      if (!root || watched.indexOf(root) >= 0) return;
      watched.push(root);
      translate(root);
      new MutationObserver(function () {
        translate(root);
      }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  }
  // The dialog is made when the page loads or when search is first opened (a click, a key).
  function soon() {
    window.setTimeout(watch, 0);
    window.setTimeout(watch, 250);
  }
  var tries = 0;
  var timer = window.setInterval(function () {
    watch();
    if (watched.length || ++tries > 40) window.clearInterval(timer);
  }, 250);
  document.addEventListener("click", soon, true);
  document.addEventListener("keydown", soon, true);
  watch();
})();
