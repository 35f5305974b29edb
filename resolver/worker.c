/*
 * resolver/worker.c - a worker's sockets and event loop.
 *
 * UDP: recvmmsg() batches in, answers collected per socket and sent with
 * one sendmmsg() per batch; answers that arrive later (relayed, or waiting
 * for real MX data) join the socket's batch and go out at the end of the
 * loop iteration.  TCP (RFC 7766): pipelined questions on one connection,
 * answers in the order they are ready, a bound on the questions in flight
 * per connection and on connections per client and in all (clients.h),
 * clients outside --allow closed at accept.  A connection must bring a
 * whole question within --tcp-idle of being accepted, of its last question
 * or of its last answer going out (bytes of a question do not count, or a
 * byte a second would hold it), or be closed.  A client that does not
 * read its answers is read no more until they went out (backpressure),
 * and closed after --tcp-idle without progress, or at once when the
 * answers to questions it already asked pass TCP_MAX_QUEUED: a connection
 * costs at most TCP_MAX_QUEUED + TCP_MAX_QUESTION bytes, whatever the
 * client does, and the memory goes back to the system (tick_cb()).
 */
#include "config.h"

#include <sys/eventfd.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include "acl.h"
#include "answer.h"
#include "clients.h"
#include "listen.h"
#include "log.h"
#include "query.h"
#include "stats.h"
#include "worker.h"

#define BATCH		32	/* datagrams per recvmmsg/sendmmsg */
#define READ_ROUNDS	4	/* batches per wakeup before yielding */
#define UDP_IN_MAX	4096	/* longer questions are not questions */
#define CTL_LEN		CMSG_SPACE(sizeof(struct in6_pktinfo))
#define TCP_MAX_INFLIGHT 64	/* questions per connection */
#define TCP_PAUSE_QUEUED (16 * 1024)	/* unsent bytes: read no question */
#define TCP_MAX_QUEUED	(TCP_PAUSE_QUEUED + 2 + ANSWER_MAX_WIRE)
				/* unsent bytes: the client reads nothing, close */
#define TCP_MAX_QUESTION UDP_IN_MAX	/* longer messages are not questions */
#define TCP_SNDBUF	(64 * 1024)	/* the kernel's share, doubled by it */

struct worker {
	unsigned		 id;
	pthread_t		 thread;
	const struct mxshimd_options	*cfg;
	const struct worker_shared *shared;
	struct event_base	*base;
	struct query_pool	*pool;		/* answers, upstream, caches */
	struct stats		*stats;		/* this thread's counters */
	struct udp_sock		*udp[OPT_MAX_LISTEN];
	struct tcp_listener	*tcp[OPT_MAX_LISTEN];
	size_t			 nsock;
	struct tcp_conn		*conns;
	int			 spare_fd;	/* given up when out of fds */
	struct event		*stop_ev;
	struct event		*flush_ev;	/* sends queued UDP answers */
	struct event		*tick_ev;	/* picks up new rule sets */
	int			 flush_fd;	/* eventfd: `mxshim ctl flush` */
	struct event		*flush_req_ev;
	atomic_uint		 flushed;	/* flushes done */
};

struct udp_sock {
	struct worker		*w;
	int			 fd;
	struct event		 ev;
	unsigned		 nout;
	struct mmsghdr		 out[BATCH];
	struct iovec		 out_iov[BATCH];
	struct sockaddr_storage	 out_peer[BATCH];
	uint8_t			 out_ctl[BATCH][CTL_LEN];
	uint8_t			 out_buf[BATCH][ANSWER_MAX_UDP];
};

struct tcp_listener {
	struct worker		*w;
	int			 fd;
	struct event		 ev;
};

struct tcp_chunk {
	struct tcp_chunk	*next;
	size_t			 len, off;
	uint8_t			 data[];
};

struct tcp_conn {
	struct tcp_conn		*next, *prev;	/* w->conns */
	struct worker		*w;
	int			 fd;
	struct event		 rev, wev, idle;
	uint8_t			*in;
	size_t			 inlen, incap;
	struct tcp_chunk	*out, *out_tail;
	size_t			 queued;
	int			 pending;	/* questions in flight */
	int			 closed, eof;
	int			 in_use;	/* inside conn_process(): keep */
	int			 wrote;		/* since the idle timer started */
	int32_t			 client;	/* clients_take() bucket */
	struct sockaddr_storage	 peer;
	socklen_t		 peerlen;
};

/* Receive side of a batch: per thread, used inside one callback only. */
static _Thread_local struct {
	struct mmsghdr		msg[BATCH];
	struct iovec		iov[BATCH];
	struct sockaddr_storage	peer[BATCH];
	uint8_t			ctl[BATCH][CTL_LEN];
	uint8_t			buf[BATCH][UDP_IN_MAX];
} in;

/* The answer being built for an incoming question. */
static _Thread_local uint8_t answer_buf[ANSWER_MAX_WIRE];

/*
 * TCP buffers this worker freed since it last gave memory back, and that
 * count a second ago: glibc keeps what a thread frees in that thread's
 * arena, so what greedy clients made us queue would stay in use after
 * they left.
 */
static _Thread_local size_t tcp_freed, tcp_freed_before;
#define TRIM_AFTER	(1024 * 1024)

/* ---- UDP -------------------------------------------------------------- */

static void
udp_flush(struct udp_sock *us)
{
	unsigned	sent = 0;
	int		n;

	while (sent < us->nout) {
		n = sendmmsg(us->fd, us->out + sent, us->nout - sent, 0);
		if (n > 0) {
			sent += (unsigned)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		/* full socket buffer or a vanished client: drop this one */
		sent++;
	}
	us->nout = 0;
}

/* The destination of the question becomes the source of the answer. */
static size_t
reply_control(const struct reply_to *to, uint8_t *ctl)
{
	struct cmsghdr *c = (struct cmsghdr *)ctl;

	memset(ctl, 0, CTL_LEN);
	if (to->peer.ss_family == AF_INET) {
		struct in_pktinfo pi = to->pktinfo.v4;

		pi.ipi_spec_dst = pi.ipi_addr;
		pi.ipi_ifindex = 0;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		return CMSG_SPACE(sizeof(pi));
	}
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(to->pktinfo.v6));
	memcpy(CMSG_DATA(c), &to->pktinfo.v6, sizeof(to->pktinfo.v6));
	return CMSG_SPACE(sizeof(to->pktinfo.v6));
}

static void
udp_queue(struct udp_sock *us, const struct reply_to *to, const uint8_t *buf,
    size_t len)
{
	unsigned	 i;
	struct msghdr	*m;

	if (len > ANSWER_MAX_UDP)
		return;
	if (us->nout == BATCH)
		udp_flush(us);
	i = us->nout++;
	m = &us->out[i].msg_hdr;
	memcpy(us->out_buf[i], buf, len);
	memcpy(&us->out_peer[i], &to->peer, to->peerlen);
	us->out_iov[i].iov_base = us->out_buf[i];
	us->out_iov[i].iov_len = len;
	memset(m, 0, sizeof(*m));
	m->msg_name = &us->out_peer[i];
	m->msg_namelen = to->peerlen;
	m->msg_iov = &us->out_iov[i];
	m->msg_iovlen = 1;
	if (to->has_pktinfo) {
		m->msg_control = us->out_ctl[i];
		m->msg_controllen = reply_control(to, us->out_ctl[i]);
	}
}

/* Where a received datagram came from and was sent to. */
static void
udp_origin(struct udp_sock *us, unsigned i, struct reply_to *to)
{
	struct msghdr	*m = &in.msg[i].msg_hdr;
	struct cmsghdr	*c;

	to->udp = us;
	to->tcp = NULL;
	memcpy(&to->peer, &in.peer[i], m->msg_namelen);
	to->peerlen = m->msg_namelen;
	to->has_pktinfo = 0;
	for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&to->pktinfo.v4, CMSG_DATA(c),
			    sizeof(to->pktinfo.v4));
			to->has_pktinfo = 1;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&to->pktinfo.v6, CMSG_DATA(c),
			    sizeof(to->pktinfo.v6));
			to->has_pktinfo = 1;
		}
	}
}

static int
udp_receive(struct udp_sock *us)
{
	unsigned i;

	for (i = 0; i < BATCH; i++) {
		in.iov[i].iov_base = in.buf[i];
		in.iov[i].iov_len = UDP_IN_MAX;
		memset(&in.msg[i].msg_hdr, 0, sizeof(in.msg[i].msg_hdr));
		in.msg[i].msg_hdr.msg_name = &in.peer[i];
		in.msg[i].msg_hdr.msg_namelen = sizeof(in.peer[i]);
		in.msg[i].msg_hdr.msg_iov = &in.iov[i];
		in.msg[i].msg_hdr.msg_iovlen = 1;
		in.msg[i].msg_hdr.msg_control = in.ctl[i];
		in.msg[i].msg_hdr.msg_controllen = CTL_LEN;
	}
	return recvmmsg(us->fd, in.msg, BATCH, MSG_DONTWAIT, NULL);
}

static void
udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct udp_sock	*us = arg;
	struct reply_to	 to;
	size_t		 len;
	int		 n, i, round;

	(void)fd;
	(void)what;
	for (round = 0; round < READ_ROUNDS; round++) {
		if ((n = udp_receive(us)) <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (in.msg[i].msg_hdr.msg_flags & MSG_TRUNC)
				continue;
			udp_origin(us, (unsigned)i, &to);
			if (query_handle(us->w->pool, in.buf[i], in.msg[i].msg_len,
			    &to, 0, answer_buf, ANSWER_MAX_UDP, &len) ==
			    QUERY_ANSWER)
				udp_queue(us, &to, answer_buf, len);
		}
		udp_flush(us);
		if (n < BATCH)
			break;
	}
}

static void
flush_all(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;
	size_t		 i;

	(void)fd;
	(void)what;
	for (i = 0; i < w->nsock; i++)
		if (w->udp[i]->nout != 0)
			udp_flush(w->udp[i]);
}

/* ---- TCP -------------------------------------------------------------- */

static void
conn_close(struct tcp_conn *c)
{
	struct tcp_chunk *ch;

	if (c->closed)
		return;
	c->closed = 1;
	event_del(&c->rev);
	event_del(&c->wev);
	event_del(&c->idle);
	close(c->fd);
	while ((ch = c->out) != NULL) {
		c->out = ch->next;
		tcp_freed += ch->len;
		free(ch);
	}
	c->out_tail = NULL;
	c->queued = 0;
}

/* Free a closed connection once no question and no callback uses it. */
static void
conn_maybe_free(struct tcp_conn *c)
{
	struct worker *w = c->w;

	if (!c->closed || c->pending > 0 || c->in_use)
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	clients_give(w->shared->tcp, c->client);
	tcp_freed += c->incap;
	free(c->in);
	free(c);
}

/* After the client stopped sending: close when everything went out. */
static void
conn_check_done(struct tcp_conn *c)
{
	if (c->eof && c->pending == 0 && c->out == NULL)
		conn_close(c);
}

/* (Re)start the time the client has to bring a whole question. */
static void
conn_idle_start(struct tcp_conn *c)
{
	struct timeval idle = { c->w->cfg->tcp_idle, 0 };

	if (c->closed)
		return;
	c->wrote = 0;
	evtimer_add(&c->idle, &idle);
}

/* Whether to read questions: not when the client does not read answers. */
static int
conn_may_read(const struct tcp_conn *c)
{
	return !c->closed && !c->eof && c->pending < TCP_MAX_INFLIGHT &&
	    c->queued < TCP_PAUSE_QUEUED;
}

static void conn_resume(struct tcp_conn *c);

static int
conn_queue(struct tcp_conn *c, const uint8_t *data, size_t len)
{
	struct tcp_chunk *ch;

	if (c->queued + len > TCP_MAX_QUEUED)
		return -1;	/* the client does not read: give up */
	if ((ch = malloc(sizeof(*ch) + len)) == NULL)
		return -1;
	ch->next = NULL;
	ch->len = len;
	ch->off = 0;
	memcpy(ch->data, data, len);
	if (c->out_tail != NULL)
		c->out_tail->next = ch;
	else
		c->out = ch;
	c->out_tail = ch;
	c->queued += len;
	event_add(&c->wev, NULL);
	return 0;
}

/* Send one DNS message with its length prefix. */
static void
conn_send(struct tcp_conn *c, const uint8_t *buf, size_t len)
{
	uint8_t		prefix[2] = { (uint8_t)(len >> 8), (uint8_t)len };
	struct iovec	iov[2] = { { prefix, 2 }, { (void *)buf, len } };
	ssize_t		n = 0;

	if (c->closed)
		return;
	if (c->out == NULL) {
		n = writev(c->fd, iov, 2);
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			conn_close(c);
			return;
		}
		if (n == -1)
			n = 0;
		if ((size_t)n == len + 2)
			return;
	}
	if ((size_t)n < 2 && conn_queue(c, prefix + n, 2 - (size_t)n) == -1)
		goto fail;
	n = (size_t)n > 2 ? n - 2 : 0;
	if (conn_queue(c, buf + n, len - (size_t)n) == -1)
		goto fail;
	return;
fail:
	conn_close(c);
}

static void
conn_write(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn		*c = arg;
	struct tcp_chunk	*ch;
	ssize_t			 n;

	(void)what;
	while ((ch = c->out) != NULL) {
		n = write(fd, ch->data + ch->off, ch->len - ch->off);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n == -1) {
			conn_close(c);
			goto out;
		}
		c->wrote = 1;
		ch->off += (size_t)n;
		c->queued -= (size_t)n;
		if (ch->off < ch->len)
			return;
		c->out = ch->next;
		tcp_freed += ch->len;
		free(ch);
	}
	c->out_tail = NULL;
	event_del(&c->wev);
	if (c->pending == 0)
		conn_idle_start(c);	/* idle from now on */
	conn_resume(c);
	conn_check_done(c);
out:
	conn_maybe_free(c);
}

/* Answer the complete questions in the input buffer. */
static void
conn_process(struct tcp_conn *c)
{
	struct reply_to	to;
	size_t		mlen, off = 0, len;

	memset(&to, 0, sizeof(to));
	to.tcp = c;
	memcpy(&to.peer, &c->peer, c->peerlen);
	to.peerlen = c->peerlen;
	while (conn_may_read(c) && c->inlen - off >= 2) {
		mlen = (size_t)c->in[off] << 8 | c->in[off + 1];
		if (mlen > TCP_MAX_QUESTION) {
			conn_close(c);
			return;
		}
		if (c->inlen - off < 2 + mlen)
			break;
		c->pending++;
		len = 0;
		if (query_handle(c->w->pool, c->in + off + 2, mlen, &to, 1,
		    answer_buf, sizeof(answer_buf), &len) != QUERY_PENDING) {
			c->pending--;
			if (len > 0)
				conn_send(c, answer_buf, len);
		}
		off += 2 + mlen;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	if (off > 0)
		conn_idle_start(c);	/* a whole question came */
	if (!conn_may_read(c))
		event_del(&c->rev);	/* until conn_resume() */
}

/* Read questions again once what stopped it is gone, buffered ones first. */
static void
conn_resume(struct tcp_conn *c)
{
	if (!conn_may_read(c) || event_pending(&c->rev, EV_READ, NULL))
		return;
	event_add(&c->rev, NULL);
	if (!c->in_use) {
		c->in_use = 1;
		conn_process(c);
		c->in_use = 0;
	}
}

static void
conn_read(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn		*c = arg;
	ssize_t			 n;
	size_t			 want;
	uint8_t			*p;

	(void)what;
	want = c->inlen >= 2 ? 2 + ((size_t)c->in[0] << 8 | c->in[1]) : 2;
	if (want < c->inlen + 512)
		want = c->inlen + 512;
	if (want > c->incap) {
		if ((p = realloc(c->in, want)) == NULL) {
			conn_close(c);
			goto out;
		}
		c->in = p;
		c->incap = want;
	}
	n = read(fd, c->in + c->inlen, c->incap - c->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		c->eof = 1;
		event_del(&c->rev);
		if (n == -1)
			conn_close(c);
		conn_check_done(c);
		goto out;
	}
	c->inlen += (size_t)n;
	c->in_use = 1;
	conn_process(c);
	c->in_use = 0;
out:
	conn_maybe_free(c);
}

static void
conn_idle(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn	*c = arg;

	(void)fd;
	(void)what;
	/* the upstream is bounded by --timeout; a client's reading is not */
	if (c->pending > 0 || (c->out != NULL && c->wrote)) {
		conn_idle_start(c);
		return;
	}
	stats_add(c->w->stats, STAT_TCP_IDLE);
	conn_close(c);
	conn_maybe_free(c);
}

/*
 * Out of descriptors: the pending connection would keep the listener
 * readable and the loop spinning.  Give up the spare descriptor, accept
 * and close the connection, take the spare back.
 */
static void
shed_connection(struct worker *w, int listener)
{
	int s;

	if (w->spare_fd != -1)
		close(w->spare_fd);
	if ((s = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) != -1) {
		stats_add(w->stats, STAT_TCP_REFUSED);
		close(s);
	}
	w->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void
tcp_accept(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_listener	*tl = arg;
	struct worker		*w = tl->w;
	struct tcp_conn		*c;
	struct sockaddr_storage	 peer;
	socklen_t		 plen;
	int32_t			 client;
	int			 s;

	(void)what;
	for (;;) {
		plen = sizeof(peer);
		s = accept4(fd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (s == -1) {
			if (errno == EMFILE || errno == ENFILE)
				shed_connection(w, fd);
			return;
		}
		/* answered REFUSED over UDP; over TCP it would hold a slot */
		if (!acl_allows_peer(&w->cfg->acl, (struct sockaddr *)&peer) ||
		    (client = clients_take(w->shared->tcp,
		    (struct sockaddr *)&peer)) == -1) {
			stats_add(w->stats, STAT_TCP_REFUSED);
			close(s);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			stats_add(w->stats, STAT_TCP_REFUSED);
			clients_give(w->shared->tcp, client);
			close(s);
			continue;
		}
		stats_add(w->stats, STAT_TCP_ACCEPTED);
		/*
		 * Autotuned, the kernel holds up to 4 MB of answers for a
		 * client that does not read them before backpressure starts.
		 */
		(void)setsockopt(s, SOL_SOCKET, SO_SNDBUF,
		    &(int){ TCP_SNDBUF }, sizeof(int));
		c->w = w;
		c->fd = s;
		c->client = client;
		c->peer = peer;
		c->peerlen = plen;
		event_assign(&c->rev, w->base, s, EV_READ | EV_PERSIST,
		    conn_read, c);
		event_assign(&c->wev, w->base, s, EV_WRITE | EV_PERSIST,
		    conn_write, c);
		evtimer_assign(&c->idle, w->base, conn_idle, c);
		event_add(&c->rev, NULL);
		conn_idle_start(c);
		c->next = w->conns;
		if (w->conns != NULL)
			w->conns->prev = c;
		w->conns = c;
	}
}

/* ---- replies that were not ready at once ------------------------------ */

/* The pool's reply callback (query_reply_fn). */
static void
late_reply(void *arg, const struct reply_to *to, const uint8_t *buf,
    size_t len)
{
	struct worker	*w = arg;
	struct tcp_conn	*c = to->tcp;

	if (to->udp != NULL) {
		if (buf != NULL) {
			udp_queue(to->udp, to, buf, len);
			event_active(w->flush_ev, EV_TIMEOUT, 1);
		}
		return;
	}
	c->pending--;
	if (buf != NULL)
		conn_send(c, buf, len);
	if (c->pending == 0 && c->out == NULL)
		conn_idle_start(c);	/* idle from now on */
	conn_resume(c);
	conn_check_done(c);
	conn_maybe_free(c);
}

/* ---- the worker ------------------------------------------------------- */

/*
 * Give what TCP connections freed back to the system, once a megabyte was
 * freed or a second after the last free: the buffers of many connections
 * share pages, so the last few to go can free more than their size.
 */
static void
trim_tcp_memory(void)
{
	if (tcp_freed == 0 ||
	    (tcp_freed < TRIM_AFTER && tcp_freed != tcp_freed_before)) {
		tcp_freed_before = tcp_freed;
		return;
	}
	tcp_freed = tcp_freed_before = 0;
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
}

/*
 * Once a second: move to a newer rule set even when no MX question comes,
 * so that an idle worker does not keep a retired set (a million rules)
 * alive; give back the memory of TCP queues.
 */
static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	query_pool_tick(((struct worker *)arg)->pool);
	trim_tcp_memory();
}

static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;
	uint64_t	 n;

	(void)what;
	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return;
	query_pool_flush(w->pool);
	atomic_fetch_add_explicit(&w->flushed, 1, memory_order_release);
}

int
worker_flush(struct worker *w)
{
	uint64_t one = 1;

	return write(w->flush_fd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}

unsigned
worker_flushed(struct worker *w)
{
	return atomic_load_explicit(&w->flushed, memory_order_acquire);
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(w->base);
}

static int
add_sockets(struct worker *w, const struct mxshimd_options *cfg, char *err,
    size_t errlen)
{
	size_t i;
	int fd;

	for (i = 0; i < cfg->nlisten; i++, w->nsock++) {
		w->udp[i] = calloc(1, sizeof(*w->udp[i]));
		w->tcp[i] = calloc(1, sizeof(*w->tcp[i]));
		if (w->udp[i] == NULL || w->tcp[i] == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		w->udp[i]->w = w->tcp[i]->w = w;
		w->udp[i]->fd = w->tcp[i]->fd = -1;
		if ((fd = listen_open(&cfg->listen[i], SOCK_DGRAM, w->id == 0,
		    err, errlen)) == -1)
			return -1;
		w->udp[i]->fd = fd;
		event_assign(&w->udp[i]->ev, w->base, fd, EV_READ | EV_PERSIST,
		    udp_read, w->udp[i]);
		event_add(&w->udp[i]->ev, NULL);
		if ((fd = listen_open(&cfg->listen[i], SOCK_STREAM, w->id == 0,
		    err, errlen)) == -1)
			return -1;
		w->tcp[i]->fd = fd;
		event_assign(&w->tcp[i]->ev, w->base, fd, EV_READ | EV_PERSIST,
		    tcp_accept, w->tcp[i]);
		event_add(&w->tcp[i]->ev, NULL);
	}
	return 0;
}

static void worker_free(struct worker *w);

struct worker *
worker_new(unsigned id, const struct mxshimd_options *cfg,
    const struct worker_shared *shared, int stop_fd, char *err,
    size_t errlen)
{
	struct event_config	*ec;
	struct worker		*w;
	struct query_env	 env;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->id = id;
	w->cfg = cfg;
	w->shared = shared;
	w->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	w->flush_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* one thread per base: no locking inside libevent */
	if ((ec = event_config_new()) != NULL) {
		event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK);
		w->base = event_base_new_with_config(ec);
		event_config_free(ec);
	}
	if (w->base == NULL ||
	    (w->stop_ev = event_new(w->base, stop_fd, EV_READ | EV_PERSIST,
	    stop_cb, w)) == NULL ||
	    (w->flush_ev = event_new(w->base, -1, 0, flush_all, w)) == NULL ||
	    (w->tick_ev = event_new(w->base, -1, EV_PERSIST, tick_cb, w)) ==
	    NULL || w->flush_fd == -1 ||
	    (w->flush_req_ev = event_new(w->base, w->flush_fd,
	    EV_READ | EV_PERSIST, flush_cb, w)) == NULL) {
		snprintf(err, errlen, "cannot set up an event loop");
		worker_free(w);
		return NULL;
	}
	event_add(w->stop_ev, NULL);
	event_add(w->flush_req_ev, NULL);
	event_add(w->tick_ev, &(struct timeval){ 1, 0 });
	env = (struct query_env){ .cfg = cfg, .base = w->base,
	    .inflight = shared->inflight, .stats = w->stats, .worker = id,
	    .reply = late_reply, .reply_arg = w };
	if ((w->stats = env.stats = stats_block()) == NULL ||
	    (w->pool = query_pool_new(&env)) == NULL) {
		snprintf(err, errlen, "out of memory");
		worker_free(w);
		return NULL;
	}
	if (add_sockets(w, cfg, err, errlen) == -1) {
		worker_free(w);
		return NULL;
	}
	return w;
}

int
worker_upstream(struct worker *w, char *err, size_t errlen)
{
	return query_pool_upstream(w->pool, err, errlen);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

int
worker_start(struct worker *w)
{
	return pthread_create(&w->thread, NULL, worker_main, w) == 0 ? 0 : -1;
}

static void
worker_free(struct worker *w)
{
	struct tcp_conn	*c;
	size_t		 i;

	query_pool_free(w->pool);
	while ((c = w->conns) != NULL) {
		conn_close(c);
		c->pending = 0;
		c->in_use = 0;
		conn_maybe_free(c);
	}
	for (i = 0; i < OPT_MAX_LISTEN; i++) {
		if (w->udp[i] != NULL && w->udp[i]->fd != -1) {
			event_del(&w->udp[i]->ev);
			close(w->udp[i]->fd);
		}
		if (w->tcp[i] != NULL && w->tcp[i]->fd != -1) {
			event_del(&w->tcp[i]->ev);
			close(w->tcp[i]->fd);
		}
		free(w->udp[i]);
		free(w->tcp[i]);
	}
	if (w->stop_ev != NULL)
		event_free(w->stop_ev);
	if (w->flush_ev != NULL)
		event_free(w->flush_ev);
	if (w->tick_ev != NULL)
		event_free(w->tick_ev);
	if (w->flush_req_ev != NULL)
		event_free(w->flush_req_ev);
	if (w->flush_fd != -1)
		close(w->flush_fd);
	if (w->base != NULL)
		event_base_free(w->base);
	if (w->spare_fd != -1)
		close(w->spare_fd);
	free(w);
}

void
worker_join(struct worker *w)
{
	pthread_join(w->thread, NULL);
	worker_free(w);
}
