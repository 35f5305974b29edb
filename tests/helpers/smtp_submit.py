#!/usr/bin/python3
"""tests/helpers/smtp_submit.py - submit one test message over SMTP.

    smtp_submit.py HOST PORT FROM TO TAG BYTES [CAFILE USER PASS]

The message has Message-ID <TAG@mta.test> and a body of about BYTES; with
CAFILE, USER and PASS the session starts TLS (verified against CAFILE) and
authenticates.  Exit status 0 when the server accepted it.
"""
import smtplib
import ssl
import sys

host, port, sender, rcpt, tag, size = sys.argv[1:7]
body = ('x' * 69 + '\n') * (int(size) // 70 + 1)
msg = ('From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s@mta.test>\n\n%s'
       % (sender, rcpt, tag, tag, body))
with smtplib.SMTP(host, int(port), local_hostname='client.test',
                  timeout=20) as s:
    if len(sys.argv) > 7:
        tls = ssl.create_default_context(cafile=sys.argv[7])
        # OpenSMTPD 6.8's privilege-separated signing fails under OpenSSL
        # 3 ("EVP lib"): a key exchange without a server signature
        tls.maximum_version = ssl.TLSVersion.TLSv1_2
        tls.set_ciphers('AES256-GCM-SHA384:AES128-GCM-SHA256')
        s.starttls(context=tls)
        s.login(sys.argv[8], sys.argv[9])
    s.sendmail(sender, [rcpt], msg)
