/*
 * cli/export.c - `mxshim export --format cisco|postfix|exim|opensmtpd [FILE]
 * [-o OUT] [--secrets FILE]`: write override lines as another product's
 * routing table, where they fit.
 *
 * The rules file is loaded by the engine first, so only a valid file is
 * exported; the converters (convert/export.h) then read its lines from the
 * loaded set.  This file does the options and the files.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "file.h"
#include "import.h"

/* ---- the command ------------------------------------------------------ */

static int
usage(FILE *f)
{
	fprintf(f, "usage: mxshim export --format cisco|postfix|exim|opensmtpd "
	    "[FILE] [-o OUT]\n                     [--secrets FILE]\n");
	if (f == stdout)
		fprintf(f, "\nWrite the rules as another product's routes; what "
		    "a format cannot carry is\nreported, on stderr and in "
		    "a comment at the top.\n\n"
		    "  -o, --output OUT   write OUT (default: standard output)\n"
		    "  --secrets FILE     the credentials, mode 600, in the "
		    "product's format\n"
		    "                     (postfix, exim, opensmtpd; "
		    "--sasl-passwd is the same)\n");
	return 2;
}

/* The formats: the exporter, and whether it takes conditions. */
struct format {
	const char	*name;
	unsigned	 flags;		/* EXP_CONDS */
	const char	*secrets;	/* where the product looks by default */
};

static const struct format formats[] = {
	{ "cisco", 0, NULL },
	{ "postfix", EXP_CONDS, "/etc/postfix/sasl_passwd" },
	{ "exim", EXP_CONDS, "/etc/exim4/mxshim.secrets" },
	{ "opensmtpd", EXP_CONDS, "/etc/mail/mxshim.secrets" },
	{ NULL, 0, NULL }
};

static const struct format *
find_format(const char *name)
{
	const struct format *f;

	for (f = formats; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static int
put(const char *path, const char *s, size_t len, unsigned mode)
{
	if (path == NULL) {
		fwrite(s, 1, len, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (cli_write_atomic(path, s, len, mode) != 0) {
		fprintf(stderr, "mxshim export: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	return 0;
}

/* The header, the notes and the body in one text. */
static char *
assemble(struct exp_doc *d, const char *format, const char *body,
    size_t bodylen, size_t *lenp)
{
	char *all = NULL;
	FILE *f;

	if (fflush(d->notes) != 0 ||
	    (f = open_memstream(&all, lenp)) == NULL)
		return NULL;
	fprintf(f, "# Exported by `mxshim export --format %s` from %s.\n",
	    format, d->srcname);
	if (d->notes_len > 0) {
		fprintf(f, "# Not carried:\n");
		fwrite(d->notes_text, 1, d->notes_len, f);
	}
	fwrite(body, 1, bodylen, f);
	if (imp_memclose(f) != 0) {
		free(all);
		return NULL;
	}
	return all;
}

static int
write_out(struct exp_doc *d, const char *format, const char *out,
    const char *saslpath, const char *body, size_t bodylen,
    const char *sasl, size_t sasllen)
{
	char *all;
	size_t len;
	int rc;

	if ((all = assemble(d, format, body, bodylen, &len)) == NULL) {
		fprintf(stderr, "mxshim export: out of memory\n");
		return 1;
	}
	rc = put(out, all, len, 0644);
	free(all);
	if (rc == 0 && sasllen > 0 && saslpath != NULL)
		rc = put(saslpath, sasl, sasllen, 0600);
	return rc;
}

/* The exporter of format on d. */
static int
dispatch(struct exp_doc *d, const char *format, FILE *fb, FILE *fs,
    const char *secrets_path)
{
	if (strcmp(format, "exim") == 0)
		return exp_groups(d) != 0 ? -1 :
		    export_exim(d, fb, fs, secrets_path);
	if (strcmp(format, "opensmtpd") == 0)
		return exp_groups(d) != 0 ? -1 :
		    export_opensmtpd(d, fb, fs, secrets_path);
	if (strcmp(format, "postfix") == 0)
		return export_postfix(d, fb, fs);
	return exp_routes(d) != 0 ? -1 : export_cisco(d, fb);
}

/* Convert d into body (and the secrets); 0, or -1 on no memory. */
static int
convert(struct exp_doc *d, const char *format, const char *secrets_path,
    char **body, size_t *bodylen, char **sasl, size_t *sasllen)
{
	FILE *fb = open_memstream(body, bodylen);
	FILE *fs = open_memstream(sasl, sasllen);
	int rc = -1;

	if (fb != NULL && fs != NULL)
		rc = dispatch(d, format, fb, fs, secrets_path);
	if (fb != NULL && imp_memclose(fb) != 0)
		rc = -1;
	if (fs != NULL && imp_memclose(fs) != 0)
		rc = -1;
	return rc;
}

static struct rules *
load(const char *path)
{
	struct rules_load_opts opts = { .diag = cli_print_diag };
	struct rules *set;
	size_t len;
	char *text;

	if ((text = cli_read_file(path, &len)) == NULL) {
		fprintf(stderr, "mxshim export: %s: %s\n", path,
		    strerror(errno));
		return NULL;
	}
	set = rules_load_buffer(path, text, len, &opts);
	free(text);
	return set;
}

/*
 * Where the product will read the secrets: the file written, made
 * absolute, or the product's usual place.  NULL on no memory.
 */
static char *
secrets_where(const struct format *f, const char *saslpath)
{
	char *dir, *abs, *slash;
	const char *base;

	if (saslpath == NULL)
		return strdup(f->secrets ? f->secrets : "");
	if (saslpath[0] == '/')
		return strdup(saslpath);
	slash = strrchr(saslpath, '/');
	dir = slash ? strndup(saslpath, (size_t)(slash - saslpath)) :
	    strdup(".");
	base = slash ? slash + 1 : saslpath;
	abs = dir ? realpath(dir, NULL) : NULL;
	free(dir);
	if (abs == NULL)
		return strdup(saslpath);
	dir = abs;
	if (asprintf(&abs, "%s/%s", dir, base) < 0)
		abs = NULL;
	free(dir);
	return abs;
}

static int
run(const struct format *f, const char *path, const char *out,
    const char *saslpath)
{
	const char *format = f->name;
	char *where = NULL;
	struct exp_doc d;
	struct rules *set;
	char *body = NULL, *sasl = NULL;
	size_t bodylen = 0, sasllen = 0;
	int rc = 1;

	if ((set = load(path)) == NULL)
		return 1;
	if (exp_read(&d, set, path, stderr, f->flags) != 0 ||
	    (where = secrets_where(f, saslpath)) == NULL ||
	    convert(&d, format, where, &body, &bodylen, &sasl, &sasllen) != 0)
		fprintf(stderr, "mxshim export: out of memory\n");
	else
		rc = 0;
	if (rc == 0 && sasllen > 0 && saslpath == NULL)
		exp_note(&d, 0, "credentials are not written without %s "
		    "FILE", strcmp(format, "postfix") == 0 ? "--sasl-passwd" :
		    "--secrets");
	if (rc == 0)
		rc = write_out(&d, format, out, saslpath, body, bodylen, sasl,
		    sasllen);
	if (rc == 0)
		fprintf(stderr, "mxshim export: %zu lines read, %d "
		    "warning(s)\n", d.nline, d.warnings);
	free(body);
	free(sasl);
	free(where);
	exp_doc_free(&d);
	rules_free(set);
	return rc;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "secrets", required_argument, NULL, 's' },
		{ "sasl-passwd", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = NULL, *out = NULL, *sasl = NULL;
	const char *path = RULES_DEFAULT_FILE;
	const struct format *f;
	int ch;

	optind = 0;	/* restart getopt: main() may have used it */
	while ((ch = getopt_long(argc, argv, "f:o:s:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			sasl = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage(stderr);
		}
	}
	if (format == NULL || argc - optind > 1)
		return usage(stderr);
	if (argc - optind == 1)
		path = argv[optind];
	if ((f = find_format(format)) == NULL) {
		fprintf(stderr, "mxshim export: unknown format '%s'\n", format);
		return usage(stderr);
	}
	if (sasl != NULL && f->secrets == NULL)
		return usage(stderr);
	return run(f, path, out, sasl);
}
