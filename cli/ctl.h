/*
 * cli/ctl.h - the client side of mxshimd's control socket (the protocol
 * of resolver/control.h): `mxshim ctl`, and `mxshim route`, which asks a
 * daemon on loopback for its upstreams.
 */
#ifndef MXSHIM_CTL_H
#define MXSHIM_CTL_H

#include <stdio.h>

/* Where mxshimd puts its control socket unless told otherwise. */
#define CTL_DEFAULT_PATH	"/run/mxshim/mxshimd.ctl"

/*
 * Send the request line (ending in a newline) to the daemon at path and
 * write every reply line but the last ("ok" or "error") to out.
 * Returns 0 (ok), 1 (the daemon said error), -1 when it could not be
 * reached (errno says why) or -2 when its reply broke off.
 */
int ctl_ask(const char *path, const char *line, FILE *out);

#endif /* MXSHIM_CTL_H */
