/*
 * answer/answer_int.h - helpers shared by the files of answer/, not part of
 * the API: conversion of names between wire and presentation form, and the
 * packet writer used for every answer.
 */
#ifndef MXSHIM_ANSWER_INT_H
#define MXSHIM_ANSWER_INT_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "ascii.h"

#define NAME_MAX_WIRE	255	/* LDNS_MAX_DOMAINLEN */

/* RCODE 16 (RFC 6891): only expressible with an OPT record. */
#define ANSWER_RCODE_BADVERS	16

/* Size of an OPT record with an empty RDATA. */
#define ANSWER_OPT_LEN		11

/*
 * Write the presentation form of the uncompressed wire name (wlen bytes)
 * into out (size cap) as ldns_rdf2buffer_str_dname() does, without the
 * trailing dot; the root is "".  Returns the length, or -1 when it does not
 * fit.
 */
int name_wire2str(const uint8_t *wire, size_t wlen, char *out, size_t cap);

/*
 * Convert a presentation name (trailing dot optional, "" and "." are the
 * root) to wire form in out (NAME_MAX_WIRE bytes).  Returns the wire
 * length, or -1 for a name that is not valid.
 */
int name_str2wire(const char *name, uint8_t *out);

/* Whether two uncompressed wire names are equal, ASCII case folded. */
int name_wire_equal(const uint8_t *a, const uint8_t *b);

/*
 * The header of every answer to q, at h (LDNS_HEADER_SIZE bytes): q's ID,
 * QR and RA set, RD and CD copied from q, opcode QUERY, AA and AD clear,
 * TC when tc is set, the low 4 bits of rcode, QDCOUNT 1 and the given
 * counts.  (answer/build.c)
 */
struct answer_question;
void wire_header(uint8_t *h, const struct answer_question *q, int rcode,
    int tc, uint16_t an, uint16_t ns, uint16_t ar);

/*
 * Our OPT record at out (ANSWER_OPT_LEN bytes): root owner, 1232 bytes,
 * the extended RCODE bits ext_rcode, version 0, q's DO bit copied (RFC
 * 3225; nothing is signed, so nothing else changes with it), no options.
 * Returns ANSWER_OPT_LEN.  (answer/build.c)
 */
size_t wire_opt(uint8_t *out, const struct answer_question *q,
    uint8_t ext_rcode);

/* An ldns_buffer over caller memory: no allocation, fixed size. */
void buffer_over(ldns_buffer *b, void *data, size_t size);

#endif /* MXSHIM_ANSWER_INT_H */
