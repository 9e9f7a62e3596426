// The article body's editor: Squire (vendor/squire, loaded before this file) over the body's <textarea>. The textarea
// stays the form field: every change is written back to it as the HTML the server's sanitizer keeps
// (newsdesk/news/html.py), and without JavaScript it is simply the textarea, where a blank line starts a paragraph.
// Pastes from Word, Google Docs and web pages go through the same allow-list as what the editor writes, so only
// paragraphs, sub-headings, quotes, lists, links, bold/italic, tables, our own images and allowed embeds survive.
// No inline script or style, no eval: this file and Squire are static files, which the newsroom's CSP allows.
(function () {
  "use strict";

  // --- The allow-list: what each kept element may carry (mirrors ALLOWED_TAGS/ATTRIBUTES in news/html.py) -------
  var KEEP = {
    p: [], h2: [], h3: [], h4: [], blockquote: [], q: [], cite: [], ul: [], ol: ["start"], li: [],
    a: ["href", "title", "hreflang"], b: [], i: [], sub: [], sup: [], br: [], hr: ["class"],
    figure: [], figcaption: [], img: ["src", "alt", "width", "height", "srcset", "sizes"],
    table: [], thead: [], tbody: [], tr: [], th: ["scope", "colspan", "rowspan"], td: ["colspan", "rowspan"],
    caption: [], iframe: ["src", "title", "width", "height", "allowfullscreen"],
  };
  var RENAME = { strong: "b", em: "i", h1: "h2", h5: "h4", h6: "h4", dfn: "i", var: "i" };
  // Dropped with everything inside them: nothing a reader should see comes from these.
  var DROP = /^(script|style|template|noscript|head|title|meta|link|object|embed|svg|math|canvas|video|audio|button|input|select|textarea|option|form|frame|frameset|applet|base|xml)$/;
  var EMBED_HOSTS = ["https://www.youtube-nocookie.com/", "https://player.vimeo.com/"];
  var BLOCKS = /^(p|h2|h3|h4|blockquote|ul|ol|li|figure|figcaption|table|thead|tbody|tr|th|td|caption|hr|iframe)$/;
  var EMPTY_INLINE = /^(a|b|i|sub|sup|q|cite)$/;
  var TOP_ALONE = /^(hr|iframe|figure|table)$/; // a paragraph that holds only one of these is that element

  function allowedUrl(value, forImage) {
    var url;
    try {
      url = new URL(value, window.location.href);
    } catch (e) {
      return null;
    }
    if (forImage) {
      // Our own photo library only: the reader site's CSP shows no other host's images, and a file:// from Word
      // would be a broken picture.
      return url.origin === window.location.origin ? url.pathname + url.search : null;
    }
    if (url.protocol === "mailto:") return value.trim();
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin === window.location.origin && value.charAt(0) === "/" ? value.trim() : url.href;
  }

  function styleOf(el) {
    return (el.getAttribute && el.getAttribute("style") || "").toLowerCase().replace(/\s+/g, "");
  }

  // Word writes its lists as paragraphs with "mso-list" in their style and the bullet or number as text in a span
  // styled "mso-list:Ignore". Each run of them becomes a real list before the markers are dropped.
  function wordLists(doc) {
    var list = null;
    Array.prototype.forEach.call(doc.querySelectorAll("p"), function (p) {
      var isItem = /mso-list:l\d/.test(styleOf(p)) || /^MsoListParagraph/.test(p.className || "");
      if (!isItem) return;
      if (!list || p.previousElementSibling !== list) {
        var ignored = p.querySelector("[style*='mso-list'][style*='gnore']");
        var marker = ignored ? ignored.textContent.trim() : "";
        list = doc.createElement(/^[(]?[0-9a-z]{1,4}[.)]$/i.test(marker) ? "ol" : "ul");
        p.parentNode.insertBefore(list, p);
      }
      var item = doc.createElement("li");
      while (p.firstChild) item.appendChild(p.firstChild);
      list.appendChild(item);
      p.parentNode.removeChild(p);
    });
  }

  function hasText(node) {
    return /[^\s\u00a0\u200b]/.test(node.textContent || "") || (node.querySelector && node.querySelector("img,iframe,hr"));
  }

  // Copies ``src``'s children into ``dest`` keeping only what the allow-list keeps; the copy is made of new nodes in
  // the editor's own document, so no attribute or handler of the pasted markup is ever carried over.
  function cleanInto(src, dest, inList) {
    Array.prototype.forEach.call(src.childNodes, function (node) {
      if (node.nodeType === 3) {
        // Source line breaks are spaces (Word wraps its HTML mid-sentence); typed no-break spaces stay.
        var text = node.data.replace(/[ \t\n\r\f]+/g, " ").replace(/\u200b/g, "");
        if (text) dest.appendChild(document.createTextNode(text));
        return;
      }
      if (node.nodeType !== 1) return; // comments, Word's <![if ...]>
      var name = node.localName.toLowerCase();
      var style = styleOf(node);
      if (DROP.test(name) || /mso-list:ignore/.test(style) || /display:none/.test(style)) return;
      name = RENAME[name] || name;
      if ((name === "b") && /font-weight:(normal|[1-5]00)/.test(style)) name = "span"; // Google Docs' outer <b>
      if (name === "div" || name === "pre") {
        // a box of inline content is a paragraph; a box of blocks is just its blocks
        var blockInside = node.querySelector("p,div,h1,h2,h3,h4,h5,h6,ul,ol,table,blockquote,figure,pre");
        name = blockInside ? "span" : "p";
      }
      if (name === "p" && inList) name = "span"; // Google Docs puts a <p> in each list item
      if (!KEEP.hasOwnProperty(name)) {
        // Styles that mean emphasis (Google Docs' spans), else just the text and what it holds.
        var target = dest;
        if (/font-weight:(bold|[6-9]00)/.test(style)) target = target.appendChild(document.createElement("b"));
        if (/font-style:italic/.test(style)) target = target.appendChild(document.createElement("i"));
        if (/vertical-align:super/.test(style)) target = target.appendChild(document.createElement("sup"));
        if (/vertical-align:sub/.test(style)) target = target.appendChild(document.createElement("sub"));
        cleanInto(node, target, inList);
        if (inList && node.localName.toLowerCase() === "p" && node.nextElementSibling) {
          target.appendChild(document.createElement("br"));
        }
        return;
      }
      var copy = document.createElement(name);
      var ok = true;
      KEEP[name].forEach(function (attr) {
        var value = node.getAttribute(attr);
        if (value === null) return;
        if (attr === "href") value = allowedUrl(value, false);
        else if (attr === "src" && name === "img") value = allowedUrl(value, true);
        else if (attr === "src") {
          value = EMBED_HOSTS.some(function (host) { return value.indexOf(host) === 0; }) ? value : null;
        } else if (attr === "srcset") value = value.split(",").every(function (part) {
          return allowedUrl(part.trim().split(/\s+/)[0], true);
        }) ? value : null;
        else if (attr === "class") value = value.split(/\s+/).indexOf("page-break") >= 0 ? "page-break" : null;
        else if (/^(width|height|colspan|rowspan|start)$/.test(attr)) value = /^\d{1,4}$/.test(value) ? value : null;
        if (value !== null) copy.setAttribute(attr, value);
      });
      if ((name === "img" || name === "iframe") && !copy.getAttribute("src")) ok = false;
      if (name === "a" && !copy.getAttribute("href")) {
        cleanInto(node, dest, inList); // a link to nowhere (Word's bookmarks), or to a script: its text only
        return;
      }
      if (!ok) return;
      if (name !== "iframe") cleanInto(node, copy, inList || name === "li");
      if (/^(p|h2|h3|h4|li|figcaption|td|th|caption)$/.test(name)) trimBreaks(copy); // the editor's placeholder <br>
      // Formatting left around nothing (a link where the cursor was, bold on an empty line) is not kept.
      if (EMPTY_INLINE.test(name) && !hasText(copy)) return;
      if (name === "a") copy.setAttribute("rel", "noopener noreferrer"); // as the sanitizer writes every link
      dest.appendChild(copy);
    });
    return dest;
  }

  function parse(html) {
    return new DOMParser().parseFromString("<!doctype html><body>" + html, "text/html");
  }

  function sanitizeToFragment(html) {
    var doc = parse(html);
    wordLists(doc);
    return cleanInto(doc.body, document.createDocumentFragment(), false);
  }

  // Text typed into the textarea without block markup keeps its blank lines as paragraphs, as the server does
  // (html.paragraphs_from_text), so switching from the HTML view to the editor shows what will be published.
  function paragraphsFromText(text) {
    if (/<(p|h[1-6]|ul|ol|li|blockquote|figure|table|hr|div|iframe|pre)\b/i.test(text)) return text;
    var hasMarkup = /<[a-zA-Z\/!]/.test(text);
    var parts = text.split(/\n[ \t\r\f\v]*\n/);
    if (hasMarkup && parts.length < 2) return text;
    return parts.filter(function (part) { return part.trim(); }).map(function (part) {
      if (hasMarkup) return "<p>" + part.trim() + "</p>";
      var p = document.createElement("p");
      p.textContent = part.trim();
      return p.outerHTML;
    }).join("\n");
  }

  // --- The editor's DOM → the stored HTML ------------------------------------------------------------------------
  var OUT_NAMES = { b: "strong", i: "em" };

  function serialize(root) {
    var clean = cleanInto(root, document.createElement("div"), false);
    var out = [];
    Array.prototype.forEach.call(clean.childNodes, function (node) {
      if (node.nodeType === 3) {
        if (node.data.trim()) out.push("<p>" + escapeText(node.data) + "</p>");
        return;
      }
      var name = node.localName;
      if (name === "p" || /^h[2-4]$/.test(name)) {
        trimBreaks(node);
        if (!hasText(node)) return; // the empty lines an editor leaves between paragraphs
        var only = node.children.length === 1 && !node.textContent.trim() ? node.children[0] : null;
        if (only && TOP_ALONE.test(only.localName)) node = only;
      }
      out.push(html(node));
    });
    return out.join("\n");
  }

  function trimBreaks(node) {
    while (node.lastChild && node.lastChild.nodeName === "BR") node.removeChild(node.lastChild);
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  // Serialized by hand to write <strong>/<em> for Squire's <b>/<i>, each block on its own line.
  function html(node) {
    if (node.nodeType === 3) return escapeText(node.data);
    var name = OUT_NAMES[node.localName] || node.localName;
    var attrs = Array.prototype.map.call(node.attributes, function (a) {
      return " " + a.name + '="' + a.value.replace(/&/g, "&amp;").replace(/"/g, "&quot;") + '"';
    }).join("");
    if (/^(br|hr|img)$/.test(name)) return "<" + name + attrs + ">";
    var inner = Array.prototype.map.call(node.childNodes, html).join("");
    return "<" + name + attrs + ">" + inner + "</" + name + ">";
  }

  // --- The toolbar -----------------------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  function start() {
    var textarea = document.getElementById("id_body");
    if (!textarea || !window.Squire || !window.DOMParser || textarea.dataset.editor === "on") return;
    textarea.dataset.editor = "on";
    var label = document.querySelector("label[for=id_body]");
    var labelText = label ? label.textContent.replace(/:$/, "").trim() : "Body";
    var box = el("div", { class: "body-editor" });
    var toolbar = el("div", { class: "body-editor__toolbar", role: "toolbar", "aria-label": labelText + " formatting", "aria-controls": "body-editor-area" });
    var area = el("div", {
      id: "body-editor-area", class: "body-editor__area", role: "textbox", "aria-multiline": "true",
      "aria-label": labelText, spellcheck: "true",
    });
    if (textarea.getAttribute("aria-describedby")) area.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    var status = el("p", { class: "body-editor__status", role: "status" });
    textarea.parentNode.insertBefore(box, textarea);
    box.appendChild(toolbar);
    box.appendChild(area);
    box.appendChild(textarea);
    box.appendChild(status);
    textarea.classList.add("body-editor__source");
    textarea.hidden = true;

    var editor = new window.Squire(area, {
      blockTag: "P",
      sanitizeToDOMFragment: function (html) { return sanitizeToFragment(html); },
      addLinks: false,
    });
    // Squire's image resizer sets a width in a style attribute, which the sanitizer drops (and a strict CSP refuses):
    // a photo is shown at the width readers get, so it is not offered.
    if (editor._imageResizer) editor._imageResizer.destroy();
    var source = false;
    // The text as loaded, and the editor's writing of it: until the editor's output differs from that, the form
    // sends the text exactly as it came. Otherwise opening a story and saving another field would rewrite its body
    // (new spacing, <b> as <strong>), and after a conflict the body would count as changed by this editor.
    var loaded = { text: textarea.value, html: "" };
    function load(text) {
      editor.setHTML(paragraphsFromText(text));
      loaded = { text: text, html: serialize(area) };
    }
    load(textarea.value);

    function sync() {
      if (source) return;
      var html = serialize(area);
      textarea.value = html === loaded.html ? loaded.text : html;
    }

    // --- buttons ---
    var buttons = [];
    var DIALOGS = /^(link|image|embed|source)$/;
    function button(name, text, title, run, pressed) {
      var b = el("button", { type: "button", class: "body-editor__button body-editor__button--" + name, "data-command": name, title: title, tabindex: buttons.length ? "-1" : "0" }, text);
      if (pressed) b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () {
        run();
        // Formatting goes on where it was: the text keeps the cursor (Alt+F10 comes back to the toolbar).
        if (!DIALOGS.test(name) && !source) editor.focus();
        update();
      });
      b._pressed = pressed;
      toolbar.appendChild(b);
      buttons.push(b);
      return b;
    }
    function group() { toolbar.appendChild(el("span", { class: "body-editor__sep", "aria-hidden": "true" })); }

    function blockOf(node) {
      while (node && node !== area) {
        if (node.nodeType === 1 && /^(P|H2|H3|H4|LI)$/.test(node.nodeName)) return node;
        node = node.parentNode;
      }
      return null;
    }
    function inside(tag) {
      var range = editor.getSelection();
      var node = range && range.startContainer;
      while (node && node !== area) {
        if (node.nodeName === tag) return true;
        node = node.parentNode;
      }
      return false;
    }
    function setBlock(tag) {
      var block = blockOf(editor.getSelection().startContainer);
      var to = block && block.nodeName === tag ? "P" : tag;
      editor.modifyBlocks(function (frag) {
        Array.prototype.forEach.call(frag.querySelectorAll("p,h2,h3,h4"), function (b) {
          if (b.nodeName === to) return;
          var n = document.createElement(to);
          while (b.firstChild) n.appendChild(b.firstChild);
          b.parentNode.replaceChild(n, b);
        });
        return frag;
      });
    }

    button("h2", "H2", "Sub-heading (Ctrl+Alt+2)", function () { setBlock("H2"); }, function () { return inside("H2"); });
    button("h3", "H3", "Smaller sub-heading (Ctrl+Alt+3)", function () { setBlock("H3"); }, function () { return inside("H3"); });
    group();
    button("bold", "B", "Bold (Ctrl+B)", function () {
      if (editor.hasFormat("B")) editor.removeBold(); else editor.bold();
    }, function () { return editor.hasFormat("B"); });
    button("italic", "I", "Italic (Ctrl+I)", function () {
      if (editor.hasFormat("I")) editor.removeItalic(); else editor.italic();
    }, function () { return editor.hasFormat("I"); });
    group();
    button("ul", "• List", "Bulleted list (Ctrl+Shift+8)", function () {
      if (inside("UL")) editor.removeList(); else editor.makeUnorderedList();
    }, function () { return inside("UL"); });
    button("ol", "1. List", "Numbered list (Ctrl+Shift+9)", function () {
      if (inside("OL")) editor.removeList(); else editor.makeOrderedList();
    }, function () { return inside("OL"); });
    button("quote", "“ Quote", "Quote (Ctrl+])", function () {
      if (inside("BLOCKQUOTE")) editor.decreaseQuoteLevel(); else editor.increaseQuoteLevel();
    }, function () { return inside("BLOCKQUOTE"); });
    group();
    button("link", "Link", "Link (Ctrl+K)", function () { openLink(); }, function () { return editor.hasFormat("A"); });
    button("image", "Photo", "Photo from the library", function () { openPhotos(); });
    button("embed", "Video", "Video from YouTube or Vimeo", function () { openEmbed(); });
    button("pagebreak", "Page break", "Start a new page here", function () { insertBlock(el("hr", { class: "page-break" })); });
    button("readalso", "Read also here", "Place the Read also block after this paragraph", placeReadAlso);
    group();
    button("source", "HTML", "Edit the HTML", toggleSource, function () { return source; });

    var readAlsoField = document.getElementById("id_read_also_after");

    function update() {
      buttons.forEach(function (b) {
        if (b._pressed) b.setAttribute("aria-pressed", String(!!b._pressed()));
        b.disabled = source && b.dataset.command !== "source"; // the HTML view has only its way back
      });
      if (!buttons.some(function (b) { return b.tabIndex === 0 && !b.disabled; })) {
        // The toolbar's tab stop never rests on a disabled button, or the toolbar would drop out of the tab order.
        buttons.forEach(function (b) { b.tabIndex = b.disabled ? -1 : b.tabIndex; });
        buttons.filter(function (b) { return !b.disabled; })[0].tabIndex = 0;
      }
    }
    // A paragraph as the reader page counts them for Read also (site/presenters.read_also_position): a <p> that is
    // saved as one, so not an empty line, nor a line holding only a video or a page break (saved without its <p>).
    function isParagraph(b) {
      return b.nodeName === "P" && hasText(b) &&
        !(b.children.length === 1 && !b.textContent.trim() && TOP_ALONE.test(b.children[0].localName));
    }
    function markReadAlso() {
      var after = readAlsoField ? parseInt(readAlsoField.value, 10) : NaN;
      var target = null;
      var seen = 0;
      if (!isNaN(after)) {
        var blocks = area.children;
        for (var n = 0; n < blocks.length; n += 1) {
          var b = blocks[n];
          if (b.querySelector("hr.page-break") || b.matches("hr.page-break")) break; // Read also is on page one
          if (isParagraph(b)) {
            seen += 1;
            target = b;
            if (seen === after) break;
          }
        }
      }
      editor.modifyDocument(function () {
        Array.prototype.forEach.call(area.querySelectorAll("[data-read-also]"), function (b) {
          if (b !== target || after === 0) b.removeAttribute("data-read-also");
        });
        area.classList.toggle("body-editor__area--read-also-first", after === 0);
        if (target && after > 0 && target.getAttribute("data-read-also") !== "after") target.setAttribute("data-read-also", "after");
      });
    }
    function placeReadAlso() {
      var block = editor.getSelection().startContainer;
      while (block && block.parentNode !== area) block = block.parentNode;
      var count = 0;
      var pageOne = true;
      Array.prototype.some.call(area.children, function (b) {
        if (b.querySelector("hr.page-break") || b.matches("hr.page-break")) pageOne = false;
        if (isParagraph(b) && pageOne) count += 1;
        return b === block;
      });
      if (!pageOne) {
        say("Read also goes on the first page: put the cursor in a paragraph before the first page break.");
        return;
      }
      if (readAlsoField) {
        readAlsoField.value = String(count);
        readAlsoField.dispatchEvent(new Event("change", { bubbles: true }));
      }
      say("Read also will be shown after paragraph " + count + ".");
      editor.focus();
    }
    function say(text) { status.textContent = text; }

    function insertBlock(node) {
      // A page break or a video is a block of its own: after the paragraph the cursor is in.
      var range = editor.getSelection();
      var block = range.startContainer;
      while (block && block.parentNode !== area) block = block.parentNode;
      editor.saveUndoState();
      editor.modifyDocument(function () {
        var after = el("p");
        after.appendChild(el("br"));
        var next = block ? block.nextSibling : null;
        area.insertBefore(node, next);
        area.insertBefore(after, node.nextSibling);
        var r = document.createRange();
        r.setStart(after, 0);
        r.collapse(true);
        editor.setSelection(r);
        saved = r; // where a dialog that inserted this gives the cursor back
      });
      editor.focus();
      changed();
    }

    function toggleSource() {
      if (!source) {
        sync();
        source = true;
        area.hidden = true;
        textarea.hidden = false;
        textarea.focus();
      } else {
        load(textarea.value);
        source = false;
        textarea.hidden = true;
        area.hidden = false;
        sync();
        markReadAlso();
        editor.focus();
      }
    }

    // --- dialogs (link, photo, video): <dialog> keeps focus inside and Escape closes it -----------------------------
    var saved = null;
    function dialog(title, fields, onSubmit) {
      var d = el("dialog", { class: "body-editor__dialog", "aria-label": title });
      var form = el("form", { method: "dialog" });
      form.appendChild(el("h2", {}, title));
      fields(form);
      var actions = el("div", { class: "body-editor__actions" });
      var ok = el("button", { type: "submit", class: "default", value: "ok" }, "Insert");
      var cancel = el("button", { type: "button", value: "cancel" }, "Cancel");
      cancel.addEventListener("click", function () { d.close(); });
      actions.appendChild(ok);
      actions.appendChild(cancel);
      form.appendChild(actions);
      d.appendChild(form);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (onSubmit(form) !== false) d.close();
      });
      d.addEventListener("close", function () {
        box.removeChild(d);
        if (saved) editor.setSelection(saved);
        editor.focus();
      });
      box.appendChild(d);
      saved = editor.getSelection();
      d.showModal();
      return d;
    }
    function field(form, id, text, attrs) {
      var row = el("p", { class: "body-editor__field" });
      row.appendChild(el("label", { for: id }, text));
      var input = el("input", Object.assign({ id: id, name: id }, attrs || {}));
      row.appendChild(input);
      form.appendChild(row);
      return input;
    }

    function openLink() {
      var current = "";
      var node = editor.getSelection().startContainer;
      while (node && node !== area) {
        if (node.nodeName === "A") { current = node.getAttribute("href"); break; }
        node = node.parentNode;
      }
      var input;
      var d = dialog("Link", function (form) {
        input = field(form, "body-editor-link", "Address (https://…)", { type: "url", value: current, required: "" });
        if (current) {
          var remove = el("button", { type: "button", class: "body-editor__remove" }, "Remove link");
          remove.addEventListener("click", function () {
            if (saved) editor.setSelection(saved);
            editor.removeLink();
            saved = editor.getSelection();
            d.close();
          });
          form.appendChild(remove);
        }
      }, function () {
        var href = allowedUrl(input.value.trim(), false);
        if (!href) {
          input.setCustomValidity("Use an address that starts with https://, http:// or mailto:.");
          input.reportValidity();
          return false;
        }
        editor.setSelection(saved);
        if (saved.collapsed && !current) {
          editor.insertHTML('<a href="' + href.replace(/"/g, "&quot;") + '">' + escapeText(href) + "</a>");
        } else {
          editor.makeLink(href);
        }
        saved = editor.getSelection();
        changed();
      });
      input.addEventListener("input", function () { input.setCustomValidity(""); });
      input.focus();
    }

    function openEmbed() {
      var input;
      dialog("Video", function (form) {
        input = field(form, "body-editor-video", "YouTube or Vimeo address", { type: "url", required: "" });
      }, function () {
        var src = embedUrl(input.value.trim());
        if (!src) {
          input.setCustomValidity("Use a YouTube (youtube.com/watch?v=…, youtu.be/…) or Vimeo (vimeo.com/…) address.");
          input.reportValidity();
          return false;
        }
        editor.setSelection(saved);
        insertBlock(el("iframe", { src: src, title: "Video", width: "560", height: "315", allowfullscreen: "" }));
        saved = editor.getSelection();
      });
      input.addEventListener("input", function () { input.setCustomValidity(""); });
      input.focus();
    }
    function embedUrl(value) {
      var m = /^(?:https?:\/\/)?(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com\/(?:watch\?(?:.*&)?v=|embed\/|shorts\/)|youtu\.be\/)([\w-]{6,20})/.exec(value);
      if (m) return "https://www.youtube-nocookie.com/embed/" + m[1];
      m = /^(?:https?:\/\/)?(?:www\.|player\.)?vimeo\.com\/(?:video\/)?(\d{4,12})/.exec(value);
      if (m) return "https://player.vimeo.com/video/" + m[1];
      return null;
    }

    function openPhotos() {
      var url = textarea.dataset.photos;
      if (!url) return;
      var input, list, note, d;
      d = dialog("Photo from the library", function (form) {
        input = field(form, "body-editor-photo-search", "Search captions and credits", { type: "search" });
        note = el("p", { class: "body-editor__note", role: "status" });
        list = el("ul", { class: "body-editor__photos" });
        form.appendChild(note);
        form.appendChild(list);
      }, function () { return false; });
      d.querySelector("button[type=submit]").hidden = true;
      var timer = null;
      function load() {
        fetch(url + "?q=" + encodeURIComponent(input.value.trim()), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { photos: [] }; })
          .then(function (data) {
            list.textContent = "";
            note.textContent = data.photos.length ? data.photos.length + " photos" : "No photo matches: upload it to Photos first.";
            data.photos.forEach(function (photo) {
              var item = el("li");
              var pick = el("button", { type: "button", class: "body-editor__photo" });
              pick.appendChild(el("img", { src: photo.thumbnail, alt: "", width: "120" }));
              pick.appendChild(el("span", {}, photo.caption + " — " + photo.credit));
              pick.addEventListener("click", function () {
                var figure = el("figure");
                var img = el("img", { src: photo.src, alt: photo.alt, width: String(photo.width), height: String(photo.height) });
                if (photo.srcset) {
                  img.setAttribute("srcset", photo.srcset);
                  img.setAttribute("sizes", "(max-width: 800px) 100vw, 800px");
                }
                figure.appendChild(img);
                figure.appendChild(el("figcaption", {}, photo.caption + " " + photo.credit));
                d.close();
                insertBlock(figure);
              });
              item.appendChild(pick);
              list.appendChild(item);
            });
          });
      }
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(load, 200);
      });
      input.focus();
      load();
    }

    // --- keyboard: one tab stop for the toolbar, arrows inside it (the ARIA toolbar pattern); Alt+F10 goes there -----
    // A click on a button leaves the cursor and the selection in the text.
    toolbar.addEventListener("mousedown", function (event) {
      if (event.target.closest("button")) event.preventDefault();
    });
    toolbar.addEventListener("keydown", function (event) {
      var enabled = buttons.filter(function (b) { return !b.disabled; });
      var at = enabled.indexOf(document.activeElement);
      if (at < 0) return;
      var to = null;
      if (event.key === "ArrowRight") to = (at + 1) % enabled.length;
      else if (event.key === "ArrowLeft") to = (at - 1 + enabled.length) % enabled.length;
      else if (event.key === "Home") to = 0;
      else if (event.key === "End") to = enabled.length - 1;
      else if (event.key === "Escape") { editor.focus(); event.preventDefault(); return; }
      if (to === null) return;
      event.preventDefault();
      buttons.forEach(function (b) { b.tabIndex = -1; });
      enabled[to].tabIndex = 0;
      enabled[to].focus();
    });
    function toToolbar(event) {
      event.preventDefault();
      var current = buttons.filter(function (b) { return b.tabIndex === 0; })[0] || buttons[0];
      current.focus();
    }
    var ctrl = /Mac OS X|iP(?:ad|hone|od)/.test(navigator.userAgent) ? "Meta-" : "Ctrl-"; // as Squire names them
    editor.setKeyHandler("Alt-F10", function (self, event) { toToolbar(event); });
    editor.setKeyHandler(ctrl + "k", function (self, event) { event.preventDefault(); openLink(); });
    ["2", "3", "0"].forEach(function (key) {
      editor.setKeyHandler("Alt-" + ctrl + key, function (self, event) {
        event.preventDefault();
        setBlock(key === "0" ? "P" : "H" + key);
        changed();
      });
    });
    // Underline, strike-through and code are not kept by the sanitizer: their keys do nothing here.
    ["u", "d", "Shift-7"].forEach(function (key) {
      editor.setKeyHandler(ctrl + key, function (self, event) { event.preventDefault(); });
    });
    textarea.addEventListener("keydown", function (event) { if (event.altKey && event.key === "F10") toToolbar(event); });

    function changed() {
      sync();
      markReadAlso();
      update();
    }
    editor.addEventListener("input", changed);
    editor.addEventListener("pathChange", update);
    editor.addEventListener("cursor", update);
    editor.addEventListener("select", update);
    editor.addEventListener("pasteImage", function () {
      say("Pasted pictures are not kept: upload the photo to Photos, then insert it with the Photo button.");
    });
    if (readAlsoField) readAlsoField.addEventListener("input", markReadAlso);
    if (readAlsoField) readAlsoField.addEventListener("change", markReadAlso);
    // The form sends the textarea: make sure it holds the last keystroke.
    if (textarea.form) textarea.form.addEventListener("submit", sync, true);
    markReadAlso();
    update();
    textarea.dataset.editorReady = "true";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
