#!/bin/sh
# mxshim export: override lines as a Postfix transport map and as an
# AsyncOS SMTP routes table, where they fit; what does not fit is reported
# (a comment at the top of the output and a warning on stderr), never
# dropped silently.
. "$(dirname "$0")/../lib.sh"

cat >"$T_DIR/rules" <<'RULES'
# hosts, ports, priorities
acme.example      mx1.corp.example $priority:5
acme.example      mx2.corp.example:2525 $priority:20 $end
*.acme.example    [2001:db8::25] $end
relay.example     smarthost.example $lookupmx $end
dead.example      . $end
partner.example   USEDNS $end
# conditions and real-DNS tests cannot be exported
*                 bulk.example $size>=10000000 $end
*                 gmail-relay.example $dnsmx:*.google.com $end
ab?.example       x.example $end
keep.example      backup.example $adddns $end
# the default route
*                 joe:pw@relay.isp.example:587 $end
# never applies: the * line above stops the walk first
late.example      late-relay.example $end
RULES

out=$("$MXSHIM" export --format postfix "$T_DIR/rules" \
    --sasl-passwd "$T_DIR/sasl" 2>"$T_DIR/err")
t_is "$?" 0 "export --format postfix succeeds"
map=$(printf '%s\n' "$out" | grep -v '^#')
t_is "$map" "acme.example	smtp:[mx1.corp.example], [mx2.corp.example]:2525
.acme.example	smtp:[ipv6:2001:db8::25]
relay.example	smtp:smarthost.example
dead.example	error:5.1.10 this domain accepts no mail (null MX)
partner.example	smtp:
keep.example	smtp:[backup.example]
*	smtp:[relay.isp.example]:587" "the transport map"
err=$(cat "$T_DIR/err")
t_like "$err" 'rules:9: warning: condition \$size>=10000000 cannot be expressed' \
    "a condition is reported"
t_like "$err" 'rules:10: warning: condition \$dnsmx:\*.google.com cannot' \
    "\$dnsmx is reported"
t_like "$err" 'rules:11: warning: pattern ab\?.example is a general wildcard' \
    "a general wildcard is reported"
t_like "$err" 'rules:12: warning: \$adddns' "\$adddns is reported"
t_like "$err" 'rules:16: warning: never applies here \(line 14 stops' \
    "a line hidden behind an earlier \$end is reported and left out"
t_like "$out" '#   line 9: condition \$size' "the report heads the output too"
t_is "$(cat "$T_DIR/sasl" | grep -v '^#')" \
    "[relay.isp.example]:587 joe:pw" "sasl_passwd"

out=$("$MXSHIM" export --format cisco "$T_DIR/rules" 2>"$T_DIR/err")
t_is "$?" 0 "export --format cisco succeeds"
t_is "$(printf '%s\n' "$out" | grep -v '^#')" \
"acme.example mx1.corp.example/pri=5,mx2.corp.example:2525/pri=20
.acme.example 2001:db8::25
relay.example smarthost.example
.relay.example relay.isp.example:587
dead.example /dev/null
.dead.example relay.isp.example:587
partner.example USEDNS
.partner.example relay.isp.example:587
keep.example backup.example
.keep.example relay.isp.example:587
ALL: relay.isp.example:587" \
    "the AsyncOS table: subdomains of an exact name keep their route"
err=$(cat "$T_DIR/err")
t_like "$err" 'rules:2: warning: AsyncOS looks up the MX records of mx1.corp.example' \
    "a host without \$lookupmx is reported (AsyncOS MX-resolves it)"
t_like "$err" 'rules:14: warning: the SMTP AUTH credentials for relay.isp.example' \
    "credentials are reported"
t_like "$err" 'rules:6: warning: the null MX becomes /dev/null' \
    "/dev/null drops silently: reported"

# an invalid rules file is not exported
printf 'a.example host.example $bogus\n' >"$T_DIR/bad"
"$MXSHIM" export --format cisco "$T_DIR/bad" >/dev/null 2>&1
t_is "$?" 1 "an invalid rules file fails"
"$MXSHIM" export --format sendmail "$T_DIR/rules" >/dev/null 2>&1
t_is "$?" 2 "an unknown format is a usage error"

t_done
