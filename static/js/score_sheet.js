// The running total of a score sheet while the member ticks levels or types points (the server computes its own).
(function () {
  const script = document.currentScript;
  const ids = script.dataset.ids.split(",");
  const maxima = script.dataset.maxima.split(",").map(Number);
  const levels = script.dataset.mechanic === "levels";
  const form = document.getElementById("sheet-form");
  const output = document.getElementById("sheet-total");
  function update() {
    let total = 0;
    ids.forEach(function (id, index) {
      let value = NaN;
      if (levels) {
        const ticked = form.querySelector('input[name="value_' + id + '"]:checked');
        value = ticked ? Number(ticked.value) * maxima[index] / 4 : NaN;
      } else {
        const input = form.querySelector('input[name="value_' + id + '"]');
        value = input && input.value !== "" ? Number(input.value) : NaN;
      }
      if (!Number.isNaN(value)) total += value;
    });
    output.textContent = total.toLocaleString(document.documentElement.lang === "vi" ? "vi-VN" : "en-GB", {maximumFractionDigits: 2});
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
