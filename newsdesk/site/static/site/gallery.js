// The gallery viewer: arrow keys, swipe and the thumbnails change the photo in place.
// Without this file every photo has its own page with Previous/Next links, so nothing is lost.
(function () {
  "use strict";
  var root = document.querySelector("[data-gallery]");
  if (!root) return;
  var slides = Array.prototype.slice.call(root.querySelectorAll("[data-slide]"));
  var viewer = root.querySelector("[data-viewer]");
  var image = root.querySelector("[data-viewer-image]");
  var count = root.querySelector("[data-viewer-count]");
  var caption = root.querySelector("[data-viewer-caption]");
  var credit = root.querySelector("[data-viewer-credit]");
  var prev = root.querySelector("[data-viewer-prev]");
  var next = root.querySelector("[data-viewer-next]");
  if (!slides.length || !image) return;
  var index = Math.max(0, slides.findIndex(function (s) { return s.getAttribute("aria-current") === "true"; }));
  // The page's words in its language, written by the server: "{number} of {count}" (docs/editions.md).
  function numbered(template, number) {
    return template.replace("{number}", String(number)).replace("{count}", String(slides.length));
  }

  function show(i) {
    if (i < 0 || i >= slides.length || i === index) return;
    index = i;
    var data = slides[i].dataset;
    image.src = data.src;
    image.srcset = data.srcset;
    image.width = Number(data.width);
    image.height = Number(data.height);
    image.alt = data.alt;
    caption.textContent = data.caption;
    credit.textContent = data.credit;
    count.textContent = numbered(count.dataset.of || "{number} of {count}", i + 1);
    prev.hidden = i === 0;
    next.hidden = i === slides.length - 1;
    if (i > 0) prev.href = slides[i - 1].href;
    if (i < slides.length - 1) next.href = slides[i + 1].href;
    slides.forEach(function (s, n) {
      if (n === i) s.setAttribute("aria-current", "true");
      else s.removeAttribute("aria-current");
    });
    history.replaceState(null, "", slides[i].href);
    if (root.dataset.title) document.title = i === 0 ? root.dataset.title : numbered(root.dataset.titlePhoto, i + 1);
  }

  function step(delta) { show(index + delta); }

  prev.addEventListener("click", function (e) { e.preventDefault(); step(-1); });
  next.addEventListener("click", function (e) { e.preventDefault(); step(1); });
  slides.forEach(function (slide, n) {
    slide.addEventListener("click", function (e) {
      e.preventDefault();
      show(n);
      viewer.focus();
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag)) return;
    if (e.key === "ArrowRight") { step(1); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { step(-1); e.preventDefault(); }
  });

  var startX = null;
  var startY = null;
  viewer.addEventListener("pointerdown", function (e) { startX = e.clientX; startY = e.clientY; });
  viewer.addEventListener("pointerup", function (e) {
    if (startX === null) return;
    var dx = e.clientX - startX;
    var dy = e.clientY - startY;
    startX = null;
    if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy)) step(dx < 0 ? 1 : -1);
  });
  viewer.addEventListener("pointercancel", function () { startX = null; });
})();
