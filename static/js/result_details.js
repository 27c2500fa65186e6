// The results page: a row's sheets and per-criterion scores are read from the application's own result page the
// first time its details are opened, so the ranking shows 25 rows without 25 tables. Without this script the
// details hold a link to that page.
(function () {
  document.querySelectorAll("details[data-src]").forEach((details) => {
    details.addEventListener("toggle", () => {
      if (!details.open || details.dataset.loaded) return;
      details.dataset.loaded = "1";
      fetch(details.dataset.src, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => {
          const found = new DOMParser().parseFromString(html, "text/html").getElementById("result-detail");
          if (!found) return;
          found.removeAttribute("id");
          details.querySelector(":scope > a")?.remove();
          details.append(found);
        })
        .catch(() => delete details.dataset.loaded);
    });
  });
})();
