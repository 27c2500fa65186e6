// The queue's organization filter: as staff type, a few matching names are asked for and offered in the datalist;
// choosing one puts its id in the hidden "organization" field. Without this script the typed name is searched.
(function () {
  const input = document.getElementById("organization_name");
  const chosen = document.getElementById("organization");
  const list = document.getElementById("organization_names");
  if (!input || !chosen || !list) return;
  let offered = [];
  let timer = null;

  function pick() {
    const match = offered.find((org) => org.name === input.value);
    chosen.value = match ? match.id : "";
    chosen.disabled = !match;
  }

  function ask() {
    const url = input.dataset.source + "?q=" + encodeURIComponent(input.value);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : []))
      .then((organizations) => {
        offered = organizations;
        list.replaceChildren(
          ...organizations.map((org) => {
            const option = document.createElement("option");
            option.value = org.name;
            return option;
          })
        );
        pick();
      });
  }

  input.addEventListener("input", () => {
    pick();
    clearTimeout(timer);
    if (input.value.trim().length >= 2) timer = setTimeout(ask, 200);
  });
})();
