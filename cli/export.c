/*
 * cli/export.c - `mxshim export --format cisco|postfix [FILE] [-o OUT]
 * [--sasl-passwd FILE]`: write override lines as another product's routing
 * table, where they fit.
 *
 * The rules file is loaded by the engine first, so only a valid file is
 * exported.  Each SERVER field is then read by the engine too: a one-line
 * probe set "mxshim-export.invalid SERVER" is evaluated and its record
 * gives host, port and credentials, so the SERVER syntax has one reader.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cli.h"
#include "export.h"

#define PROBE_NAME	"mxshim-export.invalid"

void
exp_note(struct exp_doc *d, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line != 0) {
		fprintf(d->err, "%s:%u: warning: %s\n", d->srcname, line, msg);
		imp_buf_printf(&d->notes, "#   line %u: %s\n", line, msg);
	} else {
		fprintf(d->err, "%s: warning: %s\n", d->srcname, msg);
		imp_buf_printf(&d->notes, "#   %s\n", msg);
	}
	d->warnings++;
}

/* ---- reading the rules file ------------------------------------------ */

/* Host, port and credentials of SERVER, as the engine reads them. */
static int
probe_server(const char *server, struct exp_line *l)
{
	struct rules_ctx ctx = { 0 };
	struct rules_result res;
	struct rules *set;
	uint8_t addr[16];
	char text[RULES_MAX_LINE + 64];
	int n, fam, rc = -1;

	n = snprintf(text, sizeof(text), PROBE_NAME " %s\n", server);
	if (n < 0 || (size_t)n >= sizeof(text))
		return -1;
	if ((set = rules_load_buffer("(probe)", text, (size_t)n, NULL)) == NULL)
		return -1;
	if (rules_eval(set, PROBE_NAME, &ctx, NULL, 0, NULL, &res) ==
	    RULES_ANSWER && res.count > 0) {
		const struct rules_record *r = &res.record[0];

		fam = rules_synth_addr(r->host, addr);
		if (fam != 0) {
			inet_ntop(fam, addr, l->host, sizeof(l->host));
			l->host_kind = fam == AF_INET ? IMP_HOST_V4 :
			    IMP_HOST_V6;
		} else {
			snprintf(l->host, sizeof(l->host), "%s", r->host);
			l->host_kind = IMP_HOST_NAME;
		}
		l->port = r->port;
		l->user = r->user ? strdup(r->user) : NULL;
		l->pass = r->pass ? strdup(r->pass) : NULL;
		rc = 0;
	}
	rules_free(set);
	return rc;
}

static enum exp_pkind
pattern_kind(const char *p)
{
	if (strcmp(p, "*") == 0)
		return EXP_ALL;
	if (strncmp(p, "*.", 2) == 0 && strpbrk(p + 2, "*?") == NULL)
		return EXP_SUFFIX;
	return strpbrk(p, "*?") ? EXP_GLOB : EXP_EXACT;
}

/* The tokens; what no product can carry marks the line skipped. */
static void
read_tokens(struct exp_doc *d, struct exp_line *l, char *tok)
{
	char *t, *save = NULL;

	for (t = strtok_r(tok, " \t", &save); t != NULL;
	    t = strtok_r(NULL, " \t", &save)) {
		if (strcasecmp(t, "$end") == 0)
			l->end = 1;
		else if (strcasecmp(t, "$lookupmx") == 0)
			l->lookupmx = 1;
		else if (strcasecmp(t, "$adddns") == 0)
			l->adddns = 1;
		else if (strncasecmp(t, "$priority:", 10) == 0) {
			l->pri = (unsigned)strtoul(t + 10, NULL, 10);
			l->pri_set = 1;
		} else if (!l->skip) {
			/* conditions and $dnsmx depend on the message or on
			   real DNS: a static table cannot say that */
			l->skip = 1;
			exp_note(d, l->line, "condition %s cannot be "
			    "expressed; the line is not exported", t);
		}
	}
}

static int
read_line(struct exp_doc *d, unsigned lineno, char *s)
{
	struct exp_line *l;
	char *pat, *srv, *save = NULL;

	if ((l = realloc(d->line, (d->nline + 1) * sizeof(*l))) == NULL)
		return -1;
	d->line = l;
	l = &d->line[d->nline++];
	memset(l, 0, sizeof(*l));
	l->line = lineno;
	l->pri = RULES_DEFAULT_PRIORITY;
	pat = strtok_r(s, " \t", &save);
	srv = strtok_r(NULL, " \t", &save);
	snprintf(l->pattern, sizeof(l->pattern), "%s", pat);
	imp_domain_lower(l->pattern);
	l->pkind = pattern_kind(l->pattern);
	if (strcmp(srv, ".") == 0)
		l->skind = EXP_NULL;
	else if (strcasecmp(srv, "USEDNS") == 0)
		l->skind = EXP_USEDNS;
	else if (probe_server(srv, l) != 0) {
		fprintf(d->err, "%s:%u: error: the engine did not answer for "
		    "this server\n", d->srcname, lineno);
		return -1;
	}
	read_tokens(d, l, save ? save : (char *)"");
	if (l->pkind == EXP_GLOB && !l->skip) {
		l->skip = 1;
		exp_note(d, lineno, "pattern %s is a general wildcard; only "
		    "NAME, *.NAME and * can be exported", l->pattern);
	}
	if (l->adddns && !l->skip)
		exp_note(d, lineno, "$adddns (keep the real MX records too) "
		    "is not carried");
	return 0;
}

static int
read_lines(struct exp_doc *d, char *text)
{
	unsigned lineno = 0;
	size_t i;
	char *s, *nl;

	for (s = text; s != NULL; s = nl) {
		size_t l;

		lineno++;
		if ((nl = strchr(s, '\n')) != NULL)
			*nl++ = '\0';
		s += strspn(s, " \t");
		l = strlen(s);
		while (l > 0 && isspace((unsigned char)s[l - 1]))
			s[--l] = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		if (read_line(d, lineno, s) != 0)
			return -1;
	}
	/* d->line has stopped moving: point into it now */
	for (i = 0; i < d->nline; i++)
		if (d->line[i].pkind == EXP_SUFFIX)
			d->line[i].suffix = d->line[i].pattern + 2;
	return 0;
}

/* ---- the command ------------------------------------------------------ */

static void
doc_free(struct exp_doc *d)
{
	size_t i;

	for (i = 0; i < d->nline; i++) {
		free(d->line[i].user);
		free(d->line[i].pass);
	}
	free(d->line);
	free(d->group);
	free(d->index);
	free(d->notes.s);
}

static int
usage(FILE *f)
{
	fprintf(f, "usage: mxshim export --format cisco|postfix [FILE] "
	    "[-o OUT] [--sasl-passwd FILE]\n");
	return 2;
}

static int
put(const char *path, const struct imp_buf *b, unsigned mode)
{
	const char *s = b->s ? b->s : "";

	if (path == NULL) {
		fputs(s, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (imp_write_atomic(path, s, b->len, mode) != 0) {
		fprintf(stderr, "mxshim export: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	return 0;
}

static int
write_out(struct exp_doc *d, const char *format, const char *out,
    const char *saslpath, const struct imp_buf *body,
    const struct imp_buf *sasl)
{
	struct imp_buf all = { 0 };
	int rc;

	imp_buf_printf(&all, "# Exported by `mxshim export --format %s` from "
	    "%s.\n", format, d->srcname);
	if (d->notes.len > 0) {
		imp_buf_printf(&all, "# Not carried:\n");
		imp_buf_add(&all, d->notes.s, d->notes.len);
	}
	if (body->len > 0)
		imp_buf_add(&all, body->s, body->len);
	rc = all.oom ? 1 : put(out, &all, 0644);
	free(all.s);
	if (rc == 0 && sasl->len > 0 && saslpath != NULL)
		rc = put(saslpath, sasl, 0600);
	return rc;
}

static int
run(const char *format, const char *path, const char *out,
    const char *saslpath)
{
	struct rules_load_opts opts = { .diag = cli_print_diag };
	struct exp_doc d = { .srcname = path, .err = stderr };
	struct imp_buf body = { 0 }, sasl = { 0 };
	struct rules *set;
	size_t len;
	char *text;
	int rc = 1;

	if ((text = imp_read_file(path, &len)) == NULL) {
		fprintf(stderr, "mxshim export: %s: %s\n", path,
		    strerror(errno));
		return 1;
	}
	if ((set = rules_load_buffer(path, text, len, &opts)) == NULL) {
		free(text);
		return 1;
	}
	rules_free(set);
	if (read_lines(&d, text) == 0 && exp_routes(&d) == 0) {
		if (strcmp(format, "cisco") == 0 ?
		    export_cisco(&d, &body) : export_postfix(&d, &body, &sasl))
			fprintf(stderr, "mxshim export: out of memory\n");
		else
			rc = 0;
	}
	if (rc == 0 && sasl.len > 0 && saslpath == NULL)
		exp_note(&d, 0, "credentials are not written without "
		    "--sasl-passwd FILE");
	if (rc == 0)
		rc = write_out(&d, format, out, saslpath, &body, &sasl);
	if (rc == 0)
		fprintf(stderr, "mxshim export: %zu lines read, %d "
		    "warning(s)\n", d.nline, d.warnings);
	free(body.s);
	free(sasl.s);
	doc_free(&d);
	free(text);
	return rc;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "sasl-passwd", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = NULL, *out = NULL, *sasl = NULL;
	const char *path = CLI_DEFAULT_RULES;
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
	if (strcmp(format, "cisco") != 0 && strcmp(format, "postfix") != 0) {
		fprintf(stderr, "mxshim export: unknown format '%s'\n", format);
		return usage(stderr);
	}
	if (sasl != NULL && strcmp(format, "postfix") != 0)
		return usage(stderr);
	return run(format, path, out, sasl);
}
