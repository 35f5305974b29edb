/*
 * tests/fuzz/mkseeds.c - write the seed corpora of the fuzz targets:
 * queries and upstream responses made with ldns (answer), query + reply
 * pairs (shim), and rules files (rules).  Run by `tests/fuzz/run.sh seeds`;
 * the output is committed, so this only runs when the seeds change.
 *
 *   mkseeds CORPUS-DIR     writes CORPUS-DIR/{answer,shim,rules}/NAME
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "rules.h"

static const char	*dir;

static int
write_file(const char *target, const char *name, const void *p, size_t len)
{
	char	path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		return -1;
	}
	if (fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

/* A query: edns 0 for none, version > 0 for BADVERS. */
static ldns_pkt *
query(const char *name, ldns_rr_type type, uint16_t edns, int version,
    int do_bit)
{
	ldns_pkt	*p;
	ldns_rdf	*owner = ldns_dname_new_frm_str(name);

	if (owner == NULL)
		return NULL;
	p = ldns_pkt_query_new(owner, type, LDNS_RR_CLASS_IN, LDNS_RD);
	ldns_pkt_set_id(p, 0x4d58);
	if (edns != 0) {
		ldns_pkt_set_edns_udp_size(p, edns);
		ldns_pkt_set_edns_version(p, (uint8_t)version);
		ldns_pkt_set_edns_do(p, do_bit);
	}
	return p;
}

/*
 * A response to an MX query for name: rcode, then records in zone-file
 * form, "A:" for the authority section.
 */
static ldns_pkt *
response(const char *name, ldns_pkt_rcode rcode, const char *const *rrs)
{
	ldns_pkt	*p = query(name, LDNS_RR_TYPE_MX, 0, 0, 0);
	ldns_rr		*rr;

	ldns_pkt_set_qr(p, 1);
	ldns_pkt_set_ra(p, 1);
	ldns_pkt_set_rcode(p, rcode);
	for (; rrs != NULL && *rrs != NULL; rrs++) {
		int auth = strncmp(*rrs, "A:", 2) == 0;

		if (ldns_rr_new_frm_str(&rr, *rrs + (auth ? 2 : 0), 0, NULL,
		    NULL) != LDNS_STATUS_OK) {
			fprintf(stderr, "mkseeds: bad record %s\n", *rrs);
			exit(1);
		}
		ldns_pkt_push_rr(p, auth ? LDNS_SECTION_AUTHORITY :
		    LDNS_SECTION_ANSWER, rr);
	}
	return p;
}

static int
wire(ldns_pkt *p, uint8_t **buf, size_t *len)
{
	if (p == NULL || ldns_pkt2wire(buf, p, len) != LDNS_STATUS_OK)
		return -1;
	ldns_pkt_free(p);
	return 0;
}

static int
put_pkt(const char *target, const char *name, ldns_pkt *p)
{
	uint8_t	*buf;
	size_t	 len;
	int	 rc;

	if (wire(p, &buf, &len) == -1)
		return -1;
	rc = write_file(target, name, buf, len);
	free(buf);
	return rc;
}

/* A shim seed: 2-byte length, the query, the reply (p2 may be NULL). */
static int
put_pair(const char *name, ldns_pkt *q, ldns_pkt *r)
{
	uint8_t	*qb, *rb = NULL, *all;
	size_t	 ql, rl = 0;
	int	 rc;

	if (wire(q, &qb, &ql) == -1 || (r != NULL && wire(r, &rb, &rl) == -1))
		return -1;
	if ((all = malloc(2 + ql + rl)) == NULL)
		return -1;
	all[0] = (uint8_t)(ql >> 8);
	all[1] = (uint8_t)ql;
	memcpy(all + 2, qb, ql);
	if (rl > 0)
		memcpy(all + 2 + ql, rb, rl);
	rc = write_file("shim", name, all, 2 + ql + rl);
	free(all);
	free(qb);
	free(rb);
	return rc;
}

static const char *const r_add[] = {
	"add.example. 300 IN MX 10 mx1.add.example.",
	"add.example. 600 IN MX 20 MX2.Add.Example.", NULL };
static const char *const r_nodata[] = {
	"A:real.example. 900 IN SOA ns.real.example. h.real.example. "
	"1 7200 3600 86400 300", NULL };
static const char *const r_nxdomain[] = {
	"A:example. 900 IN SOA ns.example. h.example. 1 7200 3600 86400 60",
	NULL };
static const char *const r_cname[] = {
	"real.example. 120 IN CNAME alias.example.",
	"alias.example. 300 IN MX 5 mx.alias.example.", NULL };
static const char *const r_null[] = { "add.example. 300 IN MX 0 .", NULL };
static const char *const r_google[] = {
	"x.g1.example. 300 IN MX 1 aspmx.l.google.com.",
	"x.g1.example. 300 IN MX 5 alt1.aspmx.l.google.com.", NULL };
static const char *const r_lookup[] = {
	"mx.example.net. 300 IN MX 10 in1.example.net.",
	"mx.example.net. 300 IN MX 10 [192.0.2.1].example.net.", NULL };
static const char *const r_y[] = {
	"y.example. 300 IN MX 10 mail.example.net.", NULL };

static int
answer_seeds(void)
{
	char		v4[128], v6[128];
	uint8_t		a[16];
	char		longname[256];
	ldns_pkt	*p;
	int		e = 0;

	inet_pton(AF_INET, "192.0.2.1", a);
	rules_synth_name(AF_INET, a, v4, sizeof(v4));
	inet_pton(AF_INET6, "2001:db8::1", a);
	rules_synth_name(AF_INET6, a, v6, sizeof(v6));
	memset(longname, 'a', sizeof(longname));
	memcpy(longname + 60, ".", 1);
	memcpy(longname + 120, ".", 1);
	memcpy(longname + 180, ".", 1);
	strcpy(longname + 240, ".example");

	e |= put_pkt("answer", "q-mx-partner", query("partner.example",
	    LDNS_RR_TYPE_MX, 0, 0, 0));
	e |= put_pkt("answer", "q-mx-0x20", query("PaRtNeR.ExAmPlE",
	    LDNS_RR_TYPE_MX, 0, 0, 0));
	e |= put_pkt("answer", "q-mx-corp-edns", query("a.corp.example",
	    LDNS_RR_TYPE_MX, 1232, 0, 0));
	e |= put_pkt("answer", "q-mx-inside-do", query("mx.inside.example",
	    LDNS_RR_TYPE_MX, 4096, 0, 1));
	e |= put_pkt("answer", "q-mx-null", query("null.example",
	    LDNS_RR_TYPE_MX, 0, 0, 0));
	e |= put_pkt("answer", "q-mx-add", query("add.example",
	    LDNS_RR_TYPE_MX, 0, 0, 0));
	e |= put_pkt("answer", "q-mx-bulk", query("big.bulk.example",
	    LDNS_RR_TYPE_MX, 512, 0, 0));
	e |= put_pkt("answer", "q-mx-long", query(longname,
	    LDNS_RR_TYPE_MX, 0, 0, 0));
	e |= put_pkt("answer", "q-mx-root", query(".", LDNS_RR_TYPE_MX, 0, 0,
	    0));
	e |= put_pkt("answer", "q-mx-escaped", query("a\\.b\\000.example",
	    LDNS_RR_TYPE_MX, 0, 0, 0));
	e |= put_pkt("answer", "q-a-synth", query(v4, LDNS_RR_TYPE_A, 0, 0,
	    0));
	e |= put_pkt("answer", "q-aaaa-synth", query(v6, LDNS_RR_TYPE_AAAA,
	    1232, 0, 0));
	e |= put_pkt("answer", "q-a-synth-v6", query(v6, LDNS_RR_TYPE_A, 0,
	    0, 0));
	e |= put_pkt("answer", "q-txt", query("partner.example",
	    LDNS_RR_TYPE_TXT, 0, 0, 0));
	e |= put_pkt("answer", "q-badvers", query("partner.example",
	    LDNS_RR_TYPE_MX, 1232, 1, 0));
	p = query("partner.example", LDNS_RR_TYPE_MX, 0, 0, 0);
	ldns_pkt_set_opcode(p, LDNS_PACKET_NOTIFY);
	e |= put_pkt("answer", "q-notify", p);

	e |= put_pkt("answer", "r-mx", response("add.example",
	    LDNS_RCODE_NOERROR, r_add));
	e |= put_pkt("answer", "r-nodata", response("real.example",
	    LDNS_RCODE_NOERROR, r_nodata));
	e |= put_pkt("answer", "r-nxdomain", response("add.example",
	    LDNS_RCODE_NXDOMAIN, r_nxdomain));
	e |= put_pkt("answer", "r-cname", response("real.example",
	    LDNS_RCODE_NOERROR, r_cname));
	e |= put_pkt("answer", "r-null-mx", response("add.example",
	    LDNS_RCODE_NOERROR, r_null));
	e |= put_pkt("answer", "r-servfail", response("add.example",
	    LDNS_RCODE_SERVFAIL, NULL));
	return e;
}

static int
shim_seeds(void)
{
	char		v4[128], v6[128];
	uint8_t		a[16];
	int		e = 0;

	inet_pton(AF_INET, "192.0.2.1", a);
	rules_synth_name(AF_INET, a, v4, sizeof(v4));
	inet_pton(AF_INET6, "2001:db8::1", a);
	rules_synth_name(AF_INET6, a, v6, sizeof(v6));

	e |= put_pair("partner", query("partner.example", LDNS_RR_TYPE_MX,
	    0, 0, 0), NULL);
	e |= put_pair("add-mx", query("add.example", LDNS_RR_TYPE_MX, 1232, 0,
	    0), response("add.example", LDNS_RCODE_NOERROR, r_add));
	e |= put_pair("add-nxdomain", query("add.example", LDNS_RR_TYPE_MX, 0,
	    0, 0), response("add.example", LDNS_RCODE_NXDOMAIN, r_nxdomain));
	e |= put_pair("add-null", query("add.example", LDNS_RR_TYPE_MX, 0, 0,
	    0), response("add.example", LDNS_RCODE_NOERROR, r_null));
	e |= put_pair("usedns-cname", query("real.example", LDNS_RR_TYPE_MX,
	    0, 0, 0), response("real.example", LDNS_RCODE_NOERROR, r_cname));
	e |= put_pair("usedns-nodata", query("real.example", LDNS_RR_TYPE_MX,
	    0, 0, 0), response("real.example", LDNS_RCODE_NOERROR, r_nodata));
	e |= put_pair("dnsmx-google", query("x.g1.example", LDNS_RR_TYPE_MX,
	    0, 0, 0), response("x.g1.example", LDNS_RCODE_NOERROR, r_google));
	e |= put_pair("lookupmx", query("lookup.example", LDNS_RR_TYPE_MX, 0,
	    0, 0), response("mx.example.net", LDNS_RCODE_NOERROR, r_lookup));
	e |= put_pair("dnsmx-not", query("y.example", LDNS_RR_TYPE_MX, 0, 0,
	    0), response("y.example", LDNS_RCODE_NOERROR, r_y));
	e |= put_pair("timeout", query("add.example", LDNS_RR_TYPE_MX, 0, 0,
	    0), NULL);
	e |= put_pair("corp-port", query("a.corp.example", LDNS_RR_TYPE_MX,
	    0, 0, 0), NULL);
	e |= put_pair("synth-a", query(v4, LDNS_RR_TYPE_A, 0, 0, 0), NULL);
	e |= put_pair("synth-aaaa", query(v6, LDNS_RR_TYPE_AAAA, 0, 0, 0),
	    NULL);
	return e;
}

/* Rules files: every construct of mxshim.conf(5), and a few errors. */
static const char *const rules_files[][2] = {
	{ "spec-example",
	  "# everything to Google-hosted domains goes through the ISP relay\n"
	  "*        smtp.myisp.example             "
	  "$dnsmx:*.aspmx.l.google.com $end\n"
	  "partner.example   joe:letmein@smtp.myisp.example:587\n"
	  "test.example      backup.relay.example  $adddns $priority:50\n"
	  "*        bulk.relay.example             $size>=10000000 "
	  "$retries>=3 $end\n"
	  "corp.internal     10.1.2.3\n" },
	{ "addresses",
	  "x.example [192.0.2.1]:26\n"
	  "y.example [2001:db8::1]\n"
	  "z.example [IPv6:2001:db8::1]:2525 $priority:0\n"
	  "*.v4.example 192.0.2.55\n" },
	{ "special",
	  "gone.example USEDNS $end\n"
	  "null.example .\n"
	  "route.example mx.example.net $lookupmx $priority:20\n"
	  "*.example usedns\n"
	  "*.test h.example $dnsmx:!*.example.net $adddns\n" },
	{ "conditions",
	  "* a.example $from~=/^bounce-[0-9]+@/i $authsender<>joe\n"
	  "* b.example $from~!*@list.example $size<1000 $retries==0\n"
	  "* c.example $client=192.0.2.0/24 $end\n"
	  "* d.example $client!=2001:db8::/32\n"
	  "* e.example $authsender<=m $authsender>a $from=x@y\n" },
	{ "globs",
	  "mail*.example.com h\n*.example.* h2\n?.example.com h3\n"
	  "a*b*c h4 $end\nExAmPle.COM. H5.\n*example.com h6\n" },
	{ "credentials",
	  "x.example us:p@ss:w@rd@h.example:587\n"
	  "y.example joe:@h.example\n" },
	{ "comments-crlf",
	  "# comment\r\n\r\n   \t\n  # indented\r\nx.example\t\th.example"
	  "  \t$priority:5\r\n" },
	{ "error-token", "x.example h $bogus\n" },
	{ "error-regex", "* h $from~=/(/\n" },
	{ "error-port", "x.example h:65536\n" },
	{ "error-v6", "x.example 2001:db8::1\n" },
	{ "error-twice", "x.example h $priority:1 $priority:2\n" },
};

static int
rules_seeds(void)
{
	size_t	i;
	int	e = 0;

	for (i = 0; i < sizeof(rules_files) / sizeof(rules_files[0]); i++)
		e |= write_file("rules", rules_files[i][0], rules_files[i][1],
		    strlen(rules_files[i][1]));
	return e;
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds CORPUS-DIR\n");
		return 2;
	}
	dir = argv[1];
	if (answer_seeds() != 0 || shim_seeds() != 0 || rules_seeds() != 0)
		return 1;
	return 0;
}
