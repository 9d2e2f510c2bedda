// Tell the server the browser's time zone once, so pages show times in it.
// Only when the profile does not choose a zone. On a first visit the page was drawn in the
// event's zone (or UTC): the page's main part is fetched again with the zone now known and put
// in place, without reloading the page (styles, scripts and the header stay as they are).

const COOKIE = "eventhub_tz";

function readCookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

async function redraw() {
  let response;
  try {
    response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
  } catch {
    return; // offline: the page stays in the zone it names
  }
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const source = fresh.documentElement.dataset.zoneSource;
  const main = document.getElementById("main");
  const freshMain = fresh.getElementById("main");
  if (source !== "browser" || !main || !freshMain) return;
  main.replaceChildren(...[...freshMain.childNodes].map((node) => document.adoptNode(node)));
  document.documentElement.dataset.zoneSource = source;
}

function sync() {
  const source = document.documentElement.dataset.zoneSource; // undefined: page shows no times
  if (source === "profile") return;
  const zone = browserZone();
  // IANA names need no escaping (and the server reads the cookie as written); skip anything odd.
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone) || zone === readCookie(COOKIE)) return;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${COOKIE}=${zone}; path=/; max-age=31536000; SameSite=Lax${secure}`;
  if (readCookie(COOKIE) !== zone) return; // cookies refused: asking again would change nothing
  if (source !== undefined) redraw();
}

sync();
