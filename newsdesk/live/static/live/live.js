// Live feed: "N new stories" over Server-Sent Events (polling where EventSource fails); urgent stories at once.
// Progressive enhancement only: without this script the page is complete, new stories show on reload.
(function () {
  "use strict";
  var hook = document.querySelector("[data-live]");
  if (!hook) return;
  var notice = hook.querySelector("[data-live-notice]");
  var status = hook.querySelector("[data-live-status]");
  var sections = (hook.dataset.liveSections || "").split(" ").filter(Boolean);
  var last = "";
  var since = hook.dataset.liveSince || "";
  var pending = [];
  var POLL_MS = 15000;

  function target() {
    var next = hook.nextElementSibling;
    if (next && next.matches("ol.cards")) return next;
    var list = next && next.querySelector("ol.cards");
    if (list) return list;
    list = document.createElement("ol");
    list.className = "cards";
    var empty = next && next.querySelector(".empty");
    if (empty) empty.remove();
    (next || hook.parentNode).prepend(list);
    return list;
  }

  function shown(story) {
    return document.querySelector('a[href="' + CSS.escape(story.url) + '"]') !== null ||
      pending.some(function (p) { return p.url === story.url; });
  }

  function card(story) {
    var li = document.createElement("li");
    li.className = "card card--live" + (story.urgent ? " card--urgent" : "");
    var h = document.createElement("h3");
    h.className = "card__headline";
    if (story.urgent) {
      var label = document.createElement("strong");
      label.className = "urgent-label";
      label.textContent = "Urgent";
      var colon = document.createElement("span");
      colon.className = "visually-hidden";
      colon.textContent = ":";
      label.append(colon);
      h.append(label, " ");
    }
    var a = document.createElement("a");
    a.href = story.url;
    a.textContent = story.headline;
    h.append(a);
    var meta = document.createElement("p");
    meta.className = "card__meta";
    meta.textContent = story.time + " · " + story.section_name;
    li.append(h, meta);
    return li;
  }

  function insert(stories) {
    var list = target();
    stories.forEach(function (story) { list.prepend(card(story)); });
  }

  function plural(n) { return n === 1 ? "1 new story" : n + " new stories"; }

  function render() {
    notice.hidden = pending.length === 0;
    notice.textContent = pending.length ? "Show " + plural(pending.length) : "";
    status.textContent = pending.length ? plural(pending.length) : "";
  }

  function receive(story) {
    if (sections.length && sections.indexOf(story.section) < 0) return;
    if (shown(story)) return;
    if (story.urgent) {
      insert([story]);
      status.textContent = "Urgent: " + story.headline;
      return;
    }
    pending.push(story);
    render();
  }

  notice.addEventListener("click", function () {
    insert(pending);
    var first = target().querySelector("a");
    pending = [];
    render();
    if (first) first.focus();
  });

  function query(params) {
    var q = new URLSearchParams(params);
    sections.forEach(function (s) { q.append("section", s); });
    return q.toString();
  }

  function poll() {
    fetch(hook.dataset.liveEvents + "?" + query(last ? { after: last } : { since: since }), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { events: [], last: last }; })
      .then(function (body) { body.events.forEach(receive); last = body.last || last; })
      .catch(function () {})
      .finally(function () { setTimeout(poll, POLL_MS); });
  }

  function listen() {
    var failures = 0;
    var source = new EventSource(hook.dataset.liveStream + "?" + query(last ? { after: last } : { since: since }));
    source.addEventListener("story", function (e) {
      failures = 0;
      last = e.lastEventId || last;
      receive(JSON.parse(e.data));
    });
    source.addEventListener("open", function () { failures = 0; });
    source.addEventListener("error", function () {
      failures += 1;
      if (failures >= 5 || source.readyState === EventSource.CLOSED) { source.close(); poll(); }
    });
  }

  if (typeof EventSource === "function") listen(); else poll();
})();
