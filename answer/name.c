/*
 * answer/name.c - domain names between wire and presentation form.
 *
 * ldns does the general case.  Names made only of printable characters that
 * need no escape (nearly every name on the hot path) take a short path that
 * gives the same result without ldns_buffer_printf() per character or the
 * allocations of ldns_str2rdf_dname(); tests/unit/test_answer.c checks that
 * both paths agree.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "answer.h"
#include "answer_int.h"

void
buffer_over(ldns_buffer *b, void *data, size_t size)
{
	memset(b, 0, sizeof(*b));
	b->_data = data;
	b->_limit = size;
	b->_capacity = size;
	b->_fixed = 1;
	b->_status = LDNS_STATUS_OK;
}

#define NAME_MAX_POINTERS	255

int
answer_skip_name(const uint8_t *pkt, size_t len, size_t *pos)
{
	size_t		p = *pos, end = 0, n = 1;	/* the root label */
	unsigned	hops = 0;
	uint8_t		lab;

	while (p < len && (lab = pkt[p]) != 0) {
		if ((lab & 0xc0) == 0xc0) {
			if (p + 1 >= len || ++hops > NAME_MAX_POINTERS)
				return -1;
			if (end == 0)
				end = p + 2;
			p = (size_t)(lab & 0x3f) << 8 | pkt[p + 1];
			if (p == 0 || p >= len)	/* 0: as ldns */
				return -1;
			continue;
		}
		if (lab > LDNS_MAX_LABELLEN)	/* 0x40, 0x80: not labels */
			return -1;
		if ((n += (size_t)lab + 1) > LDNS_MAX_DOMAINLEN)
			return -1;
		p += (size_t)lab + 1;
	}
	if (p >= len)
		return -1;
	*pos = end != 0 ? end : p + 1;
	return (int)n;
}

/* Whether ldns prints c as itself (see ldns_rdf2buffer_str_dname()). */
static int
plain_char(uint8_t c)
{
	if (!isascii(c) || !isgraph(c))
		return 0;
	return c != '.' && c != ';' && c != '(' && c != ')' && c != '\\';
}

static int
plain_wire(const uint8_t *wire, size_t wlen)
{
	size_t	i, j;

	for (i = 0; i < wlen && wire[i] != 0; i += wire[i] + 1)
		for (j = 1; j <= wire[i]; j++)
			if (i + j >= wlen || !plain_char(wire[i + j]))
				return 0;
	return 1;
}

static int
plain_wire2str(const uint8_t *wire, size_t wlen, char *out, size_t cap)
{
	size_t	i, o = 0;

	for (i = 0; i < wlen && wire[i] != 0; i += wire[i] + 1) {
		if (o != 0)
			out[o++] = '.';
		if (o + wire[i] + 1 > cap)
			return -1;
		memcpy(out + o, wire + i + 1, wire[i]);
		o += wire[i];
	}
	if (o >= cap)
		return -1;
	out[o] = '\0';
	return (int)o;
}

static int
ldns_wire2str(const uint8_t *wire, size_t wlen, char *out, size_t cap)
{
	ldns_rdf	rdf;
	ldns_buffer	buf;
	char		text[4 * NAME_MAX_WIRE + 1];
	size_t		n;

	rdf._size = wlen;
	rdf._type = LDNS_RDF_TYPE_DNAME;
	rdf._data = (void *)(uintptr_t)wire;
	buffer_over(&buf, text, sizeof(text));
	if (ldns_rdf2buffer_str_dname(&buf, &rdf) != LDNS_STATUS_OK)
		return -1;
	n = ldns_buffer_position(&buf);
	if (n > 0 && text[n - 1] == '.')	/* the root alone is "." */
		n--;
	if (n >= cap)
		return -1;
	memcpy(out, text, n);
	out[n] = '\0';
	return (int)n;
}

int
name_wire2str(const uint8_t *wire, size_t wlen, char *out, size_t cap)
{
	if (cap == 0 || wlen == 0 || wlen > NAME_MAX_WIRE)
		return -1;
	if (plain_wire(wire, wlen))
		return plain_wire2str(wire, wlen, out, cap);
	return ldns_wire2str(wire, wlen, out, cap);
}

/* The short path: no escapes, so every dot ends a label. */
static int
plain_str2wire(const char *name, size_t len, uint8_t *out)
{
	size_t	i, start = 0, o = 0;

	if (len > 0 && name[len - 1] == '.')
		len--;
	for (i = 0; i <= len && len > 0; i++) {
		if (i < len && name[i] != '.')
			continue;
		if (i == start || i - start > LDNS_MAX_LABELLEN ||
		    o + 1 + (i - start) + 1 > NAME_MAX_WIRE)
			return -1;
		out[o++] = (uint8_t)(i - start);
		memcpy(out + o, name + start, i - start);
		o += i - start;
		start = i + 1;
	}
	out[o++] = 0;
	return (int)o;
}

int
name_str2wire(const char *name, uint8_t *out)
{
	ldns_rdf	*rdf = NULL;
	size_t		 len = strlen(name), n;

	if (len == 0 || (len == 1 && name[0] == '.')) {
		out[0] = 0;
		return 1;
	}
	if (memchr(name, '\\', len) == NULL)
		return plain_str2wire(name, len, out);
	if (ldns_str2rdf_dname(&rdf, name) != LDNS_STATUS_OK)
		return -1;
	n = ldns_rdf_size(rdf);
	if (n > NAME_MAX_WIRE) {
		ldns_rdf_deep_free(rdf);
		return -1;
	}
	memcpy(out, ldns_rdf_data(rdf), n);
	ldns_rdf_deep_free(rdf);
	return (int)n;
}

int
name_wire_equal(const uint8_t *a, const uint8_t *b)
{
	size_t	i, n;

	for (;;) {
		if (*a != *b)
			return 0;
		n = *a;
		if (n == 0)
			return 1;
		for (i = 1; i <= n; i++)
			if (ascii_lower(a[i]) != ascii_lower(b[i]))
				return 0;
		a += n + 1;
		b += n + 1;
	}
}
