/*
 * resolver/listen.h - the listening sockets.  Every worker gets its own UDP
 * and TCP socket for each --listen address, bound with SO_REUSEPORT so the
 * kernel spreads queries and connections over the workers.  All sockets
 * are opened before privileges are dropped.
 */
#ifndef MXSHIMD_LISTEN_H
#define MXSHIMD_LISTEN_H

#include <stddef.h>

#include "netaddr.h"

/*
 * A non-blocking socket bound to na: SOCK_DGRAM or SOCK_STREAM
 * (listening).  Wildcard UDP addresses get IP_PKTINFO so that answers
 * leave from the address the query came to.  first: this is the first
 * socket for na, check that no other program holds the port.  Returns
 * the descriptor, or -1 with a message in err.
 */
int listen_open(const struct netaddr *na, int type, int first, char *err,
    size_t errlen);

#endif /* MXSHIMD_LISTEN_H */
