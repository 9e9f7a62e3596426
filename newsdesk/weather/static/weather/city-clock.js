// The header's city clock. The reader's city lives in a cookie and is applied here, in the browser, so the
// server's HTML (and every cache of it) is the same for everyone. Without JavaScript the clock shows the
// site's default city as rendered; /weather/ is the picker that works without it.
(function () {
  "use strict";
  var root = document.getElementById("city-clock");
  if (!root || !window.fetch || !window.Intl || !Intl.DateTimeFormat.prototype.formatToParts) return;

  var CITY_COOKIE = "newsdesk_city";
  var TIMES_COOKIE = "newsdesk_times";
  var YEAR = 365 * 24 * 3600;
  var clock = root.querySelector(".city-clock__time");
  var weather = root.querySelector(".city-clock__weather");
  var link = root.querySelector(".city-clock__city");
  var state = { cities: [], city: null, times: readCookie(TIMES_COOKIE) === "city" };
  var formatters = {};
  // The page's language: month names from the browser's Intl data in that language ("30 мая" in Russian), the
  // parts' order and the labels as the server writes them (data attributes of weather/_city_clock.html).
  var LOCALE = root.getAttribute("data-locale") || "en-GB";
  var PATTERN = root.getAttribute("data-format") || "{month} {day}, {time} {zone}";
  var PATTERN_YEAR = root.getAttribute("data-format-year") || "{month} {day}, {year}, {time} {zone}";

  function readCookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function writeCookie(name, value) {
    document.cookie = name + "=" + encodeURIComponent(value) + "; path=/; max-age=" + (value ? YEAR : 0) + "; samesite=lax";
  }

  function formatter(zone) {
    if (!formatters[zone]) {
      formatters[zone] = new Intl.DateTimeFormat(LOCALE, {
        timeZone: zone, day: "numeric", month: "long", year: "numeric",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "shortOffset"
      });
    }
    return formatters[zone];
  }

  function partsOf(date, zone) {
    var parts = {};
    formatter(zone).formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    return parts;
  }

  // "May 30, 11:41 UTC+3" ("30 мая, 11:41 UTC+3"), the year only when it is not this year's ("May 30, 2017,
  // 11:41 UTC+3", "30 мая 2017, 11:41 UTC+3"): the same text the server writes (newsdesk.formatting.local_text).
  function format(date, zone) {
    var parts = partsOf(date, zone);
    var label = (parts.timeZoneName || "GMT").replace("GMT", "UTC").replace("-", "\u2212");
    var values = { month: parts.month, day: parts.day, year: parts.year, time: parts.hour + ":" + parts.minute, zone: label };
    var pattern = parts.year === partsOf(new Date(), zone).year ? PATTERN : PATTERN_YEAR;
    return pattern.replace(/\{(month|day|year|time|zone)\}/g, function (_, name) { return values[name]; });
  }

  function tick() {
    if (!state.city) return;
    var now = new Date();
    clock.textContent = format(now, state.city.zone);
    clock.setAttribute("datetime", now.toISOString());
  }

  function showWeather(city) {
    weather.textContent = "";
    if (!city.weather) return;  // no fresh reading: show nothing rather than something old
    weather.append(city.weather.text);
    if (city.weather.credit) {
      var credit = document.createElement("a");
      credit.className = "city-clock__credit";
      credit.href = city.weather.credit_url;
      credit.textContent = city.weather.credit;
      weather.append(" ", credit);
    }
  }

  // Article times (<time datetime>) in the chosen city's zone, or back to the server's text.
  function showArticleTimes() {
    document.querySelectorAll("time[datetime]").forEach(function (el) {
      if (root.contains(el) || el.hasAttribute("data-keep-zone") || el.dateTime.indexOf("T") < 0) return;
      var moment = new Date(el.dateTime);
      if (isNaN(moment)) return;
      if (!el.hasAttribute("data-site-text")) el.setAttribute("data-site-text", el.textContent);
      el.textContent = state.times ? format(moment, state.city.zone) : el.getAttribute("data-site-text");
    });
  }

  function choose(slug) {
    var city = state.cities.filter(function (c) { return c.slug === slug; })[0];
    if (!city) return;
    state.city = city;
    root.setAttribute("data-city", city.slug);
    link.firstChild.textContent = city.name;
    showWeather(city);
    tick();
    showArticleTimes();
  }

  function controls() {
    var select = document.createElement("select");
    select.id = "city-clock-select";
    select.className = "city-clock__select";
    state.cities.forEach(function (city) {
      var option = new Option(city.name, city.slug, false, city === state.city);
      select.add(option);
    });
    select.addEventListener("change", function () {
      writeCookie(CITY_COOKIE, select.value);
      choose(select.value);
    });
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = "city-clock-times";
    box.checked = state.times;
    box.addEventListener("change", function () {
      state.times = box.checked;
      writeCookie(TIMES_COOKIE, box.checked ? "city" : "");
      showArticleTimes();
    });
    root.insertBefore(label("city-clock-select", root.getAttribute("data-label-city") || "City", "visually-hidden"), link);
    root.insertBefore(select, link);
    var times = document.createElement("span");
    times.className = "city-clock__times";
    times.append(box, " ", label("city-clock-times", root.getAttribute("data-label-times") || "Article times in this city", ""));
    root.append(times);
    link.hidden = true;
  }

  function label(target, text, className) {
    var el = document.createElement("label");
    el.htmlFor = target;
    el.textContent = text;
    if (className) el.className = className;
    return el;
  }

  function start(data) {
    state.cities = data.cities || [];
    if (!state.cities.length) return;
    var wanted = readCookie(CITY_COOKIE) || root.getAttribute("data-city") || data["default"];
    choose(wanted);
    if (!state.city) choose(data["default"]);
    if (!state.city) choose(state.cities[0].slug);
    controls();
    window.setInterval(tick, 1000);
  }

  var abort = window.AbortController ? new AbortController() : null;
  var timer = window.setTimeout(function () { if (abort) abort.abort(); }, 5000);
  fetch(root.getAttribute("data-cities-url"), { credentials: "omit", signal: abort && abort.signal })
    .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
    .then(start)
    .catch(function () { /* the server-rendered clock stays; the widget shows no weather it cannot trust */ })
    .then(function () { window.clearTimeout(timer); });
})();
