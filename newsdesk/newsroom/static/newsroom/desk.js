// The desk, enhanced: the queues refresh themselves and the frequent actions take one key. Without this script
// the desk is complete (every action is a link or a form; new items show on reload).
// - Refresh: the desk's queues are polled as the reader feed polls /live/events: each poll names the position it
//   has (If-None-Match), and a desk where nothing moved answers a bodiless 304. Jittered, slower while the tab is
//   hidden, at once when it is shown again. The item that has the focus keeps it across a refresh.
// - Keys (listed on the page): never while the focus is in a field, and never with Ctrl, Alt or Meta.
(function () {
  "use strict";
  var desk = document.querySelector("[data-desk]");
  if (!desk) return;
  var queues = desk.querySelector("[data-desk-queues]");
  var status = desk.querySelector("[data-desk-status]");
  var POLL_MS = Math.max(1000, 1000 * (parseFloat(desk.dataset.deskPoll) || 3));
  var HIDDEN_MS = Math.max(POLL_MS, 30000);
  var etag = "";
  var timer = null;
  var failures = 0;

  function items() { return Array.prototype.slice.call(queues.querySelectorAll("[data-desk-item]")); }

  function current() {
    var el = document.activeElement;
    return el && queues.contains(el) ? el.closest("[data-desk-item]") : null;
  }

  function refresh() {
    var headers = { "X-Requested-With": "fetch" };
    if (etag) headers["If-None-Match"] = etag;
    return fetch(desk.dataset.deskRefresh, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 304) { failures = 0; return; }
        if (!r.ok || r.redirected) throw new Error("desk refresh: " + r.status);
        var tag = r.headers.get("ETag") || "";
        return r.text().then(function (html) {
          failures = 0;
          etag = tag;
          replace(html);
        });
      })
      .catch(function () { failures += 1; });
  }

  function replace(html) {
    var focused = current();
    var key = focused ? focused.closest("section, details").className + "|" + focused.dataset.deskItem : "";
    var open = {};
    queues.querySelectorAll("details").forEach(function (d) { open[d.className] = d.open; });
    queues.innerHTML = html;
    queues.querySelectorAll("details").forEach(function (d) { if (open[d.className]) d.open = true; });
    if (key) {
      var parts = key.split("|");
      var again = items().filter(function (li) {
        return li.dataset.deskItem === parts[1] && li.closest("section, details").className === parts[0];
      })[0];
      if (again) again.focus();
    }
    var now = new Date();
    status.textContent = "Desk updated at " + now.toLocaleTimeString();
  }

  function delay() {
    var base = document.hidden ? HIDDEN_MS : POLL_MS;
    if (failures) base = Math.min(60000, POLL_MS * Math.pow(2, failures));
    return base * (0.8 + Math.random() * 0.4);
  }

  function loop() {
    clearTimeout(timer);
    refresh().then(function () { timer = setTimeout(loop, delay()); });
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) loop(); });
  etag = queues.dataset.deskPosition || "";
  timer = setTimeout(loop, delay());

  // --- keys -------------------------------------------------------------------------------------------------
  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, button, [contenteditable], [role=textbox]")) &&
      !target.matches("button");
  }

  function move(step) {
    var list = items().filter(function (li) { return li.offsetParent !== null; });
    if (!list.length) return;
    var at = list.indexOf(current());
    var next = list[Math.min(list.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  function act(name) {
    var item = current();
    if (!item) return false;
    var control = item.querySelector('[data-desk-action="' + name + '"]');
    if (!control) return false;
    if (name === "publish") {
      var headline = item.querySelector('[data-desk-action="edit"]').textContent;
      if (!window.confirm(control.textContent.trim() + ": “" + headline + "”?")) return true;
    }
    control.click();
    return true;
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || typing(e.target)) return;
    var done = true;
    switch (e.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "e": done = act("edit"); break;
      case "Enter": done = e.target.matches("[data-desk-item]") && act("edit"); break;
      case "v": done = act("preview"); break;
      case "p": done = act("publish"); break;
      case "s": done = act("spike"); break;
      case "r": done = act("rewrite"); break;
      case "t": done = act("take"); break;
      case "f": {
        var flash = desk.querySelector("[data-desk-flash]");
        if (flash) flash.focus(); else done = false;
        break;
      }
      case "/": desk.querySelector("[data-desk-filter]").focus(); break;
      case "?": {
        var help = document.getElementById("desk-shortcuts");
        help.open = !help.open;
        break;
      }
      default: done = false;
    }
    if (done) e.preventDefault();
  });
})();
