#!/usr/bin/python3
"""Publishes messages with Python's paho client (python3-paho-mqtt), for the gsmq MQTT tests.

mqtt_pub.py PORT TOPIC [--qos Q] [--v5] [--retain] [--user-property K=V ...]
            [--content-type T] [--ws] [--b64] [--count N --prefix P | BODY ...]
Each BODY (or P1..PN) is published and acknowledged (QoS 1/2) before the script exits.
--ws: MQTT over WebSocket (path /ws); --b64: each BODY is base64 (binary payloads).
"""
import argparse
import base64
import sys

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("topic")
    ap.add_argument("bodies", nargs="*")
    ap.add_argument("--qos", type=int, default=1)
    ap.add_argument("--v5", action="store_true")
    ap.add_argument("--retain", action="store_true")
    ap.add_argument("--user-property", action="append", default=[])
    ap.add_argument("--content-type")
    ap.add_argument("--count", type=int)
    ap.add_argument("--prefix", default="m")
    ap.add_argument("--start", type=int, default=1)
    ap.add_argument("--ws", action="store_true")
    ap.add_argument("--b64", action="store_true")
    a = ap.parse_intermixed_args()
    bodies = a.bodies or [f"{a.prefix}{i}" for i in range(a.start, a.start + (a.count or 0))]

    proto = mqtt.MQTTv5 if a.v5 else mqtt.MQTTv311
    client = mqtt.Client(client_id="", protocol=proto, transport="websockets" if a.ws else "tcp")
    if a.ws:
        client.ws_set_options(path="/ws")
    client.connect("127.0.0.1", a.port)
    client.loop_start()
    props = None
    if a.v5:
        props = Properties(PacketTypes.PUBLISH)
        if a.user_property:
            props.UserProperty = [tuple(kv.split("=", 1)) for kv in a.user_property]
        if a.content_type:
            props.ContentType = a.content_type
    for body in bodies:
        payload = base64.b64decode(body) if a.b64 else body
        info = client.publish(a.topic, payload, qos=a.qos, retain=a.retain, properties=props)
        info.wait_for_publish(timeout=10)
        if not info.is_published():
            print(f"mqtt_pub.py: {body} was not acknowledged", file=sys.stderr)
            return 1
    client.disconnect()
    client.loop_stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
