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
	char		*base;
	size_t		 used;
	size_t		 cap;
	unsigned	 flags;		/* ARENA_* below, fixed at init */
};

/* Offset 0 is the empty string, so 0 also means "none". */
#define ARENA_NONE	0

/*
 * Keep the bytes out of core dumps: page-aligned anonymous mappings marked
 * MADV_DONTDUMP instead of the heap (which a core holds whole, freed
 * blocks included), for rule sets whose strings hold credentials.
 */
#define ARENA_NODUMP	0x1

/* Ready an empty arena with flags; returns -1 when memory runs out. */
int arena_init(struct arena *a, size_t hint, unsigned flags);

/*
 * A block of len bytes outside any arena, with the same flags: from
 * malloc, or a mapping excluded from core dumps with ARENA_NODUMP.  NULL
 * (errno set) when memory runs out or the mapping cannot be excluded.
 * Free it with arena_block_free() and the same len and flags.
 */
void *arena_block_alloc(size_t len, unsigned flags);
void arena_block_free(void *p, size_t len, unsigned flags);

/* Copy len bytes plus a NUL; lowercase them when fold is set.
 * Returns the offset, or ARENA_NONE-1 ((uint32_t)-1) when memory runs out. */
uint32_t arena_add(struct arena *a, const char *s, size_t len, int fold);

/* Reserve len bytes (uninitialized); same return convention. */
uint32_t arena_reserve(struct arena *a, size_t len);

/* Release the strings; the flags stay, for a later arena_init(). */
void arena_free(struct arena *a);

#define ARENA_STR(a, off)	((a)->base + (off))
#define ARENA_FAIL		((uint32_t)-1)

#endif
