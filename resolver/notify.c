/*
 * resolver/notify.c - sd_notify(3) messages to the service manager.
 *
 * libsystemd sends them (HAVE_LIBSYSTEMD); $NOTIFY_SOCKET stays in the
 * environment, since the status changes on each reload.  Nothing here
 * decides how mxshimd runs: a message that cannot be sent is logged, and
 * the service manager's own start timeout deals with a start that was
 * never declared ready.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "notify.h"

#ifdef HAVE_LIBSYSTEMD

void
notify_ready(const char *status)
{
	int rc;

	if ((rc = sd_notifyf(0, "READY=1\nSTATUS=%s", status)) < 0)
		log_warn("cannot tell the service manager that mxshimd is "
		    "ready (NOTIFY_SOCKET=%s): %s", getenv("NOTIFY_SOCKET"),
		    strerror(-rc));
}

void
notify_status(const char *status)
{
	(void)sd_notifyf(0, "STATUS=%s", status);
}

void
notify_stopping(void)
{
	(void)sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

#else /* !HAVE_LIBSYSTEMD */

void
notify_ready(const char *status)
{
	(void)status;
	if (getenv("NOTIFY_SOCKET") != NULL)
		log_warn("NOTIFY_SOCKET is set, but this mxshimd was built "
		    "without systemd support (configure --enable-systemd): a "
		    "Type=notify unit waits in vain for it to say it is ready");
}

void
notify_status(const char *status)
{
	(void)status;
}

void
notify_stopping(void)
{
}

#endif /* HAVE_LIBSYSTEMD */
