#!/usr/bin/python3
"""A WebSocket peer with Debian's python3-websockets, for the gsmq lines+ws:// tests.

ws_peer.py serve PORT PATH [--send FILE] [--count N] [--cert C --key K]
    Listens on 127.0.0.1:PORT (TLS with --cert/--key) and prints "ready" on stderr. Takes
    upgrades on PATH only (other paths: HTTP 404). To each client it sends every line of
    FILE as one text message and closes; or it prints each message it receives as a JSON
    line ({"text": ...} or {"b64": ...} for binary) on stdout, and exits after N.
ws_peer.py send URL [--ca FILE]
    Connects and sends each line of stdin as one text message, then closes.
"""
import argparse
import asyncio
import base64
import http
import json
import ssl
import sys

import websockets


async def serve(a):
    done = asyncio.get_running_loop().create_future()
    got = 0

    async def check_path(path, _headers):
        if path.split("?")[0] != a.path:
            return http.HTTPStatus.NOT_FOUND, [], b"not here\n"
        return None

    async def handler(ws, _path=None):
        nonlocal got
        if a.send:
            with open(a.send, encoding="utf-8") as f:
                for line in f:
                    await ws.send(line.rstrip("\n"))
            await ws.close()
            return
        async for m in ws:
            rec = {"text": m} if isinstance(m, str) else {"b64": base64.b64encode(m).decode()}
            print(json.dumps(rec), flush=True)
            got += 1
            if a.count and got >= a.count:
                # nothing after the count is taken in, however long the server takes to close
                if not done.done():
                    done.set_result(None)
                break

    tls = None
    if a.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(a.cert, a.key)
    async with websockets.serve(handler, "127.0.0.1", a.port, ssl=tls, process_request=check_path):
        print("ready", file=sys.stderr, flush=True)
        await done


async def send(a):
    tls = None
    if a.url.startswith("wss:"):
        tls = ssl.create_default_context(cafile=a.ca)
    async with websockets.connect(a.url, ssl=tls) as ws:
        for line in sys.stdin:
            await ws.send(line.rstrip("\n"))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("port", type=int)
    s.add_argument("path")
    s.add_argument("--send")
    s.add_argument("--count", type=int, default=0)
    s.add_argument("--cert")
    s.add_argument("--key")
    c = sub.add_parser("send")
    c.add_argument("url")
    c.add_argument("--ca")
    a = ap.parse_args()
    asyncio.run(serve(a) if a.cmd == "serve" else send(a))


if __name__ == "__main__":
    main()
