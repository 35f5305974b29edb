/*
 * rules/arena.c - string storage for rule sets: one allocation that grows
 * geometrically, so a million-line file costs a handful of reallocs; on
 * request in memory that core dumps leave out, for the credentials.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "glob.h"

void *
arena_block_alloc(size_t len, unsigned flags)
{
	void	*p;
	int	 saved;

	if (!(flags & ARENA_NODUMP))
		return malloc(len);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* a secret that would land in a core anyway is not kept at all */
	if (madvise(p, len, MADV_DONTDUMP) == -1) {
		saved = errno;
		munmap(p, len);
		errno = saved;
		return NULL;
	}
	return p;
}

void
arena_block_free(void *p, size_t len, unsigned flags)
{
	if (p == NULL)
		return;
	if (flags & ARENA_NODUMP)
		munmap(p, len);
	else
		free(p);
}

/* Move the strings to a block of ncap bytes; -1 when memory runs out. */
static int
arena_grow(struct arena *a, size_t ncap)
{
	char	*p;

	if (!(a->flags & ARENA_NODUMP)) {
		if ((p = realloc(a->base, ncap)) == NULL)
			return -1;
	} else {
		/* no realloc for mappings: copy, so no stray copy is left */
		if ((p = arena_block_alloc(ncap, a->flags)) == NULL)
			return -1;
		memcpy(p, a->base, a->used);
		arena_block_free(a->base, a->cap, a->flags);
	}
	a->base = p;
	a->cap = ncap;
	return 0;
}

int
arena_init(struct arena *a, size_t hint, unsigned flags)
{
	a->flags = flags;
	a->cap = hint < 64 ? 64 : hint;
	a->used = 0;
	a->base = arena_block_alloc(a->cap, flags);
	if (a->base == NULL)
		return -1;
	a->base[0] = '\0';	/* offset 0: the empty string */
	a->used = 1;
	return 0;
}

uint32_t
arena_reserve(struct arena *a, size_t len)
{
	size_t	off = a->used, ncap;

	if (len > UINT32_MAX - 1 - a->used)
		return ARENA_FAIL;
	if (a->used + len > a->cap) {
		ncap = a->cap * 2;
		while (ncap < a->used + len)
			ncap *= 2;
		if (arena_grow(a, ncap) < 0)
			return ARENA_FAIL;
	}
	a->used += len;
	return (uint32_t)off;
}

uint32_t
arena_add(struct arena *a, const char *s, size_t len, int fold)
{
	uint32_t	 off;
	char		*d;
	size_t		 i;

	if ((off = arena_reserve(a, len + 1)) == ARENA_FAIL)
		return ARENA_FAIL;
	d = a->base + off;
	if (fold) {
		for (i = 0; i < len; i++)
			d[i] = ascii_lower(s[i]);
	} else
		memcpy(d, s, len);
	d[len] = '\0';
	return off;
}

void
arena_free(struct arena *a)
{
	arena_block_free(a->base, a->cap, a->flags);
	a->base = NULL;
	a->used = a->cap = 0;
}
