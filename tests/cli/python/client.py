#!/usr/bin/python3
"""A small gsmqd client written only against proto/gsmq/v1/*.proto, with stubs generated
by grpc_tools.protoc (python3-grpc-tools) and Debian's python3-grpcio: proof that the API
is usable outside this codebase. Used by tests/cli/python_client.bats.

  client.py --stubs DIR gen PROTO_DIR           generate the stubs into DIR
  client.py --stubs DIR --target H:P ping       Ping, as JSON
  client.py ... send CHANNEL BODY... [--priority P] [--meta K=V] [--ttl-ms N] [--b64]
                [--id ID]...                    Send one batch; prints each result (--b64: the
                                                bodies are base64; --id: ids, in body order)
  client.py ... receive CHANNEL [--max N] [--wait-ms N] [--visibility-ms N]
                [--ack | --settle ACTION [--requeue-channel C] [--settle-visibility-ms N]]
                                                Receive, print, then settle what came
  client.py ... channels                        ListChannels, one JSON line per channel
  client.py ... purge CHANNEL                   Purge, prints how many were removed

Every message is printed as one JSON line with the field names of the .proto.
"""
import argparse
import base64
import json
import os
import subprocess
import sys


def generate(stubs, proto_dir):
    os.makedirs(stubs, exist_ok=True)
    files = ["gsmq/v1/message.proto", "gsmq/v1/broker.proto"]
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", proto_dir,
                    "--python_out=" + stubs, "--grpc_python_out=" + stubs] + files, check=True)


def message_json(m):
    out = {"channel": m.channel, "id": m.id, "seq": m.seq, "ts": m.ts, "priority": m.priority,
           "receive_count": m.receive_count, "meta": dict(m.meta)}
    try:
        out["body"] = m.body.decode("utf-8")
    except UnicodeDecodeError:
        out["body_hex"] = m.body.hex()
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stubs", required=True, help="directory of the generated stubs")
    parser.add_argument("--target", default="127.0.0.1:7878")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("gen")
    gen.add_argument("proto_dir")
    sub.add_parser("ping")
    send = sub.add_parser("send")
    send.add_argument("channel")
    send.add_argument("bodies", nargs="+")
    send.add_argument("--priority", type=int, default=0)
    send.add_argument("--meta", action="append", default=[])
    send.add_argument("--ttl-ms", type=int, default=0)
    send.add_argument("--extra-json", default="")
    send.add_argument("--b64", action="store_true")
    send.add_argument("--id", action="append", default=[])
    recv = sub.add_parser("receive")
    recv.add_argument("channel")
    recv.add_argument("--max", type=int, default=256)
    recv.add_argument("--wait-ms", type=int, default=0)
    recv.add_argument("--visibility-ms", type=int, default=0)
    recv.add_argument("--peek", action="store_true")
    recv.add_argument("--ack", action="store_true")
    recv.add_argument("--settle", choices=["ack", "reject", "extend", "requeue"])
    recv.add_argument("--requeue-channel", default="")
    recv.add_argument("--settle-visibility-ms", type=int, default=0)
    sub.add_parser("channels")
    purge = sub.add_parser("purge")
    purge.add_argument("channel")
    args = parser.parse_args()

    if args.command == "gen":
        generate(args.stubs, args.proto_dir)
        return 0

    sys.path.insert(0, args.stubs)
    import grpc
    from gsmq.v1 import broker_pb2, broker_pb2_grpc, message_pb2

    channel = grpc.insecure_channel(args.target)
    try:
        grpc.channel_ready_future(channel).result(timeout=5)
    except grpc.FutureTimeoutError:
        print(f"cannot connect to gsmqd at {args.target}", file=sys.stderr)
        return 4
    stub = broker_pb2_grpc.BrokerStub(channel)

    if args.command == "ping":
        r = stub.Ping(broker_pb2.PingRequest(), timeout=10)
        print(json.dumps({"version": r.version, "uptime_us": r.uptime_us, "data_dir": r.data_dir}))
    elif args.command == "send":
        meta = dict(kv.split("=", 1) for kv in args.meta)
        request = broker_pb2.SendRequest(batch_id=7)
        for n, body in enumerate(args.bodies):
            request.messages.append(message_pb2.Message(
                channel=args.channel, body=base64.b64decode(body) if args.b64 else body.encode("utf-8"),
                priority=args.priority, meta=meta, ttl_ms=args.ttl_ms, extra_json=args.extra_json,
                id=args.id[n] if n < len(args.id) else ""))
        try:
            response = stub.Send(request, timeout=10)
        except grpc.RpcError as e:
            print(f"{e.code().name}: {e.details()}", file=sys.stderr)
            return 1
        if response.batch_id != 7:
            print("batch_id not echoed", file=sys.stderr)
            return 7
        failed = 0
        for r in response.results:
            print(json.dumps({"id": r.id, "channel": r.channel, "seq": r.seq, "error": r.error}))
            failed += bool(r.error)
        return 1 if failed else 0
    elif args.command == "receive":
        response = stub.Receive(broker_pb2.ReceiveRequest(
            channel=args.channel, max_messages=args.max, wait_ms=args.wait_ms,
            visibility_ms=args.visibility_ms, peek=args.peek), timeout=10 + args.wait_ms / 1000)
        for m in response.messages:
            print(json.dumps(message_json(m)), flush=True)
        action = "ack" if args.ack else args.settle
        if action and response.messages:
            actions = {"ack": broker_pb2.SETTLE_ACK, "reject": broker_pb2.SETTLE_REJECT,
                       "extend": broker_pb2.SETTLE_EXTEND, "requeue": broker_pb2.SETTLE_REQUEUE}
            settle = broker_pb2.SettleRequest(settlements=[
                broker_pb2.Settlement(receipt=m.receipt, action=actions[action],
                                      requeue_channel=args.requeue_channel,
                                      visibility_ms=args.settle_visibility_ms)
                for m in response.messages])
            errors = [e for e in stub.Settle(settle, timeout=10).errors if e]
            for e in errors:
                print(e, file=sys.stderr)
            return 1 if errors else 0
    elif args.command == "channels":
        for c in stub.ListChannels(broker_pb2.ListChannelsRequest(), timeout=10).channels:
            print(json.dumps({"name": c.name, "kind": c.kind, "depth": c.depth, "in_flight": c.in_flight,
                              "delayed": c.delayed, "dead_lettered": c.dead_lettered, "expired": c.expired,
                              "sent": c.sent, "delivered": c.delivered, "acked": c.acked,
                              "consumers": c.consumers, "last_seq": c.last_seq}))
    elif args.command == "purge":
        print(stub.Purge(broker_pb2.PurgeRequest(channel=args.channel), timeout=10).purged)
    return 0


if __name__ == "__main__":
    sys.exit(main())
