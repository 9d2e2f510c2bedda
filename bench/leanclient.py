"""A lean Socket.IO client for the load generator: Engine.IO 4 over one WebSocket, nothing else.

python-socketio's AsyncClient is a full client (transports, namespaces, reconnection, packet
objects, binary attachments); at tens of thousands of deliveries a second its per-packet work
makes the load generator, not the server, the bottleneck. This client speaks only what the
benchmark needs of the protocol (https://socket.io/docs/v4/socket-io-protocol/): the open
packet, answering the server's pings, connecting to the default namespace, events with an ack
id, and acks. One text frame is one packet; the servers benchmarked send nothing binary.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable


class Disconnected(ConnectionError):
    pass


class LeanSocket:
    def __init__(self, http, url: str, headers: dict[str, str] | None = None):
        self.http = http  # an aiohttp.ClientSession, shared by the process's clients
        base = url.replace("https://", "wss://").replace("http://", "ws://")
        self.url = f"{base}/socket.io/?EIO=4&transport=websocket"
        self.headers = headers or {}
        self.handlers: dict[str, Callable] = {}
        self.pending: dict[int, asyncio.Future] = {}
        self.next_id = 0
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.closed = asyncio.Event()

    def on(self, event: str, handler: Callable) -> None:
        self.handlers[event] = handler

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.closed.is_set()

    async def connect(self, timeout: float = 30) -> None:
        self.closed.clear()
        # ws_connect's own `timeout` is for closing; the whole handshake is bounded here.
        self.ws = await asyncio.wait_for(
            self.http.ws_connect(self.url, headers=self.headers, autoping=True, max_msg_size=0),
            timeout,
        )
        opened = await self.ws.receive_str(timeout=timeout)
        if not opened.startswith("0"):
            raise Disconnected(f"expected the open packet, got {opened[:80]!r}")
        await self.ws.send_str("40")
        while True:
            packet = await self.ws.receive_str(timeout=timeout)
            if packet.startswith("40"):
                break
            if packet.startswith("44"):
                raise Disconnected(f"connection refused: {packet[2:200]}")
            if packet == "2":
                await self.ws.send_str("3")
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                data = frame.data
                if not isinstance(data, str) or not data:
                    continue
                kind = data[0]
                if kind == "2":  # Engine.IO ping: answer at once, or the server drops us
                    await self.ws.send_str("3")
                elif kind == "4" and len(data) > 1:
                    self._packet(data)
                elif kind == "1":
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.closed.set()
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(Disconnected("connection closed"))
            self.pending.clear()

    def _packet(self, data: str) -> None:
        kind = data[1]
        if kind not in "23":  # 1: disconnect from the namespace; the socket closes after
            return
        i = 2
        while i < len(data) and data[i].isdigit():
            i += 1
        ack_id = int(data[2:i]) if i > 2 else None
        args = json.loads(data[i:])
        if kind == "2":
            handler = self.handlers.get(args[0])
            if handler is not None:
                handler(*args[1:])
        elif ack_id is not None:
            future = self.pending.pop(ack_id, None)
            if future is not None and not future.done():
                future.set_result(args[0] if args else None)

    async def call(self, event: str, data, timeout: float = 60):
        if not self.connected:
            raise Disconnected("not connected")
        self.next_id += 1
        ack_id = self.next_id
        future = asyncio.get_running_loop().create_future()
        self.pending[ack_id] = future
        await self.ws.send_str(f"42{ack_id}{json.dumps([event, data], separators=(',', ':'))}")
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self.pending.pop(ack_id, None)

    async def disconnect(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.send_str("41")
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self.reader is not None:
            with contextlib.suppress(BaseException):
                await self.reader
