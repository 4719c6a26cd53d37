"""A WebSocket echo server built on Python's websockets (Debian's python3-websockets),
a peer nobody on this project wrote. Prints 'listening on ws://127.0.0.1:PORT/' when ready.

Usage: ws_server.py [--host ADDR] [--subprotocol NAME]... [--deflate] [--greet TEXT]
                    [--close-after N --close-code C] [--echo-delay SECONDS] [--tick SECONDS]

--greet sends TEXT to each client right after the handshake (compressed, with --deflate).
--close-after N: after echoing N messages the server closes with --close-code (default 1000).
--echo-delay: each echo comes this long after its message (a slow server).
--tick: also send "tick N" this often, unasked.
"""
import argparse
import asyncio
import sys

import websockets


async def ticks(websocket, interval):
    number = 0
    while True:
        await asyncio.sleep(interval)
        number += 1
        await websocket.send(f"tick {number}")


def echo_handler(greeting, close_after, close_code, echo_delay, tick):
    async def echo(websocket, path=None):
        count = 0
        ticker = asyncio.ensure_future(ticks(websocket, tick)) if tick else None
        try:
            if greeting is not None:
                await websocket.send(greeting)
            async for message in websocket:
                await asyncio.sleep(echo_delay)
                await websocket.send(message)
                count += 1
                if close_after and count >= close_after:
                    await websocket.close(code=close_code, reason="enough")
        except websockets.ConnectionClosed:
            pass
        finally:
            if ticker:
                ticker.cancel()

    return echo


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--subprotocol", action="append", default=[])
    parser.add_argument("--deflate", action="store_true")
    parser.add_argument("--greet")
    parser.add_argument("--close-after", type=int, default=0)
    parser.add_argument("--close-code", type=int, default=1000)
    parser.add_argument("--echo-delay", type=float, default=0)
    parser.add_argument("--tick", type=float, default=0)
    args = parser.parse_args()
    server = await websockets.serve(
        echo_handler(args.greet, args.close_after, args.close_code, args.echo_delay, args.tick),
        args.host,
        0,
        subprotocols=args.subprotocol or None,
        compression="deflate" if args.deflate else None,
    )
    port = server.sockets[0].getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"listening on ws://{host}:{port}/", flush=True)
    await server.wait_closed()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
