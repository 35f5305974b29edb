/*
 * convert/import_toml.h - a reader for the part of TOML that KumoMTA's
 * queues.toml uses: [dotted.'quoted'.headers], key = value with dotted
 * keys, basic and literal strings, arrays (over several lines, trailing
 * comma), inline tables, booleans; numbers and dates are kept as their
 * text.  Multi-line strings and arrays of tables are refused with an
 * error, never misread.  No C TOML library is packaged for Debian, hence
 * this one.
 */
#ifndef MXSHIM_IMPORT_TOML_H
#define MXSHIM_IMPORT_TOML_H

#include <stddef.h>

enum toml_type {
	TOML_STRING,
	TOML_BOOL,
	TOML_OTHER,	/* number, date...: text kept in s */
	TOML_ARRAY,
	TOML_TABLE
};

struct toml_kv;

struct toml_val {
	enum toml_type	 type;
	unsigned	 line;		/* where it was defined */
	char		*s;		/* STRING, BOOL ("true"), OTHER */
	struct toml_kv	*kv;		/* TABLE, in file order */
	size_t		 nkv;
	struct toml_val	*item;		/* ARRAY */
	size_t		 nitem;
};

struct toml_kv {
	char		*key;
	struct toml_val	 val;
};

/*
 * Parse text into root (a TABLE).  Returns 0, or -1 with *errline and
 * errmsg (size errlen) set; root is then freed already.
 */
int toml_parse(const char *text, size_t len, struct toml_val *root,
    unsigned *errline, char *errmsg, size_t errlen);

void toml_free(struct toml_val *v);

/* The value of key in table t, or NULL. */
const struct toml_val *toml_get(const struct toml_val *t, const char *key);

#endif /* MXSHIM_IMPORT_TOML_H */
