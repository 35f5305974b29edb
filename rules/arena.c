/*
 * rules/arena.c - string storage for rule sets: one allocation that grows
 * geometrically, so a million-line file costs a handful of reallocs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "glob.h"

int
arena_init(struct arena *a, size_t hint)
{
	a->cap = hint < 64 ? 64 : hint;
	a->base = malloc(a->cap);
	if (a->base == NULL)
		return -1;
	a->base[0] = '\0';	/* offset 0: the empty string */
	a->used = 1;
	return 0;
}

uint32_t
arena_reserve(struct arena *a, size_t len)
{
	size_t	 off = a->used;
	char	*p;

	if (len > UINT32_MAX - 1 - a->used)
		return ARENA_FAIL;
	if (a->used + len > a->cap) {
		size_t ncap = a->cap * 2;

		while (ncap < a->used + len)
			ncap *= 2;
		if ((p = realloc(a->base, ncap)) == NULL)
			return ARENA_FAIL;
		a->base = p;
		a->cap = ncap;
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
			d[i] = glob_lower(s[i]);
	} else
		memcpy(d, s, len);
	d[len] = '\0';
	return off;
}

void
arena_free(struct arena *a)
{
	free(a->base);
	a->base = NULL;
	a->used = a->cap = 0;
}
