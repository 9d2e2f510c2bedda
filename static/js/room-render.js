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

const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
  hour: "numeric",
  minute: "2-digit",
});

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

// The mark beside the name of whoever runs the room (as macros.html's role_mark renders it).
export function roleMark(role, strings) {
  const label = role && strings[`role-${role}`];
  return label ? el("span", { class: `role-mark role-${role}`, text: label }) : "";
}

// The html field is sanitized by the server (nh3); it is the only HTML we ever insert.
export function messageElement(m, ctx) {
  const { strings, questions, authorOf } = ctx;
  const meta = el("p", { class: "message-meta" });
  meta.append(el("bdi", { class: "message-author", text: m.author ? m.author.name : strings.formerParticipant }));
  meta.append(roleMark(m.author && m.author.role, strings), " ");
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
