/*
 * rules/rules_int.h - the compiled form of a rule set, shared by the
 * parser, the index and the evaluator.  Not for users of the engine.
 *
 * A set is one arena of strings, one array of rules in file order, one
 * array of conditions, the compiled regexes, and two hash indexes (exact
 * names, `*.suffix` names).  Every rule sits on exactly one chain (an
 * index entry's, the catch-all chain or the general chain), linked by
 * `next` in file order, so evaluation merges a few sorted chains instead of
 * walking the file.
 */
#ifndef MXSHIM_RULES_INT_H
#define MXSHIM_RULES_INT_H

#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "arena.h"
#include "rules.h"

#define RULE_NONE	UINT32_MAX

enum pattern_kind {
	PATTERN_EXACT,		/* example.com */
	PATTERN_SUFFIX,		/* *.example.com (key: example.com) */
	PATTERN_ALL,		/* * */
	PATTERN_GENERAL		/* any other wildcard: scanned */
};

enum server_kind {
	SERVER_NAME,
	SERVER_IPV4,
	SERVER_IPV6,
	SERVER_NULL,		/* `.`: RFC 7505 null MX */
	SERVER_USEDNS
};

enum cond_attr {
	ATTR_RETRIES,
	ATTR_SIZE,
	ATTR_AUTHSENDER,
	ATTR_FROM,
	ATTR_CLIENT,
	ATTR_DNSMX		/* $dnsmx:GLOB / $dnsmx:!GLOB */
};

enum cond_op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_MATCH, OP_NOMATCH
};

enum cond_value {
	VALUE_NUMBER,
	VALUE_TEXT,		/* lowercased */
	VALUE_GLOB,
	VALUE_REGEX,
	VALUE_CIDR
};

struct cond {
	uint8_t		attr;		/* enum cond_attr */
	uint8_t		op;		/* enum cond_op; OP_NOMATCH: $dnsmx:! */
	uint8_t		value;		/* enum cond_value */
	uint8_t		family;		/* VALUE_CIDR */
	uint16_t	column;		/* of the token, 1-based */
	uint16_t	token_len;
	union {
		uint64_t	number;
		struct {
			uint32_t	off;	/* arena */
			uint32_t	len;
		} text;
		uint32_t	regex;		/* index into set->regex */
		struct {
			uint8_t		prefix;
			uint8_t		addr[16];
		} cidr;
	} v;
};

/* Rule flags. */
#define RULE_END	0x01
#define RULE_ADDDNS	0x02
#define RULE_LOOKUPMX	0x04
#define RULE_PRIORITY	0x08	/* $priority given */
#define RULE_DNSMX	0x10	/* has a $dnsmx condition */
#define RULE_RESOLVER_DEAD 0x20	/* a condition the resolver never knows */

struct rule {
	uint32_t	line;
	uint32_t	text_off;	/* the line in set->text */
	uint16_t	text_len;
	uint16_t	pattern_len;
	uint32_t	pattern;	/* arena, lowercased, no trailing dot */
	uint32_t	next;		/* next rule on the same chain */
	uint32_t	host;		/* arena: name or synthetic name */
	uint32_t	user;		/* arena or ARENA_NONE */
	uint32_t	pass;
	uint32_t	cond_first;
	uint16_t	cond_count;
	uint16_t	priority;
	uint16_t	port;
	uint8_t		pattern_kind;
	uint8_t		server_kind;
	uint8_t		flags;
};

/* One slot of an open-addressing index: a chain of rules, keyed by the
 * pattern (or its suffix) of the chain's first rule. */
struct index_slot {
	uint32_t	hash;
	uint32_t	head;		/* RULE_NONE: empty slot */
	uint32_t	tail;
};

struct rules_index {
	struct index_slot	*slot;
	size_t			 mask;	/* slots - 1 */
	size_t			 used;
	size_t			 key_skip;	/* 0 exact, 2 for "*." */
};

struct rules {
	char			*file;		/* for diagnostics */
	char			*text;		/* the file, kept for the trace */
	size_t			 text_len;
	struct arena		 str;
	struct rule		*rule;
	size_t			 rule_count;
	struct cond		*cond;
	size_t			 cond_count;
	pcre2_code		**regex;
	size_t			 regex_count;
	pcre2_match_context	*match_ctx;
	struct rules_index	 exact;
	struct rules_index	 suffix;
	uint32_t		 all_head, all_tail;
	uint32_t		 general_head, general_tail;
	int			 has_ports;
	int			 has_credentials;
};

#define RULE_PATTERN(set, r)	ARENA_STR(&(set)->str, (r)->pattern)
#define RULE_HOST(set, r)	ARENA_STR(&(set)->str, (r)->host)

/* ---- index.c ---- */

/* Build the indexes and chains once every rule is parsed; -1 on ENOMEM. */
int index_build(struct rules *set);

/* The chain head for an exact name / a suffix key (lowercase), or RULE_NONE. */
uint32_t index_find(const struct rules *set, const struct rules_index *ix,
    const char *key, size_t len);

void index_free(struct rules_index *ix);

/* ---- cond.c ---- */

/*
 * Evaluate the conditions of r in ctx that need no real data.  Returns 1
 * when all hold, else 0 and sets *failed to the failing condition and
 * *unknown when its attribute was not in the context.  *client_dep is set
 * when a $client condition was looked at.
 */
int cond_eval_context(const struct rules *set, const struct rule *r,
    const struct rules_ctx *ctx, const struct cond **failed, int *unknown,
    int *client_dep);

/* Evaluate one $dnsmx condition against a real MX RRset. */
int cond_eval_dnsmx(const struct rules *set, const struct cond *c,
    const struct rules_real_rrset *rr);

/* Ready the regex match limits of a new set; -1 on ENOMEM. */
int cond_setup(struct rules *set);

/* Free what conditions own in a set (regexes, match context). */
void cond_free(struct rules *set);

/* ---- probe.c ---- */

/*
 * Try the compiled regex pat[0..len) on the inputs that expose
 * catastrophic backtracking, under the limits of mctx, with and without
 * JIT.  Returns 0, or -1 with the reason in why when a match hits a limit.
 */
int regex_probe(const pcre2_code *code, const pcre2_match_context *mctx,
    const char *pat, size_t len, char *why, size_t whylen);

#endif
