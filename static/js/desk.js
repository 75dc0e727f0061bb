// The clerk's desk: search as you type, forms sent without reloading the page, keyboard shortcuts, and a
// draft of everything typed (localStorage here, the visit's draft on the server) so nothing is typed twice.
// Every form also works without this script (a normal post and redirect).
(function () {
  "use strict";
  var root = document.getElementById("desk");
  if (!root) { return; }
  var t = root.dataset;
  var csrf = t.csrf;
  var workspace = document.getElementById("desk-workspace");
  var q = document.getElementById("desk-q");
  var kind = document.getElementById("desk-kind");
  var results = document.getElementById("desk-results");
  var none = document.getElementById("desk-none");
  var found = [];
  var active = -1;
  var newPhone = "";
  var searchSeq = 0;
  var searchTimer = null;

  function $(selector) { return workspace.querySelector(selector); }
  function visitId() { var w = $(".desk-workspace"); return w ? w.dataset.visit : ""; }
  function status(text, isError) {
    var box = document.getElementById("desk-status");
    if (!box) { return; }
    box.textContent = text || "";
    box.className = "desk-status" + (text ? (isError ? " alert alert-danger" : " alert alert-success") : "");
  }

  // --- Kind of contact (visit / call) is remembered per browser: a call-centre desk sets it once. --------
  if (kind) {
    var savedKind = localStorage.getItem("desk:kind");
    if (savedKind && !new URLSearchParams(location.search).get("kind")) { kind.value = savedKind; }
    kind.addEventListener("change", function () { localStorage.setItem("desk:kind", kind.value); });
  }

  // --- Search as you type -------------------------------------------------------------------------------
  function render() {
    results.replaceChildren();
    found.forEach(function (c, i) {
      var li = document.createElement("li");
      li.className = "list-group-item list-group-item-action" + (i === active ? " active" : "");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      li.id = "desk-result-" + i;
      var name = document.createElement("strong");
      name.textContent = c.name || "—";
      li.appendChild(name);
      li.appendChild(document.createTextNode("  " + c.phone + (c.iin ? "  · " + c.iin : "") +
        (c.iin_checked ? " (" + t.i18nIinChecked + ")" : "") + (c.phone_proved ? " · " + t.i18nPhoneProved : "")));
      li.addEventListener("click", function () { startWith(c); });
      results.appendChild(li);
    });
    if (active >= 0) { q.setAttribute("aria-activedescendant", "desk-result-" + active); }
    else { q.removeAttribute("aria-activedescendant"); }
    none.hidden = found.length > 0 || q.value.trim().length < 3;
    none.textContent = t.i18nNone;
    var stale = document.getElementById("desk-none-static");
    if (stale) { stale.remove(); }
  }

  function search() {
    var text = q.value.trim();
    var seq = ++searchSeq;
    if (text.length < 3) { found = []; active = -1; render(); return; }
    fetch(t.citizensUrl + "?q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (seq !== searchSeq) { return; } // an older answer arriving late
        found = data.citizens;
        newPhone = data.new_phone;
        active = found.length ? 0 : -1;
        render();
      })
      .catch(function () { status(t.i18nOffline, true); });
  }

  if (q) {
    q.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(search, 120); });
    q.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && found.length) { e.preventDefault(); active = (active + 1) % found.length; render(); }
      else if (e.key === "ArrowUp" && found.length) { e.preventDefault(); active = (active - 1 + found.length) % found.length; render(); }
      else if (e.key === "Escape") { q.value = ""; found = []; active = -1; render(); }
      else if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(searchTimer);
        if (found.length && active >= 0) { startWith(found[active]); } else { openNewCitizen(); }
      }
    });
  }

  function post(url, body) {
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       headers: {"X-Desk": "1", "X-CSRFToken": csrf, "Accept": "application/json"}})
      .then(function (r) { return r.json(); });
  }

  function startWith(citizen) {
    var body = new FormData();
    body.set("citizen", citizen.id);
    body.set("kind", kind.value);
    // A call: the number the caller was found by is the caller's number (a whole number only).
    if (kind.value === "call" && /^[\d\s+()-]+$/.test(q.value) && q.value.replace(/\D/g, "").length >= 10) {
      body.set("caller_phone", q.value);
    }
    status(t.i18nSaving);
    post(t.startUrl, body).then(function (data) {
      if (data.ok) { q.value = ""; found = []; active = -1; render(); }
      done(data);
    }).catch(function () { status(t.i18nOffline, true); });
  }

  function openNewCitizen() {
    var box = $("#desk-new");
    var form = $("#desk-new-citizen");
    if (!box || !form) { return; }
    box.hidden = false;
    var text = q.value.trim();
    var digits = /^[\d\s+()-]+$/.test(text);
    var phone = form.querySelector("[name=phone]");
    var name = form.querySelector("[name=full_name]");
    var iin = form.querySelector("[name=iin]");
    if (digits && text.replace(/\D/g, "").length === 12 && !newPhone) { iin.value = text.replace(/\D/g, ""); }
    else if (digits) { phone.value = newPhone || text; }
    else if (text) { name.value = text; }
    (phone.value ? (name.value ? iin : name) : phone).focus();
  }

  // --- Forms sent without a reload; the server answers with the workspace to show -------------------------
  function formKey(form) { return "desk:" + (form.dataset.draft === "citizen" ? "" : visitId()) + ":" + form.dataset.draft; }

  function fields(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "hidden" && el.name !== "guide" && el.name !== "c-guide" || el.name === "csrfmiddlewaretoken") { return; }
      data[el.name] = el.type === "checkbox" ? (el.checked ? "on" : "") : el.value;
    });
    return data;
  }

  function restoreDrafts() {
    workspace.querySelectorAll("form[data-draft]").forEach(function (form) {
      var saved = localStorage.getItem(formKey(form));
      if (!saved) { return; }
      var data;
      try { data = JSON.parse(saved); } catch (err) { return; }
      var changed = false;
      Object.keys(data).forEach(function (name) {
        var el = form.elements.namedItem(name);
        if (!el || el.type === "file") { return; }
        if (el.type === "checkbox") { if (el.checked !== (data[name] === "on")) { el.checked = data[name] === "on"; changed = true; } }
        else if (el.value !== data[name]) { el.value = data[name]; changed = true; }
      });
      if (changed) {
        syncChoices();
        keepDraft(form); // what only this browser had goes to the server too
        if (form.dataset.draft === "citizen") { var box = $("#desk-new"); if (box) { box.hidden = false; } }
        status(t.i18nRestored);
      }
    });
  }

  var draftTimers = {};
  function keepDraft(form) {
    localStorage.setItem(formKey(form), JSON.stringify(fields(form)));
    var url = $(".desk-workspace").dataset.draftUrl;
    if (!url || form.dataset.draft === "citizen") { return; }
    clearTimeout(draftTimers[form.id]);
    draftTimers[form.id] = setTimeout(function () {
      var body = new FormData();
      var data = fields(form);
      Object.keys(data).forEach(function (k) { body.set(k, data[k]); });
      body.set("_form", form.dataset.draft);
      fetch(url, {method: "POST", body: body, credentials: "same-origin", keepalive: true,
                  headers: {"X-Desk": "1", "X-CSRFToken": csrf}}).catch(function () { /* localStorage has it */ });
    }, 1500);
  }

  function send(form) {
    if (form.dataset.busy) { return; }
    form.dataset.busy = "1";
    if (form.dataset.draft) { keepDraft(form); }
    var body = new FormData(form);
    if (form.id === "desk-new-citizen") {
      body.set("kind", kind.value);
      if (kind.value === "call") { body.set("caller_phone", body.get("phone")); }
    }
    status(t.i18nSaving);
    post(form.action, body).then(function (data) {
      if (data.ok && data.saved) {
        var key = data.saved === "citizen" ? "desk::citizen" : "desk:" + data.visit + ":" + data.saved;
        localStorage.removeItem(key);
        if (data.saved === "citizen") { q.value = ""; found = []; active = -1; render(); }
      }
      done(data);
    }).catch(function () {
      delete form.dataset.busy;
      status(t.i18nOffline, true);
    });
  }

  function done(data) {
    workspace.innerHTML = data.html;
    if (data.url) { history.replaceState(null, "", data.url); }
    bind();
    restoreDrafts();
    status(data.message || "", !data.ok);
    var target = !data.ok ? workspace.querySelector(".is-invalid, .alert-danger") : null;
    if (target && target.classList.contains("alert-danger")) {
      target = target.closest("form").querySelector("input:not([type=hidden]), select, textarea");
    }
    target = target || (data.focus && workspace.querySelector(data.focus)) || (!visitId() ? q : null);
    if (data.focus === "#desk-q" || !visitId() && q) { target = q; }
    if (target) { target.focus(); }
  }

  // --- Suggestions while the text is typed: the topic and the guides ---------------------------------------
  var suggestTimer = null;
  var suggestSeq = 0;
  function suggest(text) {
    var seq = ++suggestSeq;
    if (text.trim().length < 12) { return; }
    fetch(t.suggestUrl + "?text=" + encodeURIComponent(text.slice(0, 300)), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (seq !== suggestSeq) { return; }
        var box = $("[data-suggest]");
        if (!box) { return; }
        var topic = box.querySelector("[data-suggest-topic]");
        var button = box.querySelector("[data-accept-topic]");
        if (data.category) {
          button.dataset.category = data.category.id;
          button.querySelector("span").textContent = data.category.name;
          topic.classList.remove("d-none");
        } else { topic.classList.add("d-none"); button.dataset.category = ""; }
        var guides = box.querySelector("[data-suggest-guides]");
        var list = guides.querySelector("ul");
        list.replaceChildren();
        data.guides.forEach(function (guide) {
          var li = document.createElement("li");
          var link = document.createElement("a");
          link.href = guide.url;
          link.target = "_blank";
          link.rel = "noopener";
          link.textContent = guide.title;
          var use = document.createElement("button");
          use.type = "button";
          use.className = "btn btn-link btn-sm py-0";
          use.textContent = t.i18nConsulted;
          use.addEventListener("click", function () { useGuide(guide, data.category); });
          li.appendChild(link);
          li.appendChild(use);
          list.appendChild(li);
        });
        guides.hidden = data.guides.length === 0;
      })
      .catch(function () { /* suggestions are a help, not a step */ });
  }

  function acceptTopic() {
    var button = $("[data-accept-topic]");
    var select = $("#id_category-select");
    if (!button || !select || !button.dataset.category) { return false; }
    select.value = button.dataset.category;
    syncChoices();
    keepDraft($("#desk-appeal"));
    var next = $("#id_district");
    if (next) { next.focus(); }
    return true;
  }

  function useGuide(guide, category) {
    var form = $("#desk-consultation");
    if (!form) { return; }
    form.elements.namedItem("c-guide").value = guide.slug;
    var select = form.elements.namedItem("c-category");
    if (category && !select.value) { select.value = category.id; syncChoices(); }
    var question = form.elements.namedItem("c-question");
    var text = $("#id_text");
    if (!question.value && text) { question.value = text.value.slice(0, 2000); }
    form.querySelector("[data-guide-chosen]").textContent = guide.title;
    keepDraft(form);
    form.querySelector("button[type=submit]").focus();
  }

  // --- Choices with search: a text box that picks the option whose text holds what is typed --------------
  // The select stays in the form (hidden) and is what is sent; the box takes its id, so labels and keys work.
  function enhance(select) {
    var box = document.createElement("input");
    box.type = "text";
    box.className = "form-control desk-filter" + (select.classList.contains("is-invalid") ? " is-invalid" : "");
    box.id = select.id;
    box.autocomplete = "off";
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-expanded", "false");
    select.id = select.id + "-select";
    select.hidden = true;
    select.tabIndex = -1;
    var hint = document.createElement("div");
    hint.className = "form-text desk-filter-hint";
    hint.id = box.id + "-hint";
    box.setAttribute("aria-describedby", hint.id);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(hint, select.nextSibling);
    var options = Array.prototype.filter.call(select.options, function (o) { return o.value; });
    var matches = options;
    var at = 0;
    function label() { var o = select.options[select.selectedIndex]; return o && o.value ? o.text : ""; }
    function pick(option) {
      select.value = option ? option.value : "";
      select.dispatchEvent(new Event("change", {bubbles: true}));
      hint.textContent = option ? "→ " + option.text + (matches.length > 1 ? "  (↓ ↑ " + (at + 1) + "/" + matches.length + ")" : "") : "";
    }
    select._sync = function () { box.value = label(); hint.textContent = ""; };
    box.addEventListener("focus", function () { box.select(); });
    box.addEventListener("input", function () {
      var text = box.value.trim().toLowerCase();
      var starts = options.filter(function (o) { return o.text.toLowerCase().indexOf(text) === 0; });
      var inside = options.filter(function (o) { return starts.indexOf(o) < 0 && o.text.toLowerCase().indexOf(text) >= 0; });
      matches = text ? starts.concat(inside) : options;
      at = 0;
      pick(text ? matches[0] : null);
    });
    box.addEventListener("keydown", function (e) {
      if ((e.key === "ArrowDown" || e.key === "ArrowUp") && matches.length) {
        e.preventDefault();
        at = (at + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
        pick(matches[at]);
      } else if (e.key === "Escape") { box.value = ""; matches = options; pick(null); }
    });
    box.addEventListener("blur", function () { if (select.value) { box.value = label(); } });
    select._sync();
  }

  function syncChoices() {
    workspace.querySelectorAll("select[data-filter]").forEach(function (s) { if (s._sync) { s._sync(); } });
  }

  function bind() {
    workspace.querySelectorAll("select[data-filter]").forEach(enhance);
    workspace.querySelectorAll("form[data-draft]").forEach(function (form) {
      form.addEventListener("input", function () { keepDraft(form); });
      form.addEventListener("change", function () { keepDraft(form); });
    });
    var text = $("#id_text");
    if (text) {
      text.addEventListener("input", function () {
        clearTimeout(suggestTimer);
        suggestTimer = setTimeout(function () { suggest(text.value); }, 350);
      });
    }
    var accept = $("[data-accept-topic]");
    if (accept) { accept.addEventListener("click", acceptTopic); }
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("[data-desk-form]")) { return; }
    e.preventDefault();
    send(form);
  });

  // --- Keys (by physical key, so they work on a Russian or Kazakh layout too) ----------------------------------
  var focusKeys = {Digit1: "#desk-q", Digit2: "#id_text", Digit3: "#id_c-category", Digit4: "#id_h-to_operator"};
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      var form = document.activeElement && document.activeElement.form;
      if (form && form.matches("[data-desk-form]")) { e.preventDefault(); send(form); }
      return;
    }
    if (!e.altKey || e.ctrlKey || e.metaKey) { return; }
    var el = null;
    if (focusKeys[e.code]) {
      el = e.code === "Digit1" ? q : $(focusKeys[e.code]);
      if (el) { e.preventDefault(); el.focus(); if (el.select) { el.select(); } }
    } else if (e.code === "KeyS") {
      e.preventDefault();
      acceptTopic();
    } else if (e.code === "KeyE") {
      el = $("#desk-finish");
      if (el) { e.preventDefault(); send(el); }
    } else if (e.code === "KeyP") {
      el = $("#desk-receipt");
      if (el) { e.preventDefault(); location.href = el.href; }
    }
  });

  // The connection is back: the server gets the drafts it missed.
  window.addEventListener("online", function () {
    workspace.querySelectorAll("form[data-draft]").forEach(function (form) {
      if (localStorage.getItem(formKey(form))) { keepDraft(form); }
    });
  });

  bind();
  restoreDrafts();
  if (q && !visitId()) { q.focus(); }
  if (q && q.value.trim().length >= 3) { search(); }
})();
