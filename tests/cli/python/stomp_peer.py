#!/usr/bin/python3
"""A STOMP 1.2 peer with Debian's stomp.py (python3-stomp), for the gsmq STOMP tests.

stomp_peer.py PORT send DESTINATION < messages.jsonl
    Sends each JSON line ({"body_b64", "headers"}) and waits for its receipt.
stomp_peer.py PORT recv DESTINATION COUNT [--timeout S]
    Subscribes (ack: client-individual), prints one JSON line per MESSAGE
    ({"destination", "body_b64", "headers"}) and ACKs it; ends after COUNT (exit 1 when
    fewer came in time). Writes nothing else on stdout.
"""
import argparse
import base64
import json
import queue
import sys

import stomp


class Listener(stomp.ConnectionListener):
    def __init__(self):
        self.messages = queue.Queue()

    def on_message(self, frame):
        self.messages.put(frame)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("cmd", choices=["send", "recv"])
    ap.add_argument("destination")
    ap.add_argument("count", type=int, nargs="?", default=0)
    ap.add_argument("--timeout", type=float, default=10)
    a = ap.parse_args()
    conn = stomp.Connection12([("127.0.0.1", a.port)], vhost="/", auto_decode=False, heartbeats=(0, 0))
    listener = Listener()
    conn.set_listener("peer", listener)
    conn.connect("guest", "guest", wait=True)
    rc = 0
    if a.cmd == "send":
        for n, line in enumerate(sys.stdin):
            m = json.loads(line)
            conn.send(a.destination, base64.b64decode(m["body_b64"]), headers=m.get("headers") or {},
                      receipt="r%d" % n)
    else:
        conn.subscribe(a.destination, id="1", ack="client-individual")
        for _ in range(a.count):
            try:
                frame = listener.messages.get(timeout=a.timeout)
            except queue.Empty:
                rc = 1
                break
            body = frame.body if isinstance(frame.body, bytes) else frame.body.encode()
            print(json.dumps({"destination": frame.headers.get("destination"),
                              "body_b64": base64.b64encode(body).decode(),
                              "headers": frame.headers}, sort_keys=True), flush=True)
            conn.ack(frame.headers["ack"])
    conn.disconnect()
    return rc


if __name__ == "__main__":
    sys.exit(main())
