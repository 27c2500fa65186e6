// The application form's conveniences; the page works without them and the server recomputes everything.
// 1. Only the chosen sector's priority items are shown. 2. "Add a row" buttons. 3. Running budget totals
// checked against the chosen category's rule (rate and cap, or fixed amount).
(function () {
  "use strict";
  var form = document.getElementById("proposal-form");
  if (!form) { return; }

  function money(amount) {
    return String(Math.round(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ".") + " ₫";
  }
  function parseMoney(text) {
    var cleaned = (text || "").replace(/[₫\s]|VND|đ/gi, "");
    if (!/^\d{1,3}([.,]\d{3})*$|^\d+$/.test(cleaned)) { return cleaned ? NaN : 0; }
    return parseInt(cleaned.replace(/[.,]/g, ""), 10);
  }

  // 1. Priority items follow the sector.
  var sector = document.getElementById("sector_id");
  function showSectorItems() {
    document.querySelectorAll(".sector-items").forEach(function (group) {
      var chosen = group.getAttribute("data-sector") === sector.value;
      group.hidden = !chosen;
      if (!chosen) {
        group.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = false; });
      }
    });
  }
  if (sector) { sector.addEventListener("change", showSectorItems); showSectorItems(); }

  // 2. New rows: copy the last row with the next index and empty values.
  document.querySelectorAll(".repeating").forEach(function (section) {
    var button = section.querySelector(".add-row");
    var body = section.querySelector("tbody");
    var prefix = section.getAttribute("data-prefix");
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var last = body.querySelector("tr:last-child");
      var index = body.querySelectorAll("tr").length;
      var row = last.cloneNode(true);
      row.querySelectorAll("input, select").forEach(function (input) {
        var name = input.name.replace(new RegExp("^" + prefix + "-\\d+-"), prefix + "-" + index + "-");
        input.name = name;
        input.id = name;
        input.classList.remove("is-invalid");
        if (input.tagName === "SELECT") { input.selectedIndex = 0; } else { input.value = ""; }
      });
      row.querySelectorAll(".invalid-feedback").forEach(function (error) { error.remove(); });
      body.appendChild(row);
      row.querySelector("input, select").focus();
    });
  });

  // 3. Budget totals and the category's limit.
  var check = document.getElementById("budget-check");
  var live = document.getElementById("budget-live");
  var category = document.getElementById("category_id");
  var rules = JSON.parse(check.getAttribute("data-rules"));
  function sum(suffix) {
    var total = 0;
    form.querySelectorAll("input[name^='budget_lines-'][name$='-" + suffix + "']").forEach(function (input) {
      var value = parseMoney(input.value);
      input.classList.toggle("is-invalid", isNaN(value));
      total += isNaN(value) ? 0 : value;
    });
    return total;
  }
  function recompute() {
    var support = sum("support_vnd");
    var counterpart = sum("counterpart_vnd");
    document.getElementById("support-total").textContent = money(support);
    document.getElementById("counterpart-total").textContent = money(counterpart);
    var rule = rules[category.value];
    live.textContent = "";
    if (!rule) { live.textContent = check.getAttribute("data-text-none"); return; }
    var cost = support + counterpart;
    var limit = rule.kind === "fixed" ? rule.fixed : Math.min(Math.floor(cost * rule.rate / 100), rule.cap);
    var ok = support <= limit;
    var verdict = document.createElement("strong");
    verdict.className = ok ? "text-success" : "text-danger";
    verdict.textContent = check.getAttribute(ok ? "data-text-ok" : "data-text-over");
    live.appendChild(verdict);
    live.appendChild(document.createTextNode(
      " · " + check.getAttribute("data-text-limit") + ": " + money(limit) +
      " · " + check.getAttribute("data-text-cost") + ": " + money(cost)));
  }
  form.addEventListener("input", function (event) {
    if (event.target.name && event.target.name.indexOf("budget_lines-") === 0) { recompute(); }
  });
  category.addEventListener("change", recompute);
  recompute();  // after a refused save the rows on the page are the typed ones, not the saved ones
})();
