/*
 * convert/import_toml.c - the TOML subset reader described in import_toml.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_toml.h"

#define MAX_DEPTH	32

struct cur {
	const char	*p, *end;
	unsigned	 line;
	char		*msg;
	size_t		 msglen;
	int		 failed;
};

static int
fail(struct cur *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->failed) {
		va_start(ap, fmt);
		vsnprintf(c->msg, c->msglen, fmt, ap);
		va_end(ap);
		c->failed = 1;
	}
	return -1;
}

static int
peek(const struct cur *c)
{
	return c->p < c->end ? (unsigned char)*c->p : -1;
}

/* Skip blanks, and comments and newlines when nl is set. */
static void
skip(struct cur *c, int nl)
{
	while (c->p < c->end) {
		if (*c->p == ' ' || *c->p == '\t' || *c->p == '\r')
			c->p++;
		else if (*c->p == '#')
			while (c->p < c->end && *c->p != '\n')
				c->p++;
		else if (nl && *c->p == '\n') {
			c->line++;
			c->p++;
		} else
			break;
	}
}

/* ---- values -------------------------------------------------------------- */

static void
val_free(struct toml_val *v)
{
	size_t i;

	free(v->s);
	for (i = 0; i < v->nkv; i++) {
		free(v->kv[i].key);
		val_free(&v->kv[i].val);
	}
	free(v->kv);
	for (i = 0; i < v->nitem; i++)
		val_free(&v->item[i]);
	free(v->item);
	memset(v, 0, sizeof(*v));
}

void
toml_free(struct toml_val *v)
{
	val_free(v);
}

const struct toml_val *
toml_get(const struct toml_val *t, const char *key)
{
	size_t i;

	if (t == NULL || t->type != TOML_TABLE)
		return NULL;
	for (i = 0; i < t->nkv; i++)
		if (strcmp(t->kv[i].key, key) == 0)
			return &t->kv[i].val;
	return NULL;
}

/* Add key to table t; returns the new slot or NULL (no memory). */
static struct toml_val *
table_add(struct toml_val *t, char *key, unsigned line)
{
	struct toml_kv *n = realloc(t->kv, (t->nkv + 1) * sizeof(*n));

	if (n == NULL)
		return NULL;
	t->kv = n;
	n = &t->kv[t->nkv++];
	n->key = key;
	memset(&n->val, 0, sizeof(n->val));
	n->val.line = line;
	return &n->val;
}

/* ---- strings and keys ------------------------------------------------- */

static int
basic_string(struct cur *c, char **out)
{
	size_t cap = 32, n = 0;
	char *s = malloc(cap);

	if (s == NULL)
		return fail(c, "out of memory");
	c->p++;
	for (;;) {
		int ch = peek(c);

		if (ch < 0 || ch == '\n') {
			free(s);
			return fail(c, "unterminated string");
		}
		c->p++;
		if (ch == '"')
			break;
		if (ch == '\\') {
			int e = peek(c);

			c->p++;
			switch (e) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case '"': ch = '"'; break;
			case '\\': ch = '\\'; break;
			default:
				free(s);
				return fail(c, "unsupported escape '\\%c'",
				    e < 0 ? '?' : e);
			}
		}
		if (n + 2 > cap) {
			char *ns = realloc(s, cap *= 2);

			if (ns == NULL) {
				free(s);
				return fail(c, "out of memory");
			}
			s = ns;
		}
		s[n++] = (char)ch;
	}
	s[n] = '\0';
	*out = s;
	return 0;
}

static int
literal_string(struct cur *c, char **out)
{
	const char *start = ++c->p;

	while (c->p < c->end && *c->p != '\'' && *c->p != '\n')
		c->p++;
	if (peek(c) != '\'')
		return fail(c, "unterminated string");
	*out = strndup(start, (size_t)(c->p - start));
	c->p++;
	return *out ? 0 : fail(c, "out of memory");
}

static int
string(struct cur *c, char **out)
{
	if (c->end - c->p >= 3 && (!strncmp(c->p, "\"\"\"", 3) ||
	    !strncmp(c->p, "'''", 3)))
		return fail(c, "multi-line strings are not supported");
	return *c->p == '"' ? basic_string(c, out) : literal_string(c, out);
}

/* One key segment: bare, "basic" or 'literal'. */
static int
key_part(struct cur *c, char **out)
{
	const char *start;

	skip(c, 0);
	if (peek(c) == '"' || peek(c) == '\'')
		return string(c, out);
	start = c->p;
	while (c->p < c->end && (isalnum((unsigned char)*c->p) ||
	    *c->p == '_' || *c->p == '-'))
		c->p++;
	if (c->p == start)
		return fail(c, "expected a key");
	*out = strndup(start, (size_t)(c->p - start));
	return *out ? 0 : fail(c, "out of memory");
}

static void
free_parts(char **part, int n)
{
	while (n-- > 0)
		free(part[n]);
}

/* A dotted key into parts (at most MAX_DEPTH); none kept on failure. */
static int
dotted_key(struct cur *c, char **part, int *n)
{
	*n = 0;
	for (;;) {
		if (*n == MAX_DEPTH || key_part(c, &part[*n]) != 0) {
			free_parts(part, *n);
			*n = 0;
			return fail(c, "key nested too deep");
		}
		(*n)++;
		skip(c, 0);
		if (peek(c) != '.')
			return 0;
		c->p++;
	}
}

/*
 * Walk t along part[0..n-1], creating tables; the parts are taken over.
 * Returns the last table, or NULL (error set).
 */
static struct toml_val *
descend(struct cur *c, struct toml_val *t, char **part, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct toml_val *v = (struct toml_val *)toml_get(t, part[i]);

		if (v == NULL) {
			if ((v = table_add(t, part[i], c->line)) == NULL) {
				free_parts(part + i, n - i);
				fail(c, "out of memory");
				return NULL;
			}
			v->type = TOML_TABLE;
		} else {
			free(part[i]);
			if (v->type != TOML_TABLE) {
				free_parts(part + i + 1, n - i - 1);
				fail(c, "key is not a table");
				return NULL;
			}
		}
		t = v;
	}
	return t;
}

/* ---- values ---------------------------------------------------------- */

static int value(struct cur *c, struct toml_val *v, int depth);

static int
array(struct cur *c, struct toml_val *v, int depth)
{
	v->type = TOML_ARRAY;
	c->p++;
	for (;;) {
		struct toml_val *n;

		skip(c, 1);
		if (peek(c) == ']') {
			c->p++;
			return 0;
		}
		n = realloc(v->item, (v->nitem + 1) * sizeof(*n));
		if (n == NULL)
			return fail(c, "out of memory");
		v->item = n;
		n = &v->item[v->nitem++];
		memset(n, 0, sizeof(*n));
		n->line = c->line;
		if (value(c, n, depth + 1) != 0)
			return -1;
		skip(c, 1);
		if (peek(c) == ',')
			c->p++;
		else if (peek(c) != ']')
			return fail(c, "expected ',' or ']' in array");
	}
}

static int keyval(struct cur *c, struct toml_val *t, int depth);

static int
inline_table(struct cur *c, struct toml_val *v, int depth)
{
	v->type = TOML_TABLE;
	c->p++;
	skip(c, 0);
	if (peek(c) == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		if (keyval(c, v, depth + 1) != 0)
			return -1;
		skip(c, 0);
		if (peek(c) == '}') {
			c->p++;
			return 0;
		}
		if (peek(c) != ',')
			return fail(c, "expected ',' or '}' in inline table");
		c->p++;
	}
}

static int
scalar(struct cur *c, struct toml_val *v)
{
	const char *start = c->p;

	while (c->p < c->end && !strchr(" \t\r\n,]}#", *c->p))
		c->p++;
	if (c->p == start)
		return fail(c, "expected a value");
	v->s = strndup(start, (size_t)(c->p - start));
	if (v->s == NULL)
		return fail(c, "out of memory");
	v->type = (!strcmp(v->s, "true") || !strcmp(v->s, "false")) ?
	    TOML_BOOL : TOML_OTHER;
	return 0;
}

static int
value(struct cur *c, struct toml_val *v, int depth)
{
	if (depth > MAX_DEPTH)
		return fail(c, "value nested too deep");
	skip(c, 0);
	v->line = c->line;
	switch (peek(c)) {
	case '"':
	case '\'':
		v->type = TOML_STRING;
		return string(c, &v->s);
	case '[':
		return array(c, v, depth);
	case '{':
		return inline_table(c, v, depth);
	default:
		return scalar(c, v);
	}
}

/* key = value into table t. */
static int
keyval(struct cur *c, struct toml_val *t, int depth)
{
	char *part[MAX_DEPTH];
	struct toml_val *v;
	int n;

	if (dotted_key(c, part, &n) != 0)
		return -1;
	t = descend(c, t, part, n - 1);
	if (t == NULL || toml_get(t, part[n - 1]) != NULL) {
		free(part[n - 1]);
		return fail(c, "key defined twice");
	}
	skip(c, 0);
	if (peek(c) != '=') {
		free(part[n - 1]);
		return fail(c, "expected '='");
	}
	c->p++;
	if ((v = table_add(t, part[n - 1], c->line)) == NULL) {
		free(part[n - 1]);
		return fail(c, "out of memory");
	}
	return value(c, v, depth);
}

/* [header] */
static struct toml_val *
header(struct cur *c, struct toml_val *root)
{
	char *part[MAX_DEPTH];
	int n;

	if (c->end - c->p >= 2 && c->p[1] == '[') {
		fail(c, "arrays of tables ([[...]]) are not supported");
		return NULL;
	}
	c->p++;
	if (dotted_key(c, part, &n) != 0)
		return NULL;
	skip(c, 0);
	if (peek(c) != ']') {
		free_parts(part, n);
		fail(c, "expected ']'");
		return NULL;
	}
	c->p++;
	return descend(c, root, part, n);
}

int
toml_parse(const char *text, size_t len, struct toml_val *root,
    unsigned *errline, char *errmsg, size_t errlen)
{
	struct cur c = { text, text + len, 1, errmsg, errlen, 0 };
	struct toml_val *t = root;

	memset(root, 0, sizeof(*root));
	root->type = TOML_TABLE;
	root->line = 1;
	for (;;) {
		skip(&c, 1);
		if (c.p >= c.end)
			return 0;
		if (*c.p == '[')
			t = header(&c, root);
		else if (keyval(&c, t, 0) != 0)
			t = NULL;
		if (t == NULL)
			break;
		skip(&c, 0);
		if (c.p < c.end && *c.p != '\n') {
			fail(&c, "unexpected text after the value");
			break;
		}
	}
	*errline = c.line;
	val_free(root);
	return -1;
}
