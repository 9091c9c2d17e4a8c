#!/usr/bin/python3
"""An AMQP 0.9.1 peer with Debian's pika (python3-pika), for the gsmq AMQP tests.

amqp_peer.py PORT publish QUEUE [--exchange X] [--routing-key K] < messages.jsonl
    Publishes each JSON line ({"body_b64", "message_id", "priority", "expiration",
    "content_type", "headers", "timestamp"}; all but body_b64 optional) with publisher
    confirms; the queue QUEUE is declared (durable) unless it is "-".
amqp_peer.py PORT get QUEUE COUNT [--timeout S]
    Consumes COUNT messages (acknowledging each) and prints one JSON line per message:
    {"routing_key","exchange","body_b64","message_id","priority","expiration",
    "content_type","headers","timestamp","delivery_mode"}. Exit 1 when fewer came in time.
amqp_peer.py PORT count QUEUE
    Prints the queue's ready message count (passive declare).
"""
import argparse
import base64
import json
import sys

import pika


def connect(port):
    return pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", port))


def publish(ch, a):
    if a.queue != "-":
        ch.queue_declare(a.queue, durable=True)
    ch.confirm_delivery()
    for line in sys.stdin:
        m = json.loads(line)
        props = pika.BasicProperties(
            message_id=m.get("message_id"), priority=m.get("priority"), expiration=m.get("expiration"),
            content_type=m.get("content_type"), headers=m.get("headers"), timestamp=m.get("timestamp"),
            delivery_mode=2)
        key = a.routing_key if a.routing_key is not None else a.queue
        ch.basic_publish(a.exchange, key, base64.b64decode(m["body_b64"]), props, mandatory=True)


def get(ch, a):
    got = 0
    for method, props, body in ch.consume(a.queue, inactivity_timeout=a.timeout):
        if method is None:
            break
        headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in (props.headers or {}).items()}
        print(json.dumps({
            "routing_key": method.routing_key, "exchange": method.exchange,
            "body_b64": base64.b64encode(body).decode(), "message_id": props.message_id,
            "priority": props.priority, "expiration": props.expiration, "content_type": props.content_type,
            "headers": headers, "timestamp": props.timestamp, "delivery_mode": props.delivery_mode,
        }, sort_keys=True, default=str), flush=True)
        ch.basic_ack(method.delivery_tag)
        got += 1
        if got >= a.count:
            break
    ch.cancel()
    return 0 if got >= a.count else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("publish")
    p.add_argument("queue")
    p.add_argument("--exchange", default="")
    p.add_argument("--routing-key")
    g = sub.add_parser("get")
    g.add_argument("queue")
    g.add_argument("count", type=int)
    g.add_argument("--timeout", type=float, default=10)
    c = sub.add_parser("count")
    c.add_argument("queue")
    a = ap.parse_args()
    conn = connect(a.port)
    ch = conn.channel()
    rc = 0
    if a.cmd == "publish":
        publish(ch, a)
    elif a.cmd == "get":
        rc = get(ch, a)
    else:
        print(ch.queue_declare(a.queue, passive=True).method.message_count)
    conn.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
