/*
 * resolver/confirm.c - the second look of confirm.h: one connected UDP
 * socket per upstream (so the kernel drops datagrams from anyone else),
 * one random query ID, one timer; the first answer with that ID wins.
 */
#include "config.h"

#include <sys/random.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "answer.h"
#include "confirm.h"
#include "netaddr.h"

#define DNS_HEADER	12
#define FLAG_QR		0x80	/* in the third byte of the header */

struct confirm {
	confirm_cb	*cb;
	void		*arg;
	uint16_t	 id;
	struct event	*timer;
	size_t		 n;
	struct event	*ev[];		/* one per upstream, or NULL */
};

void
confirm_cancel(struct confirm *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		if (c->ev[i] == NULL)
			continue;
		close(event_get_fd(c->ev[i]));
		event_free(c->ev[i]);
	}
	if (c->timer != NULL)
		event_free(c->timer);
	free(c);
}

static void
finish(struct confirm *c, const uint8_t *pkt, size_t len)
{
	c->cb(c->arg, pkt, len);
	confirm_cancel(c);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	finish(arg, NULL, 0);
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct confirm	*c = arg;
	uint8_t		 buf[ANSWER_MAX_WIRE];
	ssize_t		 len;

	(void)what;
	while ((len = recv(fd, buf, sizeof(buf), 0)) >= 0) {
		/* anything else (late, spoofed, garbage) is not an answer */
		if (len >= DNS_HEADER && (buf[2] & FLAG_QR) &&
		    ((buf[0] << 8) | buf[1]) == c->id) {
			finish(c, buf, (size_t)len);
			return;
		}
	}
}

/* A socket connected to na, the question sent; -1 on failure. */
static int
ask(const struct netaddr *na, const uint8_t *q, size_t qlen)
{
	int fd;

	fd = socket(na->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return -1;
	if (connect(fd, (const struct sockaddr *)&na->ss, na->len) == -1 ||
	    send(fd, q, qlen, 0) != (ssize_t)qlen) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send to every upstream; 0 when at least one was asked. */
static int
ask_all(struct confirm *c, struct event_base *base, const struct netaddr *up,
    const uint8_t *q, size_t qlen)
{
	size_t	i, asked = 0;
	int	fd, err = EINVAL;

	for (i = 0; i < c->n; i++) {
		if ((fd = ask(&up[i], q, qlen)) == -1) {
			err = errno;
			continue;
		}
		c->ev[i] = event_new(base, fd, EV_READ | EV_PERSIST, on_read, c);
		if (c->ev[i] == NULL || event_add(c->ev[i], NULL) == -1) {
			err = ENOMEM;
			if (c->ev[i] == NULL)
				close(fd);
			continue;
		}
		asked++;
	}
	if (asked == 0)
		errno = err;
	return asked > 0 ? 0 : -1;
}

struct confirm *
confirm_start(struct event_base *base, const struct netaddr *up, size_t n,
    const char *name, unsigned timeout_ms, confirm_cb *cb, void *arg)
{
	struct confirm	*c;
	struct timeval	 tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	uint8_t		 q[DNS_HEADER + ANSWER_MAX_PRES + 64];
	int		 qlen, err;

	if (n == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c) + n * sizeof(c->ev[0]))) == NULL)
		return NULL;
	c->cb = cb;
	c->arg = arg;
	c->n = n;
	if (getrandom(&c->id, sizeof(c->id), 0) != sizeof(c->id) ||
	    (qlen = answer_query_mx(name, c->id, q, sizeof(q))) == -1 ||
	    (c->timer = evtimer_new(base, on_timeout, c)) == NULL ||
	    evtimer_add(c->timer, &tv) == -1 ||
	    ask_all(c, base, up, q, (size_t)qlen) == -1) {
		err = errno;
		confirm_cancel(c);
		errno = err;
		return NULL;
	}
	return c;
}
