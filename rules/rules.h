/*
 * rules/rules.h - the override rules engine shared by mxshimd, libmxshim.so
 * and the mxshim command.
 *
 * The language is the one mxshim.conf(5) describes (doc/mxshim.conf.5:
 * VPOP3 "DNS overrides" plus the marked extensions).
 *
 * Life cycle:
 *   rules_load_file() / rules_load_buffer() parse a whole file into an
 *   immutable struct rules.  Any error rejects the whole file: the caller
 *   keeps whatever set it had.  A loaded set is read-only and may be shared
 *   by any number of threads until rules_free().
 *
 * Evaluation is restartable so that synchronous callers (the shim, the
 * command) and asynchronous ones (the resolver) use the same code:
 *
 *   struct rules_real real = { 0 };
 *   for (;;) {
 *       rc = rules_eval(set, qname, &ctx, &real, NULL, &res);
 *       if (rc != RULES_NEED)
 *           break;
 *       fetch the MX RRset of res.need (a lowercase name without trailing
 *       dot) and rules_real_add() it;  the pointers given must stay valid
 *       until the last rules_eval() call that uses them.
 *   }
 *
 * The engine holds no locks and allocates nothing in rules_eval() except
 * PCRE2 match data, once per thread.  It knows nothing about sockets or DNS
 * wire format: see answer/answer.h for that.
 */
#ifndef MXSHIM_RULES_H
#define MXSHIM_RULES_H

#include <stddef.h>
#include <stdint.h>

/* Limits of the language (mxshim.conf(5), LIMITS) and of one answer. */
#define RULES_MAX_LINE		4096	/* bytes per line, newline excluded */
#define RULES_MAX_NAME		253	/* presentation length, no trailing dot */
#define RULES_MAX_RECORDS	64	/* MX records in one synthesized answer */
#define RULES_MAX_REAL		8	/* real MX RRsets one evaluation may use */
#define RULES_MAX_REAL_MX	64	/* records kept from one real MX RRset */
#define RULES_DEFAULT_PRIORITY	10
#define RULES_DEFAULT_PORT	25
#define RULES_DEFAULT_TTL	60

/*
 * Default bounds on a rules file for the programs that let the operator
 * set them (mxshimd, `mxshim check`): the 1,000,000-line file of
 * bench/gen-rules.sh is 38 MB and takes 170 MB once loaded.
 */
#define RULES_DEFAULT_MAX_BYTES	(64UL * 1024 * 1024)
#define RULES_DEFAULT_MAX_LINES	2000000UL

/* The rules file of the shim and the mxshim command when none is named. */
#define RULES_DEFAULT_FILE	"/etc/mxshim/overrides.conf"

/* Suffix of the synthetic host names given to address targets (RFC 6761). */
#define RULES_SYNTH_SUFFIX	"mxshim.invalid"

struct rules;	/* opaque, immutable once loaded */
struct stat;	/* <sys/stat.h> */

/* ---- loading ---------------------------------------------------------- */

/* One diagnostic: error or warning, with its position (1-based; line 0
 * and column 0 when it is about the whole file, e.g. "N more warnings"). */
struct rules_diag {
	const char	*file;
	unsigned	 line;
	unsigned	 column;
	int		 is_error;	/* 0: warning */
	const char	*message;	/* what was found and what was expected */
};

/* Called once per diagnostic, in file order.  May be NULL. */
typedef void rules_diag_fn(void *arg, const struct rules_diag *d);

/*
 * A diag callback for callers that report only the first error of a
 * rejected file: set opts.diag = rules_first_error and opts.diag_arg to a
 * zeroed struct rules_first; after a failed load, found says whether a
 * diagnostic was kept (else the failure was I/O: see errno).
 */
struct rules_first {
	int		found;
	unsigned	line;
	unsigned	column;
	char		message[512];
};

rules_diag_fn rules_first_error;

struct rules_load_opts {
	rules_diag_fn	*diag;		/* where errors and warnings go */
	void		*diag_arg;
	int		 no_dump;	/* keep the set's text and strings,
					   credentials included, out of core
					   dumps (MADV_DONTDUMP mappings) */
	size_t		 max_bytes;	/* 0: no limit; larger files are refused */
	size_t		 max_lines;	/* 0: no limit; longer files are refused */
	int		 max_errors;	/* stop reporting after this many; 0: 100 */
	const struct stat *expect;	/* NULL, or load the file only if it
					   still looks like this (see below) */
	int		 empty;		/* a 0-byte file: RULES_EMPTY_* */
};

/* What rules_load_file() does with a file of 0 bytes. */
#define RULES_EMPTY_OK		0	/* an empty set, silently */
#define RULES_EMPTY_WARN	1	/* an empty set, and a warning */
#define RULES_EMPTY_REFUSE	2	/* an error (errno EINVAL): a file
					   being rewritten is 0 bytes for a
					   moment, and loading it would drop
					   every override */

/*
 * Parse and compile the file at path.  Returns the rule set, or NULL when
 * the file cannot be read or has any error (reported through opts->diag,
 * and through errno for I/O errors).  Anything but a regular file (a
 * FIFO, a device, a directory) is refused without being read or waited
 * on: an error at line 0 and errno EINVAL (EISDIR for a directory).  A file over max_bytes or max_lines
 * is reported as an error (at line 0, or at the first line too many) and
 * leaves errno EFBIG.  opts may be NULL.
 * errno EAGAIN: the file changed while it was read (its size or time
 * stamps moved), so the text may be half of a file being written, or it
 * is not the file opts->expect describes (rules_file_same()); nothing was
 * parsed.  Try again once the writer is done.  A write in the same clock
 * tick as the write before the read moves no time stamp and is not seen:
 * callers that must be sure take a stat(2) of the path, wait until the
 * file has looked the same for a while, and pass that look as expect
 * (mxshimd's --settle).
 */
struct rules *rules_load_file(const char *path,
    const struct rules_load_opts *opts);

/*
 * Whether two stat(2) results show the same file with the same content as
 * far as the file system tells: device, inode, size, modification and
 * change times (every write moves the change time).
 */
int rules_file_same(const struct stat *a, const struct stat *b);

/*
 * The same for text already in memory; name is used in diagnostics.  The
 * buffer is copied and need not outlive the call.
 */
struct rules *rules_load_buffer(const char *name, const char *text,
    size_t len, const struct rules_load_opts *opts);

void rules_free(struct rules *set);

/* Lines (overrides, not comments) in the set. */
size_t rules_count(const struct rules *set);

/*
 * Warnings that only `mxshim check` prints: lines that can never apply in
 * resolver mode, lines hidden behind an earlier catch-all `$end`.  They go
 * to diag as warnings.  Returns how many were reported.
 */
int rules_lint(const struct rules *set, rules_diag_fn *diag, void *arg);

/* Whether any line names a port other than 25 (the resolver logs that once). */
int rules_has_ports(const struct rules *set);

/* Whether any line carries credentials. */
int rules_has_credentials(const struct rules *set);

/* ---- the context of one question -------------------------------------- */

/* Which attributes the context knows; the others make conditions false. */
#define RULES_CTX_RETRIES	0x01
#define RULES_CTX_SIZE		0x02
#define RULES_CTX_AUTHSENDER	0x04
#define RULES_CTX_FROM		0x08
#define RULES_CTX_CLIENT	0x10

struct rules_ctx {
	unsigned	 known;		/* RULES_CTX_* bits */
	uint64_t	 retries;
	uint64_t	 size;
	const char	*authsender;
	const char	*from;
	int		 client_family;	/* AF_INET or AF_INET6 */
	uint8_t		 client_addr[16];	/* network order */
};

/* ---- real DNS data supplied by the caller ----------------------------- */

enum rules_real_status {
	RULES_REAL_OK = 1,	/* the MX RRset, possibly a null MX */
	RULES_REAL_NODATA,	/* the name exists, no MX */
	RULES_REAL_NXDOMAIN,	/* the name does not exist */
	RULES_REAL_TEMPFAIL	/* timeout, SERVFAIL, REFUSED, network down */
};

struct rules_mx {
	uint16_t	 pref;
	const char	*host;	/* lowercase, no trailing dot; "" is the root */
};

/* The real MX RRset of one name, as the caller found it. */
struct rules_real_rrset {
	const char		*name;	/* lowercase, no trailing dot */
	enum rules_real_status	 status;
	uint32_t		 ttl;	/* of the RRset, or the negative TTL */
	size_t			 count;
	const struct rules_mx	*mx;
};

struct rules_real {
	size_t			count;
	struct rules_real_rrset	rrset[RULES_MAX_REAL];
};

/* Add an RRset; returns -1 when the table is full.  Nothing is copied. */
int rules_real_add(struct rules_real *real, const struct rules_real_rrset *rr);

/* The RRset known for name, or NULL. */
const struct rules_real_rrset *rules_real_find(const struct rules_real *real,
    const char *name);

/* ---- evaluation ------------------------------------------------------- */

enum rules_rc {
	RULES_NO_OVERRIDE = 0,	/* no line applied: answer from real DNS */
	RULES_ANSWER,		/* res.record[] is the MX set */
	RULES_NULL_MX,		/* answer the null MX (MX 0 .) */
	RULES_SERVFAIL,		/* real data needed but unavailable: defer */
	RULES_NEED,		/* supply the real MX RRset of res.need, retry */
	RULES_BADNAME		/* qname is not a valid domain name */
};

/* One record of the answer. */
struct rules_record {
	uint16_t	 pref;
	uint16_t	 port;		/* 25 unless the line named one */
	const char	*host;		/* lowercase, no trailing dot; synthetic
					   name for address targets */
	unsigned	 line;		/* the line that contributed it */
	int		 real;		/* 1: came from real DNS */
	const char	*user;		/* credentials or NULL; never put them in
					   a DNS answer or a log line.  Real
					   records carry the line's port and
					   credentials only for $lookupmx */
	const char	*pass;
};

struct rules_result {
	enum rules_rc		rc;
	size_t			count;
	struct rules_record	record[RULES_MAX_RECORDS];
	uint32_t		ttl;	/* for every record of the answer */
	int			client_dependent; /* never cache across clients */
	int			used_real;	/* real data took part */
	char			need[RULES_MAX_NAME + 1];	/* RULES_NEED: the
					   name to fetch; RULES_SERVFAIL:
					   the name whose lookup failed */
	char			name[RULES_MAX_NAME + 1];	/* the query name,
					   normalized; implicit MX records
					   point here, so do not copy *res */
	unsigned		end_line;	/* line whose $end stopped, or 0 */
};

/* The explain trace, for `mxshim route`. */
enum rules_trace_kind {
	RULES_TRACE_APPLIED,	/* the line applied */
	RULES_TRACE_FAILED,	/* pattern matched, condition `token` failed */
	RULES_TRACE_UNKNOWN,	/* condition's attribute not in the context */
	RULES_TRACE_END,	/* $end on the line stopped the walk */
	RULES_TRACE_TEMPFAIL	/* the real data the line needs is
				   unavailable: the answer is SERVFAIL */
};

struct rules_trace_event {
	enum rules_trace_kind	 kind;
	unsigned		 line;
	const char		*line_text;	/* the whole line, not NUL-ended */
	size_t			 line_len;
	const char		*token;		/* the condition, not NUL-ended */
	size_t			 token_len;
	unsigned		 column;	/* of the token */
};

typedef void rules_trace_fn(void *arg, const struct rules_trace_event *ev);

struct rules_trace {
	rules_trace_fn	*fn;
	void		*arg;
};

/*
 * Evaluate qname (presentation form, any case, trailing dot allowed) in ctx
 * with the real data in real (may be NULL when none was fetched yet), per
 * the EVALUATION section of mxshim.conf(5).  ttl is the TTL of synthesized
 * records (0: RULES_DEFAULT_TTL).  trace may be NULL.  Fills *res and returns
 * res->rc.  The pointers in res point into set, ctx and real.
 */
enum rules_rc rules_eval(const struct rules *set, const char *qname,
    const struct rules_ctx *ctx, const struct rules_real *real,
    uint32_t ttl, const struct rules_trace *trace, struct rules_result *res);

/* ---- synthetic names of address targets ------------------------------- */

/*
 * Write the synthetic host name of an address target into buf
 * ("192-0-2-1.v4.mxshim.invalid", "20010db8...0001.v6.mxshim.invalid").
 * Returns its length, or -1 when it does not fit.
 */
int rules_synth_name(int family, const uint8_t *addr, char *buf, size_t len);

/*
 * Decode a synthetic name (any case, trailing dot allowed).  Returns
 * AF_INET or AF_INET6 and fills addr (4 or 16 bytes), or 0 when name is not
 * a synthetic name.
 */
int rules_synth_addr(const char *name, uint8_t addr[16]);

/* ---- helpers shared with the callers ---------------------------------- */

/*
 * Normalize a domain name: lowercase, strip one trailing dot.  Returns the
 * length written to out (size RULES_MAX_NAME + 1), or -1 when the name is
 * too long, empty or has an empty label.
 */
int rules_name_normalize(const char *in, char *out);

/* Wildcard match (`*` any run, `?` one char), anchored, ASCII case-folded. */
int rules_glob_match(const char *pattern, size_t plen, const char *s,
    size_t slen);

/*
 * Parse an unsigned decimal number (the syntax of $size and $retries
 * values, also used for MXSHIM_SIZE and --size): digits only, at most
 * UINT64_MAX.  Returns 0, or -1 when s is empty, has another byte, or
 * overflows.
 */
int rules_parse_number(const char *s, size_t len, uint64_t *out);

/*
 * Parse a size for a command line: a decimal number with an optional
 * K, M or G suffix (binary: 1K is 1024), at most SIZE_MAX.  Returns 0, or
 * -1 when s is anything else.
 */
int rules_parse_size(const char *s, size_t *out);

/*
 * Percent-encode a USER or PASS for a SERVER field (RFC 3986 userinfo, as
 * the parser decodes it): '%', '@', ':', spaces, control and non-ASCII
 * bytes become %HH.  Writes a NUL-ended string to out.  Returns its length,
 * or -1 when it does not fit in len bytes.
 */
int rules_userinfo_encode(const char *in, char *out, size_t len);

/* Parse "ADDR" or "ADDR/PREFIX"; 0 on success. */
int rules_parse_cidr(const char *s, int *family, uint8_t addr[16],
    unsigned *prefix);

/* ---- reading a loaded set back (rules/lines.c) -------------------------- */

/*
 * For callers that translate a set into something else (`mxshim export`):
 * each line as the parser understood it, so that the parser stays the only
 * reader of the language.  Everything points into the set or into the
 * struct filled, and is valid until rules_free().
 */

enum rules_pattern_kind {
	RULES_PATTERN_EXACT,	/* example.com */
	RULES_PATTERN_SUFFIX,	/* *.example.com */
	RULES_PATTERN_ALL,	/* * */
	RULES_PATTERN_GENERAL	/* any other wildcard */
};

enum rules_server_kind {
	RULES_SERVER_NAME,	/* a host name */
	RULES_SERVER_IPV4,	/* an address target */
	RULES_SERVER_IPV6,
	RULES_SERVER_NULL,	/* `.`: the null MX */
	RULES_SERVER_USEDNS	/* the name's real MX records */
};

/* The SERVER field: [USER:PASS@]HOST[:PORT], `.` or USEDNS. */
struct rules_server {
	enum rules_server_kind	 kind;
	char			 host[RULES_MAX_NAME + 1];	/* lowercase
					   name without trailing dot, or the
					   address in presentation form (no
					   brackets); "" for NULL and USEDNS */
	uint16_t		 port;		/* RULES_DEFAULT_PORT unless
						   given */
	const char		*user;		/* NULL: no credentials */
	const char		*pass;
};

/* Flags of a line. */
#define RULES_LINE_END		0x01	/* $end */
#define RULES_LINE_ADDDNS	0x02	/* $adddns */
#define RULES_LINE_LOOKUPMX	0x04	/* $lookupmx */
#define RULES_LINE_PRIORITY	0x08	/* $priority:N given */

struct rules_line {
	unsigned		 line;		/* in the file, 1-based */
	const char		*pattern;	/* lowercase, no trailing dot */
	enum rules_pattern_kind	 pattern_kind;
	struct rules_server	 server;
	unsigned		 flags;		/* RULES_LINE_* */
	uint16_t		 priority;	/* RULES_DEFAULT_PRIORITY unless
						   $priority:N */
	size_t			 cond_count;	/* conditions, $dnsmx included */
};

/*
 * Fill *out with line i (0 <= i < rules_count(set)), in file order.
 * Returns 0, or -1 when i is out of range.
 */
int rules_line_get(const struct rules *set, size_t i, struct rules_line *out);

/*
 * Only the file line of line i (file order), or 0 when i is out of
 * range: for callers that go over every line of a big set.
 */
unsigned rules_line_number(const struct rules *set, size_t i);

/*
 * The index i (file order) of the line on file line `line`, as
 * rules_record.line and rules_result.end_line give it, or (size_t)-1
 * when no override is on that line.  O(log n).
 */
size_t rules_line_index(const struct rules *set, unsigned line);

/*
 * The text of condition k (0 <= k < cond_count) of line i, as written
 * ("$size>=100"): *len bytes at the returned pointer, not NUL-ended.
 * NULL when i or k is out of range.
 */
const char *rules_line_cond(const struct rules *set, size_t i, size_t k,
    size_t *len);

/* One condition of a line, as the parser compiled it. */
enum rules_cond_attr {
	RULES_COND_RETRIES,
	RULES_COND_SIZE,
	RULES_COND_AUTHSENDER,
	RULES_COND_FROM,
	RULES_COND_CLIENT,
	RULES_COND_DNSMX	/* $dnsmx:GLOB (MATCH), $dnsmx:!GLOB (NOMATCH) */
};

enum rules_cond_op {
	RULES_OP_EQ, RULES_OP_NE, RULES_OP_LT, RULES_OP_LE, RULES_OP_GT,
	RULES_OP_GE, RULES_OP_MATCH, RULES_OP_NOMATCH
};

enum rules_cond_value {
	RULES_VALUE_NUMBER,
	RULES_VALUE_TEXT,	/* compared case-insensitively */
	RULES_VALUE_GLOB,	/* * and ?, anchored, case-insensitive */
	RULES_VALUE_REGEX,	/* PCRE2, unanchored */
	RULES_VALUE_CIDR
};

struct rules_cond {
	enum rules_cond_attr	 attr;
	enum rules_cond_op	 op;
	enum rules_cond_value	 value;
	uint64_t		 number;	/* RULES_VALUE_NUMBER */
	const char		*text;		/* the others: not NUL-ended */
	size_t			 text_len;	/* TEXT and GLOB lowercased,
						   REGEX between its slashes,
						   CIDR as written */
	int			 icase;		/* REGEX: flag i */
	const char		*token;		/* the whole token as written */
	size_t			 token_len;
};

/*
 * Fill *out with condition k of line i.  Returns 0, or -1 when i or k is
 * out of range.
 */
int rules_line_cond_get(const struct rules *set, size_t i, size_t k,
    struct rules_cond *out);

/*
 * Read a SERVER field on its own, with the parser's rules: for callers
 * that build lines from other products' host names and want them read
 * exactly as a rules file would be.  Credentials are not accepted here
 * (USER:PASS@ is refused: give them to the line, not to this reader).
 * Returns 0, or -1 with why (size whylen) set to the parser's message.
 */
int rules_server_read(const char *s, size_t len, struct rules_server *out,
    char *why, size_t whylen);

#endif /* MXSHIM_RULES_H */
