// The live board: joins `board:<group>` over Socket.IO, puts every change in place as it happens
// (fetching the item as the server renders it for this viewer), and sends the page's forms as
// socket events. Without JavaScript, or while offline, the forms post as usual.
// Events: docs/board-format.md ("Board events").

import { io } from "../vendor/socket.io/socket.io.esm.min.js";

const root = document.getElementById("board");
if (root) start(root);

const INT_FIELDS = new Set(["group", "item", "version", "into", "question"]);
const BOOL_FIELDS = new Set(["endorse", "frozen"]);
const NULLABLE = new Set(["audience", "question"]);
const SKIP = new Set(["csrf_token", "next"]);

function start(root) {
  const groupId = Number(root.dataset.group);
  const strings = {};
  for (const span of document.querySelectorAll("#board-strings [data-text]")) {
    strings[span.dataset.text] = span.textContent;
  }
  const status = document.getElementById("board-connection");
  const announcer = document.getElementById("board-announcer");
  const socket = io({ transports: ["websocket", "polling"] });
  let joined = false;

  const setStatus = (text, state) => {
    status.textContent = text || "";
    status.dataset.state = state;
  };
  const call = (event, data) =>
    socket
      .timeout(10000)
      .emitWithAck(event, data)
      .catch(() => ({ ok: false, error: "timeout", message: strings.reconnecting }));

  socket.on("connect", async () => {
    const ack = await call("board_join", { group: groupId });
    if (!ack.ok) return setStatus(ack.message, "refused");
    joined = true;
    setStatus(strings.connected, "live");
    // Catch up with what changed while we were away.
    for (const item of ack.items) {
      const li = document.getElementById(`item-${item.id}`);
      if (!li || Number(li.dataset.version) !== item.version) refresh(item.id, false);
    }
    if (ack.frozen !== (root.dataset.frozen === "true")) location.reload();
  });
  socket.on("disconnect", () => {
    joined = false;
    setStatus(strings.reconnecting, "offline");
  });
  socket.on("board_item", (item) => {
    if (item.group !== undefined) refresh(item.id, true, item.reference);
  });
  socket.on("board_order", (data) => reorder(data.items));
  socket.on("board_frozen", () => {
    setStatus(strings.frozen, "frozen");
    setTimeout(() => location.reload(), 1200);
  });

  // Live updates ---------------------------------------------------------------------------

  function fragmentUrl(id) {
    const url = new URL(root.dataset.fragmentUrl.replace("/items/0/", `/items/${id}/`), location.href);
    url.searchParams.set("view", root.dataset.view);
    if (root.dataset.query) url.searchParams.set("q", root.dataset.query);
    return url;
  }

  const dirty = (form) =>
    [...form.elements].some(
      (f) => (f.tagName === "TEXTAREA" || f.type === "text" || !f.type) && f.value !== f.defaultValue,
    );

  async function refresh(id, announce, reference) {
    let response;
    try {
      response = await fetch(fragmentUrl(id), { credentials: "same-origin" });
    } catch {
      return;
    }
    const old = document.getElementById(`item-${id}`);
    if (response.status === 204) {
      old?.remove();
      return tidy();
    }
    if (!response.ok) return;
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    const li = template.content.firstElementChild;
    if (old) keepHerWork(old, li);
    const list = root.querySelector(`ol.board-items[data-section="${li.dataset.section}"]`);
    if (!list) return location.reload(); // a section this page does not have yet
    if (old && old.parentElement === list) old.replaceWith(li);
    else {
      old?.remove();
      insertByPosition(list, li);
    }
    tidy();
    if (announce && reference) announcer.textContent = strings.changed.replace("{reference}", reference);
  }

  // Keep what she is typing, and the forms she opened. A half-done edit keeps the version it
  // started from, so saving it is refused as stale rather than overwriting the newer text.
  function keepHerWork(old, li) {
    const focused = old.contains(document.activeElement) ? document.activeElement.id : null;
    for (const details of old.querySelectorAll("details[open]")) {
      li.querySelector(`details.${details.className.split(" ")[0]}`)?.setAttribute("open", "");
    }
    for (const form of old.querySelectorAll("form[data-event]")) {
      if (form.dataset.sending || !dirty(form)) continue;
      const twin = li.querySelector(`form[data-event="${form.dataset.event}"]`);
      if (twin) twin.replaceWith(form);
    }
    if (focused) requestAnimationFrame(() => document.getElementById(focused)?.focus());
  }

  function insertByPosition(list, li) {
    const position = Number(li.dataset.position);
    const after = [...list.children].find((other) => Number(other.dataset.position) > position);
    list.insertBefore(li, after || null);
  }

  function reorder(ids) {
    ids.forEach((id, index) => {
      const li = document.getElementById(`item-${id}`);
      if (li) li.dataset.position = String(index + 1);
    });
    for (const list of root.querySelectorAll("ol.board-items")) {
      const items = [...list.children].sort((a, b) => a.dataset.position - b.dataset.position);
      list.append(...items);
    }
  }

  function tidy() {
    for (const section of root.querySelectorAll(".board-section")) {
      const count = section.querySelector("ol.board-items").children.length;
      section.querySelector(".board-empty").hidden = count > 0;
      if (section.dataset.section === "closed") section.hidden = count === 0;
    }
  }

  // Forms as socket events -----------------------------------------------------------------

  function payload(form) {
    const data = {};
    for (const [name, raw] of new FormData(form)) {
      if (SKIP.has(name)) continue;
      const value = String(raw);
      if (name === "sources") (data.sources ||= []).push(Number(value));
      else if (value === "" && NULLABLE.has(name)) data[name] = null;
      else if (value === "" && name === "state") continue;
      else if (INT_FIELDS.has(name)) data[name] = Number(value);
      else if (BOOL_FIELDS.has(name)) data[name] = value === "1";
      else data[name] = value;
    }
    return data;
  }

  function showError(form, ack) {
    let note = form.querySelector(".board-form-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "board-form-error flash flash-error";
      note.setAttribute("role", "alert");
      form.append(note);
    }
    note.hidden = false;
    note.textContent = [ack.message, ...(ack.problems || [])].join(" ");
  }

  function moveOrder(form, direction) {
    const li = form.closest("li.board-item");
    const ids = [...root.querySelectorAll("li.board-item")]
      .sort((a, b) => a.dataset.position - b.dataset.position)
      .map((other) => Number(other.dataset.item));
    const index = ids.indexOf(Number(li.dataset.item));
    const target = Math.max(0, Math.min(ids.length - 1, index + (direction === "up" ? -1 : 1)));
    ids.splice(target, 0, ids.splice(index, 1)[0]);
    return { group: groupId, items: ids };
  }

  root.addEventListener("submit", async (event) => {
    const form = event.target;
    const move = form.classList.contains("board-move");
    const name = move ? "board_reorder" : form.dataset.event;
    if (!name || !joined) return; // the plain POST does it
    event.preventDefault();
    const data = move ? moveOrder(form, event.submitter?.value) : payload(form);
    // While it is on its way, the form's item may be refreshed: this form is then not "her work".
    form.dataset.sending = "true";
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    const ack = await call(name, data);
    delete form.dataset.sending;
    for (const button of form.querySelectorAll("button")) button.disabled = false;
    if (!ack.ok) return showError(form, ack);
    form.querySelector(".board-form-error")?.setAttribute("hidden", "");
    if (name === "board_add") {
      // A capture from a room message is done: the next item starts blank.
      form.querySelector("[name=sources]")?.remove();
      form.querySelector(".board-capture-source")?.remove();
      for (const field of form.querySelectorAll("textarea")) field.defaultValue = "";
      const url = new URL(location.href);
      if (url.searchParams.has("from_message")) {
        url.searchParams.delete("from_message");
        history.replaceState(null, "", url);
      }
    }
    if (name === "board_add" || name === "board_comment") form.reset();
  });
}
