// Building the room's pieces from protocol objects (docs/realtime.md, "Objects"). The message
// markup is the same as templates/rooms/_message.html renders on the server.

export function readStrings(root) {
  const strings = {};
  for (const el of root.querySelectorAll("[data-text]")) strings[el.dataset.text] = el.textContent.trim();
  return strings;
}

// Fill `{name}` placeholders of a translated text.
export function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}

// Her zone, by the rule every page uses: her profile's, else her device's, else the event's.
// The page says which it knows (data-zone-source); "event" means the device never told us, so
// the device's own zone, which this script knows, comes first.
function chosenZone() {
  const root = document.getElementById("room");
  const source = root ? root.dataset.zoneSource : null;
  if (root && (source === "profile" || source === "browser") && root.dataset.zone) return root.dataset.zone;
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || (root && root.dataset.zone) || undefined;
  } catch {
    return (root && root.dataset.zone) || undefined;
  }
}

function formatter() {
  const options = { hour: "numeric", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, { ...options, timeZone: chosenZone() });
  } catch {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options);
  }
}
const timeFormat = formatter();

// Every message time on the page goes through here, live or loaded.
export function clock(iso) {
  return iso ? timeFormat.format(new Date(iso)) : "";
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || ["id", "href", "title", "type", "datetime", "role"].includes(key)) node.setAttribute(key, value === true ? "" : value);
    else node[key] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export { el };

export function roleMark(role, strings) {
  const label = role ? strings[`role-${role}`] : null;
  return label ? el("span", { class: `role-mark role-${role}`, text: label }) : null;
}

// The board items a message fed, as links ("Fed board item WG1-R3"); null when none.
export function boardLine(items, ctx) {
  if (!items || !items.length) return null;
  const line = el("p", { class: "message-board" });
  for (const item of items) {
    line.append(el("a", { href: `${ctx.boardUrl}/items/${item.id}`, "data-item": item.id, text: fill(ctx.strings.fed, { reference: item.reference }) }));
  }
  return line;
}

// The html field is sanitized by the server (nh3); it is the only HTML we ever insert.
export function messageElement(m, ctx) {
  const { strings, questions, authorOf } = ctx;
  const meta = el("p", { class: "message-meta", id: `message-meta-${m.id}` });
  meta.append(el("bdi", { class: "message-author", text: m.author ? m.author.name : strings.formerParticipant }), " ");
  const mark = roleMark(m.author && m.author.role, strings);
  if (mark) meta.append(mark, " ");
  meta.append(el("time", { datetime: m.created_at, text: clock(m.created_at) }));
  const question = m.question ? questions.get(m.question) : null;
  if (question) {
    meta.append(" ", el("span", { class: "message-question", title: question.text, text: fill(strings.question, { number: question.position }) }));
  }
  if (m.reply_to) {
    const name = authorOf(m.reply_to) || strings.anEarlierMessage;
    meta.append(" ", el("a", { class: "message-reply-to", href: `#message-${m.reply_to}`, text: fill(strings.replyTo, { name }) }));
  }
  const body = el("div", { class: "message-body", dir: "auto" });
  body.innerHTML = m.html;
  const item = el("li", {
    class: "message" + (m.hidden ? " is-hidden" : ""),
    id: `message-${m.id}`,
    "data-id": m.id,
    "data-seq": m.seq,
    "data-author": m.author ? m.author.id : "",
  }, meta);
  if (m.hidden) item.append(hiddenNote(m, strings));
  item.append(body);
  const fed = boardLine(ctx.fed ? ctx.fed.get(m.id) : null, ctx);
  if (fed) item.append(fed);
  item.append(el("p", { class: "message-actions" }));
  return item;
}

export function hiddenNote(m, strings) {
  return el("p", {
    class: "message-hidden-note",
    text: fill(strings.hiddenBy, { name: m.hidden_by ? m.hidden_by.name : "?", time: clock(m.hidden_at) }),
  });
}

export function button(text, onClick, attrs = {}) {
  const b = el("button", { type: "button", class: "link", text, ...attrs });
  b.addEventListener("click", onClick);
  return b;
}

export function replaceChildren(node, children) {
  node.replaceChildren(...children);
}
