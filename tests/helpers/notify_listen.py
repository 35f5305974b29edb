#!/usr/bin/env python3
"""tests/helpers/notify_listen.py - a service manager's notify socket.

    notify_listen.py SOCKET OUT [COMMAND...]

Binds a datagram socket at SOCKET, where a program started with
NOTIFY_SOCKET=SOCKET sends its sd_notify(3) messages, and appends each
message to OUT as one line, its assignments separated by " | ".  On the
first message with READY=1, COMMAND runs at once, before that message is
written, and its output follows it, each line prefixed "ready: ": what
the program does at the moment it says it is ready.  Runs until killed.
"""
import os
import socket
import subprocess
import sys


def main():
    path, out = sys.argv[1], sys.argv[2]
    command = sys.argv[3:]
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    ready = False
    while True:
        msg = s.recv(4096).decode(errors="replace")
        lines = msg.rstrip("\n").split("\n")
        seen = ""
        if "READY=1" in lines and not ready:
            ready = True
            if command:
                r = subprocess.run(command, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, check=False)
                seen = "".join("ready: %s\n" % line for line in
                               r.stdout.decode(errors="replace").splitlines())
        with open(out, "a") as f:
            f.write(" | ".join(lines) + "\n" + seen)


if __name__ == "__main__":
    main()
