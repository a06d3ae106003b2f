/* Long checkbox lists (e.g. countries) in a fieldset.filterable: a search box narrows the
   list as one types, and a count says how many are ticked. Without this script the whole
   list shows and works as plain checkboxes. */
(function () {
  "use strict";
  function t(singular, plural, n) {
    if (typeof window.ngettext === "function") {
      return window.interpolate(window.ngettext(singular, plural, n), [n]);
    }
    return (n === 1 ? singular : plural).replace("%s", n);
  }
  function setUp(fieldset) {
    var bar = fieldset.querySelector(".choice-filter-bar");
    var box = fieldset.querySelector(".choice-filter");
    var count = fieldset.querySelector(".choice-count");
    var options = Array.prototype.slice.call(fieldset.querySelectorAll("input[type=checkbox]"));
    if (!bar || !box) { return; }
    bar.hidden = false;
    function rows() {
      return options.map(function (input) {
        return input.closest("div") || input.parentNode;
      });
    }
    var items = rows();
    function showCount() {
      var n = options.filter(function (input) { return input.checked; }).length;
      count.textContent = t("%s chosen", "%s chosen", n);
    }
    box.addEventListener("input", function () {
      var q = box.value.trim().toLowerCase();
      items.forEach(function (row) {
        var input = row.querySelector("input");
        row.hidden = q !== "" && !input.checked && row.textContent.toLowerCase().indexOf(q) === -1;
      });
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    fieldset.addEventListener("change", showCount);
    showCount();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("fieldset.filterable"), setUp);
  });
})();
