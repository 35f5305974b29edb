/*
 * resolver/ubstub.c - libunbound as a stub that relays every question.
 *
 * libunbound keeps the default local zones of an Unbound server: it
 * answers NXDOMAIN itself for test., invalid., onion., home.arpa., the
 * loopback reverse zones and the AS112 reverse zones of private and
 * special addresses (10.in-addr.arpa, 168.192.in-addr.arpa,
 * 254.169.in-addr.arpa, 64-127.100.in-addr.arpa, d.f.ip6.arpa, ...;
 * unbound.conf(5), services/localzone.c and util/as112.c in Unbound).
 * Right for a resolver facing the Internet, wrong for a stub: these are
 * exactly the names a LAN's own DNS serves, and an NXDOMAIN for a mail
 * domain under home.arpa bounces the mail.  So, like dnsmasq, the stub
 * asks its upstream and returns what that says.
 *
 * unblock-lan-zones drops the AS112 list whole, in every version.  The
 * other defaults are made transparent: a local zone of the same name
 * stops libunbound from adding its default, and a transparent zone
 * without data lets every question through.  ("local-zone: Z nodefault"
 * does not work through ub_ctx_set_option() in libunbound 1.17: the
 * nodefault list gets "Z nodefault", which matches no zone.)  Zones of
 * later versions (resolver.arpa, service.arpa) are listed too; a
 * transparent zone libunbound would not have served changes nothing.
 * tests/integration/resolver_zones.sh asks the installed Unbound for its
 * default zones and fails when one of them is still answered locally.
 */
#include "config.h"

#include <stdio.h>

#include <unbound.h>

#include "ubstub.h"

const char *const ubstub_relayed_zones[] = {
	"test.", "invalid.",		/* RFC 6761 */
	"onion.",			/* RFC 7686 */
	"home.arpa.",			/* RFC 8375 */
	"resolver.arpa.",		/* RFC 9462 */
	"service.arpa.",		/* RFC 9665 */
	"127.in-addr.arpa.",		/* loopback reverse (RFC 6303) */
	"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "ip6.arpa.",
	NULL
};

int
ubstub_set(struct ub_ctx *ub, const char *opt, const char *val, char *err,
    size_t errlen)
{
	int rc;

	if ((rc = ub_ctx_set_option(ub, opt, val)) != 0) {
		snprintf(err, errlen, "libunbound option %s %s: %s", opt, val,
		    ub_strerror(rc));
		return -1;
	}
	return 0;
}

int
ubstub_configure(struct ub_ctx *ub, char *err, size_t errlen)
{
	static const char *const opts[][2] = {
		{ "do-not-query-localhost:", "no" },	/* upstream on lo */
		{ "module-config:", "iterator" },	/* no validation */
		{ "unblock-lan-zones:", "yes" },	/* no AS112 zones */
	};
	const char *const	*z;
	char			 val[128];
	size_t			 i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (ubstub_set(ub, opts[i][0], opts[i][1], err, errlen) == -1)
			return -1;
	for (z = ubstub_relayed_zones; *z != NULL; z++) {
		snprintf(val, sizeof(val), "%s transparent", *z);
		if (ubstub_set(ub, "local-zone:", val, err, errlen) == -1)
			return -1;
	}
	return 0;
}
