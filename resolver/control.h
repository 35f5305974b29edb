/*
 * resolver/control.h - the control socket of mxshimd (`mxshim ctl`): a
 * unix stream socket whose file permissions say who may use it.
 *
 * The protocol, fixed (cli/ctl.c speaks it): the client sends one request
 * line "COMMAND [ARGS...]\n" of at most CONTROL_MAX_LINE bytes; the
 * daemon answers with text lines, the last of which is exactly "ok" or
 * "error", then closes.  A request that is too long, not a line, or not
 * complete within CONTROL_TIMEOUT_S seconds gets "error" (or is closed);
 * a client never stops the daemon.
 *
 * Requests are served by the main thread's loop, which also reloads the
 * rules and serves /metrics, so it must never wait on the network.  A
 * request the slow function picks (one that waits on the network) runs
 * in a thread of its own, its reply into memory, which the loop then
 * sends; meanwhile the loop goes on serving.  At most CONTROL_MAX_SLOW
 * of them run at once: one more is answered "busy: ..." and "error", at
 * once, so a client flooding them makes no more threads.  Closing the
 * socket waits for those running (each has its own deadline) and sends
 * their replies.
 */
#ifndef MXSHIMD_CONTROL_H
#define MXSHIMD_CONTROL_H

#include <stddef.h>
#include <stdio.h>

#define CONTROL_MAX_LINE	4096
#define CONTROL_MAX_ARGS	16
#define CONTROL_TIMEOUT_S	10
#define CONTROL_MAX_SLOW	4	/* slow requests running at once */

struct event_base;
struct control;

/*
 * A command handler: argv[0] is the command, argc >= 1.  Writes its lines
 * to out and returns 0 (the reply ends "ok") or -1 ("error").
 */
typedef int control_fn(void *arg, int argc, char **argv, FILE *out);

/*
 * Whether the request argv (as for control_fn) is slow: nonzero makes
 * fn run it in a thread of its own, at the same time as the main thread
 * and other slow requests, so fn must then touch only what is safe to
 * read from any thread.  Called by the main thread.
 */
typedef int control_slow_fn(void *arg, int argc, char **argv);

/*
 * Listen on path, serving requests with fn(arg, ...) on base, the slow
 * ones (slow(arg, ...) nonzero; slow NULL: none) off the main thread.
 * The socket is made mode 0660, its directory (the last level only) 0750
 * when it has to be created.  A socket left there by a daemon that is
 * gone is replaced; one where a daemon still answers is not.  Returns
 * NULL with a message in err.
 */
struct control *control_open(const char *path, struct event_base *base,
    control_fn *fn, control_slow_fn *slow, void *arg, char *err,
    size_t errlen);

/*
 * Stop listening, remove the socket file, wait for the slow requests
 * running, send their replies (what the socket takes at once) and close
 * their clients.  Main thread, once its loop is done.
 */
void control_close(struct control *c);

#endif /* MXSHIMD_CONTROL_H */
