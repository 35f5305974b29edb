/*
 * resolver/harden.h - what keeps mxshimd safe to run as a daemon: no core
 * dump holds the rules' credentials, no stray signal ends it, its paths
 * survive the chdir("/") of detaching, and the unprivileged user it
 * drops to can re-read the rules file (else every reload would fail).
 * doc/hardening.md states each guarantee; main() calls each once.
 */
#ifndef MXSHIMD_HARDEN_H
#define MXSHIMD_HARDEN_H

#include "options.h"

/*
 * Make the process non-dumpable (no core file, no ptrace by other users:
 * the rules hold passwords) and ignore the stray signals whose default is
 * to terminate (SIGVTALRM, SIGPROF, SIGPIPE, SIGIO, SIGPWR; SIGUSR1,
 * SIGUSR2 and SIGALRM, which a user may send by habit, main.c takes
 * through its signalfd).
 * A later use of one of them must take it out of this list: an ignored
 * signal is discarded, even when blocked and waited for.  0, or -1 after
 * logging why.
 */
int harden_process(void);

/*
 * Make cfg's relative paths (--rules, --pidfile, --control) absolute
 * against the working directory, without resolving symbolic links (a link
 * swapped to a new file is followed at each reload).  The strings live
 * until exit.
 * 0, or -1 after logging why.
 */
int harden_paths(struct mxshimd_options *cfg);

/* Switch to user (its uid and only its primary group); NULL: stay.  0, or
 * -1 after logging why. */
int harden_drop(const char *user);

/*
 * Whether user (NULL: no switch, nothing to check) will be able to open
 * path for a reload: tried in a child process that drops to the user.
 * Must be called while the process has one thread.  0, or -1 after
 * logging what to change (owner root, the user's group, mode 0640).
 */
int harden_check_reread(const char *user, const char *path);

#endif /* MXSHIMD_HARDEN_H */
