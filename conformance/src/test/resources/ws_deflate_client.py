"""A permessage-deflate WebSocket client for the Switchboard conformance suite.

Usage: /usr/bin/python3 -u ws_deflate_client.py URI

Connects with compression="deflate" (the offer websockets makes by default) and the subprotocol
"superchat", sends a compressible text and a binary message, expects both echoed, asks the backend
which extensions it negotiated (/extensions), and prints one "key=value" line per finding:

  extensions=<names negotiated by this client, comma separated>
  response-extensions=<the Sec-WebSocket-Extensions header of the 101>
  subprotocol=<negotiated subprotocol>
  text-echo=ok|mismatch
  binary-echo=ok|mismatch
  backend-extensions=<JSON list the backend reported>
"""
import asyncio
import sys

import websockets


async def main(uri):
    async with websockets.connect(uri, compression="deflate", subprotocols=["superchat"], max_size=None,
                                  open_timeout=10, close_timeout=10, ping_interval=None) as ws:
        print("extensions=" + ",".join(e.name for e in ws.extensions))
        print("response-extensions=" + str(ws.response_headers.get("Sec-WebSocket-Extensions")))
        print("subprotocol=" + str(ws.subprotocol))
        text = "compress me, please. " * 5000
        await ws.send(text)
        print("text-echo=" + ("ok" if await ws.recv() == text else "mismatch"))
        data = bytes(range(256)) * 400
        await ws.send(data)
        print("binary-echo=" + ("ok" if await ws.recv() == data else "mismatch"))
        await ws.send("/extensions")
        print("backend-extensions=" + await ws.recv())
        await ws.close(1000, "done")


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(sys.argv[1]), 30))
    sys.stdout.flush()
