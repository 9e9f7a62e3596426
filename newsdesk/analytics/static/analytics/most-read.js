// Turns the Most read box's links and panels into ARIA tabs. Without this script the links jump to the
// panels (CSS shows the one targeted), so the box works without JavaScript.
(function () {
  var box = document.querySelector("[data-most-read]");
  if (!box) return;
  var list = box.querySelector(".most-read__tabs");
  var tabs = Array.prototype.slice.call(list.querySelectorAll("a"));
  var panels = tabs.map(function (tab) {
    return document.getElementById(tab.getAttribute("href").slice(1));
  });

  function select(index, focus) {
    tabs.forEach(function (tab, i) {
      var selected = i === index;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      panels[i].hidden = !selected;
    });
    if (focus) tabs[index].focus();
  }

  box.classList.add("most-read--tabs");
  list.setAttribute("role", "tablist");
  list.setAttribute("aria-labelledby", "most-read-title");
  tabs.forEach(function (tab, i) {
    tab.parentNode.setAttribute("role", "presentation");
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", panels[i].id);
    panels[i].setAttribute("role", "tabpanel");
    panels[i].setAttribute("aria-labelledby", tab.id);
    panels[i].tabIndex = 0;
    tab.addEventListener("click", function (event) {
      event.preventDefault();
      select(i, false);
    });
    tab.addEventListener("keydown", function (event) {
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select((next + tabs.length) % tabs.length, true);
    });
  });
  var initial = panels.findIndex(function (panel) {
    return "#" + panel.id === location.hash;
  });
  select(initial < 0 ? 0 : initial, false);
})();
