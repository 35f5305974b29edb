/*
 * resolver/acl.h - who may query mxshimd (--allow CIDR).  Everyone else is
 * answered REFUSED.  The default list is loopback only, so mxshimd is never
 * an open resolver by accident.
 */
#ifndef MXSHIMD_ACL_H
#define MXSHIMD_ACL_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#define ACL_MAX	64

struct acl {
	size_t	count;
	struct acl_entry {
		int		family;
		unsigned	prefix;
		uint8_t		addr[16];
	} entry[ACL_MAX];
};

/* Add "ADDR" or "ADDR/PREFIX"; 0, or -1 when it is not valid or full. */
int acl_add(struct acl *acl, const char *cidr);

/* Fill an empty list with 127.0.0.0/8 and ::1. */
void acl_default(struct acl *acl);

/* Whether the raw address (netaddr_raw()) is inside an entry. */
int acl_allows(const struct acl *acl, int family, const uint8_t *addr);

/* Whether the address of sa (an IPv4-mapped one as IPv4) is inside an entry. */
int acl_allows_peer(const struct acl *acl, const struct sockaddr *sa);

#endif /* MXSHIMD_ACL_H */
