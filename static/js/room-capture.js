// Capture without leaving the room: a dialog that turns one or several messages into a new
// board item (board_add) or adds them as sources of an existing one (board_source), over the
// socket (docs/realtime.md, "Capturing from the room"). The board then broadcasts the item;
// room.js marks the messages "Fed board item WG1-R3" from that broadcast.

import { el, fill } from "./room-render.js";

const OPEN_STATES = new Set(["draft", "proposed"]);
const NEARBY = 6; // the clicked message and the ones just before it, to cite together

export function setUpCapture({ $, strings, call, groupId, announce }) {
  const dialog = $("room-capture-dialog");
  if (!dialog || !groupId) return { open() {}, boardItems() {} };
  const form = $("room-capture-form");
  const editor = dialog.dataset.editor === "true";
  const items = new Map();
  let opener = null;

  function boardItems(list) {
    for (const item of list) items.set(item.id, item);
    const select = $("room-capture-item");
    if (!select) return;
    const chosen = select.value;
    const open = [...items.values()].filter((i) => OPEN_STATES.has(i.state)).sort((a, b) => a.position - b.position);
    select.replaceChildren(...open.map((i) => el("option", { value: String(i.id), text: `${i.reference}: ${i.text.slice(0, 80)}` })));
    if (chosen) select.value = chosen;
    $("room-capture-existing-mode").disabled = open.length === 0;
  }

  function mode() {
    return editor ? form.querySelector("input[name=mode]:checked").value : "new";
  }
  function showMode() {
    if (!editor) return;
    const existing = mode() === "existing";
    $("room-capture-existing").hidden = !existing;
    $("room-capture-new").hidden = existing;
  }
  for (const radio of form.querySelectorAll("input[name=mode]")) radio.addEventListener("change", showMode);

  function messageChoice(li, checked) {
    const id = li.dataset.id;
    const author = li.querySelector(".message-author")?.textContent || "";
    const text = li.querySelector(".message-body")?.textContent.trim() || "";
    const input = el("input", { type: "checkbox", value: id, id: `room-capture-m-${id}` });
    input.checked = checked;
    const label = el("label", { for: `room-capture-m-${id}` });
    label.htmlFor = `room-capture-m-${id}`;
    label.append(el("bdi", { text: author }), ": ", el("span", { dir: "auto", text: text.length > 120 ? `${text.slice(0, 120)}…` : text }));
    return el("li", {}, input, " ", label);
  }

  function open(messageId, button) {
    const li = $(`message-${messageId}`);
    if (!li) return;
    opener = button || null;
    const all = [...document.querySelectorAll("#messages li.message:not(.is-hidden)")];
    const index = all.indexOf(li);
    const nearby = all.slice(Math.max(0, index - NEARBY + 1), index + 1);
    $("room-capture-messages").replaceChildren(...nearby.map((node) => messageChoice(node, node === li)));
    $("room-capture-text").value = li.querySelector(".message-body")?.textContent.trim() || "";
    const question = $("room-capture-question");
    if (question) question.value = $("current-question")?.dataset.question || "";
    $("room-capture-error").hidden = true;
    showMode();
    dialog.showModal();
    $("room-capture-text").focus();
  }

  function fail(ack) {
    const box = $("room-capture-error");
    const problems = ack.problems && ack.problems.length ? ack.problems : [];
    box.replaceChildren(el("span", { text: ack.message || "" }));
    if (problems.length) box.append(el("ul", {}, ...problems.map((p) => el("li", { text: p }))));
    box.hidden = false;
    box.focus?.();
  }

  form.addEventListener("submit", async (event) => {
    if (event.submitter && event.submitter.value === "cancel") return; // the dialog closes
    event.preventDefault();
    const sources = [...form.querySelectorAll("#room-capture-messages input:checked")].map((i) => Number(i.value));
    if (!sources.length) return fail({ message: strings.chooseMessage });
    const submit = $("room-capture-submit");
    submit.disabled = true;
    try {
      let done = null;
      if (mode() === "existing") {
        const item = Number($("room-capture-item").value);
        for (const message of sources) {
          const ack = await call("board_source", { item, message });
          if (!ack.ok) return fail(ack);
          done = fill(strings.sourced, { reference: ack.item.reference });
        }
      } else {
        const value = (id) => ($(id) && $(id).value) || null;
        const ack = await call("board_add", {
          group: groupId,
          kind: $("room-capture-kind").value,
          text: $("room-capture-text").value,
          audience: value("room-capture-audience"),
          question: value("room-capture-question") ? Number(value("room-capture-question")) : null,
          sources,
        });
        if (!ack.ok) return fail(ack);
        done = fill(strings.captured, { reference: ack.item.reference });
      }
      dialog.close();
      announce(done, true);
    } finally {
      submit.disabled = false;
    }
  });

  // Focus goes back to the message she captured from.
  dialog.addEventListener("close", () => {
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  });

  return { open, boardItems };
}
