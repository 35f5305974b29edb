/*
 * tests/unit/test_confirm.c - resolver/confirm.c against UDP sockets of
 * the test's own on loopback: the question it sends, the answers it takes
 * and refuses, its deadline, cancelling.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <event2/event.h>
#include <ldns/ldns.h>

#include "answer.h"
#include "confirm.h"
#include "netaddr.h"

struct outcome {
	int	calls;
	int	got_null;
	uint8_t	pkt[512];
	size_t	len;
};

struct question {
	uint8_t			 pkt[512];
	ssize_t			 len;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
};

static void
on_answer(void *arg, const uint8_t *pkt, size_t len)
{
	struct outcome *o = arg;

	o->calls++;
	if (pkt == NULL) {
		o->got_null = 1;
		return;
	}
	o->len = len < sizeof(o->pkt) ? len : sizeof(o->pkt);
	memcpy(o->pkt, pkt, o->len);
}

/* A UDP socket on 127.0.0.1, any port; its address in na. */
static int
server(struct netaddr *na)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&na->ss;
	int			 fd = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert_neq(fd, -1);
	memset(na, 0, sizeof(*na));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	na->len = sizeof(*sin);
	cr_assert_eq(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)sin, &na->len), 0);
	return fd;
}

static void
get_question(int fd, struct question *q)
{
	q->fromlen = sizeof(q->from);
	q->len = recvfrom(fd, q->pkt, sizeof(q->pkt), 0,
	    (struct sockaddr *)&q->from, &q->fromlen);
	cr_assert_gt(q->len, 12);
}

/* Send back the question as an empty answer with ID id, QR as said. */
static void
answer(int fd, const struct question *q, uint16_t id, int qr)
{
	uint8_t a[512];

	memcpy(a, q->pkt, (size_t)q->len);
	a[0] = (uint8_t)(id >> 8);
	a[1] = (uint8_t)id;
	a[2] = qr ? (uint8_t)(a[2] | 0x80) : (uint8_t)(a[2] & ~0x80);
	a[3] |= 0x80;	/* RA */
	cr_assert_eq(sendto(fd, a, (size_t)q->len, 0,
	    (const struct sockaddr *)&q->from, q->fromlen), q->len);
}

static uint16_t
id_of(const uint8_t *pkt)
{
	return (uint16_t)((pkt[0] << 8) | pkt[1]);
}

/* Run the loop until the callback or about a second. */
static void
run(struct event_base *base, const struct outcome *o)
{
	int i;

	for (i = 0; i < 100 && o->calls == 0; i++) {
		usleep(10000);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
}

/* Run until the callback: exactly one, NULL or not as said; clean up. */
static void
expect_one_call(struct event_base *base, const struct outcome *o,
    int got_null, int fd)
{
	run(base, o);
	cr_assert_eq(o->calls, 1);
	cr_assert_eq(o->got_null, got_null);
	event_base_free(base);
	close(fd);
}

Test(confirm, asks_mx_with_edns_and_takes_only_its_answer)
{
	struct event_base	*base = event_base_new();
	struct netaddr		 na;
	struct outcome		 o = { 0 };
	struct question		 q;
	ldns_pkt		*p = NULL;
	int			 fd = server(&na);

	cr_assert_not_null(confirm_start(base, &na, 1, "lan.test", 5000,
	    on_answer, &o));
	get_question(fd, &q);
	cr_assert_eq(ldns_wire2pkt(&p, q.pkt, (size_t)q.len), LDNS_STATUS_OK);
	cr_assert_eq(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(p),
	    0)), LDNS_RR_TYPE_MX);
	cr_assert_eq(ldns_pkt_edns_udp_size(p), ANSWER_MAX_UDP);
	ldns_pkt_free(p);
	answer(fd, &q, (uint16_t)(id_of(q.pkt) + 1), 1);  /* another ID */
	answer(fd, &q, id_of(q.pkt), 0);		   /* no QR */
	run(base, &o);
	cr_assert_eq(o.calls, 0, "took an answer with another ID, or no QR");
	answer(fd, &q, id_of(q.pkt), 1);
	expect_one_call(base, &o, 0, fd);
	cr_assert_eq(o.len, (size_t)q.len);
	cr_assert_eq(id_of(o.pkt), id_of(q.pkt));
}

Test(confirm, a_refusing_upstream_leaves_the_other)
{
	struct event_base	*base = event_base_new();
	struct netaddr		 na[2];
	struct outcome		 o = { 0 };
	struct question		 q;
	int			 fd, closed = server(&na[0]);

	close(closed);		/* ICMP port unreachable: ECONNREFUSED */
	fd = server(&na[1]);
	cr_assert_not_null(confirm_start(base, na, 2, "lan.test", 5000,
	    on_answer, &o));
	get_question(fd, &q);
	run(base, &o);
	cr_assert_eq(o.calls, 0);
	answer(fd, &q, id_of(q.pkt), 1);
	expect_one_call(base, &o, 0, fd);
}

Test(confirm, silence_ends_at_the_timeout)
{
	struct event_base	*base = event_base_new();
	struct netaddr		 na;
	struct outcome		 o = { 0 };
	int			 fd = server(&na);

	cr_assert_not_null(confirm_start(base, &na, 1, "lan.test", 200,
	    on_answer, &o));
	event_base_loop(base, EVLOOP_NONBLOCK);
	cr_assert_eq(o.calls, 0, "called back before the timeout");
	expect_one_call(base, &o, 1, fd);
}

Test(confirm, cancel_and_refusals)
{
	struct event_base	*base = event_base_new();
	struct netaddr		 na;
	struct outcome		 o = { 0 };
	struct confirm		*c;
	int			 fd = server(&na);

	c = confirm_start(base, &na, 1, "lan.test", 5000, on_answer, &o);
	cr_assert_not_null(c);
	confirm_cancel(c);
	confirm_cancel(NULL);
	event_base_loop(base, EVLOOP_NONBLOCK);
	cr_assert_eq(o.calls, 0);
	cr_assert_null(confirm_start(base, &na, 0, "lan.test", 5000,
	    on_answer, &o), "no upstream");
	cr_assert_null(confirm_start(base, &na, 1, "a..b", 5000,
	    on_answer, &o), "a bad name");
	event_base_free(base);
	close(fd);
}
