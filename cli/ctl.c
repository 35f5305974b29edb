/*
 * cli/ctl.c - `mxshim ctl [--control PATH] COMMAND [ARGS]`: send one
 * request to a running mxshimd over its control socket and print the
 * reply.  The protocol is resolver/control.h's: one request line, reply
 * lines ending with "ok" or "error", then the daemon closes.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ctl.h"
#define CTL_MAX_LINE		4096
#define CTL_FAIL		1	/* the daemon said error */
#define CTL_NOCONNECT		2	/* no daemon to ask (or usage) */

static const char ctl_usage[] =
"usage: mxshim ctl [--control PATH] COMMAND [ARGS]\n"
"\n"
"Ask a running mxshimd.  Commands:\n"
"  reload                  re-read the rules file now\n"
"  status                  version, uptime, rules, upstreams, listeners,\n"
"                          limits\n"
"  stats [--reset]         counters summed over the workers (--reset:\n"
"                          then count from zero)\n"
"  top [N]                 the N rule lines that decided most answers\n"
"                          since the load (default 10), and lines never used\n"
"  route NAME [--client IP]\n"
"                          what the daemon answers for NAME, explained\n"
"  flush                   forget cached real data and prebuilt answers\n"
"\n"
"  --control PATH          the daemon's control socket\n"
"                          (default " CTL_DEFAULT_PATH ")\n"
"\n"
"Exit status: 0 ok, 1 the daemon reported an error, 2 it could not be\n"
"asked (no socket, no daemon, no permission) or usage.\n";

/* The request line, or NULL when it would be too long. */
static char *
request(int argc, char **argv)
{
	size_t	len = 1, i;
	char	*line;

	for (i = 0; i < (size_t)argc; i++) {
		if (strchr(argv[i], '\n') != NULL || argv[i][0] == '\0')
			return NULL;
		len += strlen(argv[i]) + 1;
	}
	if (len > CTL_MAX_LINE || (line = malloc(len)) == NULL)
		return NULL;
	line[0] = '\0';
	for (i = 0; i < (size_t)argc; i++) {
		strcat(line, argv[i]);
		strcat(line, i + 1 < (size_t)argc ? " " : "\n");
	}
	return line;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Print every reply line but the last, which must be "ok" or "error".
 * Returns 0, CTL_FAIL, or -1 when the reply broke off.
 */
static int
relay_reply(int fd, FILE *out)
{
	FILE	*f;
	char	*line = NULL, *last = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	int	 rc = -1;

	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		if (last != NULL)
			fputs(last, out);
		free(last);
		last = strdup(line);
	}
	if (last != NULL && strcmp(last, "ok\n") == 0)
		rc = 0;
	else if (last != NULL && strcmp(last, "error\n") == 0)
		rc = CTL_FAIL;
	else if (last != NULL)
		fputs(last, out);
	free(last);
	free(line);
	fclose(f);
	return rc;
}

int
ctl_ask(const char *path, const char *line, FILE *out)
{
	int fd, rc;

	if ((fd = connect_to(path)) == -1)
		return -1;
	if (send_all(fd, line, strlen(line)) == -1) {
		close(fd);
		return -2;
	}
	return (rc = relay_reply(fd, out)) == -1 ? -2 : rc;
}

int
cmd_ctl(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*path = CTL_DEFAULT_PATH;
	char		*line;
	int		 c, rc;

	/* "+": options after COMMAND belong to it (stats --reset) */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'h': fputs(ctl_usage, stdout); return 0;
		default: fputs(ctl_usage, stderr); return CTL_NOCONNECT;
		}
	}
	if (optind == argc) {
		fputs(ctl_usage, stderr);
		return CTL_NOCONNECT;
	}
	if ((line = request(argc - optind, argv + optind)) == NULL) {
		fprintf(stderr, "mxshim ctl: the request must be one line of "
		    "at most %d bytes, without empty words\n", CTL_MAX_LINE);
		return CTL_NOCONNECT;
	}
	rc = ctl_ask(path, line, stdout);
	free(line);
	if (rc == -1) {
		fprintf(stderr, "mxshim ctl: cannot connect to %s: %s (is "
		    "mxshimd running with --control %s?)\n", path,
		    strerror(errno), path);
		return CTL_NOCONNECT;
	}
	if (rc == -2) {
		fprintf(stderr, "mxshim ctl: %s: the daemon's reply broke off\n",
		    path);
		return CTL_FAIL;
	}
	return rc;
}
