/*
 * resolver/log.c - stderr or syslog output for mxshimd.
 *
 * One line per message, written with a single write so that lines from
 * different workers do not interleave.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static int		log_foreground = 1;
static enum log_level	log_max = LOG_LVL_INFO;

void
log_setup(int foreground, enum log_level max)
{
	log_foreground = foreground;
	log_max = max;
	if (!foreground)
		openlog("mxshimd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
log_enabled(enum log_level level)
{
	return level <= log_max;
}

static int
syslog_priority(enum log_level level)
{
	switch (level) {
	case LOG_LVL_ERR:	return LOG_ERR;
	case LOG_LVL_WARN:	return LOG_WARNING;
	case LOG_LVL_INFO:	return LOG_INFO;
	default:		return LOG_DEBUG;
	}
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "" };
	char	 line[1024];
	int	 n, m;
	va_list	 ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	if (!log_foreground) {
		vsnprintf(line, sizeof(line), fmt, ap);
		syslog(syslog_priority(level), "%s%s", prefix[level], line);
		va_end(ap);
		return;
	}
	n = snprintf(line, sizeof(line), "mxshimd: %s", prefix[level]);
	m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;	/* cut, still one line */
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, n);
}
