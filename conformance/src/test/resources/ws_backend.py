"""A WebSocket test backend for the Switchboard conformance suite.

Usage: /usr/bin/python3 -u ws_backend.py NAME [--deflate]

Listens on 127.0.0.1 and an ephemeral port and prints "ready PORT" once it does. Every message is
echoed, except these text commands:

  /name          reply NAME
  /headers       reply a JSON object of the upgrade request's headers (lower-case names)
  /path          reply the request path with its query string
  /subprotocol   reply the negotiated subprotocol ("" when none)
  /extensions    reply a JSON list of the negotiated extension names
  close:CODE     close the connection with CODE (reason "backend-closed")
  drop           abort the TCP connection without a Close frame
  pingme         send a ping b"x"; reply "pong-ok" once its pong arrived, "pong-timeout" after 5 s

Printed on stdout, one line per event (the Java side reads them):
  open path=PATH
  closed path=PATH code=CODE reason=REASON     (CODE: the code received from the peer, 1006 if none)

Subprotocols "chat" and "superchat" are accepted when offered; permessage-deflate only with --deflate.
"""
import asyncio
import json
import sys

import websockets

NAME = sys.argv[1]
DEFLATE = "--deflate" in sys.argv[2:]


def log(line):
    print(line, flush=True)


async def handler(ws):
    path = ws.path
    log(f"open path={path}")
    try:
        async for msg in ws:
            if isinstance(msg, str):
                if msg == "/name":
                    await ws.send(NAME)
                    continue
                if msg == "/headers":
                    headers = {}
                    for k, v in ws.request_headers.raw_items():
                        k = k.lower()
                        headers[k] = headers[k] + ", " + v if k in headers else v
                    await ws.send(json.dumps(headers))
                    continue
                if msg == "/path":
                    await ws.send(path)
                    continue
                if msg == "/subprotocol":
                    await ws.send(ws.subprotocol or "")
                    continue
                if msg == "/extensions":
                    await ws.send(json.dumps([e.name for e in ws.extensions]))
                    continue
                if msg.startswith("close:"):
                    await ws.close(int(msg[len("close:"):]), "backend-closed")
                    break
                if msg == "drop":
                    ws.transport.abort()
                    break
                if msg == "pingme":
                    waiter = await ws.ping(b"x")
                    try:
                        await asyncio.wait_for(waiter, 5)
                        await ws.send("pong-ok")
                    except asyncio.TimeoutError:
                        await ws.send("pong-timeout")
                    continue
            await ws.send(msg)
    except websockets.ConnectionClosed:
        pass
    try:
        await asyncio.wait_for(ws.wait_closed(), 15)
    except asyncio.TimeoutError:
        pass
    log(f"closed path={path} code={ws.close_code} reason={ws.close_reason}")


async def main():
    async with websockets.serve(
        handler,
        "127.0.0.1",
        0,
        max_size=None,
        max_queue=None,
        compression="deflate" if DEFLATE else None,
        subprotocols=["chat", "superchat"],
        ping_interval=None,
        close_timeout=10,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        log(f"ready {port}")
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
