#!/usr/bin/python3
"""The far side of the zmq+tcp:// / zmq+ipc:// tests, with python3-zmq (pyzmq).

  zmq_peer.py recv PATTERN ADDRESS --count N [--bind] [--topic T | --no-subscribe] [--ready FILE]
      Receives N multipart messages (PATTERN pull or sub) and prints each as one JSON
      array of its frames (UTF-8 text, or {"b64": ...} for other bytes). Exits 0, or 1
      when N were not received within --timeout seconds. A SUB subscribes to --topic
      (default: everything), or to nothing with --no-subscribe.
  zmq_peer.py send PATTERN ADDRESS [--bind] [--repeat-until FILE] [--ready FILE]
      Sends each line of stdin (a JSON array of frames, strings) as one multipart message
      (PATTERN push or pub). With --repeat-until FILE it sends the lines again and again
      (bounded by --timeout) until FILE exists: PUB/SUB drops messages before a
      subscription arrives, so a test repeats until its receiver has enough.
--ready FILE is created once the socket is bound or connected.
"""
import argparse
import base64
import json
import os
import sys
import time

import zmq


def frame_text(frame):
    try:
        return frame.decode("utf-8")
    except UnicodeDecodeError:
        return {"b64": base64.b64encode(frame).decode()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["recv", "send"])
    p.add_argument("pattern", choices=["push", "pull", "pub", "sub"])
    p.add_argument("address")
    p.add_argument("--bind", action="store_true")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--topic", default="")
    p.add_argument("--no-subscribe", action="store_true")
    p.add_argument("--ready")
    p.add_argument("--repeat-until")
    p.add_argument("--timeout", type=float, default=20.0)
    a = p.parse_args()

    context = zmq.Context()
    socket = context.socket(getattr(zmq, a.pattern.upper()))
    socket.setsockopt(zmq.LINGER, 2000)
    if a.pattern == "sub" and not a.no_subscribe:
        socket.setsockopt(zmq.SUBSCRIBE, a.topic.encode())
    (socket.bind if a.bind else socket.connect)(a.address)
    if a.ready:
        open(a.ready, "w").close()
    deadline = time.monotonic() + a.timeout
    status = 0
    if a.mode == "recv":
        received = 0
        while received < a.count:
            left = deadline - time.monotonic()
            if left <= 0 or not socket.poll(int(left * 1000)):
                print(f"zmq_peer: {received} of {a.count} messages before the timeout", file=sys.stderr)
                status = 1
                break
            frames = socket.recv_multipart()
            print(json.dumps([frame_text(f) for f in frames]), flush=True)
            received += 1
    else:
        messages = [[f.encode() for f in json.loads(line)] for line in sys.stdin if line.strip()]
        while True:
            for m in messages:
                socket.send_multipart(m)
            if not a.repeat_until or os.path.exists(a.repeat_until):
                break
            if time.monotonic() > deadline:
                status = 1
                break
            time.sleep(0.05)
    socket.close()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
