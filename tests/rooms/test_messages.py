"""Joining a room, sending, ordering, history, catch-up after a reconnect, idempotent resends."""

from __future__ import annotations

from tests.rooms.conftest import emit, received


def send(sock, room, body, client_id=None, **extra):
    return emit(
        sock,
        "send",
        {"room": room.id, "body": body, "client_id": client_id or f"c-{body}", **extra},
    )


def test_member_joins_and_gets_the_room_state(room, member, group):
    _fac, fs = member("facilitator", group)
    par, ps = member("participant", group, display_name="Amina")
    ack = emit(ps, "join", {"room": room.id})
    assert ack["ok"] is True
    assert ack["room"]["title"] == group.title
    assert [q["text"] for q in ack["room"]["questions"]] == ["WG1 question 1", "WG1 question 2"]
    assert ack["room"]["you"] == {
        "id": par.id,
        "name": "Amina",
        "moderator": False,
        "muted_until": None,
    }
    assert "reports" not in ack["room"]
    assert ack["messages"] == [] and ack["last_seq"] == 0 and ack["more"] is False
    assert emit(fs, "join", {"room": room.id})["room"]["you"]["moderator"] is True


def test_message_is_broadcast_to_everyone_in_the_room_with_its_seq(room, member, group):
    a, sa = member("participant", group)
    b, sb = member("participant", group)
    emit(sa, "join", {"room": room.id})
    emit(sb, "join", {"room": room.id})
    received(sa), received(sb)
    ack = send(sa, room, "Hello **all**, see https://example.org")
    assert ack == {"ok": True, "seq": 1, "id": ack["id"], "duplicate": False}
    [(_, message)] = received(sb, "message")
    assert message["seq"] == 1 and message["author"] == {
        "id": a.id,
        "name": a.public_name,
        "role": None,
    }
    assert "<strong>all</strong>" in message["html"]
    assert message["hidden"] is False and message["question"] is None
    assert received(sa, "message")[0][1] == message  # the sender sees it too


def test_sequence_numbers_follow_the_order_of_sending(room, member, group):
    _a, sa = member("participant", group)
    _b, sb = member("participant", group)
    emit(sa, "join", {"room": room.id})
    emit(sb, "join", {"room": room.id})
    seqs = [send(s, room, f"m{i}")["seq"] for i, s in enumerate([sa, sb, sa, sb, sa])]
    assert seqs == [1, 2, 3, 4, 5]
    got = [m["seq"] for _, m in received(sb, "message")]
    assert got == [1, 2, 3, 4, 5]


def test_message_markup_is_sanitized(room, member, group):
    _a, sa = member("participant", group)
    emit(sa, "join", {"room": room.id})
    send(sa, room, "<script>alert(1)</script> [x](javascript:alert(1)) *ok*")
    [(_, message)] = received(sa, "message")
    assert "<script>" not in message["html"] and 'href="javascript' not in message["html"]
    assert "&lt;script&gt;" in message["html"]  # shown as the text she typed
    assert "<em>ok</em>" in message["html"]


def test_join_gives_the_last_50_messages_and_history_pages_back(app, room, member, group):
    app.config["ROOM_MESSAGE_RATE"] = "1000 per second"
    _a, sa = member("participant", group)
    emit(sa, "join", {"room": room.id})
    for i in range(1, 61):
        send(sa, room, f"n{i}")
    _b, sb = member("participant", group)
    ack = emit(sb, "join", {"room": room.id})
    assert [m["seq"] for m in ack["messages"]] == list(range(11, 61))
    assert ack["more"] is True and ack["last_seq"] == 60
    page = emit(sb, "history", {"room": room.id, "before": 11, "limit": 8})
    assert [m["seq"] for m in page["messages"]] == [3, 4, 5, 6, 7, 8, 9, 10] and page[
        "more"
    ] is True
    page = emit(sb, "history", {"room": room.id, "before": 3})
    assert [m["seq"] for m in page["messages"]] == [1, 2] and page["more"] is False


def test_reconnect_catch_up_gives_exactly_the_missed_messages(
    app, room, member, group, socket_client
):
    app.config["ROOM_MESSAGE_RATE"] = "1000 per second"
    _a, sa = member("participant", group)
    b, sb = member("participant", group, connect=False)
    from tests.rooms.conftest import connect_socket

    sock_b = connect_socket(socket_client, sb)
    emit(sa, "join", {"room": room.id})
    emit(sock_b, "join", {"room": room.id})
    for i in range(3):
        send(sa, room, f"before{i}")
    seen = [m["seq"] for _, m in received(sock_b, "message")]
    assert seen == [1, 2, 3]
    sock_b.disconnect()  # her connection drops
    for i in range(4):
        send(sa, room, f"while-away{i}")
    sock_b = connect_socket(socket_client, sb)  # and comes back
    ack = emit(sock_b, "join", {"room": room.id, "after": max(seen)})
    assert [m["body"] for m in ack["messages"]] == [f"while-away{i}" for i in range(4)]
    assert ack["until"] == 7 and ack["more"] is False
    send(sa, room, "after-return")
    assert [m["seq"] for _, m in received(sock_b, "message")] == [8]


def test_catch_up_is_paged_and_continues_with_history_after(app, room, member, group):
    app.config["ROOM_MESSAGE_RATE"] = "1000 per second"
    _a, sa = member("participant", group)
    emit(sa, "join", {"room": room.id})
    for i in range(130):
        send(sa, room, f"x{i}")
    _b, sb = member("participant", group)
    ack = emit(sb, "join", {"room": room.id, "after": 5})
    assert [m["seq"] for m in ack["messages"]] == list(range(6, 106))
    assert ack["more"] is True and ack["until"] == 105
    rest = emit(sb, "history", {"room": room.id, "after": ack["until"]})
    assert [m["seq"] for m in rest["messages"]] == list(range(106, 131))
    assert rest["more"] is False and rest["until"] == 130


def test_resend_with_the_same_client_id_returns_the_original_and_stores_nothing(
    room, member, group
):
    _a, sa = member("participant", group)
    _b, sb = member("participant", group)
    emit(sa, "join", {"room": room.id})
    emit(sb, "join", {"room": room.id})
    first = send(sa, room, "only once", client_id="abc-123")
    again = send(sa, room, "only once", client_id="abc-123")
    assert again["seq"] == first["seq"] and again["id"] == first["id"]
    assert again["duplicate"] is True
    assert [m["body"] for _, m in received(sb, "message")] == ["only once"]
    history = emit(sb, "history", {"room": room.id, "after": 0})
    assert len(history["messages"]) == 1


def test_same_client_id_from_two_people_are_two_messages(room, member, group):
    _a, sa = member("participant", group)
    _b, sb = member("participant", group)
    emit(sa, "join", {"room": room.id})
    emit(sb, "join", {"room": room.id})
    assert send(sa, room, "one", client_id="same")["seq"] == 1
    assert send(sb, room, "two", client_id="same")["seq"] == 2


def test_message_can_answer_a_guiding_question_and_reply_to_another(room, member, group):
    _a, sa = member("participant", group)
    emit(sa, "join", {"room": room.id})
    question = group.guiding_questions[1]
    first = send(sa, room, "first", question=question.id)
    second = send(sa, room, "second", reply_to=first["id"])
    assert second["ok"]
    messages = [m for _, m in received(sa, "message")]
    assert messages[0]["question"] == question.id
    assert messages[1]["reply_to"] == first["id"]


def test_chatham_house_room_shows_display_names_and_never_emails(room, member, group):
    a, sa = member(
        "participant",
        group,
        name="Real Name",
        display_name="Sunflower",
        email="secret.person@example.org",
    )
    _f, fs = member("facilitator", group)
    emit(fs, "join", {"room": room.id})
    ack = emit(sa, "join", {"room": room.id})
    send(sa, room, "hello")
    events = received(fs)
    everything = repr(events) + repr(ack)
    assert "Sunflower" in everything
    assert "secret.person" not in everything and "Real Name" not in everything
    assert {"id": a.id, "name": "Sunflower", "role": None} in ack["room"]["presence"]


def test_presence_lists_who_is_here_and_updates_on_leave_and_disconnect(room, member, group):
    a, sa = member("participant", group, display_name="Ana")
    b, sb = member("participant", group, display_name="Bea")
    emit(sa, "join", {"room": room.id})
    emit(sb, "join", {"room": room.id})
    people = received(sa, "presence")[-1][1]["people"]
    assert [p["name"] for p in people] == ["Ana", "Bea"]
    assert emit(sb, "leave", {"room": room.id})["ok"]
    assert [p["name"] for p in received(sa, "presence")[-1][1]["people"]] == ["Ana"]
    emit(sb, "join", {"room": room.id})
    received(sa)
    sb.disconnect()
    assert [p["name"] for p in received(sa, "presence")[-1][1]["people"]] == ["Ana"]


def test_qa_room_is_open_to_event_participants(qa_room, member):
    _p, ps = member("participant")
    ack = emit(ps, "join", {"room": qa_room.id})
    assert ack["ok"] and ack["room"]["kind"] == "qa" and ack["room"]["questions"] == []
    assert (
        emit(
            ps, "send", {"room": qa_room.id, "body": "A question for the panel", "client_id": "q1"}
        )["seq"]
        == 1
    )


def test_stored_message_is_acknowledged_even_if_the_broadcast_fails(
    db, room, member, group, monkeypatch
):
    from eventhub.extensions import socketio
    from eventhub.rooms.models import Message

    _a, sa = member("participant", group)
    emit(sa, "join", {"room": room.id})

    def broken(*args, **kwargs):
        raise ConnectionError("message queue unreachable")

    monkeypatch.setattr(socketio, "emit", broken)
    ack = send(sa, room, "kept safe")
    assert ack["ok"] is True and ack["seq"] == 1
    assert db.session.query(Message).one().body == "kept safe"


def test_broadcast_of_a_new_message_is_what_history_shows_of_it(room, member, group):
    q = group.guiding_questions[0]
    _a, sa = member("participant", group, display_name="Amina")
    emit(sa, "join", {"room": room.id})
    first = send(sa, room, "First")
    send(sa, room, "A *reply*", question=q.id, reply_to=first["id"])
    broadcast = [m for _, m in received(sa, "message")]
    _b, sb = member("participant", group)
    assert emit(sb, "join", {"room": room.id})["messages"] == broadcast


def test_observer_of_the_event_cannot_write_in_a_qa_room(qa_room, member):
    _o, os_ = member("observer")
    ack = emit(os_, "send", {"room": qa_room.id, "body": "hello", "client_id": "o1"})
    assert ack["ok"] is False and ack["error"] == "forbidden"


def test_messages_carry_their_authors_role_live_and_in_history(room, member, group, make_event):
    fac, fs = member("facilitator", group)
    rap, rs = member("rapporteur", group)
    org, os_ = member("organiser")
    par, ps = member("participant", group)
    for sock in (fs, rs, os_, ps):
        emit(sock, "join", {"room": room.id})
    received(ps)
    for sock, text in ((fs, "from the chair"), (rs, "noted"), (os_, "welcome"), (ps, "hello")):
        assert send(sock, room, text)["ok"] is True
    live = {m["body"]: m["author"]["role"] for _, m in received(ps, "message")}
    assert live == {
        "from the chair": "facilitator",
        "noted": "rapporteur",
        "welcome": "organiser",
        "hello": None,
    }
    history = emit(ps, "history", {"room": room.id, "after": 0})
    assert {m["body"]: m["author"]["role"] for m in history["messages"]} == live


def test_a_facilitator_of_another_group_carries_no_mark_here(
    room, member, group, other_group, add_member, db
):
    elsewhere, es = member("facilitator", other_group)
    add_member(elsewhere, group.event, "participant", group)
    db.session.commit()
    _par, ps = member("participant", group)
    emit(es, "join", {"room": room.id})
    emit(ps, "join", {"room": room.id})
    received(ps)
    assert send(es, room, "from elsewhere")["ok"] is True
    [(_, message)] = received(ps, "message")
    assert message["author"]["role"] is None
