/*
 * tests/shim/shimq.c - a small program that calls one libc resolver
 * function the way an MTA would, for the libmxshim.so tests.
 *
 * Built twice: shimq links the way programs do today (res_query@GLIBC_2.34),
 * shimq_old (-DSHIMQ_OLD_NAMES) references the names binaries built before
 * glibc 2.34 carry (__res_query@GLIBC_2.2.5 and friends on x86-64).
 *
 *   shimq RESFUNC NAME [DOMAIN] TYPE   res_query, res_search, res_querydomain
 *                                      (NAME DOMAIN), res_nquery, res_nsearch,
 *                                      res_nquerydomain, res_send, res_nsend
 *   shimq getaddrinfo NAME [4|6]
 *   shimq gethostbyname NAME | gethostbyname2 NAME 4|6 | gethostbyname_r NAME
 *         | gethostbyname2_r NAME 4|6
 *   shimq connect HOST [nb]            getaddrinfo HOST port 25, connect,
 *                                      print the greeting; nb: non-blocking
 *   shimq deliver DOMAIN... [gai] [nb] [pre=NAME]
 *                                      for each DOMAIN in turn, as an MTA's
 *                                      queue runner would: res_nsearch MX,
 *                                      the address of the best host
 *                                      (res_nsearch A or getaddrinfo),
 *                                      connect to it at 25; pre=: ask NAME
 *                                      MX first
 *   shimq listen ADDR PORT             serve "220 ADDR PORT" greetings
 *   shimq stress THREADS CALLS NAME    THREADS threads each asking NAME MX
 *                                      CALLS times (res_nquery) and the
 *                                      first target's address
 *                                      (getaddrinfo); then a forked child
 *                                      does the same; every answer must
 *                                      equal the first one
 *
 * -l N sets the answer buffer size (default 4096); -c clears the
 * environment first, as Postfix and sendmail do before they resolve; -w
 * prints "waiting" after the command and waits for a signal (to take a
 * core dump of it).  Results are printed as key=value lines and the
 * records of answers as ldns prints them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <ldns/ldns.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(SHIMQ_OLD_NAMES) && defined(MXSHIM_RES_COMPAT_VERSION)
/*
 * What a binary linked against glibc < 2.34's libresolv references: the
 * __-prefixed names at the architecture's old version (GLIBC_2.2.5 on
 * x86-64; configure finds it).  An architecture without that version
 * builds shimq_old like shimq, and the test says so.
 */
#define OLD(f)	__asm__(".symver " #f ", __" #f "@" MXSHIM_RES_COMPAT_VERSION)
OLD(res_query);
OLD(res_search);
OLD(res_querydomain);
OLD(res_nquery);
OLD(res_nsearch);
OLD(res_nquerydomain);
OLD(res_send);
OLD(res_nsend);
#endif

#define MARK_ERRNO	EILSEQ	/* errno before the call, to see it kept */

static int	anslen = 4096;

static void
print_answer(const unsigned char *ans, int n)
{
	ldns_pkt	*p = NULL;
	ldns_rr_list	*l;
	size_t		 i;
	char		*s;

	if (ldns_wire2pkt(&p, ans, (size_t)n) != LDNS_STATUS_OK) {
		printf("unparsable\n");
		return;
	}
	s = ldns_pkt_rcode2str(ldns_pkt_get_rcode(p));
	printf("rcode=%s tc=%d id=%u an=%u ar=%u\n", s, ldns_pkt_tc(p),
	    ldns_pkt_id(p), ldns_pkt_ancount(p), ldns_pkt_arcount(p));
	free(s);
	s = ldns_rr_list2str(ldns_pkt_question(p));
	printf("qd: %s", s);
	free(s);
	l = ldns_pkt_answer(p);
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		s = ldns_rr2str(ldns_rr_list_rr(l, i));
		printf("an: %s", s);
		free(s);
	}
	l = ldns_pkt_additional(p);
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		s = ldns_rr2str(ldns_rr_list_rr(l, i));
		printf("ad: %s", s);
		free(s);
	}
	ldns_pkt_free(p);
}

static int
type_of(const char *s)
{
	if (strcasecmp(s, "MX") == 0) return ns_t_mx;
	if (strcasecmp(s, "A") == 0) return ns_t_a;
	if (strcasecmp(s, "AAAA") == 0) return ns_t_aaaa;
	if (strcasecmp(s, "TXT") == 0) return ns_t_txt;
	return atoi(s);
}

static int
resfunc(int argc, char **argv)
{
	struct __res_state	 st;
	unsigned char		*ans;
	unsigned char		 q[512];
	const char		*f = argv[0];
	int			 n = -2, qlen, type, nstate = f[4] == 'n', rc = 0;

	if (argc < 3 || (strstr(f, "domain") && argc < 4))
		return 2;
	type = type_of(argv[strstr(f, "domain") ? 3 : 2]);
	memset(&st, 0, sizeof(st));
	if (nstate && res_ninit(&st) != 0)
		return 1;
	if (!nstate)
		res_init();
	if ((ans = malloc((size_t)anslen + 1)) == NULL)
		return 1;
	h_errno = -7;
	st.res_h_errno = _res.res_h_errno = -7;
	errno = MARK_ERRNO;
	if (strcmp(f, "res_query") == 0)
		n = res_query(argv[1], ns_c_in, type, ans, anslen);
	else if (strcmp(f, "res_search") == 0)
		n = res_search(argv[1], ns_c_in, type, ans, anslen);
	else if (strcmp(f, "res_querydomain") == 0)
		n = res_querydomain(argv[1], argv[2], ns_c_in, type, ans,
		    anslen);
	else if (strcmp(f, "res_nquery") == 0)
		n = res_nquery(&st, argv[1], ns_c_in, type, ans, anslen);
	else if (strcmp(f, "res_nsearch") == 0)
		n = res_nsearch(&st, argv[1], ns_c_in, type, ans, anslen);
	else if (strcmp(f, "res_nquerydomain") == 0)
		n = res_nquerydomain(&st, argv[1], argv[2], ns_c_in, type,
		    ans, anslen);
	else if (strcmp(f, "res_send") == 0 || strcmp(f, "res_nsend") == 0) {
		qlen = res_mkquery(ns_o_query, argv[1], ns_c_in, type, NULL,
		    0, NULL, q, sizeof(q));
		if (qlen < 0) {
			rc = 1;
			goto out;
		}
		errno = MARK_ERRNO;
		n = nstate ? res_nsend(&st, q, qlen, ans, anslen) :
		    res_send(q, qlen, ans, anslen);
	}
	printf("rc=%d h_errno=%d res_h_errno=%d errno=%s\n", n, h_errno,
	    nstate ? st.res_h_errno : _res.res_h_errno,
	    errno == MARK_ERRNO ? "kept" : strerror(errno));
	if (n > 0)
		print_answer(ans, n > anslen ? anslen : n);
out:
	free(ans);
	if (nstate)
		res_nclose(&st);
	return rc;
}

static void
print_addr(int family, const void *addr)
{
	char	text[INET6_ADDRSTRLEN];

	printf("addr=%s\n", inet_ntop(family, addr, text, sizeof(text)));
}

static int
gai(int argc, char **argv)
{
	struct addrinfo	 hints = { .ai_flags = AI_CANONNAME,
			    .ai_socktype = SOCK_STREAM }, *res, *ai;
	int		 rc;

	if (argc > 2)
		hints.ai_family = argv[2][0] == '6' ? AF_INET6 : AF_INET;
	rc = getaddrinfo(argv[1], "25", &hints, &res);
	printf("rc=%d%s%s\n", rc, rc ? " " : "", rc ? gai_strerror(rc) : "");
	if (rc != 0)
		return 0;
	printf("canon=%s\n", res->ai_canonname);
	for (ai = res; ai != NULL; ai = ai->ai_next)
		print_addr(ai->ai_family, ai->ai_family == AF_INET ?
		    (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr :
		    (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
	freeaddrinfo(res);
	return 0;
}

static void
print_he(const struct hostent *he, int herr)
{
	char	**a;

	if (he == NULL) {
		printf("null h_errno=%d\n", herr);
		return;
	}
	printf("name=%s\n", he->h_name);
	for (a = he->h_addr_list; *a != NULL; a++)
		print_addr(he->h_addrtype, *a);
}

static int
ghbn(int argc, char **argv)
{
	struct hostent	 he, *res = NULL;
	char		 buf[1024];
	int		 herr = 0, af = AF_INET;

	if (argc > 2)
		af = argv[2][0] == '6' ? AF_INET6 : AF_INET;
	if (strcmp(argv[0], "gethostbyname") == 0)
		res = gethostbyname(argv[1]);
	else if (strcmp(argv[0], "gethostbyname2") == 0)
		res = gethostbyname2(argv[1], af);
	else if (strcmp(argv[0], "gethostbyname_r") == 0)
		gethostbyname_r(argv[1], &he, buf, sizeof(buf), &res, &herr);
	else if (strcmp(argv[0], "gethostbyname2_r") == 0)
		gethostbyname2_r(argv[1], af, &he, buf, sizeof(buf), &res,
		    &herr);
	else
		return 2;
	print_he(res, strchr(argv[0], '_') != NULL ? herr : h_errno);
	return 0;
}

/* Connect to sa and print the first line the server sends. */
static int
talk(const struct sockaddr *sa, socklen_t len, int nb)
{
	char		buf[256];
	struct pollfd	pfd;
	int		fd, rc, err = 0;
	socklen_t	elen = sizeof(err);
	ssize_t		n;

	if ((fd = socket(sa->sa_family, SOCK_STREAM, 0)) == -1)
		return 1;
	if (nb)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	rc = connect(fd, sa, len);
	if (nb) {
		printf("connect=%d errno=%s\n", rc, rc ? strerror(errno) : "-");
		pfd.fd = fd;
		pfd.events = POLLOUT;
		poll(&pfd, 1, 3000);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		fcntl(fd, F_SETFL, 0);
		rc = err ? -1 : 0;
	}
	if (rc != 0) {
		printf("connect failed: %s\n", strerror(nb ? err : errno));
		close(fd);
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	printf("greeting=%s\n", buf);
	close(fd);
	return 0;
}

static int
do_connect(int argc, char **argv)
{
	struct addrinfo	hints = { .ai_socktype = SOCK_STREAM }, *res;
	int		rc;

	if ((rc = getaddrinfo(argv[1], "25", &hints, &res)) != 0) {
		printf("getaddrinfo: %s\n", gai_strerror(rc));
		return 0;
	}
	rc = talk(res->ai_addr, res->ai_addrlen,
	    argc > 2 && strcmp(argv[2], "nb") == 0);
	freeaddrinfo(res);
	return rc;
}

/* Whether opt is among deliver's arguments. */
static int
has_opt(int argc, char **argv, const char *opt)
{
	int	i;

	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return 1;
	return 0;
}

/* The address of host by res_nsearch A; 0 on success. */
static int
address_by_res(res_state st, const char *host, struct sockaddr_in *sin)
{
	unsigned char	 ans[4096];
	ldns_pkt	*p = NULL;
	ldns_rr_list	*a;
	int		 n;

	n = res_nsearch(st, host, ns_c_in, ns_t_a, ans, sizeof(ans));
	if (n <= 0 || ldns_wire2pkt(&p, ans, n) != LDNS_STATUS_OK)
		return -1;
	a = ldns_pkt_rr_list_by_type(p, LDNS_RR_TYPE_A, LDNS_SECTION_ANSWER);
	n = a == NULL ? -1 : 0;
	if (a != NULL)
		memcpy(&sin->sin_addr, ldns_rdf_data(ldns_rr_rdf(
		    ldns_rr_list_rr(a, 0), 0)), 4);
	ldns_rr_list_deep_free(a);
	ldns_pkt_free(p);
	return n;
}

/* The same by getaddrinfo. */
static int
address_by_gai(const char *host, struct sockaddr_in *sin)
{
	struct addrinfo	hints = { .ai_family = AF_INET,
			    .ai_socktype = SOCK_STREAM }, *res;

	if (getaddrinfo(host, "25", &hints, &res) != 0)
		return -1;
	memcpy(sin, res->ai_addr, sizeof(*sin));
	freeaddrinfo(res);
	return 0;
}

/* Whether argv[i] is one of deliver's options rather than a domain. */
static int
is_deliver_opt(const char *a)
{
	return strcmp(a, "gai") == 0 || strcmp(a, "nb") == 0 ||
	    strncmp(a, "pre=", 4) == 0;
}

/*
 * One delivery, like Postfix's smtp client: res_nsearch MX, then the
 * address of the best host with res_nsearch A (or getaddrinfo with "gai"),
 * then connect to port 25 ("nb": non-blocking).
 */
static int
deliver_one(res_state st, const char *domain, int argc, char **argv)
{
	unsigned char		 ans[4096];
	ldns_pkt		*p = NULL;
	ldns_rr_list		*mx;
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	char			*host;
	int			 n;

	n = res_nsearch(st, domain, ns_c_in, ns_t_mx, ans, sizeof(ans));
	if (n <= 0 || ldns_wire2pkt(&p, ans, n) != LDNS_STATUS_OK) {
		printf("no MX: h_errno=%d\n", h_errno);
		return 0;
	}
	mx = ldns_pkt_rr_list_by_type(p, LDNS_RR_TYPE_MX, LDNS_SECTION_ANSWER);
	ldns_rr_list_sort(mx);
	host = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(mx, 0), 1));
	printf("mx=%s\n", host);
	ldns_rr_list_deep_free(mx);
	ldns_pkt_free(p);
	n = has_opt(argc, argv, "gai") ? address_by_gai(host, &sin) :
	    address_by_res(st, host, &sin);
	free(host);
	if (n != 0) {
		printf("no address: h_errno=%d\n", h_errno);
		return 0;
	}
	sin.sin_port = htons(25);
	print_addr(AF_INET, &sin.sin_addr);
	return talk((struct sockaddr *)&sin, sizeof(sin),
	    has_opt(argc, argv, "nb"));
}

/* deliver DOMAIN... [options]: one delivery per domain, in order. */
static int
deliver(int argc, char **argv)
{
	struct __res_state	 st;
	unsigned char		 ans[4096];
	int			 i, rc = 0;

	memset(&st, 0, sizeof(st));
	res_ninit(&st);
	for (i = 2; i < argc; i++)	/* pre=NAME: an earlier MX lookup */
		if (strncmp(argv[i], "pre=", 4) == 0)
			res_nsearch(&st, argv[i] + 4, ns_c_in, ns_t_mx, ans,
			    sizeof(ans));
	for (i = 1; i < argc && rc == 0; i++)
		if (!is_deliver_opt(argv[i]))
			rc = deliver_one(&st, argv[i], argc, argv);
	res_nclose(&st);
	return rc;
}

static int
listener(int argc, char **argv)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	char			line[128];
	int			fd, c, one = 1;

	sin.sin_port = htons(atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 16) == -1) {
		perror("listen");
		return 1;
	}
	snprintf(line, sizeof(line), "220 %s %s\r\n", argv[1], argv[2]);
	for (;;) {
		if ((c = accept(fd, NULL, NULL)) == -1)
			continue;
		if (write(c, line, strlen(line)) < 0)
			perror("write");
		close(c);
	}
}

/* The MX target and its first address, as one string, for stress. */
static int
route_of(res_state st, const char *name, char *out, size_t len)
{
	unsigned char	 ans[4096];
	ldns_pkt	*p = NULL;
	ldns_rr_list	*mx;
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *res;
	char		*host, addr[INET6_ADDRSTRLEN] = "";
	int		 n;

	n = res_nquery(st, name, ns_c_in, ns_t_mx, ans, sizeof(ans));
	if (n <= 0 || ldns_wire2pkt(&p, ans, n) != LDNS_STATUS_OK)
		return -1;
	mx = ldns_pkt_rr_list_by_type(p, LDNS_RR_TYPE_MX, LDNS_SECTION_ANSWER);
	ldns_pkt_free(p);
	if (mx == NULL)
		return -1;
	ldns_rr_list_sort(mx);
	host = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(mx, 0), 1));
	ldns_rr_list_deep_free(mx);
	if (getaddrinfo(host, "25", &hints, &res) == 0) {
		getnameinfo(res->ai_addr, res->ai_addrlen, addr, sizeof(addr),
		    NULL, 0, NI_NUMERICHOST);
		freeaddrinfo(res);
	}
	snprintf(out, len, "%s %s", host, addr);
	free(host);
	return 0;
}

struct stress_arg {
	const char	*name;
	const char	*want;
	long		 calls;
	long		 bad;
};

static void *
stress_thread(void *v)
{
	struct stress_arg	*a = v;
	struct __res_state	 st;
	char			 got[512];
	long			 i;

	memset(&st, 0, sizeof(st));
	res_ninit(&st);
	for (i = 0; i < a->calls; i++)
		if (route_of(&st, a->name, got, sizeof(got)) != 0 ||
		    strcmp(got, a->want) != 0)
			a->bad++;
	res_nclose(&st);
	return NULL;
}

static int
stress(int argc, char **argv)
{
	struct __res_state	 st;
	struct stress_arg	 a[64];
	pthread_t		 t[64];
	char			 want[512];
	int			 i, n = atoi(argv[1]), status, found;
	long			 bad = 0;
	pid_t			 pid;

	if (argc < 4 || n < 1 || n > 64)
		return 2;
	memset(&st, 0, sizeof(st));
	res_ninit(&st);
	found = route_of(&st, argv[3], want, sizeof(want)) == 0;
	res_nclose(&st);
	if (!found) {
		printf("stress: no route for %s\n", argv[3]);
		return 0;
	}
	printf("route=%s\n", want);
	for (i = 0; i < n; i++) {
		a[i] = (struct stress_arg){ argv[3], want, atol(argv[2]), 0 };
		pthread_create(&t[i], NULL, stress_thread, &a[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		bad += a[i].bad;
	}
	printf("threads=%d calls=%ld wrong=%ld\n", n, n * atol(argv[2]), bad);
	if ((pid = fork()) == 0) {
		a[0].bad = 0;
		stress_thread(&a[0]);
		_exit(a[0].bad != 0);
	}
	waitpid(pid, &status, 0);
	printf("child=%s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
	    "ok" : "wrong");
	return 0;
}

static int
command(int argc, char **argv)
{
	if (strncmp(argv[0], "res_", 4) == 0)
		return resfunc(argc, argv);
	if (strcmp(argv[0], "getaddrinfo") == 0)
		return gai(argc, argv);
	if (strncmp(argv[0], "gethostbyname", 13) == 0)
		return ghbn(argc, argv);
	if (strcmp(argv[0], "connect") == 0)
		return do_connect(argc, argv);
	if (strcmp(argv[0], "deliver") == 0)
		return deliver(argc, argv);
	if (strcmp(argv[0], "stress") == 0)
		return stress(argc, argv);
	if (strcmp(argv[0], "listen") == 0 && argc > 2)
		return listener(argc, argv);
	return 2;
}

int
main(int argc, char **argv)
{
	int	c, wait = 0, rc;

	while ((c = getopt(argc, argv, "+cl:w")) != -1)
		if (c == 'l')
			anslen = atoi(optarg);
		else if (c == 'c')
			clearenv();
		else if (c == 'w')
			wait = 1;
		else
			return 2;
	argc -= optind;
	argv += optind;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	rc = command(argc, argv);
	if (wait) {	/* for a core dump of a process that has resolved */
		printf("waiting\n");
		for (;;)
			pause();
	}
	return rc;
}
