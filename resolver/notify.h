/*
 * resolver/notify.h - what mxshimd tells its service manager (systemd's
 * sd_notify(3) protocol, to the socket in $NOTIFY_SOCKET): that it is
 * ready, a one-line status, that it is stopping.  A Type=notify unit's
 * `systemctl start` returns only once mxshimd said it is ready, and fails
 * when mxshimd exits before, so an error at start reaches the operator.
 *
 * Without $NOTIFY_SOCKET (not started by systemd) each call does nothing.
 * Built without libsystemd (configure --disable-systemd) each does
 * nothing either, and notify_ready() warns when $NOTIFY_SOCKET is set,
 * since such a unit would wait for a message that never comes.  Main
 * thread only.
 */
#ifndef MXSHIMD_NOTIFY_H
#define MXSHIMD_NOTIFY_H

/*
 * Ready to answer: the sockets bound, privileges dropped, the first rules
 * published and the workers running.  status is the first status line.
 * Logs a warning when the message cannot be sent.
 */
void notify_ready(const char *status);

/* A new status line (STATUS=, shown by `systemctl status`). */
void notify_status(const char *status);

/* Stopping: what is left is winding down (STOPPING=1). */
void notify_stopping(void);

#endif /* MXSHIMD_NOTIFY_H */
