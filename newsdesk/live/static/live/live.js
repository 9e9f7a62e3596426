// Live feed: "N new stories"; urgent stories at once. Progressive enhancement only: without this script the page
// is complete, new stories show on reload. The server picks the transport (data-live-transport):
// - "poll" (the default): ask /live/events every few seconds, holding no connection in between. Each poll names
//   the position it is at (If-None-Match), so one with nothing new is a bodiless 304 the server answers cheaply.
//   Jittered, so pages opened together do not poll together; slower while the tab is hidden, at once when shown.
// - "sse": Server-Sent Events from /live/stream (deployments that serve it from ASGI), polling if it fails.
(function () {
  "use strict";
  var hook = document.querySelector("[data-live]");
  if (!hook) return;
  var notice = hook.querySelector("[data-live-notice]");
  var status = hook.querySelector("[data-live-status]");
  var sections = (hook.dataset.liveSections || "").split(" ").filter(Boolean);
  var last = "";
  var etag = "";
  var since = hook.dataset.liveSince || "";
  var pending = [];
  var POLL_MS = Math.max(200, 1000 * (parseFloat(hook.dataset.livePoll) || 1.5));
  var HIDDEN_MS = Math.max(POLL_MS, 30000);
  var MAX_BACKOFF_MS = 60000;

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
      label.textContent = hook.dataset.urgent || "Urgent";
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

  // The page's words in its language, written by the server into the hook's data attributes (docs/editions.md);
  // a count's form chosen by the language's plural rules ("1 новость", "2 новости", "5 новостей").
  function counted(name, n) {
    var rule = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang).select(n) : (n === 1 ? "one" : "other");
    var text = hook.getAttribute("data-" + name + "-" + rule) || hook.getAttribute("data-" + name + "-other") || "";
    return text.replace("{count}", String(n));
  }

  function render() {
    notice.hidden = pending.length === 0;
    notice.textContent = pending.length ? counted("show", pending.length) : "";
    status.textContent = pending.length ? counted("new", pending.length) : "";
  }

  function receive(story) {
    // One stream for every edition: a page takes its own edition's stories (<html lang>, docs/editions.md).
    if (story.language && document.documentElement.lang && story.language !== document.documentElement.lang) return;
    if (sections.length && sections.indexOf(story.section) < 0) return;
    if (shown(story)) return;
    if (story.urgent) {
      insert([story]);
      status.textContent = (hook.dataset.urgentStatus || "Urgent: {headline}").replace("{headline}", story.headline);
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

  var timer = null;
  var polling = false;
  var failures = 0;

  function pollDelay() {
    var base = document.hidden ? HIDDEN_MS : POLL_MS;
    if (failures) base = Math.min(MAX_BACKOFF_MS, Math.max(base, POLL_MS * Math.pow(2, failures)));
    return base * (0.8 + Math.random() * 0.4);
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function poll() {
    if (polling) return;
    polling = true;
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(hook.dataset.liveEvents + "?" + query(last ? { after: last } : { since: since }),
      { headers: headers, cache: "no-store" })
      .then(function (r) {
        if (r.status === 304) { failures = 0; return null; }
        if (!r.ok) throw new Error("live poll: " + r.status);
        return r.json().then(function (body) {
          failures = 0;
          body.events.forEach(receive);
          last = body.last || last;
          etag = r.headers.get("ETag") || "";
        });
      })
      .catch(function () { failures += 1; })
      .finally(function () { polling = false; schedule(pollDelay()); });
  }

  function startPolling() {
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) schedule(0);  // back in view: catch up at once, then the usual pace
    });
    poll();
  }

  function listen() {
    var errors = 0;
    var source = new EventSource(hook.dataset.liveStream + "?" + query(last ? { after: last } : { since: since }));
    source.addEventListener("story", function (e) {
      errors = 0;
      last = e.lastEventId || last;
      receive(JSON.parse(e.data));
    });
    source.addEventListener("open", function () { errors = 0; });
    source.addEventListener("error", function () {
      errors += 1;
      if (errors >= 5 || source.readyState === EventSource.CLOSED) { source.close(); startPolling(); }
    });
  }

  if (hook.dataset.liveTransport === "sse" && typeof EventSource === "function") listen(); else startPolling();
})();
