#!/usr/bin/python3
"""Subscribes with Python's paho client (python3-paho-mqtt), for the gsmq MQTT tests.

mqtt_sub.py PORT FILTER OUT [--qos Q] [--v5] [--client-id ID] [--persistent] [--count N] [--ws]
Appends one JSON line per message to OUT ({"topic","body","body_b64","qos","retain","props"}),
flushed at once; reconnects by itself when the broker goes away; ends after --count
messages (or on SIGTERM). Writes OUT.ready once the subscription was acknowledged.
"""
import argparse
import base64
import json
import signal
import sys

import paho.mqtt.client as mqtt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("filter")
    ap.add_argument("out")
    ap.add_argument("--qos", type=int, default=1)
    ap.add_argument("--v5", action="store_true")
    ap.add_argument("--client-id", default="")
    ap.add_argument("--persistent", action="store_true")
    ap.add_argument("--count", type=int)
    ap.add_argument("--ws", action="store_true", help="MQTT over WebSocket, path /ws")
    a = ap.parse_args()

    out = open(a.out, "a", encoding="utf-8")
    got = [0]
    transport = "websockets" if a.ws else "tcp"
    if a.v5:
        client = mqtt.Client(client_id=a.client_id, protocol=mqtt.MQTTv5, transport=transport)
    else:
        client = mqtt.Client(client_id=a.client_id, clean_session=not a.persistent, protocol=mqtt.MQTTv311,
                             transport=transport)
    if a.ws:
        client.ws_set_options(path="/ws")
    client.reconnect_delay_set(min_delay=1, max_delay=2)

    def on_connect(c, userdata, flags, rc, properties=None):
        c.subscribe(a.filter, qos=a.qos)

    def on_subscribe(c, userdata, mid, granted, properties=None):
        open(a.out + ".ready", "w").close()

    def on_message(c, userdata, msg):
        props = {}
        p = getattr(msg, "properties", None)
        if p is not None:
            for k, v in (getattr(p, "UserProperty", None) or []):
                props[k] = v
            ct = getattr(p, "ContentType", None)
            if ct:
                props["content-type"] = ct
        line = {"topic": msg.topic, "body": msg.payload.decode("utf-8", "replace"),
                "body_b64": base64.b64encode(msg.payload).decode("ascii"),
                "qos": msg.qos, "retain": bool(msg.retain), "props": props}
        out.write(json.dumps(line) + "\n")
        out.flush()
        got[0] += 1
        if a.count and got[0] >= a.count:
            c.disconnect()

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    signal.signal(signal.SIGTERM, lambda *_: client.disconnect())
    if a.v5:
        from paho.mqtt.properties import Properties
        from paho.mqtt.packettypes import PacketTypes
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600 if a.persistent else 0
        client.connect("127.0.0.1", a.port, clean_start=not a.persistent, properties=props)
    else:
        client.connect("127.0.0.1", a.port)
    client.loop_forever(retry_first_connection=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
