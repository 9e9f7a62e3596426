// Many photos in one form (newsroom/gallery_upload.html): a row with caption, credit and alt text for each file
// chosen, and the gallery's order set by dragging a row or with its Move up / Move down buttons. The order the form
// sends is the rows' order: each row carries a hidden "order" input ("e<item id>" or "n<file index>"). Without
// JavaScript the files go in the order chosen, after the photos already there, with the shared caption and credit.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  function start() {
    var input = document.getElementById("id_photos");
    var list = document.getElementById("gallery-order");
    var status = document.getElementById("gallery-order-status");
    if (!input || !list) return;
    var typed = {};
    try { typed = JSON.parse(list.dataset.typed || "{}"); } catch (e) { typed = {}; }

    function rows() { return Array.prototype.slice.call(list.children); }
    function nameOf(row) {
      var caption = row.querySelector(".gallery-upload__caption, input[name^=caption_]");
      var text = caption ? (caption.value || caption.textContent || "").trim() : "";
      return text || row.dataset.file || "photo";
    }
    function say(row) {
      var all = rows();
      status.textContent = "“" + nameOf(row) + "” is photo " + (all.indexOf(row) + 1) + " of " + all.length + ".";
    }
    function move(row, by, button) {
      var all = rows();
      var at = all.indexOf(row);
      var to = at + by;
      if (to < 0 || to >= all.length) {
        status.textContent = "“" + nameOf(row) + "” is already " + (by < 0 ? "first." : "last.");
        return;
      }
      if (by < 0) list.insertBefore(row, all[to]);
      else list.insertBefore(row, all[to].nextSibling);
      if (button) button.focus(); // moving the row in the DOM takes the focus away from its button
      say(row);
    }
    function addControls(row) {
      row.setAttribute("draggable", "true");
      var box = el("div", { class: "gallery-upload__move" });
      [["up", "Move up", -1], ["down", "Move down", 1]].forEach(function (spec) {
        var button = el("button", { type: "button", class: "button", "data-move": spec[0] }, spec[1]);
        button.addEventListener("click", function () { move(row, spec[2], button); });
        box.appendChild(button);
      });
      row.appendChild(box);
      labelControls(row);
    }
    function labelControls(row) {
      var name = nameOf(row);
      Array.prototype.forEach.call(row.querySelectorAll("[data-move]"), function (button) {
        button.setAttribute("aria-label", button.textContent + ": " + name);
      });
    }
    rows().forEach(addControls);

    function field(row, index, key, label, value, required, limit) {
      var id = "id_" + key + "_" + index;
      var p = el("p", { class: "gallery-upload__field" });
      p.appendChild(el("label", { for: id, class: required ? "required" : "" }, label));
      var box = el("input", { type: "text", id: id, name: key + "_" + index, maxlength: String(limit), class: "vTextField" });
      box.value = value || "";
      p.appendChild(box);
      row.querySelector(".gallery-upload__text").appendChild(p);
      return box;
    }

    input.addEventListener("change", function () {
      rows().forEach(function (row) { if (row.dataset.key.charAt(0) === "n") list.removeChild(row); });
      Array.prototype.forEach.call(input.files, function (file, index) {
        var row = el("li", { class: "gallery-upload__item gallery-upload__item--new", "data-key": "n" + index, "data-file": file.name });
        var order = el("input", { type: "hidden", name: "order", value: "n" + index });
        var thumb = el("img", { alt: "", width: "120", class: "gallery-upload__thumb" });
        row.appendChild(order);
        row.appendChild(thumb);
        var text = el("div", { class: "gallery-upload__text" });
        text.appendChild(el("p", { class: "gallery-upload__file" }, file.name));
        row.appendChild(text);
        var before = typed[file.name] || {};
        var caption = field(row, index, "caption", "Caption", before.caption, true, 500);
        field(row, index, "credit", "Credit", before.credit, true, 200);
        field(row, index, "alt", "Alt text (what it shows)", before.alt, false, 300);
        caption.addEventListener("change", function () { labelControls(row); });
        list.appendChild(row);
        addControls(row);
        // A data: URL, which the newsroom's CSP allows for images (blob: it does not).
        if (/^image\//.test(file.type) && file.size < 20 * 1024 * 1024 && window.FileReader) {
          var reader = new FileReader();
          reader.onload = function () { thumb.src = reader.result; };
          reader.readAsDataURL(file);
        }
      });
      status.textContent = input.files.length + " photos to upload, after the " + (rows().length - input.files.length) + " already in the gallery.";
    });

    // Dragging: the row follows the pointer; dropping leaves it there.
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest ? event.target.closest(".gallery-upload__item") : null;
      if (!dragged) return;
      dragged.classList.add("gallery-upload__item--dragged");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.key);
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      var over = event.target.closest ? event.target.closest(".gallery-upload__item") : null;
      if (!over || over === dragged) return;
      var box = over.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (event) {
      if (!dragged) return;
      event.preventDefault();
    });
    list.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("gallery-upload__item--dragged");
      say(dragged);
      dragged = null;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
