"""A plain, strictly conformant echo server: the reference behind the CI gate (AutobahnGateTest)
and behind the peers in `./switchboard conformance-peers`. It lives in the main resources so the
jar carries it; PeersMain writes it into its work directory. Run as:
/usr/bin/python3 -u echo_backend.py

Python websockets (Debian python3-websockets), listening on 127.0.0.1 and an ephemeral port; it
prints "ready PORT" once it listens. It echoes every message unchanged, of any size, and does
nothing else: no commands, no compression, no keepalive pings (so no event reaches the fuzzer
that a case did not provoke).
"""
import asyncio

import websockets


async def echo(ws):
    try:
        async for msg in ws:
            await ws.send(msg)
    except websockets.ConnectionClosed:
        pass


async def main():
    async with websockets.serve(
        echo,
        "127.0.0.1",
        0,
        max_size=None,
        max_queue=None,
        compression=None,
        ping_interval=None,
    ) as server:
        print(f"ready {server.sockets[0].getsockname()[1]}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
