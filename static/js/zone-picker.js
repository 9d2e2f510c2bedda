// The time-zone field as a searchable list (an ARIA 1.2 combobox): she types a city or a country
// in her language and picks from the suggestions; her device's zone comes first. The list is
// fetched once, when she first uses the field, so the page itself stays light. Without JS the
// field is a plain text box that the server understands the same way.

const MAX_SHOWN = 8;

function fold(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

function label(zone) {
  return zone.country && zone.country !== zone.city ? `${zone.city} — ${zone.country}` : zone.city;
}

function deviceZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

function matches(zones, query) {
  const wanted = fold(query.trim());
  if (!wanted) return [];
  const starts = [];
  const contains = [];
  for (const zone of zones) {
    const names = [zone.search, fold(zone.city), fold(zone.country), fold(zone.id)];
    if (names.some((n) => n.startsWith(wanted))) starts.push(zone);
    else if (names.some((n) => n.includes(wanted))) contains.push(zone);
  }
  return starts.concat(contains);
}

function setUp(input) {
  const list = document.createElement("ul");
  list.id = `${input.id}-suggestions`;
  list.className = "zone-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.labels[0]?.textContent.trim() || "");
  list.hidden = true;
  input.after(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  const settings = input.closest("[data-zone-list]")?.dataset || {};
  const deviceLabel = settings.deviceLabel || "";
  let data = null;
  let shown = [];
  let active = -1;

  async function load() {
    if (data) return data;
    const response = await fetch(settings.zoneList, { credentials: "same-origin" });
    const body = await response.json();
    const zones = body.zones.map((z) => ({ ...z, label: label(z), search: fold(label(z)) }));
    const device = deviceZone();
    const mine = zones.find((z) => z.id === (body.aliases[device] || device)) || null;
    data = { zones, mine };
    return data;
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    active = index;
    for (const [i, item] of [...list.children].entries()) {
      item.setAttribute("aria-selected", String(i === active));
      if (i === active) {
        input.setAttribute("aria-activedescendant", item.id);
        item.scrollIntoView({ block: "nearest" });
      }
    }
  }

  function choose(zone) {
    input.value = zone.label;
    close();
  }

  async function update() {
    let zones;
    try {
      zones = await load();
    } catch {
      return; // offline: the plain text box still works
    }
    const found = matches(zones.zones, input.value);
    shown = input.value.trim() ? found : [];
    if (zones.mine && (!input.value.trim() || found.includes(zones.mine))) {
      shown = [zones.mine, ...shown.filter((z) => z !== zones.mine)];
    }
    shown = shown.slice(0, MAX_SHOWN);
    list.replaceChildren(
      ...shown.map((zone, i) => {
        const item = document.createElement("li");
        item.id = `${list.id}-${i}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.index = String(i);
        item.textContent = zone.label;
        if (zone === zones.mine && deviceLabel) {
          const note = document.createElement("span");
          note.className = "zone-device";
          note.textContent = ` (${deviceLabel})`;
          item.append(note);
        }
        return item;
      }),
    );
    list.hidden = shown.length === 0;
    input.setAttribute("aria-expanded", String(shown.length > 0));
    active = -1;
  }

  input.addEventListener("focus", update);
  input.addEventListener("input", update);
  input.addEventListener("blur", () => setTimeout(close, 150));
  list.addEventListener("mousedown", (event) => {
    const item = event.target.closest("[role=option]");
    if (!item) return;
    event.preventDefault();
    choose(shown[Number(item.dataset.index)]);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) {
        update();
        return;
      }
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + shown.length) % shown.length);
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      choose(shown[active]);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
}

for (const input of document.querySelectorAll("[data-zone-list] input[data-zone-picker]")) {
  setUp(input);
}
