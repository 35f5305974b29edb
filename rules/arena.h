/*
 * rules/arena.h - a growable byte arena for the strings of a rule set.
 *
 * Strings are addressed by offset, not pointer, so the arena may move while
 * a file is being parsed; once the set is built the base pointer is fixed.
 */
#ifndef MXSHIM_ARENA_H
#define MXSHIM_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct arena {
	char	*base;
	size_t	 used;
	size_t	 cap;
};

/* Offset 0 is the empty string, so 0 also means "none". */
#define ARENA_NONE	0

/* Ready an empty arena; returns -1 when memory runs out. */
int arena_init(struct arena *a, size_t hint);

/* Copy len bytes plus a NUL; lowercase them when fold is set.
 * Returns the offset, or ARENA_NONE-1 ((uint32_t)-1) when memory runs out. */
uint32_t arena_add(struct arena *a, const char *s, size_t len, int fold);

/* Reserve len bytes (uninitialized); same return convention. */
uint32_t arena_reserve(struct arena *a, size_t len);

void arena_free(struct arena *a);

#define ARENA_STR(a, off)	((a)->base + (off))
#define ARENA_FAIL		((uint32_t)-1)

#endif
