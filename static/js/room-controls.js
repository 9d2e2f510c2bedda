// The room's side panels and facilitator tools: reports, current question, speaking queue,
// timer, presence, mutes and removals. room.js owns the connection and the messages.

import { button, clock, el, fill, roleMark } from "./room-render.js";

export function setUpControls({ $, roomId, me, strings, state, socket, call, showError, announce, compose, join }) {
  // Reports.
  const dialog = $("room-report-dialog");
  let reporting = null;
  function openReport(id) {
    reporting = id;
    $("room-report-reason").value = "";
    if (dialog.showModal) dialog.showModal();
  }
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue === "report" && reporting) {
      const ack = await call("report", { room: roomId, message: reporting, reason: $("room-report-reason").value });
      if (ack.ok) announce(strings.reported);
      else showError(ack);
      const note = $("room-muted");
      if (ack.ok) {
        note.textContent = strings.reported;
        note.hidden = false;
        setTimeout(() => (note.hidden = true), 5000);
      }
    }
    reporting = null;
  });

  socket.on("report", ({ room, report }) => {
    if (room !== roomId) return;
    addReport(report);
  });

  function addReport(r) {
    const ul = $("room-reports");
    if (!ul || ul.querySelector(`[data-report="${r.id}"]`)) return;
    const quote = el("blockquote");
    quote.innerHTML = r.message.html;
    const li = el("li", { "data-report": r.id },
      el("p", { text: fill(strings.reportLine, { reporter: r.reporter ? r.reporter.name : "?", author: r.message.author ? r.message.author.name : "?" }) }),
      quote);
    if (r.reason) li.append(el("p", { class: "quiet", text: fill(strings.reason, { reason: r.reason }) }));
    const actions = el("p");
    actions.append(
      el("a", { href: `#message-${r.message.id}`, text: clock(r.message.created_at) }), " ",
      button(strings.hide, () => call("hide", { room: roomId, message: r.message.id }).then(showError)), " ",
      button(strings.dismiss, () => call("dismiss_report", { room: roomId, report: r.id }).then(showError)),
    );
    li.append(actions);
    ul.append(li);
    updateReportsEmpty();
  }

  function updateReportsEmpty() {
    const ul = $("room-reports");
    if (ul) $("room-reports-empty").hidden = ul.children.length > 0;
  }

  // Room state: question, queue, timer, presence -----------------------------------------------

  function applyRoom(room) {
    state.moderator = room.you.moderator;
    state.questions.clear();
    for (const q of room.questions) state.questions.set(q.id, q);
    showQuestion(room.current_question, false);
    showQueue(room.queue, room.floor, room.first_time_first);
    showTimer(room.timer);
    showPresence(room.presence);
    showMuted(room.you.muted_until);
    if (room.reports) {
      $("room-reports").replaceChildren();
      for (const r of room.reports) addReport(r);
      updateReportsEmpty();
    }
    if (room.sanctions) {
      state.sanctions = room.sanctions;
      showSanctions();
    }
  }

  function showQuestion(question, live) {
    const p = $("current-question");
    p.dataset.question = question ? question.id : "";
    if (question) p.textContent = question.text;
    else p.replaceChildren(el("span", { class: "quiet", text: strings.noQuestion }));
    $("current-question-number").textContent = question ? fill(strings.question, { number: question.position }) : "";
    for (const li of document.querySelectorAll("#room-questions li")) {
      const current = question && Number(li.dataset.question) === question.id;
      li.classList.toggle("is-current", Boolean(current));
      if (current) li.setAttribute("aria-current", "true");
      else li.removeAttribute("aria-current");
    }
    const tag = $("room-question-tag");
    if (tag && live) tag.value = question ? String(question.id) : "";
    const select = $("room-set-question-select");
    if (select) select.value = question ? String(question.id) : "";
    if (live && question) announce(fill(strings.newQuestion, { text: question.text }));
  }
  socket.on("question", ({ room, question }) => room === roomId && showQuestion(question, true));

  function showQueue(queue, floor, firstTimeFirst) {
    if (firstTime && firstTimeFirst !== undefined) firstTime.checked = firstTimeFirst;
    state.queue = queue;
    state.floor = floor;
    const ol = $("room-queue");
    ol.replaceChildren(...queue.map((hand) => {
      const li = el("li", { text: hand.name + (hand.id === me ? ` ${strings.you}` : "") });
      if (state.moderator) li.append(" ", button(strings.giveFloor, () => call("give_floor", { room: roomId, person: hand.id }).then(showError)));
      return li;
    }));
    $("room-queue-empty").hidden = queue.length > 0;
    const floorLine = $("room-floor");
    floorLine.replaceChildren();
    if (floor) {
      floorLine.append(floor.id === me ? strings.youHaveFloor : fill(strings.floor, { name: floor.name }));
      if (state.moderator) floorLine.append(" ", button(strings.takeFloorBack, () => call("give_floor", { room: roomId, person: null }).then(showError)));
    }
    const place = queue.findIndex((hand) => hand.id === me) + 1;
    const hand = $("room-hand");
    $("room-hand-text").textContent = place ? strings.lowerHand : strings.raiseHand;
    hand.setAttribute("aria-pressed", place ? "true" : "false");
    $("room-hand-place").textContent = place ? fill(strings.handPlace, { place }) : "";
    const count = $("room-queue-count");
    if (count) count.textContent = queue.length ? String(queue.length) : "";
  }
  socket.on("queue", ({ room, queue, floor, first_time_first }) => room === roomId && showQueue(queue, floor, first_time_first));
  $("room-hand").addEventListener("click", () => {
    const raised = state.queue.some((hand) => hand.id === me);
    call(raised ? "lower_hand" : "raise_hand", { room: roomId }).then(showError);
  });

  let ticker = null;
  function showTimer({ ends_at, now }) {
    state.timerEnds = ends_at ? new Date(ends_at).getTime() : null;
    if (now) state.clockSkew = new Date(now).getTime() - Date.now();
    clearInterval(ticker);
    const box = $("room-timer-box");
    box.hidden = !state.timerEnds;
    if (!state.timerEnds) return;
    const tick = () => {
      const left = Math.max(0, Math.round((state.timerEnds - (Date.now() + state.clockSkew)) / 1000));
      const minutes = Math.floor(left / 60);
      $("room-timer").textContent = `${minutes}:${String(left % 60).padStart(2, "0")}`;
      if (left === 0) {
        clearInterval(ticker);
        $("room-timer").textContent = strings.timerEnded;
        announce(strings.timerEnded);
      }
    };
    tick();
    ticker = setInterval(tick, 1000);
  }
  socket.on("timer", (timer) => timer.room === roomId && showTimer(timer));

  function showPresence(people) {
    state.presence = people;
    $("room-presence").replaceChildren(...people.map((person) => {
      const li = el("li", {}, el("bdi", { text: person.name }), roleMark(person.role, strings),
        person.id === me ? ` ${strings.you}` : "");
      if (state.moderator && person.id !== me) {
        li.append(" ",
          button(strings.mute, () => call("mute", { room: roomId, person: person.id, minutes: Number($("room-mute-minutes")?.value) || 15 }).then(showError)), " ",
          button(strings.remove, () => {
            if (window.confirm(fill(strings.confirmRemove, { name: person.name }))) call("remove", { room: roomId, person: person.id }).then(showError);
          }));
      }
      return li;
    }));
  }
  socket.on("presence", ({ room, people }) => room === roomId && showPresence(people));

  // Moderation notices -------------------------------------------------------------------------

  function showMuted(until) {
    const note = $("room-muted");
    if (until && new Date(until) > new Date()) {
      note.textContent = fill(strings.youAreMuted, { time: clock(until) });
      note.hidden = false;
    } else if (note.textContent === "" || note.dataset.kind === "muted") {
      note.hidden = true;
    }
    note.dataset.kind = until ? "muted" : "";
  }
  socket.on("muted", ({ room, until }) => room === roomId && showMuted(until));

  function showRemoved() {
    state.removed = true;
    state.joined = false;
    const note = $("room-muted");
    note.textContent = strings.youAreRemoved;
    note.dataset.kind = "removed";
    note.hidden = false;
    compose.hidden = true;
  }
  socket.on("removed", ({ room }) => {
    if (room !== roomId) return;
    showRemoved();
    setStatus("refused", strings.youAreRemoved);
  });
  socket.on("readmitted", ({ room }) => {
    if (room !== roomId) return;
    compose.hidden = false;
    $("room-muted").hidden = true;
    join();
  });

  function refreshSanctions(event) {
    const { muted, removed } = state.sanctions;
    const without = (items) => items.filter((p) => p.id !== event.person.id);
    if (event.action === "mute") state.sanctions.muted = [...without(muted), { ...event.person, until: event.until }];
    if (event.action === "unmute") state.sanctions.muted = without(muted);
    if (event.action === "remove") state.sanctions.removed = [...without(removed), event.person];
    if (event.action === "readmit") state.sanctions.removed = without(removed);
    showSanctions();
  }

  function showSanctions() {
    const ul = $("room-sanctions");
    if (!ul) return;
    const items = [
      ...state.sanctions.muted.map((p) => el("li", { text: fill(strings.mutedUntil, { name: p.name, time: clock(p.until) }) },
        " ", button(strings.unmute, () => call("unmute", { room: roomId, person: p.id }).then(showError)))),
      ...state.sanctions.removed.map((p) => el("li", { text: fill(strings.removedPerson, { name: p.name }) },
        " ", button(strings.readmit, () => call("readmit", { room: roomId, person: p.id }).then(showError)))),
    ];
    ul.replaceChildren(...items);
    $("room-sanctions-empty").hidden = items.length > 0;
  }

  // Facilitator controls.
  $("room-set-question")?.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("room-set-question-select").value;
    call("set_question", { room: roomId, question: value ? Number(value) : null }).then(showError);
  });
  $("room-timer-form")?.addEventListener("submit", (event) => {
    event.preventDefault();
    const minutes = Number($("room-timer-minutes").value) || 0;
    call("start_timer", { room: roomId, seconds: Math.round(Math.min(60, Math.max(1, minutes)) * 60) }).then(showError);
  });
  $("room-timer-stop")?.addEventListener("click", () => call("stop_timer", { room: roomId }).then(showError));
  $("room-clear-queue")?.addEventListener("click", () => call("clear_queue", { room: roomId }).then(showError));

  // Who has not yet spoken (facilitators only; never sent to anyone else).
  const firstTime = $("room-first-time");
  firstTime?.addEventListener("change", () => call("queue_order", { room: roomId, first_time_first: firstTime.checked }).then(showError));
  let unheardTimer = null;
  async function refreshUnheard() {
    clearTimeout(unheardTimer);
    unheardTimer = null;
    if (!$("room-unheard") || !state.moderator) return;
    const ack = await call("not_heard", { room: roomId });
    if (!ack.ok) return;
    $("room-unheard-summary").textContent = fill(strings.unheardSummary, { spoken: ack.spoken, total: ack.total });
    const parts = ack.groups.map((group) => {
      const title = [group.region, group.network].filter(Boolean).join(" · ") || strings.noNetwork;
      return el("div", { class: "room-unheard-group" },
        el("h4", { text: title }),
        el("ul", { class: "room-unheard-people" }, ...group.people.map((p) => el("li", {}, el("bdi", { text: p.name })))));
    });
    $("room-unheard").replaceChildren(...(parts.length ? parts : [el("p", { class: "quiet", text: strings.everyoneHeard })]));
  }
  $("room-unheard-refresh")?.addEventListener("click", refreshUnheard);
  // After messages arrive, at most one refresh every 15 seconds.
  function unheardSoon() {
    if (state.moderator && $("room-unheard") && !unheardTimer) unheardTimer = setTimeout(refreshUnheard, 15000);
  }

  return { applyRoom, showRemoved, refreshSanctions, updateReportsEmpty, openReport, refreshUnheard, unheardSoon };
}
