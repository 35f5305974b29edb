/*
 * convert/import_kumo.c - KumoMTA queue routing (a queues.toml-style file, as
 * read by the policy-extras queue helper) into override lines.
 *
 *   [queue.'example.com']                 # the domain itself
 *   routing_domain = 'relay.example.net'  # MX-resolved instead of the domain
 *
 *   [queue.'*.example.org']               # its subdomains
 *   protocol = { smtp = { mx_list = [ 'a.example.net', '[10.0.0.1]',
 *       { name = 'mx.example.com', addr = '10.0.0.2' } ] } }
 *
 *   [queue.default]                       # every other domain
 *
 * An mx_list is tried in order: increasing preferences 10, 20, 30...  Its
 * names are resolved for addresses (no MX lookup); a {name, addr} entry
 * connects to addr.  routing_domain is MX-resolved ($lookupmx), or, as
 * an address literal ([192.0.2.1]), connected to.  An exact
 * domain wins over "*.suffix" (longest first) and over "default", so the
 * entries are sorted that way and end with $end.  Tenant and campaign
 * sub-tables and settings that do not choose the next hop are reported.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "import.h"
#include "import_toml.h"

#define RANK_EXACT	0
#define RANK_SUFFIX	1
#define RANK_DEFAULT	2

/*
 * The SERVER field for a host or [address] src that KumoMTA connects to
 * on port 25 (what names it, for errors, at line); 0, or -1 when it
 * cannot be read.
 */
static int
host_server(struct imp_doc *doc, unsigned line, const char *what,
    const char *src, char *server, size_t len)
{
	struct rules_server srv;
	unsigned port;
	char why[256];

	if (imp_split_hostport(src, strlen(src), &srv, &port, why,
	    sizeof(why)) != 0) {
		imp_error(doc, line, "%s '%s': %s", what, src, why);
		return -1;
	}
	if (port != 0) {
		imp_error(doc, line, "%s '%s': KumoMTA takes no port here",
		    what, src);
		return -1;
	}
	return imp_server(server, len, srv.host, srv.kind, 0, NULL, NULL);
}

/* One mx_list item; 0, or -1 when it cannot be read. */
static int
mx_item(struct imp_doc *doc, struct imp_entry *e, const struct toml_val *it,
    char *server, size_t len)
{
	const struct toml_val *addr;
	const char *src;

	if (it->type == TOML_TABLE) {
		const struct toml_val *name = toml_get(it, "name");

		addr = toml_get(it, "addr");
		if (addr == NULL || addr->type != TOML_STRING) {
			imp_error(doc, it->line, "mx_list entry without a "
			    "string 'addr'");
			return -1;
		}
		if (name != NULL && name->type == TOML_STRING)
			imp_note(doc, e, "mx_list entry %s: the name %s is not "
			    "carried; the record points at the address",
			    addr->s, name->s);
		src = addr->s;
	} else if (it->type == TOML_STRING)
		src = it->s;
	else {
		imp_error(doc, it->line, "mx_list entries are strings or "
		    "{ name, addr } tables");
		return -1;
	}
	return host_server(doc, it->line, "mx_list entry", src, server, len);
}

static int
mx_list_lines(struct imp_doc *doc, struct imp_entry *e, const char *pattern,
    const struct toml_val *list)
{
	char server[RULES_MAX_NAME + 8];
	size_t i;

	if (list->type != TOML_ARRAY || list->nitem == 0) {
		imp_error(doc, list->line, "mx_list is not a list of hosts");
		return 0;
	}
	for (i = 0; i < list->nitem; i++) {
		if (mx_item(doc, e, &list->item[i], server,
		    sizeof(server)) != 0)
			return 0;
		/* tried in order: increasing preferences */
		if (imp_line_add(e, pattern, server, "$priority:%zu%s",
		    (i + 1) * 10, i + 1 == list->nitem ? " $end" : "") != 0)
			return -1;
	}
	return 0;
}

/* The protocol table: smtp.mx_list, or a delivery DNS cannot carry. */
static const struct toml_val *
protocol_mx_list(struct imp_doc *doc, struct imp_entry *e,
    const struct toml_val *proto)
{
	const struct toml_val *smtp = toml_get(proto, "smtp");
	size_t i;

	for (i = 0; proto->type == TOML_TABLE && i < proto->nkv; i++)
		if (strcmp(proto->kv[i].key, "smtp") != 0)
			imp_note(doc, e, "protocol.%s: delivery other than "
			    "SMTP is not carried; the next less specific route "
			    "applies", proto->kv[i].key);
	if (smtp == NULL)
		return NULL;
	for (i = 0; smtp->type == TOML_TABLE && i < smtp->nkv; i++)
		if (strcmp(smtp->kv[i].key, "mx_list") != 0)
			imp_note(doc, e, "protocol.smtp.%s is not carried",
			    smtp->kv[i].key);
	return toml_get(smtp, "mx_list");
}

/* What of a queue table is not routing: settings, tenant sub-tables. */
static void
report_rest(struct imp_doc *doc, struct imp_entry *e, const struct toml_val *q)
{
	char *names = NULL;
	size_t i, len = 0;
	FILE *f;

	if ((f = open_memstream(&names, &len)) == NULL)
		return;
	for (i = 0; i < q->nkv; i++) {
		const struct toml_kv *kv = &q->kv[i];

		if (!strcmp(kv->key, "routing_domain") ||
		    !strcmp(kv->key, "protocol"))
			continue;
		if (kv->val.type == TOML_TABLE)
			imp_note(doc, e, "the settings for tenant '%s' are not "
			    "carried: DNS does not see the tenant", kv->key);
		else
			fprintf(f, "%s%s", ftell(f) > 0 ? ", " : "", kv->key);
	}
	if (imp_memclose(f) == 0 && len > 0)
		imp_note(doc, e, "settings that do not choose the next hop "
		    "are not carried: %s", names);
	free(names);
}

/*
 * routing_domain: a domain is MX-resolved instead of the queue's; an
 * address literal, [192.0.2.1] or [IPv6:2001:db8::1], is connected to.
 */
static int
routing_domain(struct imp_doc *doc, struct imp_entry *e, const char *pattern,
    const struct toml_val *rd)
{
	char server[RULES_MAX_NAME + 8];

	if (rd->type == TOML_STRING && rd->s[0] == '[') {
		if (host_server(doc, rd->line, "routing_domain", rd->s, server,
		    sizeof(server)) != 0)
			return 0;
		return imp_line_add(e, pattern, server, "$end");
	}
	if (rd->type != TOML_STRING || !imp_is_domain(rd->s)) {
		imp_error(doc, rd->line, "routing_domain is not a domain or "
		    "an [address]");
		return 0;
	}
	return imp_line_add(e, pattern, rd->s, "$lookupmx $end");
}

static int
one_queue(struct imp_doc *doc, const struct toml_kv *kv)
{
	const struct toml_val *q = &kv->val, *rd, *proto, *list = NULL;
	char pattern[RULES_MAX_NAME + 3], text[RULES_MAX_NAME + 32];
	const char *d = kv->key;
	struct imp_entry *e;
	int rank;
	size_t spec = 0;

	if (q->type != TOML_TABLE) {
		imp_error(doc, q->line, "queue.'%s' is not a table", d);
		return 0;
	}
	if (strcmp(d, "default") == 0) {
		rank = RANK_DEFAULT;
		strcpy(pattern, "*");
	} else {
		int sub = strncmp(d, "*.", 2) == 0;

		snprintf(pattern, sizeof(pattern), "%s", d);
		imp_domain_lower(pattern);
		if (!imp_is_domain(pattern + 2 * sub) || strlen(d) >
		    RULES_MAX_NAME) {
			imp_error(doc, q->line, "queue '%s' is not a domain, "
			    "'*.domain' or 'default'", d);
			return 0;
		}
		rank = sub ? RANK_SUFFIX : RANK_EXACT;
		spec = sub ? strlen(pattern) : 0;
	}
	snprintf(text, sizeof(text), "[queue.'%s']", d);
	if ((e = imp_entry_new(doc, q->line, text)) == NULL)
		return -1;
	e->rank = rank;
	e->speclen = spec;
	rd = toml_get(q, "routing_domain");
	if ((proto = toml_get(q, "protocol")) != NULL)
		list = protocol_mx_list(doc, e, proto);
	report_rest(doc, e, q);
	if (list != NULL) {
		if (rd != NULL)
			imp_note(doc, e, "routing_domain is not used: the "
			    "mx_list names the hosts");
		return mx_list_lines(doc, e, pattern, list);
	}
	if (rd == NULL)
		return 0;	/* nothing routes: the normal MX lookup */
	return routing_domain(doc, e, pattern, rd);
}

int
import_kumo(struct imp_doc *doc, const char *text, size_t len)
{
	struct toml_val root;
	const struct toml_val *queues;
	char msg[256];
	unsigned line;
	size_t i;
	int r = 0;

	if (toml_parse(text, len, &root, &line, msg, sizeof(msg)) != 0) {
		imp_error(doc, line, "TOML: %s", msg);
		return -1;
	}
	for (i = 0; i < root.nkv; i++) {
		struct imp_entry *e;

		if (strcmp(root.kv[i].key, "queue") == 0)
			continue;
		if ((e = imp_entry_new(doc, root.kv[i].val.line,
		    root.kv[i].key)) == NULL) {
			r = -1;
			break;
		}
		e->rank = RANK_DEFAULT + 1;
		imp_note(doc, e, "'%s' is not queue routing; not carried",
		    root.kv[i].key);
	}
	queues = toml_get(&root, "queue");
	for (i = 0; r == 0 && queues != NULL && i < queues->nkv; i++)
		r = one_queue(doc, &queues->kv[i]);
	toml_free(&root);
	if (r == 0)
		imp_sort(doc, "exact domains, then *.suffix (longest first), "
		    "then default,\n# as KumoMTA looks up its queue "
		    "configuration");
	return r != 0 || doc->errors ? -1 : 0;
}
