/*
 * resolver/control.h - the control socket of mxshimd (`mxshim ctl`): a
 * unix stream socket whose file permissions say who may use it.
 *
 * The protocol, fixed (cli/ctl.c speaks it): the client sends one request
 * line "COMMAND [ARGS...]\n" of at most CONTROL_MAX_LINE bytes; the
 * daemon answers with text lines, the last of which is exactly "ok" or
 * "error", then closes.  A request that is too long, not a line, or not
 * complete within CONTROL_TIMEOUT_S seconds gets "error" (or is closed);
 * a client never stops the daemon.  Requests are served one at a time by
 * the main thread's loop.
 */
#ifndef MXSHIMD_CONTROL_H
#define MXSHIMD_CONTROL_H

#include <stddef.h>
#include <stdio.h>

#define CONTROL_MAX_LINE	4096
#define CONTROL_MAX_ARGS	16
#define CONTROL_TIMEOUT_S	10

struct event_base;
struct control;

/*
 * A command handler: argv[0] is the command, argc >= 1.  Writes its lines
 * to out and returns 0 (the reply ends "ok") or -1 ("error").
 */
typedef int control_fn(void *arg, int argc, char **argv, FILE *out);

/*
 * Listen on path, serving requests with fn(arg, ...) on base.  The socket
 * is made mode 0660, its directory (the last level only) 0750 when it has
 * to be created.  A socket left there by a daemon that is gone is
 * replaced; one where a daemon still answers is not.  Returns NULL with a
 * message in err.
 */
struct control *control_open(const char *path, struct event_base *base,
    control_fn *fn, void *arg, char *err, size_t errlen);

/* Stop listening, close the clients and remove the socket file. */
void control_close(struct control *c);

#endif /* MXSHIMD_CONTROL_H */
