/*
 * resolver/control.c - the control socket: accept, read one line with a
 * deadline, run the command, send the reply, close.  libevent's
 * bufferevents do the buffering; the line length is bounded before a
 * newline is looked for, so a client sending no newline costs at most
 * CONTROL_MAX_LINE bytes.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "control.h"
#include "log.h"

struct control {
	struct evconnlistener	*listener;
	control_fn		*fn;
	void			*arg;
	char			*path;
};

/* Split line into words at blanks; returns the count, or -1: too many. */
static int
split(char *line, char **argv)
{
	int	argc = 0;
	char	*p = line, *word;

	while ((word = strsep(&p, " \t")) != NULL) {
		if (*word == '\0')
			continue;
		if (argc == CONTROL_MAX_ARGS)
			return -1;
		argv[argc++] = word;
	}
	return argc;
}

/* Run the request in line; the reply, with its last line, into out. */
static void
run(struct control *c, char *line, struct evbuffer *out)
{
	char	*argv[CONTROL_MAX_ARGS + 1], *text = NULL;
	size_t	 len = 0;
	FILE	*f;
	int	 argc, rc = -1, i;

	if ((f = open_memstream(&text, &len)) == NULL) {
		evbuffer_add_printf(out, "out of memory\nerror\n");
		return;
	}
	for (i = 0; line[i] != '\0'; i++)
		if ((unsigned char)line[i] < ' ' && line[i] != '\t')
			break;
	if (line[i] != '\0')
		fprintf(f, "the request holds control characters\n");
	else if ((argc = split(line, argv)) == -1)
		fprintf(f, "too many words (at most %d)\n", CONTROL_MAX_ARGS);
	else if (argc == 0)
		fprintf(f, "empty request\n");
	else {
		argv[argc] = NULL;
		rc = c->fn(c->arg, argc, argv, f);
	}
	if (fclose(f) == 0 && text != NULL)
		evbuffer_add(out, text, len);
	else
		rc = -1;
	free(text);
	evbuffer_add_printf(out, "%s\n", rc == 0 ? "ok" : "error");
}

/* Everything is sent: done with this client. */
static void
sent(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
}

static void
finish(struct bufferevent *bev)
{
	bufferevent_disable(bev, EV_READ);
	bufferevent_setcb(bev, NULL, sent, NULL, NULL);
	bufferevent_enable(bev, EV_WRITE);
	sent(bev, NULL);
}

static void
readable(struct bufferevent *bev, void *arg)
{
	struct control	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 n;

	if ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF)) == NULL) {
		if (evbuffer_get_length(in) <= CONTROL_MAX_LINE)
			return;		/* wait for the rest */
		evbuffer_add_printf(bufferevent_get_output(bev),
		    "request longer than %d bytes\nerror\n", CONTROL_MAX_LINE);
		finish(bev);
		return;
	}
	if (n > CONTROL_MAX_LINE)
		evbuffer_add_printf(bufferevent_get_output(bev),
		    "request longer than %d bytes\nerror\n", CONTROL_MAX_LINE);
	else if (strlen(line) != n)
		evbuffer_add_printf(bufferevent_get_output(bev),
		    "the request holds a NUL byte\nerror\n");
	else
		run(c, line, bufferevent_get_output(bev));
	free(line);
	finish(bev);
}

/* EOF before a line, an error, or the deadline: nothing more to do. */
static void
trouble(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if ((what & BEV_EVENT_READING) && (what & BEV_EVENT_EOF) &&
	    evbuffer_get_length(bufferevent_get_input(bev)) > 0) {
		evbuffer_add_printf(bufferevent_get_output(bev),
		    "the request does not end with a newline\nerror\n");
		finish(bev);
		return;
	}
	bufferevent_free(bev);
}

static void
accepted(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct timeval		 tmo = { CONTROL_TIMEOUT_S, 0 };
	struct bufferevent	*bev;

	(void)sa;
	(void)salen;
	bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fd);
		return;
	}
	bufferevent_setcb(bev, readable, NULL, trouble, arg);
	bufferevent_setwatermark(bev, EV_READ, 0, CONTROL_MAX_LINE + 2);
	bufferevent_set_timeouts(bev, &tmo, &tmo);
	bufferevent_enable(bev, EV_READ);
}

static void
listen_failed(struct evconnlistener *l, void *arg)
{
	(void)l;
	(void)arg;
	log_warn("control socket: accept: %s", strerror(errno));
}

/* A unix socket bound at path, mode 0660; -1 with a message in err. */
static int
bind_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un	sun;
	mode_t			old;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "--control %s: path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	/* a live daemon there keeps it; a socket left by a dead one goes */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ||
	    errno == EAGAIN) {
		snprintf(err, errlen, "--control %s: another mxshimd answers "
		    "there", path);
		close(fd);
		return -1;
	}
	(void)unlink(path);
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 16) == -1) {
		umask(old);
		snprintf(err, errlen, "--control %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	return fd;
}

/* Create the socket's directory (only the last level), mode 0750. */
static void
make_dir(const char *path)
{
	char	*dir, *slash;

	if ((dir = strdup(path)) == NULL)
		return;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == -1 && errno != EEXIST)
			log_warn("--control: cannot create %s: %s", dir,
			    strerror(errno));
	}
	free(dir);
}

struct control *
control_open(const char *path, struct event_base *base, control_fn *fn,
    void *arg, char *err, size_t errlen)
{
	struct control	*c;
	int		 fd;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((c->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(c);
		return NULL;
	}
	c->fn = fn;
	c->arg = arg;
	make_dir(path);
	if ((fd = bind_unix(path, err, errlen)) == -1) {
		free(c->path);
		free(c);
		return NULL;
	}
	if ((c->listener = evconnlistener_new(base, accepted, c,
	    LEV_OPT_CLOSE_ON_FREE, -1, fd)) == NULL) {
		snprintf(err, errlen, "control socket: cannot listen");
		close(fd);
		unlink(path);
		free(c->path);
		free(c);
		return NULL;
	}
	evconnlistener_set_error_cb(c->listener, listen_failed);
	return c;
}

void
control_close(struct control *c)
{
	if (c == NULL)
		return;
	evconnlistener_free(c->listener);
	(void)unlink(c->path);
	free(c->path);
	free(c);
}
