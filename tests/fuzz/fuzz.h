/*
 * tests/fuzz/fuzz.h - what the libFuzzer targets share: the invariants
 * every result and every answer must keep, the engine's restart loop with
 * stubbed real DNS data, and one fixed rule set that uses every kind of
 * line.  A broken invariant prints what broke and aborts, which libFuzzer
 * records as a crash with its input.
 */
#ifndef MXSHIM_FUZZ_H
#define MXSHIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message naming the broken invariant. */
#define FUZZ_CHECK(cond, what) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, (what)))
void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

/* Real MX data for one evaluation; the result points into it. */
struct fuzz_real {
	struct rules_real	real;
	char			name[RULES_MAX_REAL][RULES_MAX_NAME + 1];
};

void fuzz_real_init(struct fuzz_real *fr);

/*
 * rules_eval() to the end: each RULES_NEED is answered with a fixed RRset
 * picked by the name (two hosts, a synthetic host, the null MX, NODATA,
 * NXDOMAIN, TEMPFAIL), unless fr already holds one for that name.  Checks
 * the loop ends and the result's invariants (fuzz_check_result).  trace
 * may be NULL.
 */
enum rules_rc fuzz_eval(const struct rules *set, const char *qname,
    const struct rules_ctx *ctx, struct fuzz_real *fr, int trace,
    struct rules_result *res);

/*
 * What rules.h and mxshim.conf(5) promise about a result: the code is known,
 * RULES_ANSWER has 1..RULES_MAX_RECORDS records with valid lowercase host
 * names, one per host, ordered by preference.
 */
void fuzz_check_result(const struct rules_result *res);

/*
 * An answer of n bytes (n < 0: nothing written) to q: at most max bytes,
 * ldns reads it, it is a response with q's ID and question.  When ancount
 * is not negative and the answer is not truncated, it has that many
 * answer records.
 */
void fuzz_check_answer(const struct answer_question *q, const uint8_t *ans,
    int n, size_t max, int ancount);

/*
 * answer_mx() for res, checked.  all: the limits 512, answer_udp_limit(q)
 * and 65535, each with a full and a small buffer, and answer_patch();
 * else only 65535.
 */
void fuzz_answer_mx(const struct answer_question *q,
    const struct rules_result *res, int all);

/* The fixed rule set (loaded once; every kind of line and condition). */
const struct rules *fuzz_fixed_rules(void);

/* A context that knows every attribute, and one that knows none. */
extern const struct rules_ctx fuzz_ctx_full;
extern const struct rules_ctx fuzz_ctx_none;

#endif /* MXSHIM_FUZZ_H */
