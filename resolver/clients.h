/*
 * resolver/clients.h - per-client-address counts shared by all workers,
 * so that one client cannot take what the others need: open TCP
 * connections (--tcp-client-conn, and --tcp-max-conn in all) and
 * questions waiting for real DNS (--client-inflight).
 *
 * A client is an IPv4 address or an IPv6 /64 (what one host usually
 * has).  Counts are kept per bucket of a hash of the client under a key
 * drawn at start: no lock, no allocation after clients_new().  Two
 * clients that fall in one bucket share one allowance; with
 * CLIENTS_BUCKETS buckets that is rare and cannot be chosen from outside.
 */
#ifndef MXSHIMD_CLIENTS_H
#define MXSHIMD_CLIENTS_H

#include <sys/socket.h>
#include <stdint.h>

#define CLIENTS_BUCKETS	65536

struct clients;

/*
 * A table allowing per_client units to each client and total units in
 * all (0: no such limit).  what names the limits in log lines, e.g.
 * "--client-inflight", "--tcp-max-conn"; action says what a refusal does.
 * NULL when out of memory.
 */
struct clients *clients_new(unsigned per_client, const char *what_client,
    unsigned total, const char *what_total, const char *action);

void clients_free(struct clients *cl);

/*
 * Count one more unit for the client at sa.  Returns the bucket to give
 * back with clients_give(), or -1 when a limit would be passed: nothing
 * is counted then and a warning is logged (at most every 10 seconds).
 */
int32_t clients_take(struct clients *cl, const struct sockaddr *sa);

/* Give back a unit clients_take() counted. */
void clients_give(struct clients *cl, int32_t bucket);

#endif /* MXSHIMD_CLIENTS_H */
