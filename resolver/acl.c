/*
 * resolver/acl.c - the client address list, CIDR syntax from the rules
 * engine (the same notation as `$client`).
 */
#include "config.h"

#include <sys/socket.h>
#include <string.h>

#include "rules.h"
#include "acl.h"
#include "netaddr.h"

int
acl_add(struct acl *acl, const char *cidr)
{
	struct acl_entry *e;

	if (acl->count == ACL_MAX)
		return -1;
	e = &acl->entry[acl->count];
	if (rules_parse_cidr(cidr, &e->family, e->addr, &e->prefix) != 0)
		return -1;
	acl->count++;
	return 0;
}

void
acl_default(struct acl *acl)
{
	if (acl->count != 0)
		return;
	(void)acl_add(acl, "127.0.0.0/8");
	(void)acl_add(acl, "::1/128");
}

static int
prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned	bytes = bits / 8, rest = bits % 8;
	uint8_t		mask;

	if (memcmp(a, b, bytes) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

int
acl_allows(const struct acl *acl, int family, const uint8_t *addr)
{
	size_t i;

	for (i = 0; i < acl->count; i++)
		if (acl->entry[i].family == family &&
		    prefix_match(acl->entry[i].addr, addr, acl->entry[i].prefix))
			return 1;
	return 0;
}

int
acl_allows_peer(const struct acl *acl, const struct sockaddr *sa)
{
	uint8_t addr[16];

	return acl_allows(acl, netaddr_raw(sa, addr), addr);
}
