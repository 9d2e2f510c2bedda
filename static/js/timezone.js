// Tell the server the browser's time zone once, so pages show times in it.
// Only when the profile does not choose a zone; reloads at most once per tab session.

const COOKIE = "eventhub_tz";
const RELOADED = "eventhub_tz_reloaded";

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

function sync() {
  const source = document.documentElement.dataset.zoneSource; // undefined: page shows no times
  if (source === "profile") return;
  const zone = browserZone();
  // IANA names need no escaping (and the server reads the cookie as written); skip anything odd.
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone) || zone === readCookie(COOKIE)) return;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${COOKIE}=${zone}; path=/; max-age=31536000; SameSite=Lax${secure}`;
  if (readCookie(COOKIE) !== zone) return; // cookies refused: reloading would change nothing
  if (source === undefined) return;
  let reloaded = null;
  try {
    reloaded = sessionStorage.getItem(RELOADED);
    sessionStorage.setItem(RELOADED, zone);
  } catch {
    return; // no storage: cannot guard against a loop, so do not reload
  }
  if (reloaded === zone) return;
  location.reload();
}

sync();
