/*
 * shim/real.c - the table of the real libc functions behind the hooks.
 *
 * Every entry is found with dlsym(RTLD_NEXT) by its plain name, so that the
 * lookup skips this library and can never land on a hook.  Before glibc
 * 2.34 the res_* functions lived in libresolv under their __-prefixed
 * names only, so those are tried next.  No version is named: an
 * unversioned dlsym() takes a symbol's default version, which is the
 * current function on every architecture (since 2.34, res_query@@GLIBC_2.34
 * and the old __res_query@GLIBC_<base> are the same code), whereas the old
 * version's tag differs from one architecture to the next.
 */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>

#include "shim.h"

static struct shim_real	real;
static pthread_once_t	real_once = PTHREAD_ONCE_INIT;

/* name is the plain name, prefixed the pre-2.34 one or NULL. */
static void *
find(const char *name, const char *prefixed)
{
	void	*p;

	if ((p = dlsym(RTLD_NEXT, name)) != NULL || prefixed == NULL)
		return p;
	return dlsym(RTLD_NEXT, prefixed);
}

#define FIND(f)		real.f = find(#f, NULL)
#define FIND_RES(f)	real.f = find(#f, "__" #f)

static void
real_init(void)
{
	FIND_RES(res_query);
	FIND_RES(res_search);
	FIND_RES(res_querydomain);
	FIND_RES(res_nquery);
	FIND_RES(res_nsearch);
	FIND_RES(res_nquerydomain);
	FIND_RES(res_send);
	FIND_RES(res_nsend);
	FIND(getaddrinfo);
	FIND(gethostbyname);
	FIND(gethostbyname2);
	FIND(gethostbyname_r);
	FIND(gethostbyname2_r);
	FIND(connect);
	FIND(sendto);
	FIND(sendmsg);
}

const struct shim_real *
shim_real(void)
{
	pthread_once(&real_once, real_init);
	return &real;
}
