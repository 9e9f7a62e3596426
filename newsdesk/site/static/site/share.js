// Progressive enhancement: a native share button where the Web Share API exists; the links stay as fallback.
(function () {
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
})();
