/* Keyboard shortcuts of the lead list (/leads): j/k move, x select, c confirm, d dismiss, o open,
   ? help. Plain script, no framework, no inline code (the CSP allows only 'self' scripts).
   Confirm/dismiss go through the page's bulk form (#bulk-form, which carries the CSRF token), so
   a shortcut does exactly what the toolbar's buttons do. Keys typed into a field are left alone.
   The help overlay's text is in the HTML (translated by the server's gettext catalogues). */
(function () {
  "use strict";

  var form = document.getElementById("bulk-form");
  var help = document.getElementById("shortcuts-help");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.lead-row"));
  var current = -1;

  function checkbox(row) { return row.querySelector("input.lead-select"); }

  function updateCount() {
    var n = rows.filter(function (r) { return r.classList.contains("selected"); }).length;
    var counters = document.querySelectorAll("[data-selected-count]");
    for (var i = 0; i < counters.length; i++) { counters[i].textContent = String(n); }
  }

  function setSelected(row, on) {
    row.classList.toggle("selected", on);
    var box = checkbox(row);
    if (box) { box.checked = on; }
  }

  // A checkbox cell at the start of every row (and the header), bound to the bulk form.
  function addCheckboxes() {
    if (!form || !rows.length) { return; }
    var label = form.getAttribute("data-select-label") || "";
    var head = document.querySelector("table.leads thead tr");
    if (head) {
      var th = document.createElement("th");
      th.className = "select";
      var all = document.createElement("input");
      all.type = "checkbox";
      all.className = "select-all";
      all.setAttribute("aria-label", form.getAttribute("data-select-all-label") || "");
      all.addEventListener("change", function () {
        rows.forEach(function (r) { setSelected(r, all.checked); });
        updateCount();
      });
      th.appendChild(all);
      head.insertBefore(th, head.firstChild);
    }
    rows.forEach(function (row) {
      var td = document.createElement("td");
      td.className = "select";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "lead-select";
      box.name = "id";
      box.value = row.getAttribute("data-lead-id");
      box.setAttribute("form", "bulk-form");
      box.setAttribute("aria-label", label);
      box.addEventListener("change", function () {
        row.classList.toggle("selected", box.checked);
        updateCount();
      });
      td.appendChild(box);
      row.insertBefore(td, row.firstChild);
    });
    var empty = document.querySelector("table.leads td.empty");
    if (empty) { empty.colSpan = (empty.colSpan || 1) + 1; }
  }

  function moveTo(index) {
    if (!rows.length) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0 && rows[current]) { rows[current].classList.remove("current"); }
    current = index;
    rows[current].classList.add("current");
    if (rows[current].scrollIntoView) { rows[current].scrollIntoView({block: "nearest"}); }
  }

  function selectedIds() {
    var ids = rows.filter(function (r) { return r.classList.contains("selected"); })
      .map(function (r) { return r.getAttribute("data-lead-id"); });
    if (!ids.length && current >= 0) { ids = [rows[current].getAttribute("data-lead-id")]; }
    return ids;
  }

  function submit(action) {
    if (!form) { return; }
    var ids = selectedIds();
    if (!ids.length) { return; }
    // Only the ids chosen here travel: drop checkbox values (they belong to the form too) and add
    // hidden fields for the action and each id.
    rows.forEach(function (r) { var b = checkbox(r); if (b) { b.disabled = true; } });
    var hidden = function (name, value) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    };
    hidden("action", action);
    ids.forEach(function (id) { hidden("id", id); });
    form.submit();
  }

  function toggleHelp(show) {
    if (!help) { return; }
    help.hidden = (show === undefined) ? !help.hidden : !show;
  }

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var key = event.key;
    if (key === "Escape") { toggleHelp(false); return; }
    if (key === "?") { toggleHelp(); event.preventDefault(); return; }
    if (help && !help.hidden) { return; }
    switch (key) {
      case "j": moveTo(current + 1); break;
      case "k": moveTo(current < 0 ? 0 : current - 1); break;
      case "x":
        if (current < 0) { moveTo(0); }
        if (current >= 0) { setSelected(rows[current], !rows[current].classList.contains("selected")); updateCount(); }
        break;
      case "c": submit("confirm"); break;
      case "d": submit("dismiss"); break;
      case "o":
        if (current >= 0) {
          var link = rows[current].querySelector("td.title a");
          if (link) { window.location.href = link.href; }
        }
        break;
      default: return;
    }
    event.preventDefault();
  });

  var toggles = document.querySelectorAll("[data-shortcuts-toggle]");
  for (var i = 0; i < toggles.length; i++) { toggles[i].addEventListener("click", function () { toggleHelp(true); }); }
  var closers = document.querySelectorAll("[data-shortcuts-close]");
  for (var j = 0; j < closers.length; j++) { closers[j].addEventListener("click", function () { toggleHelp(false); }); }
  if (help) { help.addEventListener("click", function (e) { if (e.target === help) { toggleHelp(false); } }); }

  // Enter in the note must not submit the form with its first button (that would confirm).
  var note = form ? form.querySelector("input[name=note]") : null;
  if (note) { note.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } }); }
  // Back from the next page (back-forward cache): the checkboxes disabled by submit() work again.
  window.addEventListener("pageshow", function () {
    rows.forEach(function (r) { var b = checkbox(r); if (b) { b.disabled = false; } });
    if (form) {
      var added = form.querySelectorAll("input[type=hidden][name=id], input[type=hidden][name=action]");
      for (var n = 0; n < added.length; n++) { added[n].parentNode.removeChild(added[n]); }
    }
  });

  addCheckboxes();
  updateCount();
})();
