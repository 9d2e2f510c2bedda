// The presenter view of a plenary's questions: the one being answered, large, and the next
// three by votes, kept live over Socket.IO. It joins as a participant would (no askers, ever).

import { io } from "../vendor/socket.io/socket.io.esm.min.js";

const root = document.getElementById("qa-presenter");
if (root) start(root);

function start(root) {
  const sessionId = Number(root.dataset.session);
  const now = document.getElementById("qa-now");
  const nowTo = document.getElementById("qa-now-to");
  const next = document.getElementById("qa-next");
  const row = document.getElementById("qa-next-template");
  const empty = now.innerHTML; // "No question is being answered yet."
  const questions = new Map();
  const socket = io({ transports: ["websocket", "polling"], tryAllTransports: true });

  socket.on("connect", () => {
    socket.emit("qa_join", { session: sessionId, view: "presenter" }, (ack) => {
      if (!ack || !ack.ok) return;
      questions.clear();
      for (const q of ack.questions) questions.set(q.id, q);
      draw();
    });
  });
  socket.on("qa_question", (q) => {
    if (q.session !== sessionId) return;
    questions.set(q.id, { ...(questions.get(q.id) || {}), ...q });
    draw();
  });
  socket.on("qa_votes", (data) => {
    if (data.session !== sessionId) return;
    for (const [id, votes] of Object.entries(data.votes)) {
      const q = questions.get(Number(id));
      if (q) q.votes = votes;
    }
    draw();
  });

  function draw() {
    const all = [...questions.values()];
    const current = all.find((q) => q.state === "answering");
    if (current) {
      now.textContent = current.body;
      nowTo.hidden = !current.to;
      nowTo.querySelector("bdi").textContent = current.to || "";
    } else {
      now.innerHTML = empty;
      nowTo.hidden = true;
    }
    const waiting = all
      .filter((q) => q.state === "open")
      .sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0) || a.id - b.id)
      .slice(0, 3);
    next.replaceChildren(
      ...waiting.map((q) => {
        const li = row.content.firstElementChild.cloneNode(true);
        const [votes, body] = li.querySelectorAll("span");
        votes.textContent = `▲ ${q.votes ?? 0}`;
        body.textContent = q.body;
        return li;
      }),
    );
  }
}
