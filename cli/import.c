/*
 * cli/import.c - `mxshim import --format FORMAT FILE [-o OUT]`: convert
 * another product's routing table into override lines.
 *
 * The output is checked by loading it with the engine before anything is
 * written: an output the engine would refuse is an internal error and
 * nothing is written.  With -o the file is replaced atomically, mode 0600
 * when it holds credentials.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "import.h"
#include "file.h"

static const struct {
	const char	*name;
	int		(*fn)(struct imp_doc *, const char *, size_t);
} formats[] = {
	{ "cisco", import_cisco },
	{ "xeams", import_xeams },
	{ "tmail", import_tmail },
	{ "kumomta", import_kumo },
	{ "kumo", import_kumo },
};

static int
usage(FILE *f)
{
	fprintf(f, "usage: mxshim import --format cisco|xeams|tmail|"
	    "kumomta FILE [-o OUT]\n");
	return 2;
}

/* The mode of the new file: 0600 with credentials, else the old one's. */
static unsigned
out_mode(const char *path, int credentials)
{
	struct stat st;

	if (credentials)
		return 0600;
	if (stat(path, &st) == 0)
		return st.st_mode & 0777;
	return 0644;
}

/* The whole output must load: anything else is our bug, not the input's. */
static int
check_output(const char *text, size_t len)
{
	struct rules_load_opts opts = { .diag = cli_print_diag };
	struct rules *set;

	set = rules_load_buffer("(import output)", text, len, &opts);
	if (set == NULL) {
		fprintf(stderr, "mxshim import: internal error: the converted "
		    "lines do not load; nothing written\n");
		return -1;
	}
	rules_free(set);
	return 0;
}

static int
emit(const struct imp_doc *doc, const char *out)
{
	size_t len;
	char *text = imp_render(doc, &len);
	int rc = 0;

	if (text == NULL) {
		fprintf(stderr, "mxshim import: out of memory\n");
		return 1;
	}
	if (check_output(text, len) != 0)
		rc = 1;
	else if (out == NULL) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
			rc = 1;
	} else if (cli_write_atomic(out, text, len,
	    out_mode(out, doc->credentials)) != 0) {
		fprintf(stderr, "mxshim import: %s: %s\n", out,
		    strerror(errno));
		rc = 1;
	}
	free(text);
	return rc;
}

static int
run(int (*fn)(struct imp_doc *, const char *, size_t), const char *format,
    const char *in, const char *out)
{
	struct imp_doc doc;
	size_t len, i, lines = 0;
	char *text;
	int rc = 1;

	if ((text = cli_read_file(in, &len)) == NULL) {
		fprintf(stderr, "mxshim import: %s: %s\n", in, strerror(errno));
		return 1;
	}
	imp_doc_init(&doc, strcmp(in, "-") ? in : "(stdin)", format);
	if (fn(&doc, text, len) != 0 && doc.errors == 0)
		fprintf(stderr, "mxshim import: out of memory\n");
	else if (doc.errors == 0 && imp_validate(&doc) == 0)
		rc = emit(&doc, out);
	if (doc.errors)
		fprintf(stderr, "mxshim import: %d error(s); nothing written\n",
		    doc.errors);
	else if (rc == 0) {
		for (i = 0; i < doc.nentry; i++)
			lines += doc.entry[i].nline;
		fprintf(stderr, "mxshim import: %zu entries, %zu override "
		    "lines, %d warning(s)%s%s\n", doc.nentry, lines,
		    doc.warnings, out ? " written to " : "", out ? out : "");
	}
	imp_doc_free(&doc);
	free(text);
	return rc;
}

int
cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = NULL, *out = NULL;
	size_t i;
	int ch;

	optind = 0;	/* restart getopt: main() may have used it */
	while ((ch = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage(stderr);
		}
	}
	if (format == NULL || argc - optind != 1)
		return usage(stderr);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(format, formats[i].name) == 0)
			return run(formats[i].fn, formats[i].name, argv[optind],
			    out);
	fprintf(stderr, "mxshim import: unknown format '%s'\n", format);
	return usage(stderr);
}
