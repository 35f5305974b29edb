/*
 * rules/parse.c - reading a rules file: lines, PATTERN, tokens, and the
 * whole-file-or-nothing contract.
 *
 * The file is read into memory once and kept (the explain trace quotes its
 * lines); everything evaluation compares is copied, lowered, into the
 * arena.  Parsing goes on after an error so that one run of `mxshim check`
 * shows every error, but any error discards the set.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glob.h"
#include "parse.h"

#define DEFAULT_MAX_ERRORS	100

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next field of [*s, end); NULL at the end of the line. */
static const char *
next_field(const char **s, const char *end, size_t *len)
{
	const char *p = *s, *start;

	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return NULL;
	start = p;
	while (p < end && !is_blank(*p))
		p++;
	*len = (size_t)(p - start);
	*s = p;
	return start;
}

static int
classify_pattern(struct parse_state *ps, const char *p, size_t len,
    struct rule *r)
{
	const char	*bad, *why;
	size_t		 i;

	if (len > 1 && p[len - 1] == '.')
		len--;
	if (len > 1 && p[len - 1] == '.')
		return parse_error(ps, p + len - 1, "expected a domain "
		    "pattern, found an empty label");
	for (i = 0; i < len; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' &&
		    p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
		    strchr("-_.*?", p[i]) != NULL))
			return parse_error(ps, p + i, "expected a domain "
			    "pattern (letters, digits, '-', '_', '.', '*', "
			    "'?'), found '%c'", p[i]);
	for (i = 0; i < len; i++)
		if (p[i] == '.' && (i == 0 || p[i - 1] == '.'))
			return parse_error(ps, p + i, "expected a domain "
			    "pattern, found an empty label");
	if (len == 1 && p[0] == '*')
		r->pattern_kind = PATTERN_ALL;
	else if (!glob_has_wild(p, len)) {
		if (!name_valid(p, len, &bad, &why))
			return parse_error(ps, bad, "expected a domain name "
			    "as pattern, found %s", why);
		r->pattern_kind = PATTERN_EXACT;
	} else if (len > 2 && p[0] == '*' && p[1] == '.' &&
	    !glob_has_wild(p + 2, len - 2) && name_valid(p + 2, len - 2,
	    &bad, &why))
		r->pattern_kind = PATTERN_SUFFIX;
	else
		r->pattern_kind = PATTERN_GENERAL;
	r->pattern = arena_add(&ps->set->str, p, len, 1);
	r->pattern_len = (uint16_t)len;
	return r->pattern == ARENA_FAIL ? parse_error(ps, p, "out of memory") :
	    0;
}

static int
cond_append(struct parse_state *ps, struct rule *r, const char *tok,
    size_t len)
{
	struct rules	*set = ps->set;
	struct cond	*c, *n;
	char		 q[80];
	uint16_t	 i;

	if ((set->cond_count & (set->cond_count + 1)) == 0) {
		n = reallocarray(set->cond, set->cond_count * 2 + 1,
		    sizeof(*n));
		if (n == NULL)
			return parse_error(ps, tok, "out of memory");
		set->cond = n;
	}
	c = set->cond + set->cond_count;
	if (cond_parse(ps, tok, len, c) < 0)
		return -1;
	for (i = 0; i < r->cond_count; i++) {
		const struct cond *o = set->cond + r->cond_first + i;

		if (o->token_len == len && memcmp(ps->line_start +
		    o->column - 1, tok, len) == 0)
			return parse_error(ps, tok, "%s is given twice",
			    diag_quote(ps, tok, len, q, sizeof(q)));
	}
	if (r->cond_count == 0)
		r->cond_first = (uint32_t)set->cond_count;
	if (c->attr == ATTR_DNSMX)
		r->flags |= RULE_DNSMX;
	else if (c->attr != ATTR_CLIENT)
		r->flags |= RULE_RESOLVER_DEAD;
	set->cond_count++;
	r->cond_count++;
	return 0;
}

static int
set_flag(struct parse_state *ps, struct rule *r, unsigned flag,
    const char *tok, size_t len)
{
	char q[80];

	if (r->flags & flag)
		return parse_error(ps, tok, "%s is given twice",
		    diag_quote(ps, tok, len, q, sizeof(q)));
	r->flags |= flag;
	return 0;
}

static int
parse_priority(struct parse_state *ps, struct rule *r, const char *tok,
    size_t len)
{
	unsigned long	n = 0;
	size_t		i;
	char		q[64];

	if (set_flag(ps, r, RULE_PRIORITY, tok, len) < 0)
		return -1;
	if (len == 10)
		return parse_error(ps, tok + 10, "expected a number (0-65535) "
		    "after '$priority:'");
	for (i = 10; i < len; i++) {
		if (tok[i] < '0' || tok[i] > '9')
			return parse_error(ps, tok + i, "expected a number "
			    "(0-65535) after '$priority:'");
		if ((n = n * 10 + (unsigned long)(tok[i] - '0')) > 65535)
			return parse_error(ps, tok + 10, "priority %s out "
			    "of range (0-65535)", diag_quote(ps, tok + 10,
			    len - 10, q, sizeof(q)));
	}
	r->priority = (uint16_t)n;
	return 0;
}

static int
parse_token(struct parse_state *ps, struct rule *r, const char *tok,
    size_t len)
{
	char q[80];

	if (tok[0] != '$')
		return parse_error(ps, tok, "expected a $token or a condition, "
		    "found %s", diag_quote(ps, tok, len, q, sizeof(q)));
	if (len == 4 && strncasecmp(tok, "$end", 4) == 0)
		return set_flag(ps, r, RULE_END, tok, len);
	if (len == 7 && strncasecmp(tok, "$adddns", 7) == 0)
		return set_flag(ps, r, RULE_ADDDNS, tok, len);
	if (len == 9 && strncasecmp(tok, "$lookupmx", 9) == 0)
		return set_flag(ps, r, RULE_LOOKUPMX, tok, len);
	if (len >= 10 && strncasecmp(tok, "$priority:", 10) == 0)
		return parse_priority(ps, r, tok, len);
	if (len == 9 && strncasecmp(tok, "$priority", 9) == 0)
		return parse_error(ps, tok + 9, "expected ':N' after $priority");
	return cond_append(ps, r, tok, len);
}

/* Combinations that cannot mean anything. */
static int
check_combination(struct parse_state *ps, struct rule *r, const char *server)
{
	if (r->server_kind == SERVER_NULL && (r->flags & RULE_ADDDNS))
		return parse_error(ps, server, "the null MX '.' cannot take "
		    "$adddns: it is the whole answer");
	if (r->server_kind == SERVER_NULL && (r->flags & RULE_LOOKUPMX))
		return parse_error(ps, server, "the null MX '.' cannot take "
		    "$lookupmx");
	if (r->server_kind == SERVER_USEDNS && (r->flags & RULE_LOOKUPMX))
		return parse_error(ps, server, "USEDNS cannot take $lookupmx; "
		    "name the domain to look up as SERVER instead");
	if ((r->server_kind == SERVER_IPV4 || r->server_kind == SERVER_IPV6) &&
	    (r->flags & RULE_LOOKUPMX))
		return parse_error(ps, server, "$lookupmx needs a domain name "
		    "as SERVER, not an address");
	if ((r->server_kind == SERVER_NULL || r->server_kind == SERVER_USEDNS)
	    && (r->flags & RULE_PRIORITY))
		parse_warning(ps, server, "$priority has no effect on '%s'",
		    r->server_kind == SERVER_NULL ? "." : "USEDNS");
	if (r->server_kind == SERVER_USEDNS && (r->flags & RULE_ADDDNS))
		parse_warning(ps, server, "$adddns adds nothing to USEDNS");
	return 0;
}

/*
 * Whether the line may hold credentials, so that no message quotes its
 * text: any `@`, or a SERVER with text other than a port after a `:`
 * (`USER:PASS` cut short by a space in the password).
 */
static int
may_hold_secret(const char *line, const char *end, const char *server,
    size_t slen)
{
	const char	*colon;
	size_t		 rest;

	if (memchr(line, '@', (size_t)(end - line)) != NULL)
		return 1;
	if (server[0] == '[' || (colon = memchr(server, ':', slen)) == NULL)
		return 0;
	rest = slen - (size_t)(colon + 1 - server);
	return rest == 0 || strspn(colon + 1, "0123456789") < rest;
}

static int
parse_line(struct parse_state *ps, struct rule *r, const char *s,
    const char *end)
{
	const char	*pattern, *server, *tok;
	size_t		 plen, slen, tlen;
	int		 failed = 0;

	memset(r, 0, sizeof(*r));
	r->priority = RULES_DEFAULT_PRIORITY;
	r->port = RULES_DEFAULT_PORT;
	r->line = ps->line;
	r->text_off = (uint32_t)(ps->line_start - ps->set->text);
	r->text_len = (uint16_t)(end - ps->line_start);
	pattern = next_field(&s, end, &plen);
	if (classify_pattern(ps, pattern, plen, r) < 0)
		failed = 1;
	if ((server = next_field(&s, end, &slen)) == NULL)
		return parse_error(ps, end, "expected a SERVER after the "
		    "pattern");
	ps->secret = may_hold_secret(ps->line_start, end, server, slen);
	if (server_parse(ps, server, slen, r) < 0)
		failed = 1;
	while ((tok = next_field(&s, end, &tlen)) != NULL)
		if (parse_token(ps, r, tok, tlen) < 0)
			failed = 1;
	if (failed)
		return -1;
	return check_combination(ps, r, server);
}

/* NUL bytes, non-ASCII outside a /regex/, overlong lines. */
static int
check_bytes(struct parse_state *ps, const char *s, const char *end)
{
	const char	*p, *regex_end = NULL;
	int		 in_regex = 0;

	if (end - s > RULES_MAX_LINE)
		return parse_error(ps, s + RULES_MAX_LINE, "line longer than "
		    "%d bytes", RULES_MAX_LINE);
	for (p = s; p < end; p++) {
		if (*p == '\0')
			return parse_error(ps, p, "NUL byte in the line");
		if (!in_regex && (p[0] == '~') && p + 2 < end &&
		    (p[1] == '=' || p[1] == '!') && p[2] == '/') {
			/* the regex runs to the end of its token */
			in_regex = 1;
			for (regex_end = p + 3; regex_end < end &&
			    !is_blank(*regex_end); regex_end++)
				;
		}
		if (in_regex && p >= regex_end)
			in_regex = 0;
		if ((unsigned char)*p >= 0x80 && !in_regex && ps->secret)
			return parse_error(ps, p, "non-ASCII byte outside a "
			    "/regex/ (in a password: percent-encode it)");
		if ((unsigned char)*p >= 0x80 && !in_regex)
			return parse_error(ps, p, "non-ASCII byte 0x%02x "
			    "outside a /regex/", (unsigned char)*p);
	}
	return 0;
}

static int
rule_append(struct parse_state *ps, size_t *cap)
{
	struct rules	*set = ps->set;
	struct rule	*n;

	if (set->rule_count < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 256;
	if ((n = reallocarray(set->rule, *cap, sizeof(*n))) == NULL)
		return -1;
	set->rule = n;
	return 0;
}

static int
parse_text(struct parse_state *ps)
{
	struct rules	*set = ps->set;
	const char	*s = set->text, *end = s + set->text_len, *eol, *p;
	size_t		 cap = 0;

	for (ps->line = 1; s < end; ps->line++, s = eol + 1) {
		if ((eol = memchr(s, '\n', (size_t)(end - s))) == NULL)
			eol = end;
		ps->line_start = s;
		if (ps->opts && ps->opts->max_lines &&
		    ps->line > ps->opts->max_lines) {
			ps->too_big = 1;
			return parse_error(ps, s, "over the limit of %zu "
			    "lines", ps->opts->max_lines);
		}
		/* parse_line() looks closer; no SERVER has been read yet */
		ps->secret = memchr(s, '@', (size_t)(eol - s)) != NULL;
		if (check_bytes(ps, s, eol) < 0)
			continue;
		for (p = s; p < eol && is_blank(*p); p++)
			;
		if (p == eol || *p == '#')
			continue;
		if (rule_append(ps, &cap) < 0)
			return parse_error(ps, s, "out of memory");
		if (parse_line(ps, set->rule + set->rule_count, s, eol) == 0)
			set->rule_count++;
	}
	return ps->errors ? -1 : 0;
}

/* The text and the strings hold credentials: both get opts' no_dump. */
static struct rules *
set_new(const char *name, size_t len, const struct rules_load_opts *opts)
{
	struct rules	*set;
	unsigned	 flags = opts && opts->no_dump ? ARENA_NODUMP : 0;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		return NULL;
	set->file = strdup(name);
	if (arena_init(&set->str, len / 2 + 64, flags) == 0 &&
	    (set->text = arena_block_alloc(len + 1, flags)) != NULL)
		set->text_len = len;
	if (set->file == NULL || set->text == NULL || cond_setup(set) < 0) {
		rules_free(set);
		return NULL;
	}
	set->text[len] = '\0';
	return set;
}

static struct rules *
load(struct rules *set, const struct rules_load_opts *opts)
{
	struct parse_state ps;

	memset(&ps, 0, sizeof(ps));
	ps.set = set;
	ps.opts = opts;
	ps.file = set->file;
	ps.max_errors = (opts && opts->max_errors) ? opts->max_errors :
	    DEFAULT_MAX_ERRORS;
	if (parse_text(&ps) < 0 || index_build(set) < 0) {
		if (ps.errors == 0)
			errno = ENOMEM;
		else
			errno = ps.too_big ? EFBIG : EINVAL;
		rules_free(set);
		return NULL;
	}
	return set;
}

/* Whether a file of len bytes is over the limit: then report it. */
static int
too_many_bytes(const char *name, size_t len,
    const struct rules_load_opts *opts)
{
	if (opts == NULL || opts->max_bytes == 0 || len <= opts->max_bytes)
		return 0;
	diag_file(name, opts, 1, "%zu bytes, over the limit of %zu bytes",
	    len, opts->max_bytes);
	errno = EFBIG;
	return 1;
}

struct rules *
rules_load_buffer(const char *name, const char *text, size_t len,
    const struct rules_load_opts *opts)
{
	struct rules *set;

	if (too_many_bytes(name, len, opts))
		return NULL;
	if ((set = set_new(name, len, opts)) == NULL)
		return NULL;
	memcpy(set->text, text, len);
	return load(set, opts);
}

static int
read_all(int fd, char *buf, size_t len)
{
	size_t	done = 0;
	ssize_t	n;

	while (done < len) {
		n = read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int
rules_file_same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/*
 * Whether the file open on fd is no longer what st described: a writer
 * was at work while we read, and what we hold may be a prefix of the new
 * text, or old and new text mixed.
 */
static int
changed(int fd, const struct stat *st)
{
	struct stat now;

	return fstat(fd, &now) < 0 || !rules_file_same(&now, st);
}

static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "not a regular file";
}

/*
 * Open path for reading and look at it.  O_NONBLOCK: opening a FIFO
 * blocks until a writer comes, which may be never; a FIFO, a device or
 * anything else but a regular file is refused, never read.
 */
static int
open_regular(const char *path, const struct rules_load_opts *opts,
    struct stat *st)
{
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		diag_file(path, opts, 1, "%s, not a regular file: refused",
		    file_kind(st->st_mode));
		errno = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	return fd;
}

/* A 0-byte file, per opts->empty; 1 when it is refused. */
static int
refuse_empty(const char *path, const struct rules_load_opts *opts)
{
	if (opts == NULL || opts->empty == RULES_EMPTY_OK)
		return 0;
	if (opts->empty == RULES_EMPTY_WARN) {
		diag_file(path, opts, 0, "the file is empty (0 bytes): no "
		    "overrides; mxshimd refuses to reload an empty file, the "
		    "state of a file being written (a file of only comments "
		    "is a valid empty set)");
		return 0;
	}
	diag_file(path, opts, 1, "the file is empty (0 bytes), as a file "
	    "being written is: refused (a file of only comments is a valid "
	    "empty set)");
	errno = EINVAL;
	return 1;
}

struct rules *
rules_load_file(const char *path, const struct rules_load_opts *opts)
{
	struct rules	*set;
	struct stat	 st;
	int		 fd, saved;

	if ((fd = open_regular(path, opts, &st)) < 0)
		return NULL;
	if (opts && opts->expect && !rules_file_same(&st, opts->expect)) {
		close(fd);
		errno = EAGAIN;
		return NULL;
	}
	if (too_many_bytes(path, (size_t)st.st_size, opts) ||
	    (st.st_size == 0 && refuse_empty(path, opts))) {
		close(fd);
		return NULL;
	}
	if ((set = set_new(path, (size_t)st.st_size, opts)) == NULL) {
		close(fd);
		return NULL;
	}
	errno = 0;
	saved = read_all(fd, set->text, set->text_len) < 0 ?
	    (errno ? errno : EIO) : 0;
	/* a file cut short under us also ends the read early: EAGAIN too */
	if (changed(fd, &st))
		saved = EAGAIN;
	close(fd);
	if (saved != 0) {
		rules_free(set);
		errno = saved;
		return NULL;
	}
	return load(set, opts);
}

void
rules_free(struct rules *set)
{
	if (set == NULL)
		return;
	cond_free(set);
	index_free(&set->exact);
	index_free(&set->suffix);
	arena_block_free(set->text, set->text_len + 1, set->str.flags);
	arena_free(&set->str);
	free(set->rule);
	free(set->cond);
	free(set->file);
	free(set);
}

size_t
rules_count(const struct rules *set)
{
	return set->rule_count;
}

int
rules_has_ports(const struct rules *set)
{
	return set->has_ports;
}

int
rules_has_credentials(const struct rules *set)
{
	return set->has_credentials;
}
