"""A WebSocket echo server built on Python's websockets (Debian's python3-websockets),
a peer nobody on this project wrote. Prints 'listening on ws://127.0.0.1:PORT/' when ready.

Usage: ws_server.py [--host ADDR] [--subprotocol NAME]... [--deflate] [--greet TEXT]

--greet sends TEXT to each client right after the handshake (compressed, with --deflate).
"""
import argparse
import asyncio
import sys

import websockets

GREETING = None


async def echo(websocket, path=None):
    try:
        if GREETING is not None:
            await websocket.send(GREETING)
        async for message in websocket:
            await websocket.send(message)
    except websockets.ConnectionClosed:
        pass


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--subprotocol", action="append", default=[])
    parser.add_argument("--deflate", action="store_true")
    parser.add_argument("--greet")
    args = parser.parse_args()
    global GREETING
    GREETING = args.greet
    server = await websockets.serve(
        echo,
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
