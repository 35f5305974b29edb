/*
 * shim/shim.h - the inside of libmxshim.so, the preload library that makes a
 * program's own libc resolver calls see the override rules.
 *
 * The exported hooks (res.c, addr.c, connect in portmap.c) are thin: they
 * ask the modules below whether a question is theirs and otherwise call
 * the real libc function through the table in real.c, never through a
 * symbol that could resolve back to a hook.
 *
 *   real.c     the real functions, found once with dlsym(RTLD_NEXT)
 *   config.c   rules file and message context, read once in a constructor
 *   decide.c   question -> synthesized answer (engine + answer builder)
 *   res.c      the res_* hooks, plain and __-prefixed names
 *   addr.c     getaddrinfo / gethostbyname* for synthetic names
 *   portmap.c  host -> port, address -> port, and the connect() hook
 *
 * Everything read after the constructor is immutable or atomic: no lock
 * is taken on any hook's path.
 */
#ifndef MXSHIM_SHIM_H
#define MXSHIM_SHIM_H

#include <netdb.h>
#include <resolv.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "answer.h"
#include "rules.h"

/* Only the hooks are exported; the library is built -fvisibility=hidden. */
#define SHIM_EXPORT	__attribute__((visibility("default")))

/* ---- real.c ----------------------------------------------------------- */

struct shim_real {
	int	(*res_query)(const char *, int, int, unsigned char *, int);
	int	(*res_search)(const char *, int, int, unsigned char *, int);
	int	(*res_querydomain)(const char *, const char *, int, int,
		    unsigned char *, int);
	int	(*res_nquery)(res_state, const char *, int, int,
		    unsigned char *, int);
	int	(*res_nsearch)(res_state, const char *, int, int,
		    unsigned char *, int);
	int	(*res_nquerydomain)(res_state, const char *, const char *, int,
		    int, unsigned char *, int);
	int	(*res_send)(const unsigned char *, int, unsigned char *, int);
	int	(*res_nsend)(res_state, const unsigned char *, int,
		    unsigned char *, int);
	int	(*getaddrinfo)(const char *, const char *,
		    const struct addrinfo *, struct addrinfo **);
	struct hostent *(*gethostbyname)(const char *);
	struct hostent *(*gethostbyname2)(const char *, int);
	int	(*gethostbyname_r)(const char *, struct hostent *, char *,
		    size_t, struct hostent **, int *);
	int	(*gethostbyname2_r)(const char *, int, struct hostent *, char *,
		    size_t, struct hostent **, int *);
	int	(*connect)(int, const struct sockaddr *, socklen_t);
	ssize_t	(*sendto)(int, const void *, size_t, int,
		    const struct sockaddr *, socklen_t);
	ssize_t	(*sendmsg)(int, const struct msghdr *, int);
};

/*
 * The real functions.  Resolved on first use (normally in the constructor);
 * a pointer that could not be found is NULL and the hook fails with ENOSYS
 * rather than recurse.
 */
const struct shim_real *shim_real(void);

/* ---- config.c --------------------------------------------------------- */

struct shim_config {
	struct rules	*set;		/* NULL: fail closed (TRY_AGAIN) */
	struct rules_ctx ctx;		/* from MXSHIM_FROM, _SIZE, ... */
};

/* The configuration, loaded once; never NULL. */
const struct shim_config *shim_config(void);

/* ---- decide.c --------------------------------------------------------- */

enum shim_verdict {
	SHIM_PASS = 0,		/* not ours: call the real function */
	SHIM_ANSWERED,		/* *outlen bytes of answer in out */
	SHIM_TEMPFAIL		/* defer: rules unusable or real data missing */
};

/*
 * Decide on question q asked through the resolver state statp (used for
 * the real MX lookups the rules need).  A synthesized answer is written
 * to out (cap bytes, TC when it does not fit) and *outlen set.
 */
enum shim_verdict shim_answer(res_state statp, const struct answer_question *q,
    uint8_t *out, size_t cap, int *outlen);

/* ---- portmap.c -------------------------------------------------------- */

/*
 * A synthesized MX target host and its line's port.  Port 25 only updates
 * a host already known; other ports add it.
 */
void shim_port_host(const char *host, uint16_t port);

/*
 * The program resolved host to addr (4 or 16 bytes): when host has a port,
 * connect() to addr:25 will go to that port; when it has none, a redirect
 * of addr learned for another host ends.  Cheap when no port is known.
 */
void shim_port_learn(const char *host, int family, const void *addr);

/* The same for every address of an addrinfo list / hostent. */
void shim_port_learn_ai(const char *host, const struct addrinfo *ai);
void shim_port_learn_he(const char *host, const struct hostent *he);

/* The same for the A/AAAA records of a DNS answer to a question for host. */
void shim_port_learn_wire(const char *host, const uint8_t *pkt, int len);

/* Whether any host has a port (one atomic load). */
int shim_port_any(void);

#endif /* MXSHIM_SHIM_H */
