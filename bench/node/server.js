// The peer for bench/rooms.py: a plain Node socket.io 4 server doing EventHub's room fan-out
// with the same events as bench/bare_server.py (no sign-in, no database).
//   cd bench/node && npm install && PORT=5200 node server.js
"use strict";

const { createServer } = require("node:http");
const { Server } = require("socket.io");

const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 5200);
const httpServer = createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/plain" });
  res.end("ok\n");
});
const io = new Server(httpServer, { serveClient: false });
const lastSeq = new Map();
let nextId = 1;

io.on("connection", (socket) => {
  socket.on("join", (data, ack) => {
    socket.join(`room:${data.room}`);
    const seq = lastSeq.get(data.room) || 0;
    ack({ ok: true, messages: [], more: false, last_seq: seq, until: seq });
  });
  socket.on("send", (data, ack) => {
    const seq = (lastSeq.get(data.room) || 0) + 1;
    lastSeq.set(data.room, seq);
    const message = {
      room: data.room, id: nextId++, seq, author: { id: 0, name: socket.id },
      body: data.body, client_id: data.client_id,
    };
    io.to(`room:${data.room}`).emit("message", message);
    ack({ ok: true, seq, id: message.id, duplicate: false });
  });
});

httpServer.listen(port, host, () => {
  console.log(`node socket.io ${require("socket.io/package.json").version} serving on http://${host}:${port}`);
});
