#!/usr/bin/env python3
"""tests/helpers/tcp_hold.py - hold TCP connections open to a DNS server.

    tcp_hold.py PORT ADDR N SECONDS

Opens N connections to 127.0.0.1@PORT from ADDR and sends nothing.  Prints
"connected N" once they are made, "open K" half a second later (K: those
the server has not closed), then holds them for SECONDS and prints
"closed K" (closed by the server meanwhile) and "open_at_end K".
Connections the server refuses or closes show as closed; nothing else is
sent or checked: the shell test asks its questions with dig meanwhile.
"""
import select
import socket
import sys
import time


def closed_by_server(s):
    """Whether the server closed s (EOF or reset), without blocking."""
    r, _, _ = select.select([s], [], [], 0)
    if not r:
        return False
    try:
        return s.recv(1) == b""
    except OSError:
        return True


def main():
    port, addr, n, hold = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
                           float(sys.argv[4]))
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((addr, 0))
        s.connect(("127.0.0.1", port))
        socks.append(s)
    print("connected", len(socks), flush=True)
    time.sleep(0.5)
    live = [s for s in socks if not closed_by_server(s)]
    print("open", len(live), flush=True)
    end = time.monotonic() + hold
    while time.monotonic() < end:
        time.sleep(0.1)
    left = [s for s in live if not closed_by_server(s)]
    print("closed", len(live) - len(left), flush=True)
    print("open_at_end", len(left), flush=True)
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
