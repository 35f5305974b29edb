/*
 * resolver/clients.c - per-client counts: atomic counters in a fixed
 * table, taken optimistically (add, then undo when over the limit), so
 * two workers racing at the limit may both be refused but the limit is
 * never passed.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "clients.h"
#include "log.h"
#include "netaddr.h"

#define LOG_EVERY_SEC	10

struct clients {
	unsigned	 per_client, total;
	const char	*what_client, *what_total, *action;
	uint64_t	 key[2];
	atomic_uint	 in_use;		/* in all */
	atomic_ulong	 refused;
	atomic_long	 logged[2];	/* second of the last warning:
					   per client, in all */
	atomic_uint	 count[CLIENTS_BUCKETS];
};

struct clients *
clients_new(unsigned per_client, const char *what_client, unsigned total,
    const char *what_total, const char *action)
{
	struct clients *cl;

	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return NULL;
	cl->per_client = per_client;
	cl->total = total;
	cl->what_client = what_client;
	cl->what_total = what_total;
	cl->action = action;
	if (getrandom(cl->key, sizeof(cl->key), 0) != sizeof(cl->key))
		cl->key[0] = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)cl;
	atomic_init(&cl->logged[0], -LOG_EVERY_SEC);
	atomic_init(&cl->logged[1], -LOG_EVERY_SEC);
	return cl;
}

void
clients_free(struct clients *cl)
{
	free(cl);
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* The bucket of the client at sa: its IPv4 address or IPv6 /64. */
static uint32_t
bucket_of(const struct clients *cl, const struct sockaddr *sa)
{
	uint8_t		addr[16];
	uint64_t	a = 0, b = 0;

	if (netaddr_raw(sa, addr) == AF_INET)
		memcpy(&a, addr, 4);
	else {
		memcpy(&a, addr, 8);
		b = 1;	/* never the same as an IPv4 client */
	}
	return (uint32_t)(mix(mix(a ^ cl->key[0]) ^ b ^ cl->key[1]) %
	    CLIENTS_BUCKETS);
}

/* A warning now and then, so a flood does not flood the log too. */
static void
warn_refused(struct clients *cl, const struct sockaddr *sa, int total)
{
	struct timespec	now;
	char		host[NETADDR_STRLEN];
	long		last = atomic_load_explicit(&cl->logged[total],
			    memory_order_relaxed);

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (now.tv_sec - last < LOG_EVERY_SEC ||
	    !atomic_compare_exchange_strong(&cl->logged[total], &last,
	    now.tv_sec))
		return;
	netaddr_format_host(sa, host, sizeof(host));
	log_warn("%s: over %s %u: %s (%lu refused since start)", host,
	    total ? cl->what_total : cl->what_client,
	    total ? cl->total : cl->per_client, cl->action,
	    atomic_load(&cl->refused));
}

static int32_t
refuse(struct clients *cl, const struct sockaddr *sa, int total)
{
	atomic_fetch_add_explicit(&cl->refused, 1, memory_order_relaxed);
	warn_refused(cl, sa, total);
	return -1;
}

int32_t
clients_take(struct clients *cl, const struct sockaddr *sa)
{
	uint32_t b = bucket_of(cl, sa);

	if (cl->total != 0 && atomic_fetch_add(&cl->in_use, 1) >= cl->total) {
		atomic_fetch_sub(&cl->in_use, 1);
		return refuse(cl, sa, 1);
	}
	if (cl->per_client != 0 &&
	    atomic_fetch_add(&cl->count[b], 1) >= cl->per_client) {
		atomic_fetch_sub(&cl->count[b], 1);
		if (cl->total != 0)
			atomic_fetch_sub(&cl->in_use, 1);
		return refuse(cl, sa, 0);
	}
	return (int32_t)b;
}

void
clients_give(struct clients *cl, int32_t bucket)
{
	if (bucket < 0)
		return;
	if (cl->total != 0)
		atomic_fetch_sub(&cl->in_use, 1);
	if (cl->per_client != 0)
		atomic_fetch_sub(&cl->count[bucket], 1);
}
