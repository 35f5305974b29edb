#!/usr/bin/env python3
"""tests/helpers/tcp_hold.py - hold TCP connections open to a DNS server.

    tcp_hold.py PORT ADDR N SECONDS [MODE [PID [NAME]]]

Opens N connections to 127.0.0.1@PORT from ADDR.  Prints "connected N"
once they are made, "open K" half a second later (K: those the server
has not closed), then holds them for SECONDS while doing what MODE says,
and prints "closed K" (closed by the server meanwhile) and
"open_at_end K".  MODE is one of:

  silent  (default) send nothing;
  drip    send the length of a 512-byte question, then one byte of it
          every 0.25 s, never the whole question (a slow client);
  huge    send the length of a 65535-byte message, then nothing;
  ask     send a whole question every 0.5 s and read its answer (an
          ordinary client keeping its connection); also prints "asked K"
          and "answered K", the questions sent and answered;
  greedy  send pipelined questions for NAME (default bigmx.example) MX
          as fast as the server takes them, and read no answer, with a
          small receive buffer; also prints "asked K", the questions sent,
          and "stalled K", the connections still open where nothing could
          be sent in the last second (the server stopped reading).

With PID, the resident memory of that process in KiB is printed as
"rss_start K" (before connecting), "rss_peak K" (the most seen while the
connections are held) and "rss_end K" (3 s after they are closed), and
with TCP_HOLD_LATER=S in the environment "rss_later K" (S s after).
A connection the server refused or closed shows as closed; nothing is
checked: the shell test does that, and asks with dig meanwhile.
"""
import errno
import os
import resource
import select
import socket
import struct
import sys
import time

GONE = select.POLLHUP | select.POLLERR | select.POLLRDHUP


def question(name, qtype=15, qid=0x4242):
    """A DNS question with its TCP length prefix (qtype 15: MX)."""
    wire = b"".join(bytes([len(label)]) + label.encode()
                    for label in name.rstrip(".").split(".")) + b"\0"
    msg = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + \
        struct.pack("!HH", qtype, 1)
    return struct.pack("!H", len(msg)) + msg


ASK = question("partner.example")


def rss_kib(pid):
    """VmRSS of pid in KiB, or -1 when it cannot be read."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def closed_by_server(s):
    """Whether the server closed s (FIN or reset), without blocking or
    reading: answers may wait unread in greedy mode."""
    p = select.poll()
    p.register(s, GONE)
    return bool(p.poll(0))


def drip(socks, tick):
    """One more byte of a question that never ends, on each connection."""
    for s in socks:
        try:
            s.send(b"\1" if tick else struct.pack("!H", 512))
        except OSError:
            pass


def ask(socks, count):
    """One whole question on each connection; count them and the answers."""
    for s in socks:
        try:
            count[0] += 1
            s.sendall(ASK)
            s.settimeout(2)
            if len(s.recv(4096)) > 0:
                count[1] += 1
        except OSError:
            pass


def greedy(socks, name, end, pid, peak):
    """Questions for name as fast as the server takes them until end; no
    reading.  Returns how many were sent and how many connections took
    nothing in the last second."""
    one = question(name)
    many = one * 128
    p, by_fd = select.poll(), {}
    for s in socks:
        by_fd[s.fileno()] = s
        s.setblocking(False)
        p.register(s, select.POLLOUT)
    sent, next_rss, last = 0, 0, {}
    while time.monotonic() < end:
        for fd, ev in p.poll(100):
            if ev & GONE:
                p.unregister(fd)
                continue
            try:
                n = by_fd[fd].send(many)
            except BlockingIOError:
                continue
            except OSError:
                p.unregister(fd)
                continue
            sent += n
            last[fd] = time.monotonic()
        if pid and time.monotonic() >= next_rss:
            peak[0] = max(peak[0], rss_kib(pid))
            next_rss = time.monotonic() + 0.2
    stalled = [fd for fd in by_fd if time.monotonic() - last.get(fd, 0) > 1
               and not closed_by_server(by_fd[fd])]
    return sent // len(one), len(stalled)


def main():
    port, addr, n, hold = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
                           float(sys.argv[4]))
    mode = sys.argv[5] if len(sys.argv) > 5 else "silent"
    pid = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    name = sys.argv[7] if len(sys.argv) > 7 else "bigmx.example"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 64), hard))
    if pid:
        print("rss_start", rss_kib(pid), flush=True)
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if mode == "greedy":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.bind((addr, 0))
        try:
            s.connect(("127.0.0.1", port))
        except OSError as e:
            if e.errno not in (errno.ECONNRESET, errno.ECONNREFUSED):
                raise
        socks.append(s)
    print("connected", len(socks), flush=True)
    if mode == "huge":
        for s in socks:
            s.send(struct.pack("!H", 65535))
    time.sleep(0.5)
    live = [s for s in socks if not closed_by_server(s)]
    print("open", len(live), flush=True)
    end = time.monotonic() + hold
    peak, count, tick = [rss_kib(pid) if pid else 0], [0, 0], 0
    if mode == "greedy":
        asked, stalled = greedy(live, name, end, pid, peak)
        print("asked", asked, flush=True)
        print("stalled", stalled, flush=True)
    while time.monotonic() < end:
        if mode == "drip":
            drip(live, tick)
            tick += 1
            time.sleep(0.25)
        elif mode == "ask":
            ask(live, count)
            time.sleep(0.5)
        else:
            time.sleep(0.1)
        if pid:
            peak[0] = max(peak[0], rss_kib(pid))
    left = [s for s in live if not closed_by_server(s)]
    if mode == "ask":
        print("asked", count[0], flush=True)
        print("answered", count[1], flush=True)
    print("closed", len(live) - len(left), flush=True)
    print("open_at_end", len(left), flush=True)
    for s in socks:
        s.close()
    if pid:
        print("rss_peak", peak[0], flush=True)
        time.sleep(3)
        print("rss_end", rss_kib(pid), flush=True)
        later = float(os.environ.get("TCP_HOLD_LATER", "0"))
        if later > 3:
            time.sleep(later - 3)
            print("rss_later", rss_kib(pid), flush=True)


if __name__ == "__main__":
    main()
