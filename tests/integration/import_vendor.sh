#!/bin/sh
# mxshim import on the vendors' own examples (issue 15): each source below
# is the example of the vendor's document, names and addresses kept (the
# test Unbound serves every zone locally).  A route that cannot be carried
# exactly is carried with a warning naming its line, or written disabled
# with one; where nothing is lost there is no warning.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/helpers/import.sh"

cat >"$T_DIR/zone.conf" <<'ZONE'
	local-data: "exchange.example.com. MX 10 exchange.example.com."
	local-data: "foo.example.com. MX 10 mx.foo.example.com."
	local-data: "example.org. MX 10 mx.example.org."
ZONE
start_dns "$T_DIR/zone.conf"

# import FORMAT NAME: import $T_DIR/NAME into $T_DIR/NAME.rules, stderr
# in $T_DIR/NAME.err; prints the exit status.
import() {
	"$MXSHIM" import --format "$1" "$T_DIR/$2" -o "$T_DIR/$2.rules" \
	    2>"$T_DIR/$2.err"
	echo $?
}

# --- Cisco AsyncOS, "SMTP Routes and DNS": example.com to the Exchange
# server, its subdomains to their own MX records; then the default route
# cleared ("ALL:" with no host: no default route, the MX lookup)
cat >"$T_DIR/cisco.txt" <<'SRC'
example.com exchange.example.com
.example.com USEDNS
ALL:
SRC
t_is "$(import cisco cisco.txt)" 0 "cisco: the cleared default route ALL: is accepted"
t_like "$(cat "$T_DIR/cisco.txt.err")" ' 0 warning\(s\)' \
    "cisco: example.com beside .example.com USEDNS warns of nothing"
check_table "$T_DIR/cisco.txt.rules" "
example.com||10 exchange.example.com
foo.example.com||10 mx.foo.example.com
example.org||none
"

# --- Xeams CustomSmtpRouting.xml: a route with an empty
# <recipientExceptions>, as the sample file leaves it where none apply
cat >"$T_DIR/xeams.xml" <<'SRC'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<CustomRouting>
	<Routes>
		<Route>
			<sender>@yourcompany.com</sender>
			<recipient>@example1.com</recipient>
			<recipientExceptions></recipientExceptions>
			<ip>20.30.40.50</ip>
		</Route>
	</Routes>
</CustomRouting>
SRC
t_is "$(import xeams xeams.xml)" 0 "xeams: import succeeds"
t_like "$(cat "$T_DIR/xeams.xml.err")" ' 0 warning\(s\)' \
    "xeams: an empty <recipientExceptions> warns of nothing"
check_table "$T_DIR/xeams.xml.rules" "
example1.com|--from=a@yourcompany.com|10 20-30-40-50.v4.mxshim.invalid
example1.com|--from=a@other.example|none
"

# --- KumoMTA queues.toml: an address literal as routing_domain
cat >"$T_DIR/queues.toml" <<'SRC'
[queue.'example.com']
routing_domain = '[20.83.209.56]'
SRC
t_is "$(import kumomta queues.toml)" 0 \
    "kumomta: an address literal routing_domain is accepted"
check_table "$T_DIR/queues.toml.rules" "
example.com||10 20-83-209-56.v4.mxshim.invalid
example.org||none
"

# --- tmail (the "routes" documentation).  The list shows no SMTP user:
# `tmail route add -rh premium.tmail.io -u toorop@tmail.io` lists as a *
# route, so a * line of the list is left off, with a warning.
cat >"$T_DIR/list.txt" <<'SRC'
1 - Destination host: toorop.fr - Prority: 1 - Local IPs: default - Remote host: mail.toorop.fr:25
2 - Destination host: tmail.io - Prority: 1 - Local IPs: default - Remote host: mail.tmail.io:25
3 - Destination host: * - Prority: 1 - Local IPs: default - Remote host: premium.tmail.io:25
SRC
t_is "$(import tmail list.txt)" 0 "tmail: import succeeds"
t_like "$(cat "$T_DIR/list.txt.err")" \
    'list.txt:3: warning: .*does not show the SMTP user' \
    "tmail: a * line of the list is reported at its line"
t_like "$(cat "$T_DIR/list.txt.rules")" '# off: \* premium\.tmail\.io' \
    "tmail: and written disabled"
check_table "$T_DIR/list.txt.rules" "
toorop.fr||1 mail.toorop.fr
example.org||none
example.org|--authsender=toorop@tmail.io|none
"

# -f: "Routes for MAIL FROM. User need to be authentified"
cat >"$T_DIR/from.txt" <<'SRC'
tmail routes add -d example.org -rh in.mailjet.com -f tmail.io
SRC
t_is "$(import tmail from.txt)" 0 "tmail: -f without -u is read"
check_table "$T_DIR/from.txt.rules" "
example.org|--from=bob@tmail.io --authsender=bob|1 in.mailjet.com
example.org|--from=bob@tmail.io|none
"

# Round robin: "deux fois plus de mails par big.smtp.tmail.io que par
# small.smtp.tmail.io" (2:1)
cat >"$T_DIR/weights.txt" <<'SRC'
tmail route add -d tmail.io -rh big.smtp.tmail.io
tmail route add -d tmail.io -rh big.smtp.tmail.io
tmail route add -d tmail.io -rh small.smtp.tmail.io
SRC
t_is "$(import tmail weights.txt)" 0 "tmail: routes used as weights are read"
t_like "$(cat "$T_DIR/weights.txt.err")" \
    'weights.txt:[12]: warning: the route to big.smtp.tmail.io is given 2 times' \
    "tmail: that weights are not carried is reported"
check_table "$T_DIR/weights.txt.rules" "
tmail.io||1 big.smtp.tmail.io,1 small.smtp.tmail.io
"

t_done
