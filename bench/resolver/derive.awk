# bench/resolver/derive.awk - from a rules file, the lines that every
# server can serve alike: exact names with no condition (a $priority or a
# port is fine: MX records carry neither condition nor port).  Writes, by
# the variable "what":
#   queries   "NAME MX" for dnsperf
#   unbound   local-data lines
#   dnsmasq   mx-host lines
# Lines with $client, $size, $end... are left out: the three servers do not
# agree on them.
NF >= 2 && $1 !~ /[*?]/ && $1 !~ /^#/ {
	pref = 10
	ok = 1
	for (i = 3; i <= NF; i++) {
		if ($i ~ /^\$priority:[0-9]+$/)
			pref = substr($i, 11) + 0
		else
			ok = 0
	}
	if (!ok || $2 ~ /[@\[]/ || $2 == "." || $2 == "USEDNS")
		next
	host = $2
	sub(/:[0-9]+$/, "", host)
	if (what == "queries")
		print $1 " MX"
	else if (what == "unbound")
		printf "local-data: \"%s. 60 IN MX %d %s.\"\n", $1, pref, host
	else if (what == "dnsmasq")
		printf "mx-host=%s,%s,%d\n", $1, host, pref
}
