/*
 * resolver/log.h - where mxshimd's messages go: stderr in the foreground,
 * syslog (daemon facility) otherwise.  Safe to call from any thread.
 *
 * Credentials from the rules never reach these functions: callers log host
 * names and line numbers only.
 */
#ifndef MXSHIMD_LOG_H
#define MXSHIMD_LOG_H

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG
};

/* Choose the destination and the most verbose level that is written. */
void log_setup(int foreground, enum log_level max);

/* Whether a message at level would be written (skip formatting if not). */
int log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	do { if (log_enabled(LOG_LVL_DEBUG)) \
	log_msg(LOG_LVL_DEBUG, __VA_ARGS__); } while (0)

#endif /* MXSHIMD_LOG_H */
