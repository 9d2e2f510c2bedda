// The live room: connects over Socket.IO, shows each message once in seq order, catches up after
// a reconnect, keeps unsent text in an outbox, and drives the facilitator's controls.
// Protocol: docs/realtime.md. Without JavaScript the page is a read view with a plain form.

import { io } from "../vendor/socket.io/socket.io.esm.min.js";
import { Outbox, newClientId } from "./room-outbox.js";
import { setUpControls } from "./room-controls.js";
import { setUpCapture } from "./room-capture.js";
import { setUpPolls } from "./room-polls.js";
import { boardLine, button, clock, el, fill, hiddenNote, messageElement, readStrings } from "./room-render.js";

const root = document.getElementById("room");
if (root && document.getElementById("messages")) start(root);

function start(root) {
  const $ = (id) => document.getElementById(id);
  const roomId = Number(root.dataset.room);
  const me = Number(root.dataset.me);
  const strings = readStrings($("room-strings"));
  const list = $("messages");
  const outbox = new Outbox(roomId);
  const state = {
    moderator: root.dataset.moderator === "true",
    watermark: Number(root.dataset.until) || 0, // every seq up to here is shown or covered
    seen: new Map(), // seq -> <li>, or null for one hidden from her
    questions: new Map(),
    queue: [],
    floor: null,
    presence: [],
    sanctions: { muted: [], removed: [] },
    replyTo: null,
    joined: false,
    flushing: false,
    removed: false,
    timerEnds: null,
    clockSkew: 0,
    fed: new Map(), // message id -> [{id, reference}] of the board items it fed
  };
  const groupId = Number(root.dataset.group) || null;
  const capture = root.dataset.capture === "true";

  // JavaScript is here: show the live-only parts.
  root.classList.add("is-live");
  for (const node of root.querySelectorAll("[data-needs-js]")) node.hidden = false;
  for (const node of root.querySelectorAll(".js-only-text")) node.remove();
  for (const li of root.querySelectorAll("#room-questions li[data-question]")) {
    state.questions.set(Number(li.dataset.question), { id: Number(li.dataset.question), position: state.questions.size + 1, text: li.textContent.trim() });
  }
  // Loaded messages: her zone's time (the server wrote the zone it knew), and her actions.
  for (const li of list.querySelectorAll("li.message")) {
    state.seen.set(Number(li.dataset.seq), li);
    for (const time of li.querySelectorAll(".message-meta time")) time.textContent = clock(time.getAttribute("datetime"));
    addActions(li);
  }
  // The form's own client_id is for the no-JavaScript path; ours come from the outbox.
  const compose = $("room-compose");
  compose.querySelector("[name=client_id]")?.remove();
  const textarea = $("room-body");
  if (!textarea.value) textarea.value = outbox.draft;

  // WebSocket first (lighter on the server); long-polling if a proxy or network refuses it.
  const socket = io({ transports: ["websocket", "polling"], tryAllTransports: true, autoConnect: false });

  // Connection state ---------------------------------------------------------------------------

  function setStatus(key, text) {
    const status = $("room-connection");
    status.dataset.state = key;
    status.textContent = text || strings[key] || "";
  }

  socket.on("connect", () => join());
  socket.on("disconnect", (reason) => {
    state.joined = false;
    if (reason !== "io client disconnect") setStatus("reconnecting");
  });
  socket.on("connect_error", () => setStatus(socket.active ? "reconnecting" : "refused"));
  socket.io.on("reconnect_attempt", () => setStatus("reconnecting"));

  function call(event, data) {
    return socket
      .timeout(10000)
      .emitWithAck(event, data)
      .catch(() => ({ ok: false, error: "timeout", message: strings.reconnecting }));
  }

  async function join() {
    setStatus("connecting");
    const ack = await call("join", { room: roomId, after: state.watermark });
    if (!ack.ok) {
      if (ack.error === "removed") showRemoved();
      setStatus("refused", ack.message);
      return;
    }
    state.removed = false;
    applyRoom(ack.room);
    poller.apply(ack.room.polls);
    controls.refreshUnheard();
    addMessages(ack.messages, false);
    cover(ack.until);
    let { more, until } = ack;
    while (more) {
      const page = await call("history", { room: roomId, after: until });
      if (!page.ok) break;
      addMessages(page.messages, false);
      cover(page.until);
      ({ more, until } = page);
    }
    state.joined = true;
    setStatus("connected");
    flushOutbox();
    if (groupId) joinBoard();
  }

  // The board: which items each message fed, kept live ("Fed board item WG1-R3").
  async function joinBoard() {
    const ack = await call("board_join", { group: groupId });
    if (!ack.ok) return;
    state.fed.clear();
    for (const item of ack.items) noteItem(item, false);
    for (const li of list.querySelectorAll("li.message")) showFed(li);
    boardItems(ack.items);
  }

  function noteItem(item, redraw = true) {
    const touched = new Set();
    for (const [messageId, items] of state.fed) {
      const rest = items.filter((i) => i.id !== item.id);
      if (rest.length !== items.length) touched.add(messageId);
      if (rest.length) state.fed.set(messageId, rest);
      else state.fed.delete(messageId);
    }
    for (const source of item.sources || []) {
      const items = state.fed.get(source.message) || [];
      state.fed.set(source.message, [...items, { id: item.id, reference: item.reference }].sort((a, b) => a.id - b.id));
      touched.add(source.message);
    }
    if (redraw) for (const id of touched) showFed($(`message-${id}`));
  }

  function showFed(li) {
    if (!li) return;
    li.querySelector(".message-board")?.remove();
    const line = boardLine(state.fed.get(Number(li.dataset.id)), ctx);
    if (line) li.querySelector(".message-actions").before(line);
  }

  socket.on("board_item", (item) => {
    noteItem(item);
    boardItems([item]);
  });
  const boardItems = (items) => {
    capturer.boardItems(items);
    poller.boardItems(items);
  };

  // Messages -----------------------------------------------------------------------------------

  function authorOf(messageId) {
    const li = $(`message-${messageId}`);
    return li ? li.querySelector(".message-author")?.textContent : null;
  }

  const ctx = { strings, questions: state.questions, authorOf, fed: state.fed, boardUrl: root.dataset.board };

  // The discussion scrolls by itself and opens at the latest message. While she reads further
  // up, new messages do not move it: a marker counts them and takes her down.
  const scroller = $("room-scroll");
  const marker = $("room-new-marker");
  let unread = 0;
  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const toBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
    unread = 0;
    marker.hidden = true;
  };
  marker.addEventListener("click", () => {
    toBottom();
    $("room-body").focus();
  });
  scroller.addEventListener("scroll", () => {
    if (unread && atBottom()) {
      unread = 0;
      marker.hidden = true;
    }
  }, { passive: true });
  toBottom();

  function addMessages(messages, live) {
    const stay = atBottom();
    const before = list.children.length;
    for (const m of messages) addMessage(m, live);
    $("room-empty").hidden = list.children.length > 0;
    const added = list.children.length - before;
    if (!added) return;
    const mine = messages.every((m) => m.author && m.author.id === me);
    if (stay || mine) toBottom();
    else if (live) {
      unread += added;
      marker.textContent = fill(strings.newMessages, { count: unread });
      marker.hidden = false;
    }
  }

  function addMessage(m, live) {
    const known = state.seen.get(m.seq);
    if (known) {
      if (m.hidden !== known.classList.contains("is-hidden")) {
        const fresh = messageElement(m, ctx);
        addActions(fresh);
        const buttons = [...known.querySelectorAll(".message-actions button")];
        const focused = buttons.indexOf(document.activeElement);
        known.replaceWith(fresh);
        state.seen.set(m.seq, fresh);
        if (focused >= 0) fresh.querySelectorAll(".message-actions button")[focused]?.focus();
      }
      return;
    }
    if (m.hidden && !state.moderator) {
      state.seen.set(m.seq, null);
      return;
    }
    const li = messageElement(m, ctx);
    addActions(li);
    const after = [...list.children].find((node) => Number(node.dataset.seq) > m.seq);
    list.insertBefore(li, after || null);
    state.seen.set(m.seq, li);
    if (live && (!m.author || m.author.id !== me)) announceMessage(m);
  }

  function cover(until) {
    if (typeof until === "number" && until > state.watermark) state.watermark = until;
    while (state.seen.has(state.watermark + 1)) state.watermark += 1;
  }

  // New messages are read out one by one while they come slowly; a burst is summed up in one
  // line ("New messages: 5"), so a screen reader is not flooded in a lively discussion.
  const heard = [];
  let heardTimer = null;
  function announceMessage(m) {
    heard.push(m);
    if (heardTimer) return;
    heardTimer = setTimeout(() => {
      heardTimer = null;
      const batch = heard.splice(0);
      if (batch.length === 1) {
        const [one] = batch;
        announce(fill(strings.newMessage, { name: one.author ? one.author.name : strings.formerParticipant, text: one.body.slice(0, 200) }));
      } else if (batch.length > 1) {
        announce(fill(strings.newMessagesCount, { count: batch.length }));
      }
    }, 1500);
  }

  function announce(text) {
    const region = $("room-announcer");
    region.append(el("p", { text }));
    while (region.children.length > 3) region.firstElementChild.remove();
  }

  function addActions(li) {
    const id = Number(li.dataset.id);
    const mine = Number(li.dataset.author) === me;
    const meta = li.querySelector(".message-meta");
    if (meta && !meta.id) meta.id = `message-meta-${id}`;
    const describe = { "aria-describedby": meta ? meta.id : null };
    const hidden = li.classList.contains("is-hidden");
    let actions = li.querySelector(".message-actions");
    if (!actions) actions = li.appendChild(el("p", { class: "message-actions" }));
    const buttons = [button(strings.reply, () => startReply(id, li), describe)];
    if (capture && !hidden) {
      const captureButton = button(strings.capture, () => capturer.open(id, captureButton), describe);
      buttons.push(captureButton);
    }
    if (!mine) buttons.push(button(strings.report, () => openReport(id), describe));
    if (state.moderator) {
      buttons.push(button(hidden ? strings.unhide : strings.hide, () => call(hidden ? "unhide" : "hide", { room: roomId, message: id }).then(showError), describe));
    }
    // Focus stays on the action she used (Hide becomes Show again in the same place).
    const focused = [...actions.children].indexOf(document.activeElement);
    actions.replaceChildren(...buttons);
    if (focused >= 0) buttons[Math.min(focused, buttons.length - 1)].focus();
  }

  socket.on("message", (m) => {
    if (m.room !== roomId) return;
    addMessages([m], true);
    cover();
    controls.unheardSoon();
  });

  socket.on("hidden", ({ room, seq }) => {
    if (room !== roomId) return;
    const li = state.seen.get(seq);
    if (!li) return;
    if (state.moderator) {
      li.classList.add("is-hidden");
      addActions(li);
    } else {
      li.remove();
      state.seen.set(seq, null);
      announce(strings.messageHidden);
      $("room-empty").hidden = list.children.length > 0;
    }
  });

  socket.on("unhidden", ({ room, message }) => {
    if (room !== roomId) return;
    if (state.seen.get(message.seq) === null) state.seen.delete(message.seq);
    addMessages([message], false);
  });

  socket.on("moderation", (event) => {
    if (event.room !== roomId) return;
    if (event.message) addMessage(event.message, false);
    if (event.message && event.action === "hide") {
      const li = state.seen.get(event.message.seq);
      if (li && !li.querySelector(".message-hidden-note")) li.querySelector(".message-meta").after(hiddenNote(event.message, strings));
    }
    if (event.action === "dismiss_report") document.querySelector(`#room-reports [data-report="${event.report}"]`)?.remove();
    if (["mute", "unmute", "remove", "readmit"].includes(event.action)) refreshSanctions(event);
    updateReportsEmpty();
  });

  // Older messages.
  const older = $("room-older");
  older.hidden = older.dataset.more !== "true";
  older.addEventListener("click", async () => {
    const first = list.firstElementChild;
    const before = first ? Number(first.dataset.seq) : state.watermark + 1;
    const page = await call("history", { room: roomId, before, limit: 50 });
    if (!page.ok) return showError(page);
    const height = scroller.scrollHeight;
    const top = scroller.scrollTop;
    for (const m of page.messages) addMessage(m, false);
    scroller.scrollTop = top + scroller.scrollHeight - height;
    older.hidden = !page.more;
  });

  // Writing ------------------------------------------------------------------------------------

  // One line that grows as she types, up to the stylesheet's max-block-size.
  function fit() {
    textarea.style.blockSize = "auto";
    textarea.style.blockSize = `${textarea.scrollHeight + 2}px`;
  }
  let draftTimer = null;
  textarea.addEventListener("input", () => {
    fit();
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => (outbox.draft = textarea.value), 400);
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      compose.requestSubmit();
    }
  });

  compose.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = textarea.value.trim();
    if (!body) return;
    const tag = $("room-question-tag");
    outbox.add({
      client_id: newClientId(),
      body,
      question: tag && tag.value ? Number(tag.value) : null,
      reply_to: state.replyTo,
    });
    textarea.value = "";
    fit();
    outbox.draft = "";
    cancelReply();
    showOutbox();
    flushOutbox();
    textarea.focus();
  });

  function showOutbox() {
    const count = outbox.items().length;
    const note = $("room-outbox");
    note.hidden = count === 0;
    note.textContent = count ? fill(strings.pending, { count }) : "";
  }

  async function flushOutbox() {
    if (state.flushing || !state.joined) return;
    state.flushing = true;
    try {
      for (const item of outbox.items()) {
        const ack = await call("send", { room: roomId, ...item });
        if (ack.ok) {
          outbox.remove(item.client_id);
          continue;
        }
        if (ack.error === "timeout" || ack.error === "internal") break; // retried on reconnect
        if (ack.error === "rate-limited") {
          setTimeout(flushOutbox, 3000);
          break;
        }
        // Refused for good (muted, removed, invalid): give her text back rather than lose it.
        outbox.remove(item.client_id);
        if (!textarea.value) textarea.value = item.body;
        showError(ack);
      }
    } finally {
      state.flushing = false;
      showOutbox();
    }
  }

  function startReply(id, li) {
    state.replyTo = id;
    $("room-replying").hidden = false;
    $("room-replying-text").textContent = fill(strings.replyingTo, { name: li.querySelector(".message-author")?.textContent || "" });
    textarea.focus();
  }

  function cancelReply() {
    state.replyTo = null;
    $("room-replying").hidden = true;
  }
  $("room-replying-cancel").addEventListener("click", () => {
    cancelReply();
    textarea.focus();
  });

  function showError(ack) {
    if (ack && ack.ok === false && ack.message) {
      const note = $("room-muted");
      const problems = (ack.problems || []).filter((p) => p !== ack.message);
      note.textContent = problems.length ? `${ack.message} ${problems.join(" ")}` : ack.message;
      note.hidden = false;
      clearTimeout(showError.timer);
      if (ack.error !== "muted" && ack.error !== "removed") showError.timer = setTimeout(() => (note.hidden = true), 8000);
    }
    return ack;
  }

  const controls = setUpControls({ $, roomId, me, strings, state, socket, call, showError, announce, compose, join });
  const { applyRoom, showRemoved, refreshSanctions, updateReportsEmpty, openReport } = controls;
  const capturer = setUpCapture({ $, strings, call, groupId, announce: notify });
  const poller = setUpPolls({ $, roomId, strings, state, socket, call, showError, notify, announce });

  // A short confirmation she sees (and a screen reader hears, once: the note is a status).
  function notify(text) {
    const note = $("room-notice");
    note.textContent = text;
    note.hidden = false;
    clearTimeout(notify.timer);
    notify.timer = setTimeout(() => (note.hidden = true), 6000);
  }

  // Panels: one tap away on a phone (one open at a time), all shown beside a wide screen.
  const tabs = [...document.querySelectorAll("#room-tabs [data-panel]")];
  function openPanel(id) {
    for (const tab of tabs) {
      const open = tab.dataset.panel === id && tab.getAttribute("aria-expanded") !== "true";
      tab.setAttribute("aria-expanded", open ? "true" : "false");
      const panel = $(tab.dataset.panel);
      if (panel.tagName === "DETAILS") panel.open = open;
      else panel.classList.toggle("is-open", open);
      if (open && panel.tagName !== "DETAILS") panel.querySelector("h2")?.setAttribute("tabindex", "-1");
      if (open && panel.tagName !== "DETAILS") panel.querySelector("h2")?.focus();
    }
  }
  for (const tab of tabs) tab.addEventListener("click", () => openPanel(tab.dataset.panel));
  $("room-question-box")?.addEventListener("toggle", (event) => {
    const tab = tabs.find((t) => t.dataset.panel === "room-question-box");
    if (tab) tab.setAttribute("aria-expanded", event.target.open ? "true" : "false");
  });
  function closePanel() {
    const open = tabs.find((t) => t.getAttribute("aria-expanded") === "true");
    if (open) {
      openPanel(open.dataset.panel);
      open.focus();
    }
  }
  document.addEventListener("keydown", (event) => event.key === "Escape" && closePanel());
  $("room-panel-close").addEventListener("click", closePanel);

  fit();
  showOutbox();
  window.addEventListener("online", () => socket.connected || socket.connect());
  socket.connect();
}
