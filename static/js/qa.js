// A plenary's questions, live: asks, votes and moderates over Socket.IO (docs/realtime.md,
// "Plenary questions"), keeps the list sorted, and re-reads the whole list after a reconnect so
// nothing changed meanwhile is missed. Every question is drawn from the page's own
// <template id="qa-question-template">, the same macro the server used for the loaded list.
// Without JavaScript the page works with its plain forms.

import { io } from "../vendor/socket.io/socket.io.esm.min.js";

const root = document.getElementById("qa");
if (root) start(root);

function start(root) {
  const $ = (id) => document.getElementById(id);
  const sessionId = Number(root.dataset.session);
  const chathamHouse = root.dataset.chathamHouse === "true";
  const list = $("qa-questions");
  const template = $("qa-question-template");
  const actUrl = root.dataset.actUrl.replace(/\/0$/, "/");
  const timeFormat = new Intl.DateTimeFormat(root.dataset.locale || undefined, {
    hour: "numeric", minute: "2-digit", timeZone: root.dataset.zone || undefined,
  });
  const state = {
    moderator: root.dataset.moderator === "true",
    sort: root.dataset.sort === "new" ? "new" : "top",
    questions: new Map(), // id -> question data
    mine: new Set(),
    voted: new Set(),
  };
  const labels = readLabels();

  for (const node of root.querySelectorAll(".js-only-text")) node.remove();
  for (const node of root.querySelectorAll(".js-hidden")) node.hidden = true;

  const socket = io({ transports: ["websocket", "polling"], tryAllTransports: true });

  function setStatus(key) {
    const status = $("qa-connection");
    status.dataset.state = key;
    status.textContent = labels[`status-${key}`] || "";
  }
  setStatus("connecting");

  socket.on("connect", join);
  socket.on("disconnect", () => setStatus("offline"));
  socket.on("qa_question", (q) => {
    if (q.session === sessionId) upsert(q, true);
  });
  socket.on("qa_votes", (data) => {
    if (data.session !== sessionId) return;
    for (const [id, votes] of Object.entries(data.votes)) {
      const q = state.questions.get(Number(id));
      if (q) upsert({ ...q, votes }, false);
    }
  });
  socket.on("qa_settings", (data) => {
    if (data.session !== sessionId) return;
    const box = $("qa-premoderated");
    if (box) box.checked = data.premoderated;
  });

  // The whole list on every (re)connect: a question asked or changed while she was away is
  // then on her screen, as the server holds it.
  function join() {
    socket.emit("qa_join", { session: sessionId }, (ack) => {
      if (!ack || !ack.ok) {
        setStatus("error");
        return;
      }
      setStatus("online");
      state.moderator = ack.moderator;
      state.mine = new Set(ack.mine);
      state.voted = new Set(ack.voted);
      const ids = new Set(ack.questions.map((q) => q.id));
      for (const id of [...state.questions.keys()]) {
        if (!ids.has(id)) remove(id);
      }
      for (const q of ack.questions) upsert(q, false);
      resort();
    });
  }

  // Drawing ----------------------------------------------------------------------------------

  function visible(q) {
    if (["open", "answering", "answered"].includes(q.state)) return true;
    return state.moderator || state.mine.has(q.id);
  }

  function upsert(q, announce) {
    const before = state.questions.get(q.id);
    const merged = before ? { ...before, ...q } : q;
    if (!visible(merged)) {
      remove(q.id);
      return;
    }
    state.questions.set(q.id, merged);
    let li = $(`question-${q.id}`);
    if (!li) {
      li = template.content.firstElementChild.cloneNode(true);
      wire(li);
      list.append(li);
    }
    fill(li, merged);
    if (announce) {
      if (!before) say(labels["new-question"]);
      else if (before.state !== "answering" && merged.state === "answering") {
        say(`${labels["now-answering"]} ${merged.body}`);
      }
    }
    resort();
  }

  function remove(id) {
    state.questions.delete(id);
    $(`question-${id}`)?.remove();
    $("qa-empty").hidden = state.questions.size > 0;
  }

  function fill(li, q) {
    const mine = state.mine.has(q.id);
    li.id = `question-${q.id}`;
    li.dataset.id = q.id;
    li.dataset.state = q.state;
    li.dataset.votes = q.votes ?? 0;
    li.dataset.created = q.created_at || "";
    li.dataset.mine = String(mine);
    for (const form of li.querySelectorAll("form")) form.action = actUrl + q.id;
    for (const input of li.querySelectorAll("[id$='-new']")) {
      const fresh = input.id.replace(/-new$/, `-${q.id}`);
      li.querySelector(`label[for='${input.id}']`)?.setAttribute("for", fresh);
      input.id = fresh;
    }
    const field = (name) => li.querySelector(`[data-field='${name}']`);
    if (q.body !== undefined) field("body").textContent = q.body;
    field("votes").textContent = q.votes ?? 0;
    field("to").textContent = q.to || "";
    field("to-line").hidden = !q.to;
    field("asker").textContent = q.asker ? q.asker.name : labels.anonymous;
    if (field("anonymous")) field("anonymous").hidden = !(state.moderator && q.anonymous && !chathamHouse);
    const time = field("time");
    if (q.created_at) {
      time.dateTime = q.created_at;
      time.textContent = timeFormat.format(new Date(q.created_at));
    }
    field("reason-line").hidden = !(q.state === "hidden" && q.reason);
    field("reason").textContent = q.reason || "";
    const inReport = field("in-report");
    inReport.hidden = !(state.moderator && q.in_report);
    for (const badge of li.querySelectorAll("[data-show]")) badge.hidden = badge.dataset.show !== q.state;
    const voted = state.voted.has(q.id);
    const vote = li.querySelector(".qa-vote-button");
    vote.setAttribute("aria-pressed", String(voted));
    vote.disabled = !["open", "answering", "answered"].includes(q.state);
    li.querySelector(".qa-vote [name=action]").value = voted ? "down" : "up";
    const asker = li.querySelector("[data-for='asker']");
    asker.hidden = !(mine && ["pending", "open"].includes(q.state));
    const edit = li.querySelector("[data-action='edit']");
    if (edit && document.activeElement?.closest("form") !== edit) {
      edit.querySelector("[name=body]").value = q.body || "";
      edit.querySelector("[name=to]").value = q.to || "";
    }
    for (const node of li.querySelectorAll("[data-for='moderator'] [data-states]")) {
      node.hidden = !node.dataset.states.split(" ").includes(q.state);
    }
    const report = li.querySelector("[data-action='report']");
    if (report) {
      report.querySelector("[name=action]").value = q.in_report ? "exclude" : "include";
      report.querySelector("[data-field='report-label']").textContent = q.in_report ? labels["report-out"] : labels["report-in"];
    }
    const number = field("id");
    if (number) number.textContent = q.id;
  }

  function resort() {
    const items = [...state.questions.values()];
    const rank = (q) => (q.state === "pending" ? 0 : q.state === "answering" ? 1 : q.state === "answered" ? 3 : 2);
    items.sort((a, b) => {
      if (state.sort === "new") return (b.created_at || "").localeCompare(a.created_at || "") || b.id - a.id;
      return rank(a) - rank(b) || (b.votes ?? 0) - (a.votes ?? 0) || a.id - b.id;
    });
    // Move only what is out of place, so focus and open <details> stay where they are.
    let previous = null;
    for (const q of items) {
      const li = $(`question-${q.id}`);
      if (!li) continue;
      const expected = previous ? previous.nextElementSibling : list.firstElementChild;
      if (expected !== li) list.insertBefore(li, expected);
      previous = li;
    }
    $("qa-empty").hidden = state.questions.size > 0;
  }

  // Acting -----------------------------------------------------------------------------------

  function wire(li) {
    for (const form of li.querySelectorAll("form[data-action]")) {
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        act(form);
      });
    }
  }
  for (const li of list.querySelectorAll("li.qa-question")) wire(li);

  function act(form) {
    const li = form.closest("li");
    const id = Number(li.dataset.id);
    const data = new FormData(form);
    const action = form.dataset.action;
    const done = (ack) => {
      if (!ack || !ack.ok) {
        say(ack?.message || labels.failed, true);
        return;
      }
      if (ack.question && typeof ack.question === "object") upsert(ack.question, false);
      if (ack.into) upsert(ack.into, false);
      li.querySelector(".qa-vote-button")?.focus({ preventScroll: true });
    };
    if (action === "vote") {
      const up = !state.voted.has(id);
      socket.emit("qa_vote", { question: id, up }, (ack) => {
        if (ack && ack.ok) {
          if (ack.voted) state.voted.add(id);
          else state.voted.delete(id);
          const q = state.questions.get(id);
          if (q) upsert({ ...q, votes: ack.votes }, false);
          say(ack.voted ? labels.voted : labels.unvoted);
        } else say(ack?.message || labels.failed, true);
      });
    } else if (action === "edit") {
      socket.emit("qa_edit", { question: id, body: data.get("body") || "", to: data.get("to") || "" }, (ack) => {
        done(ack);
        if (ack && ack.ok) form.closest("details").open = false;
      });
    } else if (action === "withdraw") {
      socket.emit("qa_withdraw", { question: id }, done);
    } else if (action === "moderate") {
      socket.emit("qa_moderate", { question: id, action: data.get("action"), reason: data.get("reason") || "" }, done);
    } else if (action === "merge") {
      socket.emit("qa_merge", { question: id, into: Number(data.get("into")) || 0 }, done);
    } else if (action === "report") {
      socket.emit("qa_report", { question: id, included: data.get("action") === "include" }, done);
    }
  }

  const askForm = $("qa-ask-form");
  askForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(askForm);
    const status = $("qa-ask-status");
    const payload = {
      session: sessionId,
      body: data.get("body") || "",
      to: data.get("to") || "",
      anonymous: data.get("anonymous") === "on",
      client_id: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random(),
    };
    socket.emit("qa_ask", payload, (ack) => {
      if (!ack || !ack.ok) {
        status.textContent = ack?.message || labels.failed;
        status.dataset.kind = "error";
        return;
      }
      state.mine.add(ack.question.id);
      upsert(ack.question, false);
      askForm.reset();
      status.dataset.kind = "success";
      status.textContent = ack.question.state === "pending" ? labels["sent-pending"] : labels.sent;
    });
  });

  const premoderated = $("qa-premoderated");
  premoderated?.addEventListener("change", () => {
    socket.emit("qa_settings", { session: sessionId, premoderated: premoderated.checked }, (ack) => {
      if (!ack || !ack.ok) say(ack?.message || labels.failed, true);
    });
  });

  for (const link of root.querySelectorAll(".qa-sort a[data-sort]")) {
    link.addEventListener("click", (e) => {
      e.preventDefault();
      state.sort = link.dataset.sort;
      for (const other of root.querySelectorAll(".qa-sort a")) other.removeAttribute("aria-current");
      link.setAttribute("aria-current", "true");
      history.replaceState(null, "", link.href);
      resort();
    });
  }

  // Screen readers: one polite line at a time, never the whole list.
  let sayTimer = null;
  function say(text, urgent = false) {
    const box = $("qa-announce");
    clearTimeout(sayTimer);
    box.setAttribute("aria-live", urgent ? "assertive" : "polite");
    box.textContent = text;
    sayTimer = setTimeout(() => { box.textContent = ""; }, 4000);
  }

  function readLabels() {
    const out = {};
    for (const node of document.querySelectorAll("#qa-labels [data-label]")) out[node.dataset.label] = node.textContent;
    return out;
  }
}
