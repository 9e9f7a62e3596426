// Newsdesk reader site: progressive enhancement only. Every page works without this file.
// Times in the reader's own zone, feed days regrouped in that zone, "More news" appended in place,
// the remembered section filter applied, and the native share sheet where the browser has one.
(function () {
  "use strict";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function zoneLabel(date) {
    var minutes = -date.getTimezoneOffset();
    if (minutes === 0) return "UTC";
    var sign = minutes > 0 ? "+" : "\u2212";
    var abs = Math.abs(minutes);
    var rest = abs % 60;
    return "UTC" + sign + Math.floor(abs / 60) + (rest ? ":" + pad(rest) : "");
  }

  function clock(date) { return pad(date.getHours()) + ":" + pad(date.getMinutes()) + " " + zoneLabel(date); }

  function dayKey(date) { return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()); }

  function dayName(date) { return date.getDate() + " " + MONTHS[date.getMonth()] + " " + date.getFullYear(); }

  function dayLabel(date) {
    var today = new Date();
    var yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    if (dayKey(date) === dayKey(today)) return "Today";
    if (dayKey(date) === dayKey(yesterday)) return "Yesterday";
    return dayName(date);
  }

  function localizeTimes(root) {
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) return;
      el.textContent = el.dataset.local === "clock" ? clock(date) : dayName(date) + ", " + clock(date);
    });
  }

  // Rebuild the day sections so that each card sits under its day in the reader's zone.
  function regroup(feed) {
    var cards = Array.prototype.slice.call(feed.querySelectorAll(".day .card"));
    if (!cards.length) return;
    var sections = [];
    var current = null;
    cards.forEach(function (card) {
      var time = card.querySelector("time[datetime]");
      var date = time ? new Date(time.getAttribute("datetime")) : null;
      if (!date || isNaN(date)) return;
      var key = dayKey(date);
      if (!current || current.key !== key) {
        current = { key: key, label: dayLabel(date), cards: [] };
        sections.push(current);
      }
      current.cards.push(card);
    });
    var fragment = document.createDocumentFragment();
    sections.forEach(function (group) {
      var id = "day-" + group.key.replace(/-/g, "");
      var section = document.createElement("section");
      section.className = "day";
      section.dataset.day = group.key;
      section.setAttribute("aria-labelledby", id);
      var heading = document.createElement("h2");
      heading.className = "day__title";
      heading.id = id;
      heading.textContent = group.label;
      var list = document.createElement("ol");
      list.className = "cards";
      group.cards.forEach(function (card) { list.appendChild(card); });
      section.appendChild(heading);
      section.appendChild(list);
      fragment.appendChild(section);
    });
    feed.querySelectorAll(".day").forEach(function (old) { old.remove(); });
    feed.appendChild(fragment);
  }

  function setUpMore(feed) {
    var link = document.querySelector("[data-more]");
    var status = document.querySelector("[data-more-status]");
    if (!link || !window.fetch || !window.DOMParser) return;
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      if (link.getAttribute("aria-busy") === "true") return;
      link.setAttribute("aria-busy", "true");
      link.textContent = "Loading…";
      var href = link.href;
      fetch(href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelectorAll("[data-feed] .day");
          var firstNew = null;
          fresh.forEach(function (section) {
            var adopted = document.importNode(section, true);
            firstNew = firstNew || adopted.querySelector(".card a");
            feed.appendChild(adopted);
          });
          var count = doc.querySelectorAll("[data-feed] .card").length;
          localizeTimes(feed);
          regroup(feed);
          var next = doc.querySelector("[data-more]");
          if (next) {
            link.href = next.getAttribute("href");
            link.textContent = "More news";
            link.removeAttribute("aria-busy");
          } else {
            link.parentNode.remove();
          }
          if (status) status.textContent = count === 1 ? "1 more news item loaded." : count + " more news items loaded.";
          if (firstNew) firstNew.focus();
        })
        .catch(function () { window.location.href = href; });
    });
  }

  // The section filter is in the URL (cacheable); the cookie only says where to go on the next visit.
  function applyRememberedFilter() {
    var root = document.querySelector("[data-filter]");
    if (!root || window.location.search) return false;
    if (!/(?:^|;\s*)feed_sections=[A-Za-z0-9_.-]/.test(document.cookie)) return false;
    // The server checks the cookie and forgets it when no known section is left, so this cannot loop.
    window.location.replace(root.dataset.mine);
    return true;
  }

  function setUpShare() {
    var box = document.querySelector("[data-share]");
    if (!box || !navigator.share) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "share-button";
    button.textContent = "Share";
    button.addEventListener("click", function () {
      var canonical = document.querySelector('link[rel="canonical"]');
      navigator.share({ title: document.title, url: canonical ? canonical.href : location.href }).catch(function () {});
    });
    box.insertBefore(button, box.firstChild);
  }

  function start() {
    if (applyRememberedFilter()) return;
    localizeTimes(document);
    var feed = document.querySelector("[data-feed]");
    if (feed) {
      regroup(feed);
      setUpMore(feed);
    }
    setUpShare();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
