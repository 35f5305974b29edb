/*
 * resolver/netaddr.h - the ADDR@PORT notation of mxshimd's command line
 * (Unbound's notation: "127.0.0.1@53", "::1@5353"), to and from socket
 * addresses.
 */
#ifndef MXSHIMD_NETADDR_H
#define MXSHIMD_NETADDR_H

#include <sys/socket.h>
#include <stdint.h>

#define NETADDR_STRLEN	64	/* enough for "ffff:...:ffff@65535" */

struct netaddr {
	struct sockaddr_storage	ss;
	socklen_t		len;
};

/*
 * Parse "ADDR" or "ADDR@PORT" (IPv4 or IPv6, no brackets; default_port
 * when no @PORT).  Returns 0, or -1 when the text is not an address or the
 * port is not 1-65535.
 */
int netaddr_parse(const char *text, uint16_t default_port, struct netaddr *na);

/* Write "ADDR@PORT" into buf (NETADDR_STRLEN bytes). */
void netaddr_format(const struct sockaddr *sa, char *buf, size_t len);

/* Write the address only (no port) into buf (NETADDR_STRLEN bytes). */
void netaddr_format_host(const struct sockaddr *sa, char *buf, size_t len);

/* Port of sa in host order. */
uint16_t netaddr_port(const struct sockaddr *sa);

/* Whether sa is 0.0.0.0 or ::. */
int netaddr_is_any(const struct sockaddr *sa);

/* Whether a and b are the same address (ports not compared). */
int netaddr_same_host(const struct sockaddr *a, const struct sockaddr *b);

/*
 * The raw address of sa for the rules engine and the ACL: returns AF_INET
 * (4 bytes in addr) or AF_INET6 (16 bytes); an IPv4-mapped IPv6 address is
 * given as AF_INET.
 */
int netaddr_raw(const struct sockaddr *sa, uint8_t addr[16]);

#endif /* MXSHIMD_NETADDR_H */
