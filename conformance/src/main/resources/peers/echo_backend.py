"""A plain, strictly conformant echo server: the reference behind the CI gate (AutobahnGateTest)
and behind the peers in `./switchboard conformance-peers`. It lives in the main resources so the
jar carries it; PeersMain writes it into its work directory. Run as:
/usr/bin/python3 -u echo_backend.py [--deflate]

Python websockets (Debian python3-websockets), listening on 127.0.0.1 and an ephemeral port; it
prints "ready PORT" once it listens. It echoes every message unchanged, of any size, and does
nothing else: no commands, no keepalive pings (so no event reaches the fuzzer that a case did not
provoke), and no compression unless --deflate is given. With --deflate it accepts
permessage-deflate (RFC 7692) with the library's default settings, for the compression cases
12.x and 13.x; offers are only ever made by those cases, so the other sections see no difference.
"""
import asyncio
import sys

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
        compression="deflate" if "--deflate" in sys.argv[1:] else None,
        ping_interval=None,
    ) as server:
        print(f"ready {server.sockets[0].getsockname()[1]}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
