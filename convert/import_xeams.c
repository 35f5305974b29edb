/*
 * convert/import_xeams.c - Xeams custom SMTP routing (CustomSmtpRouting.xml)
 * into override lines.
 *
 * <CustomRouting><Routes><Route> with <sender> (one address or @domain),
 * <recipient> (an address, @domain or ANY), <recipientExceptions>
 * ('|'-separated, only with ANY), an optional <subject operand="cn|sw|ew|rg">
 * and <ip> ('|'-separated hosts, one picked at random).  The first route
 * that matches is used, so routes keep their order and end with $end.
 *
 * The XML is read with libxml2, without network access and without
 * expanding entities.
 *
 * What DNS cannot see narrows a route: a non-empty subject or an
 * address-level recipient.  Applying such a route to every message would
 * reroute mail Xeams sends elsewhere, so its lines are written disabled
 * ("# off:") and reported.  Domain exceptions of an ANY route are carried
 * exactly: for an excepted domain the later routes that match it are
 * repeated, then "DOMAIN USEDNS ... $end" keeps the normal MX lookup.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "rules.h"
#include "import.h"

#define MAX_ITEMS	64

/* A sender set: any sender, one address, or one domain. */
enum sender_kind { SND_ANY, SND_ADDR, SND_DOMAIN };

struct xroute {
	unsigned	 line;
	struct imp_entry *e;		/* valid until the next entry is
					   added: see refresh_entries() */
	size_t		 ei;		/* its index in doc->entry */
	enum sender_kind sk;
	char		 sender[RULES_MAX_NAME * 2];
	int		 any;		/* recipient ANY */
	char		 domain[RULES_MAX_NAME + 1];	/* recipient domain */
	char		*except[MAX_ITEMS];	/* excepted domains */
	int		 nexcept;
	char		 servers[MAX_ITEMS][RULES_MAX_NAME + 64];
	int		 nserver;
};

struct xctx {
	struct imp_doc	*doc;
	struct xroute	*r;
	size_t		 n;
};

static void
xml_error(void *arg, xmlErrorPtr err)
{
	struct imp_doc *doc = arg;
	char msg[512];
	size_t l;

	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "?");
	l = strlen(msg);
	while (l > 0 && isspace((unsigned char)msg[l - 1]))
		msg[--l] = '\0';
	imp_error(doc, (unsigned)(err->line > 0 ? err->line : 0),
	    "XML: %s", msg);
}

/* The trimmed text of an element, malloc'ed. */
static char *
node_text(xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	char *s, *t;
	size_t l;

	if (c == NULL)
		return strdup("");
	for (s = (char *)c; isspace((unsigned char)*s); s++)
		;
	l = strlen(s);
	while (l > 0 && isspace((unsigned char)s[l - 1]))
		l--;
	t = strndup(s, l);
	xmlFree(c);
	return t;
}

static int
is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* Split s on '|' into trimmed items (s is modified); -1: more than max. */
static int
split_pipe(char *s, char **item, int max)
{
	int n = 0;
	char *p;
	size_t l;

	for (p = strtok(s, "|"); p != NULL; p = strtok(NULL, "|")) {
		if (n == max)
			return -1;
		while (isspace((unsigned char)*p))
			p++;
		l = strlen(p);
		while (l > 0 && isspace((unsigned char)p[l - 1]))
			p[--l] = '\0';
		if (*p != '\0')
			item[n++] = p;
	}
	return n;
}

/* ---- the sender condition ------------------------------------------- */

static int
read_sender(struct xroute *r, const char *s)
{
	if (strcasecmp(s, "ANY") == 0) {
		r->sk = SND_ANY;
		return 0;
	}
	if (strlen(s) >= sizeof(r->sender) || imp_has_space(s, strlen(s)))
		return -1;
	strcpy(r->sender, s[0] == '@' ? s + 1 : s);
	imp_domain_lower(r->sender);
	if (s[0] == '@') {
		r->sk = SND_DOMAIN;
		return imp_is_domain(r->sender) ? 0 : -1;
	}
	r->sk = SND_ADDR;
	return strchr(s, '@') != NULL ? 0 : -1;
}

static const char *
addr_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

/*
 * The sender set that is in both a and b, written as a condition token
 * into out ("" for any sender).  Returns -1 when the sets do not meet.
 */
static int
sender_meet(const struct xroute *a, const struct xroute *b, char *out,
    size_t len)
{
	const struct xroute *w = a;	/* the narrower of the two */

	if (a->sk == SND_ANY)
		w = b;
	else if (b->sk != SND_ANY) {
		if (a->sk == SND_ADDR && b->sk == SND_ADDR &&
		    strcmp(a->sender, b->sender) != 0)
			return -1;
		if (a->sk == SND_DOMAIN && b->sk == SND_DOMAIN &&
		    strcmp(a->sender, b->sender) != 0)
			return -1;
		if (a->sk == SND_DOMAIN && b->sk == SND_ADDR) {
			if (strcmp(addr_domain(b->sender), a->sender) != 0)
				return -1;
			w = b;
		}
		if (a->sk == SND_ADDR && b->sk == SND_DOMAIN &&
		    strcmp(addr_domain(a->sender), b->sender) != 0)
			return -1;
	}
	switch (w->sk) {
	case SND_ANY:
		out[0] = '\0';
		break;
	case SND_ADDR:
		snprintf(out, len, "$from=%s", w->sender);
		break;
	case SND_DOMAIN:
		snprintf(out, len, "$from~=*@%s", w->sender);
		break;
	}
	return 0;
}

/* ---- one route --------------------------------------------------------- */

struct xfields {
	char	*sender, *recipient, *except, *subject, *ip;
	char	 operand[8];
	char	 unknown[256];	/* names of elements not understood */
};

static void
fields_free(struct xfields *f)
{
	free(f->sender);
	free(f->recipient);
	free(f->except);
	free(f->subject);
	free(f->ip);
}

/* Collect the child elements, and the names of unknown ones. */
static void
read_fields(xmlNodePtr route, struct xfields *f)
{
	xmlNodePtr c;

	for (c = route->children; c != NULL; c = c->next) {
		char **slot = NULL;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(c, "sender"))
			slot = &f->sender;
		else if (is_elem(c, "recipient"))
			slot = &f->recipient;
		else if (is_elem(c, "recipientExceptions"))
			slot = &f->except;
		else if (is_elem(c, "subject")) {
			xmlChar *op = xmlGetProp(c, (const xmlChar *)"operand");

			slot = &f->subject;
			/* a missing or unknown operand means "contains" */
			snprintf(f->operand, sizeof(f->operand), "cn");
			if (op != NULL && (!xmlStrcmp(op, BAD_CAST "sw") ||
			    !xmlStrcmp(op, BAD_CAST "ew") ||
			    !xmlStrcmp(op, BAD_CAST "rg") ||
			    !xmlStrcmp(op, BAD_CAST "cn")))
				snprintf(f->operand, sizeof(f->operand), "%s",
				    (const char *)op);
			xmlFree(op);
		} else if (is_elem(c, "ip"))
			slot = &f->ip;
		if (slot == NULL) {
			size_t l = strlen(f->unknown);

			snprintf(f->unknown + l, sizeof(f->unknown) - l,
			    "%s<%s>", l ? " " : "", (const char *)c->name);
			continue;
		}
		free(*slot);
		*slot = node_text(c);
	}
}

static void
summary(const struct xfields *f, char *out, size_t len)
{
	snprintf(out, len, "<Route> sender=%s recipient=%s%s%s%s%s%s%s "
	    "ip=%s", f->sender ? f->sender : "(none)",
	    f->recipient ? f->recipient : "(none)",
	    f->except ? " recipientExceptions=" : "",
	    f->except ? f->except : "",
	    f->subject ? " subject(" : "", f->subject ? f->operand : "",
	    f->subject ? ")=" : "", f->subject ? f->subject : "",
	    f->ip ? f->ip : "(none)");
}

static int
read_ip(struct imp_doc *doc, struct xroute *r, char *ip)
{
	char *item[MAX_ITEMS], why[256];
	struct rules_server srv;
	unsigned port;
	int i, n;

	if ((n = split_pipe(ip, item, MAX_ITEMS)) < 0) {
		imp_error(doc, r->line, "<ip> holds more than %d hosts",
		    MAX_ITEMS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (imp_split_hostport(item[i], strlen(item[i]), &srv, &port,
		    why, sizeof(why)) != 0) {
			imp_error(doc, r->line, "<ip> '%s': %s", item[i], why);
			return -1;
		}
		imp_server(r->servers[r->nserver++], sizeof(r->servers[0]),
		    srv.host, srv.kind, port, NULL, NULL);
	}
	if (r->nserver == 0) {
		imp_error(doc, r->line, "<ip> is mandatory and holds no host");
		return -1;
	}
	return 0;
}

static int
read_recipient(struct imp_doc *doc, struct xroute *r, const char *rcpt)
{
	if (strcasecmp(rcpt, "ANY") == 0) {
		r->any = 1;
		return 0;
	}
	if (strchr(rcpt, '@') == NULL || strlen(rcpt) > RULES_MAX_NAME) {
		imp_error(doc, r->line, "<recipient> '%s' is not ANY, "
		    "@domain or an address", rcpt);
		return -1;
	}
	snprintf(r->domain, sizeof(r->domain), "%s", addr_domain(rcpt));
	imp_domain_lower(r->domain);
	if (!imp_is_domain(r->domain)) {
		imp_error(doc, r->line, "<recipient> '%s': bad domain", rcpt);
		return -1;
	}
	if (rcpt[0] != '@') {
		r->e->disabled = 1;
		imp_note(doc, r->e, "recipient %s is one address: DNS routes "
		    "whole domains, and applying the route to all of %s would "
		    "reroute mail Xeams does not; the route is left off",
		    rcpt, r->domain);
	}
	return 0;
}

static void
read_exceptions(struct imp_doc *doc, struct xroute *r, char *ex)
{
	char *item[MAX_ITEMS];
	int i, n;

	if (!r->any) {
		imp_note(doc, r->e, "recipientExceptions apply only with "
		    "recipient ANY (Xeams ignores them here too)");
		return;
	}
	if ((n = split_pipe(ex, item, MAX_ITEMS)) < 0) {
		imp_error(doc, r->line, "more than %d recipientExceptions",
		    MAX_ITEMS);
		return;
	}
	for (i = 0; i < n; i++) {
		char *d = item[i] + (item[i][0] == '@');

		if (item[i][0] != '@') {
			imp_note(doc, r->e, "the exception for the address %s "
			    "cannot be carried: mail to it takes this route "
			    "too", item[i]);
			continue;
		}
		imp_domain_lower(d);
		if (!imp_is_domain(d)) {
			imp_note(doc, r->e, "exception '%s' is not a domain; "
			    "ignored", item[i]);
			continue;
		}
		r->except[r->nexcept++] = strdup(d);
	}
}

static void
read_subject(struct imp_doc *doc, struct xroute *r, const struct xfields *f)
{
	/* an empty text is contained in, starts and ends every subject,
	   and an empty regex matches every subject: no narrowing */
	if (f->subject == NULL || f->subject[0] == '\0')
		return;
	r->e->disabled = 1;
	imp_note(doc, r->e, "subject condition (%s \"%s\"): DNS cannot see "
	    "the subject, and applying the route to every message would "
	    "reroute mail Xeams does not; the route is left off", f->operand,
	    f->subject);
}

static int
read_route(struct xctx *x, xmlNodePtr node)
{
	struct xfields f = { 0 };
	struct xroute *r = &x->r[x->n];
	char text[1024];

	memset(r, 0, sizeof(*r));
	r->line = (unsigned)xmlGetLineNo(node);
	read_fields(node, &f);
	summary(&f, text, sizeof(text));
	if ((r->e = imp_entry_new(x->doc, r->line, text)) == NULL) {
		fields_free(&f);
		return -1;
	}
	r->ei = x->doc->nentry - 1;
	if (f.unknown[0] != '\0')
		imp_note(x->doc, r->e, "unknown element(s) %s not carried",
		    f.unknown);
	if (f.sender == NULL || read_sender(r, f.sender) != 0) {
		imp_error(x->doc, r->line, "<sender> must be one address, "
		    "@domain or ANY");
		goto bad;
	}
	if (f.recipient == NULL) {
		imp_error(x->doc, r->line, "<recipient> is mandatory");
		goto bad;
	}
	if (read_recipient(x->doc, r, f.recipient) != 0)
		goto bad;
	if (f.ip == NULL) {
		imp_error(x->doc, r->line, "<ip> is mandatory");
		goto bad;
	}
	if (read_ip(x->doc, r, f.ip) != 0)
		goto bad;
	/* an empty list excepts nothing: Xeams' own sample leaves it so */
	if (f.except != NULL && f.except[0] != '\0')
		read_exceptions(x->doc, r, f.except);
	read_subject(x->doc, r, &f);
	fields_free(&f);
	x->n++;
	return 0;
bad:
	fields_free(&f);
	imp_entry_drop(x->doc, x->doc->nentry - 1);
	return 0;
}

/* ---- writing the lines ------------------------------------------------ */

/* The lines of route j for pattern, with condition cond. */
static int
route_lines(struct imp_entry *e, const struct xroute *j, const char *pattern,
    const char *cond)
{
	int k;

	for (k = 0; k < j->nserver; k++) {
		char tok[RULES_MAX_NAME * 2 + 16] = "";

		imp_tok(tok, sizeof(tok), "%s", cond);
		/* one host picked at random: equal preferences */
		if (k == j->nserver - 1)
			imp_tok(tok, sizeof(tok), "$end");
		if (imp_line_add(e, pattern, j->servers[k], "%s", tok) != 0)
			return -1;
	}
	return 0;
}

static int
excepted(const struct xroute *r, const char *d)
{
	int k;

	for (k = 0; k < r->nexcept; k++)
		if (strcmp(r->except[k], d) == 0)
			return 1;
	return 0;
}

/* Whether route j would be used for recipient domain d. */
static int
matches_domain(const struct xroute *j, const char *d)
{
	if (j->e->disabled)
		return 0;
	if (j->any)
		return !excepted(j, d);
	return strcmp(j->domain, d) == 0;
}

/*
 * Exception d of ANY route i: when i's sender matches, Xeams goes on with
 * the later routes, then the normal MX lookup.
 */
static int
exception_lines(struct xctx *x, size_t i, const char *d)
{
	const struct xroute *r = &x->r[i];
	char cond[RULES_MAX_NAME * 2 + 16];
	size_t j;

	for (j = i + 1; j < x->n; j++) {
		if (!matches_domain(&x->r[j], d) ||
		    sender_meet(r, &x->r[j], cond, sizeof(cond)) != 0)
			continue;
		if (route_lines(r->e, &x->r[j], d, cond) != 0)
			return -1;
	}
	sender_meet(r, r, cond, sizeof(cond));
	return imp_line_add(r->e, d, "USEDNS", "%s%s$end", cond,
	    cond[0] ? " " : "");
}

static int
write_route(struct xctx *x, size_t i)
{
	const struct xroute *r = &x->r[i];
	char cond[RULES_MAX_NAME * 2 + 16];
	int k;

	for (k = 0; k < r->nexcept; k++)
		if (exception_lines(x, i, r->except[k]) != 0)
			return -1;
	sender_meet(r, r, cond, sizeof(cond));
	return route_lines(r->e, r, r->any ? "*" : r->domain, cond);
}

/* ---- the document ------------------------------------------------------ */

static int
walk(struct xctx *x, xmlNodePtr root)
{
	xmlNodePtr rs, n;
	size_t cap = 0;

	for (rs = root->children; rs != NULL; rs = rs->next) {
		if (!is_elem(rs, "Routes"))
			continue;
		for (n = rs->children; n != NULL; n = n->next) {
			if (!is_elem(n, "Route"))
				continue;
			if (x->n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct xroute *v = realloc(x->r,
				    nc * sizeof(*v));

				if (v == NULL)
					return -1;
				x->r = v;
				cap = nc;
			}
			if (read_route(x, n) != 0)
				return -1;
		}
	}
	return 0;
}

int
import_xeams(struct imp_doc *doc, const char *text, size_t len)
{
	struct xctx x = { .doc = doc };
	xmlDocPtr xd;
	xmlNodePtr root;
	size_t i;
	int r = 0, k;

	xmlSetStructuredErrorFunc(doc, xml_error);
	xd = xmlReadMemory(text, (int)len, doc->srcname, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (xd == NULL) {
		if (doc->errors == 0)
			imp_error(doc, 0, "not an XML document");
		return -1;
	}
	root = xmlDocGetRootElement(xd);
	if (root == NULL || !is_elem(root, "CustomRouting")) {
		imp_error(doc, root ? (unsigned)xmlGetLineNo(root) : 0,
		    "the root element is not <CustomRouting>");
		xmlFreeDoc(xd);
		return -1;
	}
	if (walk(&x, root) != 0)
		r = -1;
	doc->order = "as in the file: Xeams uses the first route that "
	    "matches";
	/* adding entries moved them: point the routes at them again */
	for (i = 0; i < x.n; i++)
		x.r[i].e = &doc->entry[x.r[i].ei];
	for (i = 0; r == 0 && i < x.n; i++)
		if (write_route(&x, i) != 0)
			r = -1;
	for (i = 0; i < x.n; i++)
		for (k = 0; k < x.r[i].nexcept; k++)
			free(x.r[i].except[k]);
	free(x.r);
	xmlFreeDoc(xd);
	return r != 0 || doc->errors ? -1 : 0;
}
