/*
 * tests/unit/test_rules.c - the rules engine against every rule of
 * mxshim.conf(5): parsing and its errors, patterns, servers, conditions,
 * evaluation with stubbed real DNS data, indexes and lint.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <criterion/criterion.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <errno.h>
#include <unistd.h>

#include "rules_fixture.h"

/* ---- file ---- */

Test(file, comments_and_blank_lines_are_ignored)
{
	struct rules *set = fx_load("# c\n\n   \t\n  # indented\nx.example h\n");

	cr_assert_not_null(set);
	cr_assert_eq(rules_count(set), 1);
	rules_free(set);
}

Test(file, tabs_and_spaces_separate_fields)
{
	cr_assert_str_eq(fx_route("x.example\t\th.example  \t$priority:5\n",
	    "x.example"), "5 h.example");
}

Test(file, crlf_line_endings_are_accepted)
{
	cr_assert_str_eq(fx_route("x.example h.example\r\n", "x.example"),
	    "10 h.example");
}

Test(file, line_longer_than_4096_is_an_error)
{
	char *text = malloc(5000);

	memset(text, 'a', 4999);
	memcpy(text, "x.example h ", 12);
	text[4999] = '\0';
	cr_assert_str_eq(fx_error(text), "1:4097: line longer than 4096 bytes");
	free(text);
}

Test(file, nul_byte_is_an_error)
{
	struct rules_load_opts opts = { .diag = collect_diag,
	    .diag_arg = &fx_diags };

	memset(&fx_diags, 0, sizeof(fx_diags));
	cr_assert_null(rules_load_buffer("t", "x.example h\0x\n", 14, &opts));
	cr_assert_str_eq(fx_diags.text, "1:12: NUL byte in the line\n");
}

Test(file, non_ascii_outside_regex_is_an_error)
{
	cr_assert_str_eq(fx_error("x.example h\n\xc3\xa9.example h\n"),
	    "2:1: non-ASCII byte 0xc3 outside a /regex/");
}

Test(file, non_ascii_inside_regex_is_allowed)
{
	cr_assert_str_eq(fx_error("* h $from~=/caf\xc3\xa9/\n"), "(loaded)");
}

Test(file, any_error_rejects_the_whole_file_and_all_errors_are_reported)
{
	struct rules *set = fx_load("a.example h\nb.example h $bogus\n"
	    "c.example h\nd.example h:0\n");

	cr_assert_null(set);
	cr_assert_eq(fx_diags.errors, 2);
	cr_assert(strstr(fx_diags.text, "2:13: unknown token '$bogus'"));
	cr_assert(strstr(fx_diags.text, "4:13: port '0' out of range"));
}

Test(file, missing_server_is_an_error)
{
	cr_assert_str_eq(fx_error("x.example\n"),
	    "1:10: expected a SERVER after the pattern");
}

Test(file, token_without_dollar_is_an_error)
{
	cr_assert_str_eq(fx_error("x.example h end\n"),
	    "1:13: expected a $token or a condition, found 'end'");
}

Test(file, line_limit_is_enforced)
{
	struct rules_load_opts opts = { .diag = collect_diag,
	    .diag_arg = &fx_diags, .max_lines = 2 };
	struct rules *set;
	const char *t = "a.example h\nb.example h\nc.example h\n";

	memset(&fx_diags, 0, sizeof(fx_diags));
	errno = 0;
	cr_assert_null(rules_load_buffer("t", t, strlen(t), &opts));
	cr_assert_str_eq(fx_diags.text, "3:1: over the limit of 2 lines\n");
	cr_assert_eq(errno, EFBIG);
	opts.max_lines = 3;
	set = rules_load_buffer("t", t, strlen(t), &opts);
	cr_assert_not_null(set);
	rules_free(set);
}

Test(file, byte_limit_is_enforced_with_a_whole_file_error)
{
	struct rules_load_opts opts = { .diag = collect_diag,
	    .diag_arg = &fx_diags, .max_bytes = 23 };
	struct rules *set;
	const char *t = "a.example h\nb.example h\n";

	memset(&fx_diags, 0, sizeof(fx_diags));
	errno = 0;
	cr_assert_null(rules_load_buffer("t", t, strlen(t), &opts));
	cr_assert_str_eq(fx_diags.text, "0:0: 24 bytes, over the limit of 23 "
	    "bytes\n");
	cr_assert_eq(errno, EFBIG);
	opts.max_bytes = 24;
	set = rules_load_buffer("t", t, strlen(t), &opts);
	cr_assert_not_null(set);
	rules_free(set);
}

Test(file, sizes_take_binary_suffixes)
{
	size_t n;

	cr_assert_eq(rules_parse_size("4096", &n), 0);
	cr_assert_eq(n, 4096);
	cr_assert_eq(rules_parse_size("64M", &n), 0);
	cr_assert_eq(n, 64UL << 20);
	cr_assert_eq(rules_parse_size("2k", &n), 0);
	cr_assert_eq(n, 2048);
	cr_assert_eq(rules_parse_size("1G", &n), 0);
	cr_assert_eq(n, 1UL << 30);
	cr_assert_eq(rules_parse_size("0", &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(rules_parse_size("M", &n), -1);
	cr_assert_eq(rules_parse_size("1T", &n), -1);
	cr_assert_eq(rules_parse_size("-1", &n), -1);
	cr_assert_eq(rules_parse_size("", &n), -1);
	cr_assert_eq(rules_parse_size("99999999999999999999G", &n), -1);
}

/* A file in the test's own scratch place; path gets its name. */
static void
scratch_file(char *path, size_t len, const char *text)
{
	FILE	*f;
	int	 fd;

	snprintf(path, len, "%s/mxshim-rules-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_not_null(f = fdopen(fd, "w"));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

Test(file, a_file_that_changed_since_the_callers_look_is_not_loaded)
{
	struct rules_load_opts	 opts = { 0 };
	struct rules		*set;
	struct stat		 look;
	char			 path[256];
	FILE			*f;

	scratch_file(path, sizeof(path), "x.example half.example\n");
	cr_assert_eq(stat(path, &look), 0);
	/* the writer goes on after the caller looked */
	cr_assert_not_null(f = fopen(path, "a"));
	fputs("y.example whole.example\n", f);
	cr_assert_eq(fclose(f), 0);
	opts.expect = &look;
	errno = 0;
	cr_assert_null(rules_load_file(path, &opts));
	cr_assert_eq(errno, EAGAIN);
	/* the same file as it looks now loads, whole */
	cr_assert_eq(stat(path, &look), 0);
	cr_assert_not_null(set = rules_load_file(path, &opts));
	cr_assert_eq(rules_count(set), 2);
	rules_free(set);
	unlink(path);
}

Test(file, rules_file_same_sees_size_time_and_inode)
{
	struct stat	a, b;
	char		path[256], other[256];

	scratch_file(path, sizeof(path), "x.example h\n");
	scratch_file(other, sizeof(other), "x.example h\n");
	cr_assert_eq(stat(path, &a), 0);
	b = a;
	cr_assert(rules_file_same(&a, &b));
	b.st_size++;
	cr_assert_not(rules_file_same(&a, &b));
	b = a;
	b.st_ctim.tv_nsec ^= 1;
	cr_assert_not(rules_file_same(&a, &b), "any write moves ctime");
	/* mv of another file over it: same size, maybe same times */
	cr_assert_eq(rename(other, path), 0);
	cr_assert_eq(stat(path, &b), 0);
	cr_assert_not(rules_file_same(&a, &b));
	unlink(path);
}

/* ---- patterns ---- */

Test(pattern, exact_matches_only_itself)
{
	const char *r = "example.com h.example\n";

	cr_assert_str_eq(fx_route(r, "example.com"), "10 h.example");
	cr_assert_str_eq(fx_route(r, "a.example.com"), "NONE");
	cr_assert_str_eq(fx_route(r, "example.co"), "NONE");
}

Test(pattern, star_dot_suffix_matches_subdomains_not_the_domain)
{
	const char *r = "*.example.com h.example\n";

	cr_assert_str_eq(fx_route(r, "a.example.com"), "10 h.example");
	cr_assert_str_eq(fx_route(r, "a.b.example.com"), "10 h.example");
	cr_assert_str_eq(fx_route(r, "example.com"), "NONE");
	cr_assert_str_eq(fx_route(r, "aexample.com"), "NONE");
}

Test(pattern, star_matches_every_domain)
{
	cr_assert_str_eq(fx_route("* h.example\n", "anything.at.all"),
	    "10 h.example");
	cr_assert_str_eq(fx_route("* h.example\n", "tld"), "10 h.example");
}

Test(pattern, matching_is_case_insensitive)
{
	cr_assert_str_eq(fx_route("ExAmPle.COM h\n", "example.com"), "10 h");
	cr_assert_str_eq(fx_route("example.com h\n", "EXAMPLE.com"), "10 h");
	cr_assert_str_eq(fx_route("*.Example.com h\n", "A.EXAMPLE.COM"),
	    "10 h");
	cr_assert_str_eq(fx_route("mail*.EXAMPLE.com h\n", "MAIL7.example.COM"),
	    "10 h");
}

Test(pattern, trailing_dots_are_ignored)
{
	cr_assert_str_eq(fx_route("example.com. h\n", "example.com"), "10 h");
	cr_assert_str_eq(fx_route("example.com h\n", "example.com."), "10 h");
	cr_assert_str_eq(fx_route("*.example.com. h\n", "a.example.com."),
	    "10 h");
}

Test(pattern, star_spans_dots_and_may_be_empty)
{
	const char *r = "mail*.example.com h\n";

	cr_assert_str_eq(fx_route(r, "mail.example.com"), "10 h");
	cr_assert_str_eq(fx_route(r, "mail1.a.example.com"), "10 h");
	cr_assert_str_eq(fx_route(r, "xmail.example.com"), "NONE");
}

Test(pattern, question_mark_matches_exactly_one_character)
{
	const char *r = "mx?.example.com h\n";

	cr_assert_str_eq(fx_route(r, "mx1.example.com"), "10 h");
	cr_assert_str_eq(fx_route(r, "mx.example.com"), "NONE");
	cr_assert_str_eq(fx_route(r, "mx12.example.com"), "NONE");
	cr_assert_str_eq(fx_route("?.example.com h\n", "..example.com"),
	    "BADNAME");
}

Test(pattern, general_wildcards_in_the_middle_and_anchoring)
{
	cr_assert_str_eq(fx_route("*.example.* h\n", "a.example.org"), "10 h");
	cr_assert_str_eq(fx_route("*.example.* h\n", "example.org"), "NONE");
	cr_assert_str_eq(fx_route("*example.com h\n", "myexample.com"), "10 h");
	cr_assert_str_eq(fx_route("*example.com h\n", "example.com.evil"),
	    "NONE");
	cr_assert_str_eq(fx_route("a*b*c h\n", "aXXbYYc"), "10 h");
	cr_assert_str_eq(fx_route("a*b*c h\n", "aXXbYYcd"), "NONE");
}

Test(pattern, invalid_patterns_are_errors)
{
	cr_assert_str_eq(fx_error("exa$mple.com h\n"), "1:4: expected a "
	    "domain pattern (letters, digits, '-', '_', '.', '*', '?'), "
	    "found '$'");
	cr_assert_str_eq(fx_error("a..b h\n"),
	    "1:3: expected a domain pattern, found an empty label");
	cr_assert_str_eq(fx_error("*..b h\n"),
	    "1:3: expected a domain pattern, found an empty label");
}

Test(pattern, a_query_name_that_is_not_a_name_is_badname)
{
	cr_assert_str_eq(fx_route("* h\n", "."), "BADNAME");
	cr_assert_str_eq(fx_route("* h\n", "a..b"), "BADNAME");
}

/* ---- servers ---- */

Test(server, credentials_split_at_last_at_and_first_colon)
{
	struct rules *set = fx_load("x.example us:p@ss:w@rd@h.example:587\n");
	struct rules_ctx ctx = { 0 };

	cr_assert_not_null(set);
	rules_eval(set, "x.example", &ctx, NULL, 0, NULL, &fx_res);
	cr_assert_eq(fx_res.count, 1);
	cr_assert_str_eq(fx_res.record[0].user, "us");
	cr_assert_str_eq(fx_res.record[0].pass, "p@ss:w@rd");
	cr_assert_str_eq(fx_res.record[0].host, "h.example");
	cr_assert_eq(fx_res.record[0].port, 587);
	cr_assert(rules_has_credentials(set));
	rules_free(set);
}

Test(server, port_defaults_to_25_and_is_bounded)
{
	cr_assert_str_eq(fx_route("x.example h\n", "x.example"), "10 h");
	cr_assert_str_eq(fx_route("x.example h:2525\n", "x.example"),
	    "10 h:2525");
	cr_assert_str_eq(fx_error("x.example h:65536\n"),
	    "1:13: port '65536' out of range (1-65535)");
	cr_assert_str_eq(fx_error("x.example h:\n"),
	    "1:13: expected a port number after ':'");
	cr_assert_str_eq(fx_error("x.example h:2x\n"),
	    "1:14: expected a port number (1-65535)");
}

Test(server, ipv4_targets_get_synthetic_names)
{
	cr_assert_str_eq(fx_route("x.example 10.1.2.3\n", "x.example"),
	    "10 10-1-2-3.v4.mxshim.invalid");
	cr_assert_str_eq(fx_route("x.example [192.0.2.1]:26\n", "x.example"),
	    "10 192-0-2-1.v4.mxshim.invalid:26");
}

Test(server, ipv6_targets_need_brackets)
{
	cr_assert_str_eq(fx_route("x.example [2001:db8::1]\n", "x.example"),
	    "10 20010db8000000000000000000000001.v6.mxshim.invalid");
	cr_assert_str_eq(fx_route("x.example [IPv6:2001:db8::1]:2525\n",
	    "x.example"),
	    "10 20010db8000000000000000000000001.v6.mxshim.invalid:2525");
	cr_assert_str_eq(fx_error("x.example 2001:db8::1\n"), "1:11: an IPv6 "
	    "address must be written in brackets: [2001:db8::1]");
	cr_assert_str_eq(fx_error("x.example [2001:db8::g]\n"), "1:12: "
	    "expected an IPv4 or IPv6 address inside [ ], found '2001:db8::g'");
	cr_assert_str_eq(fx_error("x.example [10.0.0.1\n"),
	    "1:11: expected ']' to close the address");
}

Test(server, synthetic_names_decode_back)
{
	uint8_t a[16];

	cr_assert_eq(rules_synth_addr("10-1-2-3.v4.mxshim.invalid", a),
	    AF_INET);
	cr_assert(a[0] == 10 && a[1] == 1 && a[2] == 2 && a[3] == 3);
	cr_assert_eq(rules_synth_addr("10-1-2-3.V4.MXSHIM.INVALID.", a),
	    AF_INET);
	cr_assert_eq(rules_synth_addr(
	    "20010DB8000000000000000000000001.v6.mxshim.invalid", a), AF_INET6);
	cr_assert(a[0] == 0x20 && a[1] == 0x01 && a[15] == 1);
	cr_assert_eq(rules_synth_addr("10-1-2-300.v4.mxshim.invalid", a), 0);
	cr_assert_eq(rules_synth_addr("10-1-2.v4.mxshim.invalid", a), 0);
	cr_assert_eq(rules_synth_addr("mail.example.com", a), 0);
	cr_assert_eq(rules_synth_addr("v4.mxshim.invalid", a), 0);
}

Test(server, host_names_are_validated)
{
	char line[400];

	cr_assert_str_eq(fx_error("x.example h_o-st.example\n"), "(loaded)");
	cr_assert_str_eq(fx_error("x.example ho!st\n"), "1:13: expected a "
	    "host name or address, found a character not allowed in a host "
	    "name");
	snprintf(line, sizeof(line), "x.example %064d.example\n", 0);
	cr_assert_str_eq(fx_error(line), "1:74: expected a host name or "
	    "address, found a label longer than 63 bytes");
	cr_assert_str_eq(fx_error("x.example joe@h\n"),
	    "1:11: expected USER:PASS before '@'");
}

Test(server, null_mx_ends_evaluation_and_stands_alone)
{
	const char *r = "* a.example\nx.example .\n* b.example\n";

	cr_assert_str_eq(fx_route(r, "x.example"), "NULLMX");
	cr_assert_str_eq(fx_route(r, "y.example"), "10 a.example,10 b.example");
	cr_assert_str_eq(fx_error("x.example . $adddns\n"), "1:11: the null MX "
	    "'.' cannot take $adddns: it is the whole answer");
	cr_assert_str_eq(fx_error("x.example .:25\n"), "1:11: expected a host "
	    "name or address, found an empty name");
}

Test(server, usedns_contributes_the_real_records)
{
	struct fx_zone z[] = { { "x.example", "5 mx1.x.example,10 mx2.x.example",
	    0 }, { NULL, NULL, 0 } };

	cr_assert_str_eq(fx_route_ctx("x.example USEDNS\n* other.example "
	    "$priority:7\n", "x.example", NULL, z),
	    "5 mx1.x.example,7 other.example,10 mx2.x.example");
	cr_assert_str_eq(fx_route_ctx("x.example usedns $end\n* other.example\n",
	    "x.example", NULL, z), "5 mx1.x.example,10 mx2.x.example");
}

Test(server, usedns_with_end_means_no_override_for_a_missing_domain)
{
	struct fx_zone z[] = { { "gone.example", "NXDOMAIN", 0 },
	    { NULL, NULL, 0 } };

	cr_assert_str_eq(fx_route_ctx("gone.example USEDNS $end\n* relay\n",
	    "gone.example", NULL, z), "NONE");
}

/* ---- tokens ---- */

Test(tokens, priority_sets_the_preference)
{
	cr_assert_str_eq(fx_route("x.example h $priority:0\n", "x.example"),
	    "0 h");
	cr_assert_str_eq(fx_route("x.example h $priority:65535\n", "x.example"),
	    "65535 h");
	cr_assert_str_eq(fx_error("x.example h $priority:65536\n"),
	    "1:23: priority '65536' out of range (0-65535)");
	cr_assert_str_eq(fx_error("x.example h $priority:\n"),
	    "1:23: expected a number (0-65535) after '$priority:'");
	cr_assert_str_eq(fx_error("x.example h $priority:-1\n"),
	    "1:23: expected a number (0-65535) after '$priority:'");
}

Test(tokens, unknown_and_repeated_tokens_are_errors)
{
	cr_assert_str_eq(fx_error("x.example h $nope\n"),
	    "1:13: unknown token '$nope' (expected $end, $adddns, $lookupmx, "
	    "$priority:N, $dnsmx:GLOB or a condition on $retries, $size, "
	    "$authsender, $from, $client)");
	cr_assert_str_eq(fx_error("x.example h $end $END\n"),
	    "1:18: '$END' is given twice");
	cr_assert_str_eq(fx_error("x.example h $priority:1 $priority:2\n"),
	    "1:25: '$priority:2' is given twice");
	cr_assert_str_eq(fx_error("x.example h $size>1 $size>1\n"),
	    "1:21: '$size>1' is given twice");
	cr_assert_str_eq(fx_error("x.example h $adddns $adddns\n"),
	    "1:21: '$adddns' is given twice");
}

Test(tokens, a_range_on_one_attribute_is_allowed)
{
	struct rules_ctx ctx = { 0 };

	ctx.known = RULES_CTX_SIZE;
	ctx.size = 500;
	cr_assert_str_eq(fx_route_ctx("x.example h $size>100 $size<1000\n",
	    "x.example", &ctx, NULL), "10 h");
	ctx.size = 5000;
	cr_assert_str_eq(fx_route_ctx("x.example h $size>100 $size<1000\n",
	    "x.example", &ctx, NULL), "NONE");
}

Test(tokens, end_stops_the_walk)
{
	const char *r = "* a\nx.example b $end\n* c\n";

	cr_assert_str_eq(fx_route(r, "x.example"), "10 a,10 b");
	cr_assert_str_eq(fx_route(r, "y.example"), "10 a,10 c");
}

Test(tokens, operators_and_values_are_checked)
{
	cr_assert_str_eq(fx_error("x h $size\n"), "1:10: expected an operator "
	    "(= == <> != < <= > >= ~= ~!) after $size");
	cr_assert_str_eq(fx_error("x h $size>=\n"),
	    "1:12: expected a value after '>='");
	cr_assert_str_eq(fx_error("x h $size>=1k\n"), "1:13: expected an "
	    "unsigned decimal number, found '1k'");
	cr_assert_str_eq(fx_error("x h $retries=-1\n"), "1:14: expected an "
	    "unsigned decimal number, found '-1'");
	cr_assert_str_eq(fx_error("x h $size>99999999999999999999\n"),
	    "1:11: number '99999999999999999999' is too large");
	cr_assert_str_eq(fx_error("x h $size~=1*\n"),
	    "1:10: ~= and ~! compare text; $size is a number");
	cr_assert_str_eq(fx_error("x h $dnsmx:\n"),
	    "1:12: expected a host wildcard after '$dnsmx:'");
}

/* Each operator on numbers: $size compared with 100. */
static const char *
size_op(const char *op, uint64_t size)
{
	static char	line[64];
	struct rules_ctx ctx = { 0 };

	ctx.known = RULES_CTX_SIZE;
	ctx.size = size;
	snprintf(line, sizeof(line), "x.example h $size%s100\n", op);
	return fx_route_ctx(line, "x.example", &ctx, NULL);
}

Test(operators, every_operator_on_numbers)
{
	static const struct { const char *op; uint64_t v; int holds; } t[] = {
		{ "=", 100, 1 }, { "=", 99, 0 }, { "==", 100, 1 },
		{ "==", 101, 0 }, { "<>", 100, 0 }, { "<>", 5, 1 },
		{ "!=", 100, 0 }, { "!=", 101, 1 }, { "<", 99, 1 },
		{ "<", 100, 0 }, { "<=", 100, 1 }, { "<=", 101, 0 },
		{ ">", 101, 1 }, { ">", 100, 0 }, { ">=", 100, 1 },
		{ ">=", 99, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		cr_expect_str_eq(size_op(t[i].op, t[i].v),
		    t[i].holds ? "10 h" : "NONE", "$size%s100 with size %llu",
		    t[i].op, (unsigned long long)t[i].v);
}

Test(operators, retries_compares_like_size)
{
	struct rules_ctx ctx = { 0 };

	ctx.known = RULES_CTX_RETRIES | RULES_CTX_SIZE;
	ctx.retries = 3;
	ctx.size = 10000000;
	cr_assert_str_eq(fx_route_ctx("* bulk $size>=10000000 $retries>=3 "
	    "$end\n", "x.example", &ctx, NULL), "10 bulk");
	ctx.retries = 2;
	cr_assert_str_eq(fx_route_ctx("* bulk $size>=10000000 $retries>=3 "
	    "$end\n", "x.example", &ctx, NULL), "NONE");
}

/* Each operator on text: $from compared with "m@b.example". */
static const char *
from_op(const char *cond, const char *from)
{
	static char	line[128];
	struct rules_ctx ctx = { 0 };

	ctx.known = RULES_CTX_FROM;
	ctx.from = from;
	snprintf(line, sizeof(line), "x.example h $from%s\n", cond);
	return fx_route_ctx(line, "x.example", &ctx, NULL);
}

Test(operators, every_operator_on_text_case_insensitive)
{
	static const struct { const char *c, *from; int holds; } t[] = {
		{ "=M@B.example", "m@b.EXAMPLE", 1 },
		{ "==m@b.example", "x@b.example", 0 },
		{ "<>m@b.example", "M@B.EXAMPLE", 0 },
		{ "!=m@b.example", "n@b.example", 1 },
		{ "<m", "l", 1 }, { "<m", "M", 0 }, { "<M", "la", 1 },
		{ "<=m", "M", 1 }, { "<=m", "ma", 0 },
		{ ">m", "ma", 1 }, { ">m", "m", 0 }, { ">=m", "M", 1 },
		{ ">=m", "L", 0 }, { "<b", "A", 1 }, { ">B", "a", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		cr_expect_str_eq(from_op(t[i].c, t[i].from),
		    t[i].holds ? "10 h" : "NONE", "$from%s with %s", t[i].c,
		    t[i].from);
}

Test(operators, match_with_wildcards)
{
	cr_assert_str_eq(from_op("~=*@partner.example", "Joe@PARTNER.example"),
	    "10 h");
	cr_assert_str_eq(from_op("~=*@partner.example", "joe@other.example"),
	    "NONE");
	cr_assert_str_eq(from_op("~!*@partner.example", "joe@other.example"),
	    "10 h");
	cr_assert_str_eq(from_op("~!*@partner.example", "joe@partner.example"),
	    "NONE");
	cr_assert_str_eq(from_op("~=j?e@*", "joe@x"), "10 h");
}

Test(operators, match_with_regex_and_flags)
{
	cr_assert_str_eq(from_op("~=/^bounce-[0-9]+@/", "bounce-12@x"),
	    "10 h");
	cr_assert_str_eq(from_op("~=/^bounce-[0-9]+@/", "BOUNCE-12@x"), "NONE");
	cr_assert_str_eq(from_op("~=/^bounce-[0-9]+@/i", "BOUNCE-12@x"),
	    "10 h");
	cr_assert_str_eq(from_op("~=/example/", "a@example.com"), "10 h");
	cr_assert_str_eq(from_op("~!/example/", "a@example.com"), "NONE");
	cr_assert_str_eq(from_op("~!/example/", "a@other.com"), "10 h");
	cr_assert_str_eq(fx_error("x h $from~=/a/g\n"),
	    "1:15: unknown regex flag 'g' (only 'i' is allowed)");
	cr_assert_str_eq(fx_error("x h $from~=/a[/\n"),
	    "1:15: regex does not compile: missing terminating ] for "
	    "character class");
	cr_assert_str_eq(fx_error("x h $from~=/abc\n"),
	    "1:12: expected '/' to close the regex");
}

/* ---- regexes that backtrack catastrophically ---- */

/* The first error of a line whose $from condition is cond, or "(loaded)". */
static const char *
regex_error(const char *cond)
{
	static char	line[256];

	snprintf(line, sizeof(line), "x.example h $from~=%s\n", cond);
	return fx_error(line);
}

Test(regex_limits, nested_quantifiers_are_refused_at_load)
{
	static const char *bad[] = {
		"/(a+)+$/", "/(a|aa)+$/", "/(.*a){20}/", "/^(\\w+\\s?)*$/",
		"/(\\d+)+$/", "/^([a-z0-9]+\\.?)+$/i", "/(x+x+)+$/",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *e = regex_error(bad[i]);

		cr_expect(strncmp(e, "1:20: regex backtracks catastrophically:",
		    40) == 0, "%s: %s", bad[i], e);
		cr_expect(strstr(e, "PCRE2") != NULL, "%s: %s", bad[i], e);
	}
}

Test(regex_limits, the_error_says_which_input_and_which_limit)
{
	cr_assert_str_eq(regex_error("/(a+)+$/"), "1:20: regex backtracks "
	    "catastrophically: on a run of 253 'a' followed by '!' it hits "
	    "the PCRE2 match limit, so it would never match such input; "
	    "avoid nested quantifiers such as (a+)+ or (a|aa)+");
}

Test(regex_limits, ordinary_regexes_still_load_and_match)
{
	static const char *good[] = {
		"/^bounce-[0-9]+@/", "/^[a-z0-9._%+-]+@example\\.(com|org)$/i",
		"/(a+)$/", "/^(a|b)+$/", "/.*@.*\\.example$/", "/^$/",
		"/^[^@]+@(mail\\.)?partner\\.example$/", "/a{1,200}b/",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect_str_eq(regex_error(good[i]), "(loaded)", "%s",
		    good[i]);
	cr_assert_str_eq(from_op("~=/^[a-z0-9._%+-]+@example\\.(com|org)$/i",
	    "Bob.Smith@Example.org"), "10 h");
}

Test(regex_limits, a_refused_regex_rejects_the_file_with_the_others_reported)
{
	struct rules *set = fx_load("a.example h $from~=/(a+)+$/\n"
	    "b.example h $bogus\n");

	cr_assert_null(set);
	cr_assert_eq(fx_diags.errors, 2);
}

Test(operators, authsender_is_text)
{
	struct rules_ctx ctx = { 0 };

	ctx.known = RULES_CTX_AUTHSENDER;
	ctx.authsender = "Alice";
	cr_assert_str_eq(fx_route_ctx("x.example h $authsender=alice\n",
	    "x.example", &ctx, NULL), "10 h");
	cr_assert_str_eq(fx_route_ctx("x.example h $authsender~=/^bob/\n",
	    "x.example", &ctx, NULL), "NONE");
}

Test(operators, unknown_attribute_is_false_whatever_the_operator)
{
	static const char *const conds[] = { "$size>0", "$size<>5",
	    "$retries!=1", "$from~!*", "$from<>x", "$authsender~=*",
	    "$client!=10.0.0.0/8" };
	struct rules_ctx ctx = { 0 };
	char line[64];
	size_t i;

	for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		snprintf(line, sizeof(line), "x.example h %s\n", conds[i]);
		cr_expect_str_eq(fx_route_ctx(line, "x.example", &ctx, NULL),
		    "NONE", "%s in an empty context", conds[i]);
	}
}

Test(operators, client_cidrs)
{
	const char *r = "x.example in $client=10.0.0.0/8\n"
	    "x.example v6 $client==2001:db8::/32\n"
	    "x.example out $client!=10.1.0.0/16\n"
	    "x.example host $client<>192.0.2.7\n";
	struct rules_ctx c;

	c = fx_ctx_client("10.1.2.3");
	cr_assert_str_eq(fx_route_ctx(r, "x.example", &c, NULL),
	    "10 in,10 host");
	cr_assert(fx_res.client_dependent);
	c = fx_ctx_client("10.2.0.1");
	cr_assert_str_eq(fx_route_ctx(r, "x.example", &c, NULL),
	    "10 in,10 out,10 host");
	c = fx_ctx_client("2001:db8:ff::1");
	cr_assert_str_eq(fx_route_ctx(r, "x.example", &c, NULL),
	    "10 v6,10 out,10 host");
	c = fx_ctx_client("::ffff:10.9.9.9");
	cr_assert_str_eq(fx_route_ctx(r, "x.example", &c, NULL),
	    "10 in,10 out,10 host");
	c = fx_ctx_client("192.0.2.7");
	cr_assert_str_eq(fx_route_ctx(r, "x.example", &c, NULL), "10 out");
}

Test(operators, client_cidr_prefix_bits)
{
	const char *r = "x.example h $client=192.0.2.128/25\n";
	struct rules_ctx c;

	c = fx_ctx_client("192.0.2.200");
	cr_assert_str_eq(fx_route_ctx(r, "x.example", &c, NULL), "10 h");
	c = fx_ctx_client("192.0.2.127");
	cr_assert_str_eq(fx_route_ctx(r, "x.example", &c, NULL), "NONE");
	c = fx_ctx_client("0.0.0.0");
	cr_assert_str_eq(fx_route_ctx("x.example h $client=0.0.0.0/0\n",
	    "x.example", &c, NULL), "10 h");
}

Test(operators, client_takes_only_equality)
{
	cr_assert_str_eq(fx_error("x h $client<10.0.0.0/8\n"),
	    "1:12: $client takes only = == (inside) or != <> (outside)");
	cr_assert_str_eq(fx_error("x h $client~=10.*\n"),
	    "1:12: $client takes only = == (inside) or != <> (outside)");
	cr_assert_str_eq(fx_error("x h $client=10.0.0.0/33\n"), "1:13: "
	    "expected an address or CIDR (10.0.0.0/8, 2001:db8::/32), found "
	    "'10.0.0.0/33'");
	cr_assert_str_eq(fx_error("x h $client=example.com\n"), "1:13: "
	    "expected an address or CIDR (10.0.0.0/8, 2001:db8::/32), found "
	    "'example.com'");
}

Test(operators, answers_without_client_conditions_are_not_client_dependent)
{
	struct rules_ctx c = fx_ctx_client("10.1.2.3");

	cr_assert_str_eq(fx_route_ctx("x.example h\n", "x.example", &c, NULL),
	    "10 h");
	cr_assert_not(fx_res.client_dependent);
}

/* ---- real data ---- */

static const struct fx_zone zones[] = {
	{ "gmail.example", "5 gmail-smtp-in.l.google.com,10 "
	    "alt1.aspmx.l.google.com", 3600 },
	{ "hosted.example", "1 aspmx.l.google.com,5 alt1.aspmx.l.google.com",
	    30 },
	{ "primaryonly.example", "1 aspmx.l.google.com", 30 },
	{ "own.example", "10 mx.own.example", 3600 },
	{ "test.example", "10 mx1.test.example,20 mx2.test.example", 120 },
	{ "nomx.example", "NODATA", 900 },
	{ "nowhere.example", "NXDOMAIN", 900 },
	{ "broken.example", "TEMPFAIL", 0 },
	{ "nullmx.example", "NULL", 600 },
	{ "relay.isp.example", "10 in1.isp.example,20 in2.isp.example", 45 },
	{ "plainhost.example", "NODATA", 600 },
	{ NULL, NULL, 0 }
};

static const char spec_example[] =
    "*        smtp.myisp.example             $dnsmx:*.aspmx.l.google.com $end\n"
    "partner.example   joe:letmein@smtp.myisp.example:587\n"
    "test.example      backup.relay.example  $adddns $priority:50\n"
    "*        bulk.relay.example             $size>=10000000 $retries>=3 $end\n"
    "corp.internal     10.1.2.3\n";

Test(real, dnsmx_matches_any_real_mx_host)
{
	cr_assert_str_eq(fx_route_ctx(spec_example, "gmail.example", NULL,
	    zones), "10 smtp.myisp.example");
	cr_assert_str_eq(fx_route_ctx(spec_example, "hosted.example", NULL,
	    zones), "10 smtp.myisp.example");
	cr_assert_eq(fx_res.ttl, 60, "real data only decided a condition: "
	    "the configured TTL");
	cr_assert_str_eq(fx_route_ctx(spec_example, "own.example", NULL,
	    zones), "NONE");
	/* `*.` needs a label before the suffix: the bare name is no match */
	cr_assert_str_eq(fx_route_ctx(spec_example, "primaryonly.example",
	    NULL, zones), "NONE");
}

Test(real, dnsmx_glob_is_case_insensitive_and_anchored)
{
	struct fx_zone z[] = { { "d.example", "10 ASPMX.L.Google.COM", 0 },
	    { NULL, NULL, 0 } };

	cr_assert_str_eq(fx_route_ctx("* r $dnsmx:aspmx.l.google.com\n",
	    "d.example", NULL, z), "10 r");
	cr_assert_str_eq(fx_route_ctx("* r $dnsmx:l.google.com\n",
	    "d.example", NULL, z), "NONE");
}

Test(real, dnsmx_negated_and_missing_mx)
{
	const char *pos = "* r $dnsmx:*.google.com\n";
	const char *neg = "* r $dnsmx:!*.google.com\n";

	cr_assert_str_eq(fx_route_ctx(neg, "own.example", NULL, zones), "10 r");
	cr_assert_str_eq(fx_route_ctx(neg, "gmail.example", NULL, zones),
	    "NONE");
	cr_assert_str_eq(fx_route_ctx(pos, "nomx.example", NULL, zones),
	    "NONE");
	cr_assert_str_eq(fx_route_ctx(neg, "nomx.example", NULL, zones),
	    "10 r");
	cr_assert_str_eq(fx_route_ctx(pos, "nowhere.example", NULL, zones),
	    "NONE");
	cr_assert_str_eq(fx_route_ctx(neg, "nowhere.example", NULL, zones),
	    "10 r");
	cr_assert_str_eq(fx_route_ctx("* r $dnsmx:*\n", "nullmx.example", NULL,
	    zones), "NONE");
}

Test(real, dnsmx_tempfail_is_servfail)
{
	cr_assert_str_eq(fx_route_ctx(spec_example, "broken.example", NULL,
	    zones), "SERVFAIL");
}

Test(real, no_real_lookup_when_conditions_already_fail)
{
	struct rules_ctx ctx = { 0 };

	cr_assert_str_eq(fx_route_ctx("* r $size>5 $dnsmx:*\n", "own.example",
	    &ctx, zones), "NONE");
	cr_assert_eq(fx_realdata.fetched, 0);
	cr_assert_str_eq(fx_route_ctx("x.example r\n", "x.example", &ctx,
	    zones), "10 r");
	cr_assert_eq(fx_realdata.fetched, 0);
	cr_assert_not(fx_res.used_real);
	cr_assert_eq(fx_res.ttl, 60);
}

Test(real, adddns_merges_real_records)
{
	cr_assert_str_eq(fx_route_ctx(spec_example, "test.example", NULL,
	    zones), "10 mx1.test.example,20 mx2.test.example,"
	    "50 backup.relay.example");
	cr_assert_eq(fx_res.ttl, 60, "configured 60 < real 120");
}

static const struct fx_zone shortneg[] = {
	{ "nomx.example", "NODATA", 5 }, { NULL, NULL, 0 }
};

Test(real, adddns_on_nodata_contributes_the_implicit_mx)
{
	cr_assert_str_eq(fx_route_ctx("nomx.example backup $adddns "
	    "$priority:50\n", "nomx.example", NULL, zones),
	    "0 nomx.example,50 backup");
	cr_assert(fx_res.record[0].real);
	cr_assert_eq(fx_res.ttl, 60, "negative TTL 900 > 60");
	fx_route_ctx("nomx.example backup $adddns\n", "nomx.example", NULL,
	    shortneg);
	cr_assert_eq(fx_res.ttl, 5, "the implicit MX takes the negative TTL");
}

Test(real, adddns_on_nxdomain_answers_the_override)
{
	cr_assert_str_eq(fx_route_ctx("nowhere.example backup $adddns\n",
	    "nowhere.example", NULL, zones), "10 backup");
	cr_assert_eq(fx_res.ttl, 60);
}

Test(real, adddns_tempfail_is_servfail)
{
	cr_assert_str_eq(fx_route_ctx("broken.example backup $adddns\n",
	    "broken.example", NULL, zones), "SERVFAIL");
}

Test(real, real_null_mx_is_never_merged)
{
	cr_assert_str_eq(fx_route_ctx("nullmx.example backup $adddns\n",
	    "nullmx.example", NULL, zones), "10 backup");
	cr_assert_str_eq(fx_route_ctx("nullmx.example USEDNS $end\n",
	    "nullmx.example", NULL, zones), "NONE");
}

Test(real, lookupmx_contributes_the_servers_mx)
{
	cr_assert_str_eq(fx_route_ctx("x.example relay.isp.example $lookupmx\n",
	    "x.example", NULL, zones), "10 in1.isp.example,20 in2.isp.example");
	cr_assert_eq(fx_res.ttl, 45);
	cr_assert_str_eq(fx_route_ctx("x.example relay.isp.example:2525 "
	    "$lookupmx\n", "x.example", NULL, zones),
	    "10 in1.isp.example:2525,20 in2.isp.example:2525");
}

Test(real, lookupmx_without_mx_contributes_the_server_itself)
{
	cr_assert_str_eq(fx_route_ctx("x.example plainhost.example $lookupmx "
	    "$priority:3\n", "x.example", NULL, zones), "3 plainhost.example");
	cr_assert_str_eq(fx_route_ctx("x.example nowhere.example $lookupmx\n",
	    "x.example", NULL, zones), "10 nowhere.example");
	cr_assert_str_eq(fx_route_ctx("x.example broken.example $lookupmx\n",
	    "x.example", NULL, zones), "SERVFAIL");
	cr_assert_str_eq(fx_error("x.example 10.0.0.1 $lookupmx\n"),
	    "1:11: $lookupmx needs a domain name as SERVER, not an address");
}

Test(real, real_nxdomain_with_override_is_answered)
{
	cr_assert_str_eq(fx_route_ctx("* r $dnsmx:!*.google.com\n",
	    "nowhere.example", NULL, zones), "10 r");
}

/* ---- answer shape ---- */

Test(answer, one_record_per_host_lowest_preference_kept)
{
	cr_assert_str_eq(fx_route("* a $priority:30\n* b $priority:20\n"
	    "* A. $priority:5\n", "x.example"), "5 a,20 b");
	cr_assert_str_eq(fx_route("* a $priority:5\n* a $priority:30\n",
	    "x.example"), "5 a");
}

Test(answer, ordered_by_preference_then_line)
{
	cr_assert_str_eq(fx_route("* c $priority:20\n* b\n* a\n* d $priority:0\n",
	    "x.example"), "0 d,10 b,10 a,20 c");
}

Test(answer, dedupe_across_real_and_override)
{
	cr_assert_str_eq(fx_route_ctx("test.example mx2.test.example "
	    "$priority:5 $adddns\n", "test.example", NULL, zones),
	    "5 mx2.test.example,10 mx1.test.example");
}

Test(answer, ttl_is_configured_without_real_data)
{
	struct rules *set = fx_load("x.example h\n");
	struct rules_ctx ctx = { 0 };

	rules_eval(set, "x.example", &ctx, NULL, 300, NULL, &fx_res);
	cr_assert_eq(fx_res.ttl, 300);
	rules_eval(set, "x.example", &ctx, NULL, 0, NULL, &fx_res);
	cr_assert_eq(fx_res.ttl, RULES_DEFAULT_TTL);
	rules_free(set);
}

Test(answer, too_many_records_keep_the_best)
{
	char	text[8192] = "";
	size_t	i, used = 0;

	for (i = 0; i < RULES_MAX_RECORDS + 10; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
		    "* h%zu.example $priority:%zu\n", i, 100 - i);
	fx_route(text, "x.example");
	cr_assert_eq(fx_res.count, RULES_MAX_RECORDS);
	cr_assert_eq(fx_res.record[0].pref, 100 - (RULES_MAX_RECORDS + 9));
}

Test(answer, spec_example_size_and_retries)
{
	struct rules_ctx ctx = { 0 };

	ctx.known = RULES_CTX_SIZE | RULES_CTX_RETRIES;
	ctx.size = 20000000;
	ctx.retries = 3;
	cr_assert_str_eq(fx_route_ctx(spec_example, "own.example", &ctx, zones),
	    "10 bulk.relay.example");
	cr_assert_str_eq(fx_route_ctx(spec_example, "partner.example", &ctx,
	    zones), "10 smtp.myisp.example:587,10 bulk.relay.example");
	cr_assert_str_eq(fx_route_ctx(spec_example, "corp.internal", NULL,
	    zones), "10 10-1-2-3.v4.mxshim.invalid");
}

/* ---- scale: indexes find lines without walking ---- */

Test(index, exact_and_suffix_lines_among_many)
{
	size_t	n = 20000, i, used = 0, cap = n * 40;
	char	*text = malloc(cap);
	struct rules *set;
	struct rules_ctx ctx = { 0 };

	for (i = 0; i < n; i++)
		used += (size_t)snprintf(text + used, cap - used,
		    i % 2 ? "d%zu.example r%zu\n" : "*.s%zu.example r%zu\n",
		    i, i);
	set = fx_load(text);
	cr_assert_not_null(set);
	rules_eval(set, "d19999.example", &ctx, NULL, 0, NULL, &fx_res);
	cr_assert_str_eq(fx_render(), "10 r19999");
	rules_eval(set, "a.b.s19998.example", &ctx, NULL, 0, NULL, &fx_res);
	cr_assert_str_eq(fx_render(), "10 r19998");
	rules_eval(set, "s19998.example", &ctx, NULL, 0, NULL, &fx_res);
	cr_assert_str_eq(fx_render(), "NONE");
	rules_free(set);
	free(text);
}

Test(index, file_order_is_kept_across_chains)
{
	const char *r = "*.example e1\nx.example x1 $priority:20\n"
	    "* a1 $priority:20\nx.* g1 $end\nx.example x2\n";

	cr_assert_str_eq(fx_route(r, "x.example"), "10 e1,10 g1,20 x1,20 a1");
	cr_assert_eq(fx_res.end_line, 4);
}

/* ---- lint ---- */

static struct diags lint_diags;

static int
lint(const char *text)
{
	struct rules	*set = fx_load(text);
	int		 n;

	memset(&lint_diags, 0, sizeof(lint_diags));
	cr_assert_not_null(set);
	n = rules_lint(set, collect_diag, &lint_diags);
	rules_free(set);
	return n;
}

Test(lint, resolver_dead_lines_are_reported)
{
	cr_assert_eq(lint("x.example h $size>1\ny.example h $client=10.0.0.0/8\n"
	    "z.example h $dnsmx:*\n"), 1);
	cr_assert_str_eq(lint_diags.text, "W 1:1: this line can never apply in "
	    "resolver mode: mxshimd knows only $client\n");
}

Test(lint, lines_behind_a_catch_all_end_are_reported)
{
	cr_assert_eq(lint("a.example h\n* r $end\nb.example h\n*.c.example h\n"),
	    2);
	cr_assert(strstr(lint_diags.text, "W 3:1: this line is never reached: "
	    "line 2 always stops first"));
	cr_assert(strstr(lint_diags.text, "W 4:1:"));
}

Test(lint, covering_end_lines_hide_narrower_ones)
{
	cr_assert_eq(lint("*.example.com r $end\nx.example.com h\n"
	    "*.a.example.com h\nexample.com h\n"), 2);
	cr_assert_eq(lint("x.example r $end $client=10.0.0.0/8\nx.example h\n"),
	    0, "a conditional $end hides nothing");
	cr_assert_eq(lint("x.example .\nx.example h\n"), 1);
	cr_assert_eq(lint("mail* r $end\nmail.example h\nmx.example h\n"), 1);
}

/* ---- found by review and fuzzing ---- */

Test(regressions, adddns_real_records_keep_port_25)
{
	cr_assert_str_eq(fx_route_ctx("test.example backup:2525 $adddns\n",
	    "test.example", NULL, zones), "10 backup:2525,"
	    "10 mx1.test.example,20 mx2.test.example");
	cr_assert_str_eq(fx_route_ctx("nomx.example backup:2525 $adddns\n",
	    "nomx.example", NULL, zones), "0 nomx.example,10 backup:2525");
}

Test(regressions, lookupmx_records_carry_port_and_credentials)
{
	struct rules *set = fx_load("x.example u:p@relay.isp.example:2525 "
	    "$lookupmx\n");

	cr_assert_not_null(set);
	fx_eval_ctx(set, "x.example", &(struct rules_ctx){ 0 }, zones);
	cr_assert_eq(fx_res.count, 2);
	cr_assert_str_eq(fx_res.record[0].user, "u");
	cr_assert_str_eq(fx_res.record[0].pass, "p");
	cr_assert_eq(fx_res.record[1].port, 2525);
	rules_free(set);
}

Test(regressions, servfail_names_the_failed_lookup)
{
	cr_assert_str_eq(fx_route_ctx("x.example broken.example $lookupmx\n",
	    "x.example", NULL, zones), "SERVFAIL");
	cr_assert_str_eq(fx_res.need, "broken.example");
}

Test(regressions, mistyped_ipv4_addresses_are_errors)
{
	cr_assert_str_eq(fx_error("x 10.0.0\n"), "1:3: '10.0.0' is not an "
	    "IPv4 address (four numbers 0-255, no leading zeros)");
	cr_assert_str_eq(fx_error("x 10.0.0.256:25\n"), "1:3: '10.0.0.256' "
	    "is not an IPv4 address (four numbers 0-255, no leading zeros)");
	cr_assert_str_eq(fx_error("x 1host.example\n"), "(loaded)");
}

Test(regressions, usedns_takes_no_port_or_credentials)
{
	cr_assert_str_eq(fx_error("x USEDNS:587\n"),
	    "1:3: USEDNS takes no port or credentials");
	cr_assert_str_eq(fx_error("x u:p@usedns\n"),
	    "1:7: USEDNS takes no port or credentials");
}

Test(regressions, two_trailing_dots_are_errors)
{
	cr_assert_str_eq(fx_error("x.example.. h\n"),
	    "1:10: expected a domain pattern, found an empty label");
	cr_assert_str_eq(fx_error("x h.. \n"), "1:4: expected a host name or "
	    "address, found an empty label");
}

Test(regressions, regexes_differing_in_case_are_two_conditions)
{
	cr_assert_str_eq(fx_error("x h $from~=/Bob/ $from~=/bob/\n"),
	    "(loaded)");
}

Test(regressions, largest_number_is_accepted)
{
	cr_assert_str_eq(fx_error("x h $size<=18446744073709551615\n"),
	    "(loaded)");
	cr_assert_str_eq(fx_error("x h $size<=18446744073709551616\n"),
	    "1:12: number '18446744073709551616' is too large");
}

Test(regressions, a_file_without_conditions_evaluates)
{
	cr_assert_str_eq(fx_route("- h\n", "-"), "10 h");
}

Test(regressions, escaped_names_are_badname)
{
	cr_assert_str_eq(fx_route("* h\n", "a\\.b.example"), "BADNAME");
}

Test(regressions, a_root_target_among_real_hosts_is_dropped)
{
	struct fx_zone z[] = { { "add.example", "10 mx2.add.example,20 ", 0 },
	    { NULL, NULL, 0 } };

	cr_assert_str_eq(fx_route_ctx("add.example b $adddns $priority:30\n",
	    "add.example", NULL, z), "10 mx2.add.example,30 b");
}

/* ---- reading a loaded set back (rules/lines.c) ---------------------- */

/* Line i of set as "LINE PATTERN/KIND SERVER/KIND:PORT FLAGS PRI CONDS". */
static const char *
fx_line(const struct rules *set, size_t i)
{
	static char out[512];
	struct rules_line l;
	const char *c;
	size_t k, len, used;

	if (rules_line_get(set, i, &l) != 0)
		return "(none)";
	used = (size_t)snprintf(out, sizeof(out), "%u %s/%d %s%s%s@%s/%d:%u "
	    "%x %u", l.line, l.pattern, (int)l.pattern_kind,
	    l.server.user ? l.server.user : "", l.server.user ? ":" : "",
	    l.server.pass ? l.server.pass : "", l.server.host,
	    (int)l.server.kind, l.server.port, l.flags, l.priority);
	for (k = 0; k < l.cond_count; k++) {
		c = rules_line_cond(set, i, k, &len);
		used += (size_t)snprintf(out + used, sizeof(out) - used,
		    " [%.*s]", (int)len, c);
	}
	return out;
}

Test(lines, each_line_reads_back_as_the_parser_understood_it)
{
	struct rules *set = fx_load("# comment\n"
	    "Example.COM. u:p:w@Mail.Example:2525 $priority:5 $end\n"
	    "*.example.net [2001:DB8::1] $size>=100 $from~=/x.y/\n"
	    "\n* 192.0.2.1 $adddns\n"
	    "a?.example USEDNS\n"
	    "b.example . $end\n"
	    "c.example mx.c.example $lookupmx $dnsmx:*.google.com\n");

	cr_assert_not_null(set);
	cr_assert_eq(rules_count(set), 6);
	cr_assert_str_eq(fx_line(set, 0), "2 example.com/0 "
	    "u:p:w@mail.example/0:2525 9 5");
	cr_assert_str_eq(fx_line(set, 1), "3 *.example.net/1 "
	    "@2001:db8::1/2:25 0 10 [$size>=100] [$from~=/x.y/]");
	cr_assert_str_eq(fx_line(set, 2), "5 */2 @192.0.2.1/1:25 2 10");
	cr_assert_str_eq(fx_line(set, 3), "6 a?.example/3 @/4:25 0 10");
	cr_assert_str_eq(fx_line(set, 4), "7 b.example/0 @/3:25 1 10");
	cr_assert_str_eq(fx_line(set, 5), "8 c.example/0 @mx.c.example/0:25 "
	    "4 10 [$dnsmx:*.google.com]");
	cr_assert_str_eq(fx_line(set, 6), "(none)");
	cr_assert_null(rules_line_cond(set, 0, 0, &(size_t){ 0 }));
	rules_free(set);
}

/* Condition k of line i as "ATTR OP VALUE-KIND NUMBER|TEXT [i]". */
static const char *
fx_cond(const struct rules *set, size_t i, size_t k)
{
	static char out[256];
	struct rules_cond c;

	if (rules_line_cond_get(set, i, k, &c) != 0)
		return "(none)";
	if (c.value == RULES_VALUE_NUMBER)
		snprintf(out, sizeof(out), "%d %d %d %llu", (int)c.attr,
		    (int)c.op, (int)c.value, (unsigned long long)c.number);
	else
		snprintf(out, sizeof(out), "%d %d %d %.*s%s", (int)c.attr,
		    (int)c.op, (int)c.value, (int)c.text_len, c.text,
		    c.icase ? " i" : "");
	return out;
}

Test(lines, each_condition_reads_back_compiled)
{
	struct rules *set = fx_load("* a $size>=100 $retries<>3 "
	    "$from=A@B.example $authsender~=J?e $from~!/^x\\/y$/i "
	    "$client!=10.0.0.0/8 $dnsmx:!*.Google.com $from~=/a/b/\n");

	cr_assert_not_null(set);
	cr_assert_str_eq(fx_cond(set, 0, 0), "1 5 0 100");
	cr_assert_str_eq(fx_cond(set, 0, 1), "0 1 0 3");
	cr_assert_str_eq(fx_cond(set, 0, 2), "3 0 1 a@b.example");
	cr_assert_str_eq(fx_cond(set, 0, 3), "2 6 2 j?e");
	cr_assert_str_eq(fx_cond(set, 0, 4), "3 7 3 ^x\\/y$ i");
	cr_assert_str_eq(fx_cond(set, 0, 5), "4 1 4 10.0.0.0/8");
	cr_assert_str_eq(fx_cond(set, 0, 6), "5 7 2 *.google.com");
	cr_assert_str_eq(fx_cond(set, 0, 7), "3 6 3 a/b");
	cr_assert_str_eq(fx_cond(set, 0, 8), "(none)");
	cr_assert_str_eq(fx_cond(set, 1, 0), "(none)");
	rules_free(set);
}

Test(lines, a_lone_server_is_read_with_the_parser_rules)
{
	struct rules_server s;
	char why[256];

	cr_assert_eq(rules_server_read("MX.Example.:587", 15, &s, why,
	    sizeof(why)), 0);
	cr_assert_str_eq(s.host, "mx.example");
	cr_assert_eq(s.kind, RULES_SERVER_NAME);
	cr_assert_eq(s.port, 587);
	cr_assert_null(s.user);
	cr_assert_eq(rules_server_read("[IPv6:2001:db8::1]", 18, &s, why,
	    sizeof(why)), 0);
	cr_assert_str_eq(s.host, "2001:db8::1");
	cr_assert_eq(s.kind, RULES_SERVER_IPV6);
	cr_assert_eq(rules_server_read("2001:db8::1", 11, &s, why,
	    sizeof(why)), -1);
	cr_assert_str_eq(why, "an IPv6 address must be written in brackets: "
	    "[2001:db8::1]");
	cr_assert_eq(rules_server_read("h:99999", 7, &s, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "port '99999' out of range (1-65535)");
}

/* ---- loading: what is not a regular file, empty files ---- */

Test(file, a_fifo_is_refused_without_waiting_for_a_writer, .timeout = 5)
{
	struct rules_load_opts	opts = { .diag = collect_diag,
				    .diag_arg = &fx_diags };
	char			path[256];

	memset(&fx_diags, 0, sizeof(fx_diags));
	snprintf(path, sizeof(path), "%s/mxshim-fifo-%ld",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
	cr_assert_eq(mkfifo(path, 0600), 0);
	/* before the fix this open() blocked: Criterion's timeout fails it */
	errno = 0;
	cr_assert_null(rules_load_file(path, &opts));
	cr_assert_eq(errno, EINVAL);
	cr_assert_str_eq(fx_diags.text,
	    "0:0: a FIFO, not a regular file: refused\n");
	unlink(path);
}

Test(file, a_device_is_refused)
{
	errno = 0;
	cr_assert_null(rules_load_file("/dev/zero", NULL));
	cr_assert_eq(errno, EINVAL);
}

Test(file, an_empty_file_is_refused_or_warned_about_as_the_caller_asks)
{
	struct rules_load_opts	 opts = { .diag = collect_diag,
				    .diag_arg = &fx_diags };
	struct rules		*set;
	char			 path[256], comments[256];

	scratch_file(path, sizeof(path), "");
	scratch_file(comments, sizeof(comments), "# no overrides\n\n");
	memset(&fx_diags, 0, sizeof(fx_diags));
	cr_assert_not_null(set = rules_load_file(path, &opts));
	rules_free(set);
	cr_assert_eq(fx_diags.errors + fx_diags.warnings, 0);
	opts.empty = RULES_EMPTY_WARN;
	cr_assert_not_null(set = rules_load_file(path, &opts));
	cr_assert_eq(rules_count(set), 0);
	rules_free(set);
	cr_assert_eq(fx_diags.warnings, 1);
	opts.empty = RULES_EMPTY_REFUSE;
	errno = 0;
	cr_assert_null(rules_load_file(path, &opts));
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(fx_diags.errors, 1);
	cr_assert(strstr(fx_diags.text, "0:0: the file is empty (0 bytes)"));
	/* only comments: a valid empty set, whatever the policy */
	cr_assert_not_null(set = rules_load_file(comments, &opts));
	cr_assert_eq(rules_count(set), 0);
	rules_free(set);
	unlink(path);
	unlink(comments);
}

/* ---- credentials: percent-encoding, never quoted ---- */

Test(server, credentials_are_percent_decoded)
{
	struct rules *set = fx_load("x.example us%40er%3Ax:pa%20ss%25w%3a%40d"
	    "@h.example\n");
	struct rules_ctx ctx = { 0 };

	cr_assert_not_null(set, "%s", fx_diags.text);
	rules_eval(set, "x.example", &ctx, NULL, 0, NULL, &fx_res);
	cr_assert_eq(fx_res.count, 1);
	cr_assert_str_eq(fx_res.record[0].user, "us@er:x");
	cr_assert_str_eq(fx_res.record[0].pass, "pa ss%w:@d");
	rules_free(set);
}

Test(server, a_bad_escape_is_an_error_at_its_column_that_quotes_nothing)
{
	cr_assert_str_eq(fx_error("x.example joe:50%off@h.example\n"),
	    "1:17: expected two hex digits after '%' in the password "
	    "(%20 a space, %25 '%')");
	cr_assert_str_eq(fx_error("x.example joe:secret%4@h.example\n"),
	    "1:21: expected two hex digits after '%' in the password "
	    "(%20 a space, %25 '%')");
	cr_assert_str_eq(fx_error("x.example j%zz:pw@h.example\n"),
	    "1:12: expected two hex digits after '%' in the user name "
	    "(%20 a space, %25 '%')");
	cr_assert_str_eq(fx_error("x.example joe:a%00b@h.example\n"),
	    "1:16: %00 is not allowed in the password");
}

/* The words of a password with an unencoded space become fields. */
Test(server, no_message_quotes_a_password_cut_by_a_space)
{
	static const char *const lines[] = {
		"x.example joe:Zq7 Wx9@h.example\n",
		"x.example joe:Zq7 99999@h.example\n",
		"x.example joe:99999 Wx9@h.example\n",
		"x.example joe:Zq7 $Zq7Wx9@h.example\n",
		"x.example joe:Zq7 $size=Zq7Wx9@h.example\n",
		"x.example joe:s $end $end Zq7@h.example\n",
		"x.example joe:Zq7 Wx9 h.example\n",
		"x.example joe:Zq7\xe9@h.example\n",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		cr_assert_null(fx_load(lines[i]));
		cr_assert_geq(fx_diags.errors, 1);
		cr_assert_null(strstr(fx_diags.text, "Zq7"), "%s",
		    fx_diags.text);
		cr_assert_null(strcasestr(fx_diags.text, "Wx9"), "%s",
		    fx_diags.text);
		cr_assert_null(strstr(fx_diags.text, "99999"), "%s",
		    fx_diags.text);
		cr_assert_null(strstr(fx_diags.text, "0xe9"), "%s",
		    fx_diags.text);
	}
}

Test(server, lines_without_credentials_still_quote_what_is_wrong)
{
	cr_assert_str_eq(fx_error("x.example h:99999\n"),
	    "1:13: port '99999' out of range (1-65535)");
	cr_assert_str_eq(fx_error("x.example h end\n"),
	    "1:13: expected a $token or a condition, found 'end'");
}

Test(server, encoded_credentials_read_back_as_they_were)
{
	char	user[64], pass[64], line[256];
	struct rules *set;
	struct rules_ctx ctx = { 0 };

	cr_assert_eq(rules_userinfo_encode("u:s@r", user, sizeof(user)), 9);
	cr_assert_str_eq(user, "u%3As%40r");
	cr_assert_gt(rules_userinfo_encode("p w%\t\xc3\xa9:@#", pass,
	    sizeof(pass)), 0);
	cr_assert_str_eq(pass, "p%20w%25%09%C3%A9%3A%40#");
	cr_assert_eq(rules_userinfo_encode("abc", user, 4), 3);
	cr_assert_eq(rules_userinfo_encode("abc", user, 3), -1);
	cr_assert_eq(rules_userinfo_encode(" ", user, 3), -1);
	cr_assert_eq(rules_userinfo_encode("u:s@r", user, sizeof(user)), 9);
	snprintf(line, sizeof(line), "x.example %s:%s@h.example\n", user, pass);
	cr_assert_not_null(set = fx_load(line), "%s", fx_diags.text);
	rules_eval(set, "x.example", &ctx, NULL, 0, NULL, &fx_res);
	cr_assert_str_eq(fx_res.record[0].user, "u:s@r");
	cr_assert_str_eq(fx_res.record[0].pass, "p w%\t\xc3\xa9:@#");
	rules_free(set);
}

/* ---- regexes in short-lived threads ---- */

struct regex_thread {
	const struct rules	*set;
	int			 held;
};

static void *
regex_in_thread(void *arg)
{
	struct regex_thread	*rt = arg;
	struct rules_ctx	 ctx = { 0 };
	struct rules_result	 res;

	ctx.known = RULES_CTX_FROM;
	ctx.from = "bounce-12@x";
	rules_eval(rt->set, "x.example", &ctx, NULL, 0, NULL, &res);
	rt->held = res.rc == RULES_ANSWER;
	return NULL;
}

/* Run n threads one after the other, each matching the regex once. */
static int
regex_threads(const struct rules *set, int n)
{
	struct regex_thread	rt = { set, 0 };
	pthread_t		t;
	int			i, held = 0;

	for (i = 0; i < n; i++) {
		if (pthread_create(&t, NULL, regex_in_thread, &rt) != 0 ||
		    pthread_join(t, NULL) != 0)
			return -1;
		held += rt.held;
	}
	return held;
}

/*
 * Each thread's match block goes with the thread: 2000 threads leave the
 * heap as it was (a block lost per thread is ~100 bytes: 200 KB).
 */
Test(regex_limits, short_lived_threads_leave_no_match_block)
{
	struct rules	*set = fx_load("x.example h $from~=/^bounce-[0-9]+@/\n");
	size_t		 before;

	cr_assert_not_null(set);
	cr_assert_eq(regex_threads(set, 200), 200);	/* warm up */
	before = mallinfo2().uordblks;
	cr_assert_eq(regex_threads(set, 2000), 2000);
	cr_assert_lt(mallinfo2().uordblks, before + 32 * 1024,
	    "heap grew by %zu bytes over 2000 threads",
	    mallinfo2().uordblks - before);
	rules_free(set);
}
