/*
 * rules/ascii.h - the one ASCII case fold of mxshim.  DNS names compare
 * without ASCII case (RFC 4343) and never by the locale, so neither
 * tolower() nor strcasecmp() under a non-C locale will do.  It lives in
 * the lowest layer: the engine (rules/), the wire code (answer/, which
 * sits on rules/) and the faces above both use it.
 */
#ifndef MXSHIM_ASCII_H
#define MXSHIM_ASCII_H

/* c with A-Z made a-z; every other value (bytes over 127 too) unchanged. */
static inline int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

#endif /* MXSHIM_ASCII_H */
