// What she wrote but the server has not acknowledged yet, kept in localStorage so that a lost
// connection, a reload or a closed tab loses nothing. Each item has a client_id: resending it
// is safe, the server stores it once (docs/realtime.md, "Reconnecting and catching up").

export function newClientId() {
  if (window.crypto && crypto.randomUUID) {
    try {
      return crypto.randomUUID();
    } catch {
      // not a secure context: fall through
    }
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function read(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(key));
    return value === null ? fallback : value;
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the page still works, only without the safety net
  }
}

export class Outbox {
  constructor(roomId) {
    this.key = `eventhub.outbox.${roomId}`;
    this.draftKey = `eventhub.draft.${roomId}`;
  }

  items() {
    const items = read(this.key, []);
    return Array.isArray(items) ? items : [];
  }

  add(item) {
    write(this.key, [...this.items(), item]);
  }

  remove(clientId) {
    const rest = this.items().filter((i) => i.client_id !== clientId);
    write(this.key, rest.length ? rest : null);
  }

  get draft() {
    const draft = read(this.draftKey, "");
    return typeof draft === "string" ? draft : "";
  }

  set draft(text) {
    write(this.draftKey, text ? text : null);
  }
}
