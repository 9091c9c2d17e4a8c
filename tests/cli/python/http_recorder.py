#!/usr/bin/python3
"""A small HTTP(S) server for the HTTP sink tests: records every request as one JSON line
and answers as told.

  http_recorder.py --port-file F --record R [--port P] [--fail-first K] [--fail-status S]
                   [--status S] [--hang] [--reply TEXT] [--reply-type TYPE]
                   [--cert PEM --key PEM]

--port P (default 0 = any free port) is written to --port-file once the server listens.
Each request adds a line to --record:
  {"n", "method", "path", "headers" (names lower case), "body" or "body_b64",
   "status" (what it answered), "peer" (client address:port, to see connection reuse)}
The first K requests (--fail-first) are answered with --fail-status (default 500);
after that every request gets --status (default 200) with --reply as the body
(default {"ok":true}). --hang: never answer (the client's time limit is tested).
"""
import argparse
import base64
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-status", type=int, default=500)
    p.add_argument("--status", type=int, default=200)
    p.add_argument("--hang", action="store_true")
    p.add_argument("--reply", default='{"ok":true}')
    p.add_argument("--reply-type", default="application/json")
    p.add_argument("--cert")
    p.add_argument("--key")
    args = p.parse_args()

    lock = threading.Lock()
    counter = {"n": 0}
    record = open(args.record, "a", encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive

        def log_message(self, *a):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                counter["n"] += 1
                n = counter["n"]
            if args.hang:
                time.sleep(3600)
                return
            status = args.fail_status if n <= args.fail_first else args.status
            entry = {
                "n": n,
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "status": status,
                "peer": "%s:%d" % self.client_address[:2],
            }
            try:
                entry["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                entry["body_b64"] = base64.b64encode(body).decode("ascii")
            reply = (args.reply if status < 300 else '{"error":"told to fail"}').encode("utf-8")
            with lock:
                record.write(json.dumps(entry) + "\n")
                record.flush()
            self.send_response(status)
            self.send_header("Content-Type", args.reply_type if status < 300 else "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.send_header("X-Gsmq-Meta-answered-by", "recorder")
            self.end_headers()
            self.wfile.write(reply)

        do_POST = handle_any
        do_PUT = handle_any
        do_PATCH = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
