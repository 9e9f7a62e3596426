// The converter without page loads: the same GET form, answered by convert.json as the reader types.
// The server does the arithmetic (decimal, rounded once), so both ways give the same figures.
(function () {
  "use strict";
  var form = document.getElementById("converter");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var result = document.getElementById("converter-result");
  var rate = document.getElementById("converter-rate");
  var notes = document.getElementById("converter-notes");
  var errors = document.getElementById("converter-errors");
  var pending = null;
  var timer = null;

  function params() {
    var data = new URLSearchParams();
    ["amount", "from", "to", "date", "provider"].forEach(function (name) { data.set(name, form.elements[name].value); });
    if (form.elements.lang) data.set("lang", form.elements.lang.value);  // another edition's language (?lang=ru)
    return data;
  }

  function list(target, items) {
    target.textContent = "";
    items.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      target.append(li);
    });
  }

  function showErrors(messages) {
    errors.textContent = "";
    var keys = Object.keys(messages);
    ["amount", "from", "to", "date"].forEach(function (name) {
      if (messages[name]) form.elements[name].setAttribute("aria-invalid", "true");
      else form.elements[name].removeAttribute("aria-invalid");
    });
    if (!keys.length) return;
    var intro = document.createElement("p");
    intro.textContent = errors.dataset.intro || "Please correct the following:";
    var ul = document.createElement("ul");
    list(ul, keys.map(function (key) { return messages[key]; }));
    errors.append(intro, ul);
  }

  function show(answer) {
    showErrors({});
    result.textContent = answer.text;
    rate.textContent = answer.rate_text + " \u00b7 " + answer.source_text;
    list(notes, answer.notes || []);
  }

  function update() {
    var query = params();
    if (pending) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    fetch(form.getAttribute("data-endpoint") + "?" + query, { signal: pending && pending.signal, credentials: "omit" })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (reply) {
        if (reply.ok) {
          show(reply.body);
          window.history.replaceState(null, "", "?" + query);
        } else {
          result.textContent = "";
          rate.textContent = "";
          list(notes, []);
          showErrors(reply.body.errors || {});
        }
      })
      .catch(function (error) { if (error.name !== "AbortError") form.submit(); });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 120);
  }

  form.elements.amount.addEventListener("input", soon);
  ["from", "to", "date"].forEach(function (name) { form.elements[name].addEventListener("change", update); });
  // Another source has another list of currencies: let the server draw the form again.
  form.elements.provider.addEventListener("change", function () { form.submit(); });
  document.getElementById("swap").addEventListener("click", function (event) {
    event.preventDefault();
    var from = form.elements.from.value;
    form.elements.from.value = form.elements.to.value;
    form.elements.to.value = from;
    update();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
})();
