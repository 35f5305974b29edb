/*
 * rules/lines.c - reading a loaded set back, line by line, and reading a
 * lone SERVER field: the parser's understanding of the language, given to
 * callers that translate it (rules.h, "reading a loaded set back").
 *
 * Nothing here parses the language again: a line comes from its compiled
 * struct rule, a SERVER field goes through server_parse() itself.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"

static const enum rules_pattern_kind pattern_kinds[] = {
	[PATTERN_EXACT] = RULES_PATTERN_EXACT,
	[PATTERN_SUFFIX] = RULES_PATTERN_SUFFIX,
	[PATTERN_ALL] = RULES_PATTERN_ALL,
	[PATTERN_GENERAL] = RULES_PATTERN_GENERAL
};

static const enum rules_server_kind server_kinds[] = {
	[SERVER_NAME] = RULES_SERVER_NAME,
	[SERVER_IPV4] = RULES_SERVER_IPV4,
	[SERVER_IPV6] = RULES_SERVER_IPV6,
	[SERVER_NULL] = RULES_SERVER_NULL,
	[SERVER_USEDNS] = RULES_SERVER_USEDNS
};

/* The server of r, its strings in arena a (the set's, or a scratch one). */
static void
server_fill(const struct arena *a, const struct rule *r,
    struct rules_server *out)
{
	uint8_t addr[16];

	memset(out, 0, sizeof(*out));
	out->kind = server_kinds[r->server_kind];
	out->port = r->port;
	if (r->user != ARENA_NONE) {
		out->user = ARENA_STR(a, r->user);
		out->pass = ARENA_STR(a, r->pass);
	}
	if (r->server_kind == SERVER_NULL || r->server_kind == SERVER_USEDNS)
		return;
	if (r->server_kind == SERVER_NAME) {
		snprintf(out->host, sizeof(out->host), "%s",
		    ARENA_STR(a, r->host));
		return;
	}
	/* an address target is stored under its synthetic name */
	if (rules_synth_addr(ARENA_STR(a, r->host), addr) != 0)
		inet_ntop(r->server_kind == SERVER_IPV4 ? AF_INET : AF_INET6,
		    addr, out->host, sizeof(out->host));
}

int
rules_line_get(const struct rules *set, size_t i, struct rules_line *out)
{
	const struct rule *r;

	if (i >= set->rule_count)
		return -1;
	r = &set->rule[i];
	memset(out, 0, sizeof(*out));
	out->line = r->line;
	out->pattern = RULE_PATTERN(set, r);
	out->pattern_kind = pattern_kinds[r->pattern_kind];
	server_fill(&set->str, r, &out->server);
	if (r->flags & RULE_END)
		out->flags |= RULES_LINE_END;
	if (r->flags & RULE_ADDDNS)
		out->flags |= RULES_LINE_ADDDNS;
	if (r->flags & RULE_LOOKUPMX)
		out->flags |= RULES_LINE_LOOKUPMX;
	if (r->flags & RULE_PRIORITY)
		out->flags |= RULES_LINE_PRIORITY;
	out->priority = r->priority;
	out->cond_count = r->cond_count;
	return 0;
}

const char *
rules_line_cond(const struct rules *set, size_t i, size_t k, size_t *len)
{
	const struct rule *r;
	const struct cond *c;

	if (i >= set->rule_count || k >= set->rule[i].cond_count)
		return NULL;
	r = &set->rule[i];
	c = &set->cond[r->cond_first + k];
	*len = c->token_len;
	return set->text + r->text_off + c->column - 1;
}

static const enum rules_cond_attr cond_attrs[] = {
	[ATTR_RETRIES] = RULES_COND_RETRIES,
	[ATTR_SIZE] = RULES_COND_SIZE,
	[ATTR_AUTHSENDER] = RULES_COND_AUTHSENDER,
	[ATTR_FROM] = RULES_COND_FROM,
	[ATTR_CLIENT] = RULES_COND_CLIENT,
	[ATTR_DNSMX] = RULES_COND_DNSMX
};

static const enum rules_cond_op cond_ops[] = {
	[OP_EQ] = RULES_OP_EQ, [OP_NE] = RULES_OP_NE, [OP_LT] = RULES_OP_LT,
	[OP_LE] = RULES_OP_LE, [OP_GT] = RULES_OP_GT, [OP_GE] = RULES_OP_GE,
	[OP_MATCH] = RULES_OP_MATCH, [OP_NOMATCH] = RULES_OP_NOMATCH
};

static const enum rules_cond_value cond_values[] = {
	[VALUE_NUMBER] = RULES_VALUE_NUMBER,
	[VALUE_TEXT] = RULES_VALUE_TEXT,
	[VALUE_GLOB] = RULES_VALUE_GLOB,
	[VALUE_REGEX] = RULES_VALUE_REGEX,
	[VALUE_CIDR] = RULES_VALUE_CIDR
};

/* A regex and a CIDR are kept compiled: their text is the token's. */
static void
cond_token_value(const struct cond *c, struct rules_cond *out)
{
	const char *t = out->token, *end = t + out->token_len;
	const char *first, *last;

	if (c->value == VALUE_REGEX) {
		/* the parser took the first and the last slash */
		first = memchr(t, '/', out->token_len);
		for (last = end - 1; last > first && *last != '/'; last--)
			continue;
		out->text = first + 1;
		out->text_len = (size_t)(last - first - 1);
		out->icase = last + 1 < end;
		return;
	}
	/* "$client", then the operator */
	for (t++; t < end && *t != '=' && *t != '!' && *t != '<' &&
	    *t != '>'; t++)
		continue;
	while (t < end && (*t == '=' || *t == '!' || *t == '<' || *t == '>'))
		t++;
	out->text = t;
	out->text_len = (size_t)(end - t);
}

int
rules_line_cond_get(const struct rules *set, size_t i, size_t k,
    struct rules_cond *out)
{
	const struct cond *c;
	size_t len;

	memset(out, 0, sizeof(*out));
	if ((out->token = rules_line_cond(set, i, k, &len)) == NULL)
		return -1;
	out->token_len = len;
	c = &set->cond[set->rule[i].cond_first + k];
	out->attr = cond_attrs[c->attr];
	out->op = cond_ops[c->op];
	out->value = cond_values[c->value];
	switch (c->value) {
	case VALUE_NUMBER:
		out->number = c->v.number;
		break;
	case VALUE_TEXT:
	case VALUE_GLOB:
		out->text = ARENA_STR(&set->str, c->v.text.off);
		out->text_len = c->v.text.len;
		break;
	default:
		cond_token_value(c, out);
		break;
	}
	return 0;
}

int
rules_server_read(const char *s, size_t len, struct rules_server *out,
    char *why, size_t whylen)
{
	struct rules_first first = { 0 };
	struct rules_load_opts opts = { .diag = rules_first_error,
	    .diag_arg = &first };
	struct rules set = { 0 };
	struct parse_state ps = { 0 };
	struct rule r = { 0 };
	int rc = -1;

	snprintf(why, whylen, "out of memory");
	if (memchr(s, '@', len) != NULL) {
		snprintf(why, whylen, "credentials are not read here");
		return -1;
	}
	if (arena_init(&set.str, len + 64, 0) < 0)
		return -1;
	ps.set = &set;
	ps.opts = &opts;
	ps.file = "";
	ps.line_start = s;
	ps.max_errors = 2;
	if (server_parse(&ps, s, len, &r) == 0) {
		server_fill(&set.str, &r, out);
		rc = 0;
	} else if (first.found)
		snprintf(why, whylen, "%s", first.message);
	arena_free(&set.str);
	return rc;
}

unsigned
rules_line_number(const struct rules *set, size_t i)
{
	return i < set->rule_count ? set->rule[i].line : 0;
}

size_t
rules_line_index(const struct rules *set, unsigned line)
{
	size_t lo = 0, hi = set->rule_count, mid;

	while (lo < hi) {	/* rules are kept in file order */
		mid = lo + (hi - lo) / 2;
		if (set->rule[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < set->rule_count && set->rule[lo].line == line ? lo :
	    (size_t)-1;
}
