// Newsdesk reader site: progressive enhancement only. Every page works without this file.
// Times stay as the agency prints them, in the newsroom's zone (the city clock's "times in my city" is the
// reader's choice); "More news" appended in place,
// the remembered section filter applied, and the native share sheet where the browser has one.
(function () {
  "use strict";
  // A page of "More news" may continue the last day of the one before: one day, one heading (the days are
  // the newsroom's, as the server writes them; times stay as the agency prints them).
  function mergeDays(feed) {
    var previous = null;
    feed.querySelectorAll(".day").forEach(function (day) {
      if (previous && previous.dataset.day === day.dataset.day) {
        var list = previous.querySelector("ol.cards");
        day.querySelectorAll(".card").forEach(function (card) { list.appendChild(card); });
        day.remove();
      } else {
        previous = day;
      }
    });
  }

  // The page's words in its language: the server writes them into data attributes (docs/editions.md); a count's
  // form is chosen by the language's plural rules ("1 новость", "2 новости", "5 новостей").
  function counted(el, name, count) {
    var rule = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang).select(count) : (count === 1 ? "one" : "other");
    var text = el.getAttribute("data-" + name + "-" + rule) || el.getAttribute("data-" + name + "-other") || "";
    return text.replace("{count}", String(count));
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
      link.textContent = (status && status.dataset.loading) || "Loading…";
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
          mergeDays(feed);
          var next = doc.querySelector("[data-more]");
          if (next) {
            link.href = next.getAttribute("href");
            link.textContent = (status && status.dataset.moreLabel) || "More news";
            link.removeAttribute("aria-busy");
          } else {
            link.parentNode.remove();
          }
          if (status) status.textContent = counted(status, "more", count);
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
    button.textContent = box.dataset.shareLabel || "Share";
    button.addEventListener("click", function () {
      var canonical = document.querySelector('link[rel="canonical"]');
      navigator.share({ title: document.title, url: canonical ? canonical.href : location.href }).catch(function () {});
    });
    box.insertBefore(button, box.firstChild);
  }

  // The masthead's search and menu are <details> (they open without this): with it, one is open at a time,
  // the search field takes the focus when it opens, and Escape or a click elsewhere closes them.
  function setUpMasthead() {
    var toggles = Array.prototype.slice.call(document.querySelectorAll(".masthead__toggle"));
    if (!toggles.length) return;
    toggles.forEach(function (details) {
      details.addEventListener("toggle", function () {
        if (!details.open) return;
        toggles.forEach(function (other) { if (other !== details) other.open = false; });
        var field = details.querySelector("input[type=search]");
        if (field && field.offsetParent && details.querySelector("summary").offsetParent) field.focus();
      });
    });
    function closeAll(focusSummary) {
      toggles.forEach(function (details) {
        if (!details.open || !details.querySelector("summary").offsetParent) return;
        details.open = false;
        if (focusSummary) details.querySelector("summary").focus();
      });
    }
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") closeAll(true); });
    document.addEventListener("click", function (event) {
      if (!event.target.closest || !event.target.closest(".masthead__toggle")) closeAll(false);
    });
  }

  function start() {
    setUpMasthead();
    if (applyRememberedFilter()) return;
    var feed = document.querySelector("[data-feed]");
    if (feed) setUpMore(feed);
    setUpShare();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
