// Counts one read of this article: a beacon with the article id and the referring site's domain only.
// No cookies, no identifiers. A prerendered page counts only once the reader actually opens it.
(function () {
  var script = document.querySelector("script[data-read-beacon]");
  if (!script) return;

  function referrerDomain() {
    try {
      return document.referrer ? new URL(document.referrer).hostname : "";
    } catch (e) {
      return "";
    }
  }

  function send() {
    var article = script.getAttribute("data-article");
    if (navigator.sendBeacon) {
      var body = new URLSearchParams();
      body.set("a", article);
      var domain = referrerDomain();
      if (domain && domain !== location.hostname) body.set("r", domain);
      navigator.sendBeacon(script.getAttribute("data-read-beacon"), body);
    } else {
      new Image(1, 1).src = script.getAttribute("data-read-pixel");
    }
  }

  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
