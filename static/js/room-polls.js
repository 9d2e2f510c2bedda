// Quick polls in the room (docs/realtime.md, "Polls"): the latest poll with live counts, her
// answer (changeable until it closes), and the facilitator's form to open and close one.
// Counts only: nobody's choice is ever shown or sent to anyone else.

import { el, fill } from "./room-render.js";

export function setUpPolls({ $, roomId, strings, state, socket, call, showError, notify, announce }) {
  const box = $("room-poll");
  if (!box) return { apply() {}, boardItems() {} };
  const polls = new Map(); // id -> poll
  const yours = new Map(); // id -> her choices
  const boardItems = new Map();

  function latest() {
    const all = [...polls.values()];
    return all.find((p) => p.open) || all.sort((a, b) => b.id - a.id)[0] || null;
  }

  function apply(list) {
    polls.clear();
    yours.clear();
    for (const p of list || []) {
      polls.set(p.id, p);
      if (p.yours) yours.set(p.id, p.yours);
    }
    draw();
  }

  function draw(focusId) {
    const poll = latest();
    $("room-poll-empty").hidden = Boolean(poll);
    const tabMark = $("room-poll-mark");
    if (tabMark) tabMark.textContent = poll && poll.open && !yours.has(poll.id) ? "●" : "";
    if (!poll) return box.replaceChildren();
    const mine = yours.get(poll.id) || [];
    const type = poll.kind === "multiple" ? "checkbox" : "radio";
    const most = Math.max(1, ...poll.counts);
    const form = el("form", { class: "poll-choices" });
    const fieldset = el("fieldset", {}, el("legend", { class: "poll-question", dir: "auto", text: poll.question }));
    poll.options.forEach((option, i) => {
      const id = `room-poll-${poll.id}-${i}`;
      const input = el("input", { type, name: `poll-${poll.id}`, value: String(i), id });
      input.checked = mine.includes(i);
      input.disabled = !poll.open;
      const label = el("label", { for: id });
      label.htmlFor = id;
      label.append(el("span", { dir: "auto", text: option }));
      const count = el("span", { class: "poll-count", text: String(poll.counts[i]) });
      const bar = el("span", { class: "poll-bar", "aria-hidden": "true" });
      bar.style.inlineSize = `${Math.round((poll.counts[i] / most) * 100)}%`;
      fieldset.append(el("div", { class: "poll-option" }, input, label, count, bar));
    });
    form.append(fieldset);
    const answered = fill(strings.pollAnswers, { count: poll.voters });
    form.append(el("p", { class: "poll-state" }, el("span", { text: poll.open ? strings.pollOpen : strings.pollClosed }), " · ", el("span", { text: answered })));
    if (poll.open) {
      const actions = el("div", { class: "room-button-row" });
      actions.append(el("button", { type: "submit", id: "room-poll-answer", text: mine.length ? strings.pollChange : strings.pollAnswer }));
      if (state.moderator) {
        const close = el("button", { type: "button", class: "button-secondary", id: "room-poll-close", text: strings.pollClose });
        close.addEventListener("click", async () => {
          const ack = await call("poll_close", { room: roomId, poll: poll.id });
          if (!ack.ok) return showError(ack);
          receive(ack.poll, "room-poll-heading");
        });
        actions.append(close);
      }
      form.append(actions);
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const choices = [...form.querySelectorAll("input:checked")].map((i) => Number(i.value));
      const ack = await call("poll_answer", { room: roomId, poll: poll.id, choices });
      if (!ack.ok) return showError(ack);
      yours.set(poll.id, ack.yours);
      receive(ack.poll, "room-poll-answer");
      notify(strings.pollThanks);
    });
    box.replaceChildren(form);
    if (focusId) $(focusId)?.focus();
  }

  function receive(poll, focusId) {
    const before = polls.get(poll.id);
    polls.set(poll.id, poll);
    if (!before && poll.open) announce(fill(strings.pollOpened, { text: poll.question }));
    if (before && before.open && !poll.open) announce(fill(strings.pollEnded, { text: poll.question }));
    // Keep her focus where it was when the counts change under her.
    const active = document.activeElement;
    const keep = focusId || (active && box.contains(active) ? active.id : null);
    draw(keep);
  }
  socket.on("poll", ({ room, poll }) => room === roomId && receive(poll));

  // The facilitator's form.
  const form = $("room-poll-form");
  if (form) {
    const kind = $("room-poll-kind");
    const showOptions = () => ($("room-poll-options-box").hidden = kind.value === "scale");
    kind.addEventListener("change", showOptions);
    showOptions();
    $("room-poll-from-board")?.addEventListener("click", () => {
      const open = [...boardItems.values()].filter((i) => i.state === "draft" || i.state === "proposed" || i.state === "agreed");
      $("room-poll-options").value = open.slice(0, 10).map((i) => `${i.reference}: ${i.text.slice(0, 180)}`).join("\n");
      $("room-poll-options").focus();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const options = kind.value === "scale" ? [] : $("room-poll-options").value.split("\n").map((o) => o.trim()).filter(Boolean);
      const ack = await call("poll_open", { room: roomId, question: $("room-poll-question").value, kind: kind.value, options });
      if (!ack.ok) return showError(ack);
      form.reset();
      showOptions();
      $("room-poll-new").open = false;
      receive(ack.poll, "room-poll-heading");
    });
  }

  return {
    apply,
    boardItems(list) {
      for (const item of list) boardItems.set(item.id, item);
    },
  };
}
