// The article form's soft lock, kept alive while the form is open: every few seconds (data-interval) it tells the
// newsroom this form is still here, and shows who else has the story open, or that an editor took it over. Without
// JavaScript the lock is taken when the form opens and simply expires; saving is checked against the version the
// form started from either way, so nothing here guards an edit: it only tells people about each other.
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("edit-lock");
    if (!box || !box.dataset.url || !window.fetch || !window.FormData) return;
    var message = document.getElementById("edit-lock-message");
    var take = box.querySelector(".edit-lock__take");
    var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
    var every = Math.max(1, parseFloat(box.dataset.interval) || 30) * 1000;
    var hadIt = message.textContent.trim() === ""; // nobody else was shown: this form holds the lock

    function send(action) {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
      body.append("token", box.dataset.token);
      body.append("action", action);
      return body;
    }

    function show(state) {
      if (state.mine) {
        hadIt = true;
        message.textContent = "";
        if (take) take.hidden = true;
        return;
      }
      var text = state.label ? state.label + "." : "";
      if (hadIt && state.label) {
        text += " They took the story over from you: what you have not saved is still in this form, and saving shows " +
          "you what they changed first.";
      }
      if (message.textContent !== text) message.textContent = text;
      if (take) take.hidden = !state.label;
    }

    function beat(action) {
      fetch(box.dataset.url, {
        method: "POST",
        body: send(action || "refresh"),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) { if (state) show(state); })
        .catch(function () { /* offline for a moment: the next beat tries again */ });
    }

    window.setInterval(function () { beat("refresh"); }, every);
    // Leaving the page frees the story at once instead of when the lock expires. Only this page's lock: the token
    // names it, so the page shown after "Save and continue" keeps the one it has just taken. A heartbeat sent
    // before leaving and answered after the release takes nothing; a page shown again from the browser's page
    // cache says so, and takes the story again if it is free.
    window.addEventListener("pagehide", function () {
      if (navigator.sendBeacon) navigator.sendBeacon(box.dataset.url, send("release"));
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) beat("reopen");
    });
  }

  // The admin loads this in the page's head, before the form exists.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
