/*
 * cli/upstreams.h - the DNS servers `mxshim route` and `mxshim test` ask
 * for real data when no --upstream is given: those of /etc/resolv.conf,
 * except that mxshimd itself is never asked.  When resolv.conf points at
 * mxshimd, asking it would report the daemon's overrides as "real" data
 * (the loop of issue 14): a loopback name server is replaced by the
 * upstreams of the daemon listening there (its control socket's
 * `status`), or refused when it answers as mxshimd or cannot be told
 * apart from it.
 */
#ifndef MXSHIM_UPSTREAMS_H
#define MXSHIM_UPSTREAMS_H

#include <stddef.h>

#define UPSTREAMS_MAX	8
#define UPSTREAMS_LEN	64	/* "ADDR@PORT" */

struct upstreams {
	size_t	 n;
	char	 addr[UPSTREAMS_MAX][UPSTREAMS_LEN];
	char	*list[UPSTREAMS_MAX];	/* addr[i], for realmx_new() */
};

/*
 * Fill up with the servers to ask, from /etc/resolv.conf and, for a
 * loopback server, the daemon at the control socket path.  Returns 0, or
 * -1 with a message in err naming --upstream: no server, or one that is
 * (or may be) mxshimd.
 */
int upstreams_default(const char *control, struct upstreams *up, char *err,
    size_t errlen);

#endif /* MXSHIM_UPSTREAMS_H */
