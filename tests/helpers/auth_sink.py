#!/usr/bin/python3
"""tests/helpers/auth_sink.py - mail servers for the export tests.

    auth_sink.py [--tls CERT KEY] LOG ADDR:PORT[=USER:PASS] ...

One aiosmtpd server per argument, all in this process; with --tls each
offers STARTTLS with that certificate, and those demanding AUTH demand TLS
first.  A server given
USER:PASS (split at the first colon) demands SMTP AUTH (PLAIN or LOGIN,
over plain text: loopback inside the test's namespace) and accepts only
that pair.  Each message accepted appends a line to LOG:

    TAG ADDR:PORT AUTH-USER-or-'-'

where TAG is the left part of its Message-ID (<TAG@...>).
"""
import re
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

LOCK = threading.Lock()


class Handler:
    def __init__(self, log, where):
        self.log = log
        self.where = where

    async def handle_DATA(self, server, session, envelope):
        m = re.search(rb'^Message-ID: <([^@>]*)@', envelope.content,
                      re.M | re.I)
        tag = m.group(1).decode() if m else '?'
        user = '-'
        if session.authenticated and isinstance(session.auth_data,
                                                LoginPassword):
            user = session.auth_data.login.decode('utf-8', 'replace')
        with LOCK, open(self.log, 'a') as f:
            f.write('%s %s %s\n' % (tag, self.where, user))
        return '250 stored'


def checker(user, password):
    def auth(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and
              data.login == user.encode() and
              data.password == password.encode())
        return AuthResult(success=ok, handled=False, auth_data=data)
    return auth


def main():
    args = sys.argv[1:]
    tls = None
    if args[0] == '--tls':
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args[1], args[2])
        args = args[3:]
    log = args[0]
    servers = []
    # the controllers' threads must not take the signals sigwait() waits for
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    for spec in args[1:]:
        where, _, secret = spec.partition('=')
        addr, port = where.rsplit(':', 1)
        kw = {}
        if secret:
            user, _, password = secret.partition(':')
            kw = dict(authenticator=checker(user, password),
                      auth_required=True, auth_require_tls=tls is not None)
        if tls is not None:
            kw['tls_context'] = tls
        c = Controller(Handler(log, where), hostname=addr, port=int(port),
                       server_hostname='sink.test', ready_timeout=10, **kw)
        c.start()
        servers.append(c)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    for c in servers:
        c.stop()


main()
