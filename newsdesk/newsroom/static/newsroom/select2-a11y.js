// Names the admin's select2 autocomplete boxes for screen readers. select2 4.0.13 (Django's) names a single
// choice's box only by the chosen item, so an empty one had no name; it gives a multiple choice's search field
// no name at all; it marks the chosen item's text as a read-only textbox, unnamed when empty; and it puts the
// decorative "×" that clears the choice straight into its list of chosen items.
// Each box is named after its field's label (or, in a table row, the field's aria-label); the "×" is hidden
// from assistive technology (it is a mouse shortcut: Backspace clears from the keyboard).
(function () {
  "use strict";

  function fieldName(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    var text = label ? label.textContent : select.getAttribute("aria-label") || select.name;
    return text.replace(/:\s*$/, "").trim();
  }

  function name(select) {
    var container = select.nextElementSibling; // select2 puts its box right after the <select>
    if (!container || !container.classList.contains("select2")) return;
    var text = fieldName(select);
    var box = container.querySelector(".select2-selection--single");
    if (box && box.getAttribute("aria-label") !== text) {
      var rendered = box.querySelector(".select2-selection__rendered");
      box.id = box.id || select.id + "-box";
      box.setAttribute("aria-label", text); // the field, then the chosen item
      box.setAttribute("aria-labelledby", box.id + (rendered && rendered.id ? " " + rendered.id : ""));
      if (rendered) { // a read-only "textbox" with no name of its own when empty; the box's name has its text
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
    }
    container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
      field.setAttribute("aria-label", text);
    });
    container.querySelectorAll(".select2-selection__clear:not([aria-hidden])").forEach(function (clear) {
      clear.setAttribute("aria-hidden", "true");
    });
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(name);
    // An open single choice's search field lives in a dropdown at the end of the page.
    var open = document.querySelector('.select2-selection[aria-expanded="true"]');
    document.querySelectorAll(".select2-dropdown .select2-search__field:not([aria-label])").forEach(function (field) {
      field.setAttribute("aria-label", "Search: " + ((open && open.getAttribute("aria-label")) || "choices"));
    });
  }

  // select2 builds its boxes when the page is ready, again for each new inline row, and redraws the chosen
  // items on every change: name whatever it has drawn.
  new MutationObserver(nameAll).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", nameAll);
})();
