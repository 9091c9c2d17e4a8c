"""A service manager's end of the sd_notify protocol, for tests/cli/service.bats: binds a
datagram socket at PATH (or the abstract @NAME), prints every datagram received as one line
(newlines inside shown as |), and exits after one that says STOPPING=1, or after TIMEOUT
seconds (status 1)."""
import socket
import sys

path, timeout = sys.argv[1], float(sys.argv[2])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("\0" + path[1:] if path.startswith("@") else path)
sock.settimeout(timeout)
print("bound", flush=True)
try:
    while True:
        data = sock.recv(4096).decode()
        print(data.replace("\n", "|"), flush=True)
        if "STOPPING=1" in data.split("\n"):
            sys.exit(0)
except socket.timeout:
    sys.exit(1)
