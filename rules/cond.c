/*
 * rules/cond.c - conditions: `$ATTR OP VALUE` and `$dnsmx:GLOB`, parsed
 * once at load into typed values (numbers, lowered text, globs, compiled
 * regexes, CIDRs) so evaluation only compares.
 */
#include "config.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "glob.h"
#include "parse.h"

/* Bound the work one regex match may do, so no line can stall a query
 * (the depth limit is ignored by JIT, the heap limit counts KiB). */
#define REGEX_MATCH_LIMIT	100000
#define REGEX_DEPTH_LIMIT	1000
#define REGEX_HEAP_LIMIT	1024

static const struct {
	const char	*name;
	enum cond_attr	 attr;
	enum cond_value	 type;		/* VALUE_NUMBER, VALUE_TEXT, VALUE_CIDR */
} attrs[] = {
	{ "retries",	ATTR_RETRIES,	VALUE_NUMBER },
	{ "size",	ATTR_SIZE,	VALUE_NUMBER },
	{ "authsender",	ATTR_AUTHSENDER, VALUE_TEXT },
	{ "from",	ATTR_FROM,	VALUE_TEXT },
	{ "client",	ATTR_CLIENT,	VALUE_CIDR },
};

/* Longest first, so `<=` is not read as `<`. */
static const struct {
	const char	*text;
	enum cond_op	 op;
} ops[] = {
	{ "==", OP_EQ }, { "<>", OP_NE }, { "!=", OP_NE }, { "<=", OP_LE },
	{ ">=", OP_GE }, { "~=", OP_MATCH }, { "~!", OP_NOMATCH },
	{ "=", OP_EQ }, { "<", OP_LT }, { ">", OP_GT },
};

#define OPS_LIST "= == <> != < <= > >= ~= ~!"

static unsigned
ctx_bit(enum cond_attr attr)
{
	switch (attr) {
	case ATTR_RETRIES:	return RULES_CTX_RETRIES;
	case ATTR_SIZE:		return RULES_CTX_SIZE;
	case ATTR_AUTHSENDER:	return RULES_CTX_AUTHSENDER;
	case ATTR_FROM:		return RULES_CTX_FROM;
	case ATTR_CLIENT:	return RULES_CTX_CLIENT;
	default:		return 0;
	}
}

static int
parse_number(struct parse_state *ps, const char *s, size_t len,
    struct cond *c)
{
	char	q[64];
	size_t	i;

	if (rules_parse_number(s, len, &c->v.number) < 0) {
		for (i = 0; i < len; i++)
			if (s[i] < '0' || s[i] > '9')
				return parse_error(ps, s + i, "expected an "
				    "unsigned decimal number, found %s",
				    diag_quote(ps, s, len, q, sizeof(q)));
		return parse_error(ps, s, "number %s is too large",
		    diag_quote(ps, s, len, q, sizeof(q)));
	}
	c->value = VALUE_NUMBER;
	return 0;
}

static int
store_text(struct parse_state *ps, const char *s, size_t len, struct cond *c,
    enum cond_value kind)
{
	c->value = (uint8_t)kind;
	c->v.text.off = arena_add(&ps->set->str, s, len, 1);
	c->v.text.len = (uint32_t)len;
	return c->v.text.off == ARENA_FAIL ? parse_error(ps, s,
	    "out of memory") : 0;
}

static int
regex_store(struct parse_state *ps, pcre2_code *code, struct cond *c)
{
	struct rules	 *set = ps->set;
	pcre2_code	**n;

	if ((set->regex_count & (set->regex_count + 1)) == 0) {
		n = reallocarray(set->regex, set->regex_count * 2 + 1,
		    sizeof(*n));
		if (n == NULL)
			return -1;
		set->regex = n;
	}
	c->value = VALUE_REGEX;
	c->v.regex = (uint32_t)set->regex_count;
	set->regex[set->regex_count++] = code;
	return 0;
}

/* `/REGEX/FLAGS`: s points at the first `/`. */
static int
parse_regex(struct parse_state *ps, const char *s, size_t len, struct cond *c)
{
	const char	*last = NULL;
	pcre2_code	*code;
	PCRE2_SIZE	 erroff;
	char		 msg[256];
	uint32_t	 options = 0;
	size_t		 i;
	int		 err;

	for (i = 1; i < len; i++)
		if (s[i] == '/')
			last = s + i;
	if (last == NULL)
		return parse_error(ps, s, "expected '/' to close the regex");
	for (i = (size_t)(last - s) + 1; i < len; i++) {
		if (s[i] != 'i')
			return parse_error(ps, s + i, "unknown regex flag '%c' "
			    "(only 'i' is allowed)", s[i]);
		options |= PCRE2_CASELESS;
	}
	code = pcre2_compile((PCRE2_SPTR)(s + 1), (PCRE2_SIZE)(last - s - 1),
	    options, &err, &erroff, NULL);
	if (code == NULL) {
		pcre2_get_error_message(err, (PCRE2_UCHAR *)msg, sizeof(msg));
		return parse_error(ps, s + 1 + erroff, "regex does not compile: "
		    "%s", (const char *)msg);
	}
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	if (regex_probe(code, ps->set->match_ctx, s + 1,
	    (size_t)(last - s - 1), msg, sizeof(msg)) < 0) {
		pcre2_code_free(code);
		return parse_error(ps, s, "%s", msg);
	}
	if (regex_store(ps, code, c) < 0) {
		pcre2_code_free(code);
		return parse_error(ps, s, "out of memory");
	}
	return 0;
}

static int
parse_cidr_value(struct parse_state *ps, const char *s, size_t len,
    struct cond *c)
{
	char		buf[INET6_ADDRSTRLEN + 8];
	int		family;
	unsigned	prefix;

	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (rules_parse_cidr(buf, &family, c->v.cidr.addr, &prefix) != 0)
		goto bad;
	c->value = VALUE_CIDR;
	c->family = (uint8_t)family;
	c->v.cidr.prefix = (uint8_t)prefix;
	return 0;
bad:
	return parse_error(ps, s, "expected an address or CIDR "
	    "(10.0.0.0/8, 2001:db8::/32), found %s",
	    diag_quote(ps, s, len, buf, sizeof(buf)));
}

static int
parse_dnsmx(struct parse_state *ps, const char *tok, size_t len,
    struct cond *c)
{
	const char	*g = tok + 7;	/* after "$dnsmx:" */
	size_t		 glen = len - 7;

	c->attr = ATTR_DNSMX;
	c->op = OP_MATCH;
	if (glen > 0 && g[0] == '!') {
		c->op = OP_NOMATCH;
		g++;
		glen--;
	}
	if (glen == 0)
		return parse_error(ps, g, "expected a host wildcard after "
		    "'$dnsmx:'");
	return store_text(ps, g, glen, c, VALUE_GLOB);
}

static int
find_attr(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (strlen(attrs[i].name) == len &&
		    strncasecmp(attrs[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static int
find_op(const char *s, size_t len, size_t *oplen)
{
	size_t i, n;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		n = strlen(ops[i].text);
		if (n <= len && memcmp(s, ops[i].text, n) == 0) {
			*oplen = n;
			return (int)i;
		}
	}
	return -1;
}

static int
parse_value(struct parse_state *ps, int a, const char *op, const char *val,
    size_t vlen, struct cond *c)
{
	if (attrs[a].type == VALUE_CIDR) {
		if (c->op != OP_EQ && c->op != OP_NE)
			return parse_error(ps, op, "$client takes only = "
			    "== (inside) or != <> (outside)");
		return parse_cidr_value(ps, val, vlen, c);
	}
	if (c->op == OP_MATCH || c->op == OP_NOMATCH) {
		if (attrs[a].type == VALUE_NUMBER)
			return parse_error(ps, op, "~= and ~! compare "
			    "text; $%s is a number", attrs[a].name);
		if (val[0] == '/')
			return parse_regex(ps, val, vlen, c);
		return store_text(ps, val, vlen, c, VALUE_GLOB);
	}
	if (attrs[a].type == VALUE_NUMBER)
		return parse_number(ps, val, vlen, c);
	return store_text(ps, val, vlen, c, VALUE_TEXT);
}

int
cond_parse(struct parse_state *ps, const char *tok, size_t len,
    struct cond *c)
{
	const char	*val;
	char		 q[80];
	size_t		 n = 1, oplen;
	int		 a, o;

	memset(c, 0, sizeof(*c));
	c->column = (uint16_t)(tok - ps->line_start + 1);
	c->token_len = (uint16_t)len;
	if (len >= 7 && strncasecmp(tok, "$dnsmx:", 7) == 0)
		return parse_dnsmx(ps, tok, len, c);
	if (len == 6 && strncasecmp(tok, "$dnsmx", 6) == 0)
		return parse_error(ps, tok + 6, "expected ':GLOB' after $dnsmx");
	while (n < len && ((tok[n] >= 'a' && tok[n] <= 'z') ||
	    (tok[n] >= 'A' && tok[n] <= 'Z')))
		n++;
	if ((a = find_attr(tok + 1, n - 1)) < 0)
		return parse_error(ps, tok, "unknown token %s (expected "
		    "$end, $adddns, $lookupmx, $priority:N, $dnsmx:GLOB or a "
		    "condition on $retries, $size, $authsender, $from, "
		    "$client)", diag_quote(ps, tok, len, q, sizeof(q)));
	c->attr = (uint8_t)attrs[a].attr;
	if ((o = find_op(tok + n, len - n, &oplen)) < 0)
		return parse_error(ps, tok + n, "expected an operator (" OPS_LIST
		    ") after $%s", attrs[a].name);
	c->op = (uint8_t)ops[o].op;
	val = tok + n + oplen;
	if (val == tok + len)
		return parse_error(ps, val, "expected a value after '%s'",
		    ops[o].text);
	return parse_value(ps, a, tok + n, val, (size_t)(tok + len - val), c);
}

/* ---- evaluation ---- */

static int
compare(enum cond_op op, int cmp)
{
	switch (op) {
	case OP_EQ:	return cmp == 0;
	case OP_NE:	return cmp != 0;
	case OP_LT:	return cmp < 0;
	case OP_LE:	return cmp <= 0;
	case OP_GT:	return cmp > 0;
	case OP_GE:	return cmp >= 0;
	default:	return 0;
	}
}

/* Sign of (subject - value), bytes compared after lowering both sides
 * (the value was lowered at load). */
static int
compare_text(const char *s, const char *lowered, size_t llen)
{
	unsigned char	a, b;
	size_t		i;

	for (i = 0; i < llen; i++) {
		if (s[i] == '\0')
			return -1;
		a = (unsigned char)ascii_lower(s[i]);
		b = (unsigned char)lowered[i];
		if (a != b)
			return a < b ? -1 : 1;
	}
	return s[i] == '\0' ? 0 : 1;
}

/*
 * One match block per thread, made at its first regex and freed when the
 * thread ends: a pthread key rather than _Thread_local, whose block a
 * program making short-lived threads (the shim in a threaded sender,
 * mxshimd's slow control commands) would lose at each thread's end.
 */
static pthread_once_t	match_once = PTHREAD_ONCE_INIT;
static pthread_key_t	match_key;
static int		match_key_ok;

static void
match_data_free(void *md)
{
	pcre2_match_data_free(md);
}

static void
match_key_create(void)
{
	match_key_ok = pthread_key_create(&match_key, match_data_free) == 0;
}

static pcre2_match_data *
thread_match_data(void)
{
	pcre2_match_data *md;

	if (pthread_once(&match_once, match_key_create) != 0 || !match_key_ok)
		return NULL;
	if ((md = pthread_getspecific(match_key)) != NULL)
		return md;
	if ((md = pcre2_match_data_create(1, NULL)) != NULL &&
	    pthread_setspecific(match_key, md) != 0) {
		pcre2_match_data_free(md);
		md = NULL;
	}
	return md;
}

/* A regex that errs (a limit: see probe.c) counts as not matching either way: the
 * line does not apply rather than applying by accident. */
static int
regex_holds(const struct rules *set, const struct cond *c, const char *s)
{
	pcre2_match_data	*md = thread_match_data();
	int			 rc;

	if (md == NULL)
		return 0;
	rc = pcre2_match(set->regex[c->v.regex], (PCRE2_SPTR)s, strlen(s), 0,
	    0, md, set->match_ctx);
	if (rc >= 0)
		return c->op == OP_MATCH;
	if (rc == PCRE2_ERROR_NOMATCH)
		return c->op == OP_NOMATCH;
	return 0;
}

static int
text_holds(const struct rules *set, const struct cond *c, const char *s)
{
	const char	*v = ARENA_STR(&set->str, c->v.text.off);
	int		 m;

	if (s == NULL)
		return 0;
	switch (c->value) {
	case VALUE_REGEX:
		return regex_holds(set, c, s);
	case VALUE_GLOB:
		m = rules_glob_match(v, c->v.text.len, s, strlen(s));
		return c->op == OP_MATCH ? m : !m;
	default:
		return compare(c->op, compare_text(s, v, c->v.text.len));
	}
}

static int
client_inside(const struct cond *c, const struct rules_ctx *ctx)
{
	const uint8_t	*a = ctx->client_addr;
	int		 family = ctx->client_family;
	unsigned	 bits = c->v.cidr.prefix, full = bits / 8, rest = bits % 8;
	static const uint8_t mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

	/* An IPv4 client seen through a dual-stack socket. */
	if (family == AF_INET6 && c->family == AF_INET &&
	    memcmp(a, mapped, 12) == 0) {
		a += 12;
		family = AF_INET;
	}
	if (family != c->family)
		return 0;
	if (memcmp(a, c->v.cidr.addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ c->v.cidr.addr[full]) & (0xff << (8 - rest))) == 0;
}

static int
cond_holds(const struct rules *set, const struct cond *c,
    const struct rules_ctx *ctx)
{
	switch (c->attr) {
	case ATTR_RETRIES:
		return compare(c->op, ctx->retries < c->v.number ? -1 :
		    ctx->retries > c->v.number);
	case ATTR_SIZE:
		return compare(c->op, ctx->size < c->v.number ? -1 :
		    ctx->size > c->v.number);
	case ATTR_AUTHSENDER:
		return text_holds(set, c, ctx->authsender);
	case ATTR_FROM:
		return text_holds(set, c, ctx->from);
	case ATTR_CLIENT:
		return client_inside(c, ctx) == (c->op == OP_EQ);
	default:
		return 0;
	}
}

int
cond_eval_context(const struct rules *set, const struct rule *r,
    const struct rules_ctx *ctx, const struct cond **failed, int *unknown,
    int *client_dep)
{
	const struct cond	*c;
	uint16_t		 i;

	if (r->cond_count == 0)
		return 1;
	c = set->cond + r->cond_first;
	for (i = 0; i < r->cond_count; i++, c++) {
		if (c->attr == ATTR_DNSMX)
			continue;
		if ((ctx->known & ctx_bit(c->attr)) == 0) {
			*failed = c;
			*unknown = 1;
			return 0;
		}
		if (c->attr == ATTR_CLIENT)
			*client_dep = 1;
		if (!cond_holds(set, c, ctx)) {
			*failed = c;
			*unknown = 0;
			return 0;
		}
	}
	return 1;
}

int
cond_eval_dnsmx(const struct rules *set, const struct cond *c,
    const struct rules_real_rrset *rr)
{
	const char	*g = ARENA_STR(&set->str, c->v.text.off);
	size_t		 i;
	int		 any = 0;

	if (rr->status == RULES_REAL_OK)
		for (i = 0; i < rr->count && !any; i++)
			if (rr->mx[i].host[0] != '\0')	/* null MX: no host */
				any = rules_glob_match(g, c->v.text.len,
				    rr->mx[i].host, strlen(rr->mx[i].host));
	return c->op == OP_MATCH ? any : !any;
}

void
cond_free(struct rules *set)
{
	size_t i;

	for (i = 0; i < set->regex_count; i++)
		pcre2_code_free(set->regex[i]);
	free(set->regex);
	pcre2_match_context_free(set->match_ctx);
}

int
cond_setup(struct rules *set)
{
	set->match_ctx = pcre2_match_context_create(NULL);
	if (set->match_ctx == NULL)
		return -1;
	pcre2_set_match_limit(set->match_ctx, REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(set->match_ctx, REGEX_DEPTH_LIMIT);
	pcre2_set_heap_limit(set->match_ctx, REGEX_HEAP_LIMIT);
	return 0;
}
