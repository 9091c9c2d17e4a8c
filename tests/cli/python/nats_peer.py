#!/usr/bin/python3
"""A NATS peer for the tests, written against the NATS client protocol (text over TCP)
with nothing but the standard library: independent of nats.c, which gsmq uses.

  nats_peer.py pub HOST:PORT SUBJECT BODY [-H NAME:VALUE]...   core publish (flushed)
  nats_peer.py sub HOST:PORT SUBJECT COUNT [READY_FILE]        COUNT messages as JSON lines
  nats_peer.py jspub HOST:PORT SUBJECT BODY MSGID              JetStream publish, prints the ack
  nats_peer.py stream HOST:PORT STREAM                         every message of STREAM, JSON lines
  nats_peer.py addstream HOST:PORT STREAM SUBJECT [REPLICAS]   create a stream

With NATS_PEER_CA=FILE it upgrades to TLS after the server's INFO (nats-server's
tls_required), trusting the CAs in FILE and checking HOST; NATS_PEER_CERT and
NATS_PEER_KEY: the client certificate it shows.

JSON lines: {"subject", "body", "headers": {name: [values]}, "seq" (stream only)}.
"""
import base64
import json
import os
import socket
import ssl
import sys


class Conn:
    def __init__(self, hostport):
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.buf = b""
        self.sid = 0
        line = self.line()
        assert line.startswith(b"INFO "), line
        if os.environ.get("NATS_PEER_CA"):
            tls = ssl.create_default_context(cafile=os.environ["NATS_PEER_CA"])
            if os.environ.get("NATS_PEER_CERT"):
                tls.load_cert_chain(os.environ["NATS_PEER_CERT"], os.environ["NATS_PEER_KEY"])
            self.sock = tls.wrap_socket(self.sock, server_hostname=host)
        self.send(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,'
                  b'"protocol":1,"name":"nats_peer.py"}\r\n')
        self.ping()

    def send(self, data):
        self.sock.sendall(data)

    def fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("nats-server closed the connection")
        self.buf += chunk

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exact(self, n):
        while len(self.buf) < n + 2:
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def ping(self):
        self.send(b"PING\r\n")
        while True:
            line = self.line()
            if line == b"PONG":
                return
            if line.startswith(b"-ERR"):
                raise RuntimeError(line.decode())
            if line == b"PING":
                self.send(b"PONG\r\n")

    def subscribe(self, subject):
        self.sid += 1
        self.send(b"SUB %s %d\r\n" % (subject.encode(), self.sid))
        return self.sid

    def publish(self, subject, body, headers=None, reply=None):
        r = b" " + reply.encode() if reply else b""
        if headers:
            h = b"NATS/1.0\r\n" + b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in headers) + b"\r\n"
            self.send(b"HPUB %s%s %d %d\r\n%s%s\r\n" % (subject.encode(), r, len(h), len(h) + len(body), h, body))
        else:
            self.send(b"PUB %s%s %d\r\n%s\r\n" % (subject.encode(), r, len(body), body))

    def next_msg(self):
        """(subject, reply, status, headers, body) of the next message."""
        while True:
            line = self.line()
            if line == b"PING":
                self.send(b"PONG\r\n")
                continue
            if line.startswith(b"-ERR"):
                raise RuntimeError(line.decode())
            parts = line.split()
            if not parts or parts[0] not in (b"MSG", b"HMSG"):
                continue
            subject = parts[1].decode()
            if parts[0] == b"MSG":
                reply = parts[3].decode() if len(parts) == 5 else None
                return subject, reply, None, {}, self.exact(int(parts[-1]))
            reply = parts[3].decode() if len(parts) == 6 else None
            hlen, total = int(parts[-2]), int(parts[-1])
            data = self.exact(total)
            status, headers = parse_headers(data[:hlen])
            return subject, reply, status, headers, data[hlen:]

    def request(self, subject, body, headers=None):
        self.sid += 1
        inbox = "_INBOX.peer.%d" % self.sid
        self.send(b"SUB %s %d\r\n" % (inbox.encode(), self.sid))
        self.publish(subject, body, headers, inbox)
        subject, _, status, headers, data = self.next_msg()
        self.send(b"UNSUB %d\r\n" % self.sid)
        return status, headers, data


def parse_headers(block):
    lines = block.decode().split("\r\n")
    status = lines[0][len("NATS/1.0"):].strip() or None
    headers = {}
    for line in lines[1:]:
        if not line:
            continue
        name, value = line.split(":", 1)
        headers.setdefault(name.strip(), []).append(value.strip())
    return status, headers


def as_json(subject, headers, body, seq=None):
    out = {"subject": subject, "body": body.decode("utf-8", "surrogateescape"), "headers": headers}
    if seq is not None:
        out["seq"] = seq
    return json.dumps(out)


def main(argv):
    cmd, hostport = argv[1], argv[2]
    c = Conn(hostport)
    if cmd == "pub":
        headers = []
        args = argv[5:]
        while args:
            assert args[0] == "-H"
            name, value = args[1].split(":", 1)
            headers.append((name, value))
            args = args[2:]
        c.publish(argv[3], argv[4].encode(), headers)
        c.ping()
    elif cmd == "sub":
        c.subscribe(argv[3])
        c.ping()
        if len(argv) > 5:
            open(argv[5], "w").close()
        c.sock.settimeout(None)
        for _ in range(int(argv[4])):
            subject, _, _, headers, body = c.next_msg()
            print(as_json(subject, headers, body), flush=True)
    elif cmd == "jspub":
        status, _, data = c.request(argv[3], argv[4].encode(), [("Nats-Msg-Id", argv[5])])
        print(data.decode())
        return 0 if status is None and b'"error"' not in data else 1
    elif cmd == "addstream":
        config = {"name": argv[3], "subjects": [argv[4]], "num_replicas": int(argv[5]) if len(argv) > 5 else 1,
                  "storage": "file"}
        _, _, data = c.request("$JS.API.STREAM.CREATE." + argv[3], json.dumps(config).encode())
        print(data.decode())
        return 1 if b'"error"' in data else 0
    elif cmd == "stream":
        _, _, data = c.request("$JS.API.STREAM.INFO." + argv[3], b"")
        state = json.loads(data)["state"]
        # the requests pipelined, a window at a time, on one inbox subscription
        c.sid += 1
        c.send(b"SUB _INBOX.dump.* %d\r\n" % c.sid)
        seqs = list(range(state["first_seq"], state["last_seq"] + 1))
        for start in range(0, len(seqs), 256):
            window = seqs[start:start + 256]
            for seq in window:
                c.publish("$JS.API.STREAM.MSG.GET." + argv[3], json.dumps({"seq": seq}).encode(),
                          reply="_INBOX.dump.%d" % seq)
            replies = {}
            while len(replies) < len(window):
                subject, _, _, _, data = c.next_msg()
                replies[int(subject.rsplit(".", 1)[1])] = json.loads(data)
            for seq in window:
                reply = replies[seq]
                if "error" in reply:
                    continue  # deleted
                m = reply["message"]
                headers = {}
                if m.get("hdrs"):
                    _, headers = parse_headers(base64.b64decode(m["hdrs"]))
                print(as_json(m["subject"], headers, base64.b64decode(m.get("data", "")), seq))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
