#!/usr/bin/env python3
"""tests/helpers/chaos_upstream.py - a DNS upstream that misbehaves on demand.

    chaos_upstream.py LISTEN-PORT REAL-PORT MODE-FILE

Stands on 127.0.0.1@LISTEN-PORT (UDP and TCP) in front of a real resolver
on 127.0.0.1@REAL-PORT and does to every message what the first words of
MODE-FILE say.  The file is read again for every message, so a test
switches modes at run time with `echo drop >MODE-FILE`:

    pass          relay to the real resolver
    drop          read and never answer (a black hole: TCP connections
                  are accepted and kept open, UDP packets vanish)
    slow [SECS]   relay, answering after SECS seconds (default 1)
    garbage       one of the kinds below, in turn, message after message
    random        random bytes of random length
    malformed     the right ID and question, then records that claim
                  more bytes than the packet has
    wrong-id      a well-formed answer (NXDOMAIN) with another ID
    wrong-name    the right ID, a well-formed answer for another name
    tc            the right ID and question, TC set, no records; over TCP
                  as well, so a client that retries over TCP gets TC again
    lame          a lame referral: NOERROR, no answer, an NS record for
                  the question's name in the authority section (a
                  delegation), no SOA, RA clear
    badvers       NOERROR in the header, BADVERS (16) in the OPT record's
                  extended RCODE, no records

"Killed" needs no mode: stop this process (the port closes) and start it
again.  One line per message goes to stderr: time (seconds, monotonic),
transport, mode, question.
Loopback only; no dependency beyond the standard library.
"""
import os
import random
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"
KINDS = ("random", "malformed", "wrong-id", "wrong-name", "tc")
# answers that are well formed but mean "ask again later"
TRY_LATER = ("lame", "badvers")
FLAG_QR, FLAG_TC, FLAG_RA = 0x8000, 0x0200, 0x0080
RCODE_NXDOMAIN = 3


class Chaos:
    def __init__(self, real_port, mode_file):
        self.real = (HOST, real_port)
        self.mode_file = mode_file
        self.turn = 0
        self.lock = threading.Lock()

    def mode(self):
        try:
            with open(self.mode_file) as f:
                words = f.read().split()
        except OSError:
            words = []
        return words or ["pass"]

    def next_kind(self):
        with self.lock:
            self.turn += 1
            return KINDS[self.turn % len(KINDS)]

    def relay(self, query, tcp):
        """The real resolver's answer, or None."""
        try:
            if tcp:
                with socket.create_connection(self.real, timeout=3) as s:
                    s.sendall(struct.pack("!H", len(query)) + query)
                    return read_message(s)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(3)
                s.sendto(query, self.real)
                return s.recv(65535)
        except OSError:
            return None

    def answer(self, query, tcp):
        """What to send back for query (None: nothing), decided now."""
        words = self.mode()
        mode = words[0]
        log(tcp, mode, query)
        if mode == "drop":
            return None
        if mode == "slow":
            time.sleep(float(words[1]) if len(words) > 1 else 1.0)
            return self.relay(query, tcp)
        if mode == "garbage":
            mode = self.next_kind()
        if mode in KINDS:
            return garbage(mode, query)
        if mode in TRY_LATER:
            return try_later(mode, query)
        return self.relay(query, tcp)


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_message(s):
    head = read_exact(s, 2)
    if head is None:
        return None
    return read_exact(s, struct.unpack("!H", head)[0])


def question(query):
    """(id, question bytes) of a query, or None when there is none."""
    if len(query) < 12:
        return None
    pos = 12
    while pos < len(query) and query[pos] != 0:
        pos += 1 + query[pos]
    if pos + 5 > len(query):
        return None
    return struct.unpack("!H", query[:2])[0], query[12:pos + 5]


def header(qid, flags, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!6H", qid, flags, qd, an, ns, ar)


def garbage(kind, query):
    q = question(query)
    if kind == "random" or q is None:
        return os.urandom(random.randint(1, 512))
    qid, qsec = q
    if kind == "malformed":
        # three answers announced, one begun: owner, type, class, TTL,
        # and an RDLENGTH of 300 over 4 bytes
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 15, 1, 300, 300) + b"\0\0"
        return header(qid, FLAG_QR | FLAG_RA, an=3) + qsec + rr
    if kind == "wrong-id":
        return header(qid ^ 0x5a5a, FLAG_QR | FLAG_RA | RCODE_NXDOMAIN) + \
            qsec
    if kind == "wrong-name":
        other = b"\x05chaos\x07invalid\x00" + qsec[-4:]
        mx = b"\xc0\x0c" + struct.pack("!HHIHH", 15, 1, 300, 4, 10) + \
            b"\xc0\x0c"
        return header(qid, FLAG_QR | FLAG_RA, an=1) + other + mx
    # tc
    return header(qid, FLAG_QR | FLAG_RA | FLAG_TC) + qsec


def try_later(kind, query):
    q = question(query)
    if q is None:
        return None
    qid, qsec = q
    if kind == "lame":
        host = b"\x02ns\x04lame\x07invalid\0"
        ns = b"\xc0\x0c" + struct.pack("!HHIH", 2, 1, 300, len(host)) + host
        return header(qid, FLAG_QR, ns=1) + qsec + ns
    # badvers: RCODE 16 is 1 in the OPT TTL's top byte, 0 in the header
    opt = b"\0" + struct.pack("!HHIH", 41, 1232, 1 << 24, 0)
    return header(qid, FLAG_QR | FLAG_RA, ar=1) + qsec + opt


def log(tcp, mode, query):
    name = "?"
    q = question(query)
    if q is not None:
        labels, pos, qsec = [], 0, q[1]
        while qsec[pos] != 0:
            labels.append(qsec[pos + 1:pos + 1 + qsec[pos]].decode(
                "ascii", "replace"))
            pos += 1 + qsec[pos]
        name = ".".join(labels) + "."
    print("%.3f %s %s %s" % (time.monotonic(), "tcp" if tcp else "udp", mode,
                              name), file=sys.stderr, flush=True)


def serve_udp(sock, chaos):
    def one(query, peer):
        reply = chaos.answer(query, False)
        if reply is not None:
            sock.sendto(reply, peer)

    while True:
        query, peer = sock.recvfrom(65535)
        threading.Thread(target=one, args=(query, peer), daemon=True).start()


def serve_tcp_conn(conn, chaos):
    lock = threading.Lock()

    def one(query):
        reply = chaos.answer(query, True)
        if reply is None:
            return
        with lock:
            try:
                conn.sendall(struct.pack("!H", len(reply)) + reply)
            except OSError:
                pass

    with conn:
        while True:
            query = read_message(conn)
            if query is None:
                return
            threading.Thread(target=one, args=(query,), daemon=True).start()


def serve_tcp(sock, chaos):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve_tcp_conn, args=(conn, chaos),
                         daemon=True).start()


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: chaos_upstream.py LISTEN-PORT REAL-PORT MODE-FILE")
    port, real, mode_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    chaos = Chaos(real, mode_file)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((HOST, port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((HOST, port))
    tcp.listen(64)
    threading.Thread(target=serve_tcp, args=(tcp, chaos), daemon=True).start()
    serve_udp(udp, chaos)


if __name__ == "__main__":
    main()
