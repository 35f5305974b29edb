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
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "control.h"
#include "log.h"

/*
 * A slow request, run by its own thread.  The main thread owns everything
 * but text and len, which the thread writes before it hands the job back
 * through the pipe; the main thread reads them after joining it.
 */
struct job {
	struct control		*c;
	struct bufferevent	*bev;		/* its client */
	char			*line;		/* argv points into it */
	char			*argv[CONTROL_MAX_ARGS + 1];
	int			 argc;
	pthread_t		 tid;
	char			*text;		/* the reply, last line too */
	size_t			 len;
	struct job		*next;		/* in c->jobs */
};

struct control {
	struct evconnlistener	*listener;
	control_fn		*fn;
	control_slow_fn		*slow;
	void			*arg;
	char			*path;
	int			 done_fd[2];	/* finished jobs, by pointer */
	struct event		*done_ev;
	struct job		*jobs;		/* started, not yet collected */
	unsigned		 running;
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
	argv[argc] = NULL;
	return argc;
}

/*
 * The words of the request in line, into argv; -1 after writing why the
 * request is refused to f.
 */
static int
parse(char *line, char **argv, FILE *f)
{
	int	argc, i;

	for (i = 0; line[i] != '\0'; i++)
		if ((unsigned char)line[i] < ' ' && line[i] != '\t')
			break;
	if (line[i] != '\0')
		fprintf(f, "the request holds control characters\n");
	else if ((argc = split(line, argv)) == -1)
		fprintf(f, "too many words (at most %d)\n", CONTROL_MAX_ARGS);
	else if (argc == 0)
		fprintf(f, "empty request\n");
	else
		return argc;
	return -1;
}

/*
 * End the reply in f (a memory stream on *text) with its last line, rc
 * as a control_fn's, and close f.  *text NULL after: out of memory.
 */
static void
seal(FILE *f, char **text, int rc)
{
	if (ferror(f))
		rc = -1;
	fprintf(f, "%s\n", rc == 0 ? "ok" : "error");
	if (fclose(f) != 0) {
		free(*text);
		*text = NULL;
	}
}

/* Add the reply text (NULL: out of memory) to out, and free it. */
static void
deliver(struct evbuffer *out, char *text, size_t len)
{
	if (text == NULL)
		evbuffer_add_printf(out, "out of memory\nerror\n");
	else
		evbuffer_add(out, text, len);
	free(text);
}

/* Everything is sent: done with this client. */
static void
sent(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
}

/* The client went away or stopped reading before the whole reply. */
static void
gone(struct bufferevent *bev, short what, void *arg)
{
	(void)what;
	(void)arg;
	bufferevent_free(bev);
}

static void
finish(struct bufferevent *bev)
{
	bufferevent_disable(bev, EV_READ);
	bufferevent_setcb(bev, NULL, sent, gone, NULL);
	bufferevent_enable(bev, EV_WRITE);
	sent(bev, NULL);
}

/* A slow request's thread: the reply into memory, then back to the loop. */
static void *
job_run(void *arg)
{
	struct job	*j = arg;
	FILE		*f;
	int		 rc;

	if ((f = open_memstream(&j->text, &j->len)) != NULL) {
		rc = j->c->fn(j->c->arg, j->argc, j->argv, f);
		seal(f, &j->text, rc);
	}
	/* a pipe write of a pointer is atomic, and the pipe never fills:
	   it holds at most CONTROL_MAX_SLOW of them */
	(void)!write(j->c->done_fd[1], &j, sizeof(j));
	return NULL;
}

static void
job_free(struct job *j)
{
	free(j->text);
	free(j->line);
	free(j);
}

/* Take j off c's list and wait for its thread, which is done or about to. */
static void
job_reap(struct control *c, struct job *j)
{
	struct job **p;

	for (p = &c->jobs; *p != j; p = &(*p)->next)
		;
	*p = j->next;
	c->running--;
	pthread_join(j->tid, NULL);
}

/* Finished jobs: send each reply to its client. */
static void
collect(evutil_socket_t fd, short what, void *arg)
{
	struct control	*c = arg;
	struct job	*j;

	(void)what;
	while (read(fd, &j, sizeof(j)) == (ssize_t)sizeof(j)) {
		job_reap(c, j);
		deliver(bufferevent_get_output(j->bev), j->text, j->len);
		j->text = NULL;
		finish(j->bev);
		job_free(j);
	}
}

/*
 * Hand the request (argv, words of line) to a thread of its own, which
 * takes line; until the reply comes, the client is left alone.  -1 after
 * writing why not to out (line stays the caller's).
 */
static int
job_start(struct control *c, struct bufferevent *bev, char *line, int argc,
    char **argv, struct evbuffer *out)
{
	struct job	*j;
	int		 err;

	if (c->running >= CONTROL_MAX_SLOW) {
		evbuffer_add_printf(out, "busy: %u slow commands (status, "
		    "route) are running already; try again\nerror\n",
		    c->running);
		return -1;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		deliver(out, NULL, 0);
		return -1;
	}
	j->c = c;
	j->bev = bev;
	j->line = line;
	j->argc = argc;
	memcpy(j->argv, argv, (argc + 1) * sizeof(*argv));
	if ((err = pthread_create(&j->tid, NULL, job_run, j)) != 0) {
		evbuffer_add_printf(out, "cannot start a thread: %s\nerror\n",
		    strerror(err));
		free(j);	/* not line: the caller's still */
		return -1;
	}
	j->next = c->jobs;
	c->jobs = j;
	c->running++;
	bufferevent_disable(bev, EV_READ);
	bufferevent_setcb(bev, NULL, NULL, NULL, NULL);
	return 0;
}

/*
 * Serve the request in line (modified): at once, the reply into out (0),
 * or through a job that took line and will answer (1).
 */
static int
run(struct control *c, struct bufferevent *bev, char *line)
{
	struct evbuffer	*out = bufferevent_get_output(bev);
	char		*argv[CONTROL_MAX_ARGS + 1], *text = NULL;
	size_t		 len = 0;
	FILE		*f;
	int		 argc, rc = -1;

	if ((f = open_memstream(&text, &len)) == NULL) {
		deliver(out, NULL, 0);
		return 0;
	}
	if ((argc = parse(line, argv, f)) > 0 && c->slow != NULL &&
	    c->slow(c->arg, argc, argv)) {
		fclose(f);
		free(text);
		return job_start(c, bev, line, argc, argv, out) == 0;
	}
	if (argc > 0)
		rc = c->fn(c->arg, argc, argv, f);
	seal(f, &text, rc);
	deliver(out, text, len);
	return 0;
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
	else if (run(c, bev, line) == 1)
		return;		/* a job answers, and frees line */
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

/* What carries finished jobs back to the loop; -1 with a message. */
static int
done_open(struct control *c, struct event_base *base, char *err,
    size_t errlen)
{
	if (pipe2(c->done_fd, O_CLOEXEC | O_NONBLOCK) == -1) {
		c->done_fd[0] = c->done_fd[1] = -1;
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	if ((c->done_ev = event_new(base, c->done_fd[0], EV_READ | EV_PERSIST,
	    collect, c)) == NULL || event_add(c->done_ev, NULL) == -1) {
		snprintf(err, errlen, "control socket: out of memory");
		return -1;
	}
	return 0;
}

/* Free what control_open() made of c, the socket file aside. */
static void
control_free(struct control *c)
{
	if (c->listener != NULL)
		evconnlistener_free(c->listener);
	if (c->done_ev != NULL)
		event_free(c->done_ev);
	if (c->done_fd[0] != -1) {
		close(c->done_fd[0]);
		close(c->done_fd[1]);
	}
	free(c->path);
	free(c);
}

struct control *
control_open(const char *path, struct event_base *base, control_fn *fn,
    control_slow_fn *slow, void *arg, char *err, size_t errlen)
{
	struct control	*c;
	int		 fd;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->done_fd[0] = c->done_fd[1] = -1;
	if ((c->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		control_free(c);
		return NULL;
	}
	c->fn = fn;
	c->slow = slow;
	c->arg = arg;
	if (done_open(c, base, err, errlen) == -1) {
		control_free(c);
		return NULL;
	}
	make_dir(path);
	if ((fd = bind_unix(path, err, errlen)) == -1) {
		control_free(c);
		return NULL;
	}
	if ((c->listener = evconnlistener_new(base, accepted, c,
	    LEV_OPT_CLOSE_ON_FREE, -1, fd)) == NULL) {
		snprintf(err, errlen, "control socket: cannot listen");
		close(fd);
		unlink(path);
		control_free(c);
		return NULL;
	}
	evconnlistener_set_error_cb(c->listener, listen_failed);
	return c;
}

/*
 * With the loop done: one write of j's reply, as much as the socket takes
 * (a reply cut short reads as "broke off" to the client).  Not through
 * the bufferevent's output, which only its own loop may drain.
 */
static void
send_now(struct job *j)
{
	struct evbuffer *b;

	if ((b = evbuffer_new()) == NULL)
		return;
	deliver(b, j->text, j->len);
	j->text = NULL;
	(void)evbuffer_write(b, bufferevent_getfd(j->bev));
	evbuffer_free(b);
}

void
control_close(struct control *c)
{
	struct job *j;

	if (c == NULL)
		return;
	evconnlistener_free(c->listener);
	c->listener = NULL;
	(void)unlink(c->path);
	if (c->running > 0)
		log_info("control socket: waiting for %u command%s in flight",
		    c->running, c->running == 1 ? "" : "s");
	while ((j = c->jobs) != NULL) {
		job_reap(c, j);
		send_now(j);
		bufferevent_free(j->bev);
		job_free(j);
	}
	control_free(c);
}
