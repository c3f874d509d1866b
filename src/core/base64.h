/*
 * Strict base64 (RFC 4648 section 4), for credentials in Authorization
 * headers: the standard alphabet, padding to a multiple of four, no
 * whitespace, and the unused bits of the last group zero, so that one
 * text decodes to one byte string and anything else is refused.  Pure.
 */
#ifndef GS_CORE_BASE64_H
#define GS_CORE_BASE64_H

#include <stddef.h>
#include <sys/types.h>

/* The most bytes len characters decode to. */
#define GS_BASE64_DECODED_MAX(len) ((len) / 4 * 3)

/* Decodes in[0..len) into out (cap bytes).  The length, or -1 if invalid or too long. */
ssize_t gs_base64_decode(const char *in, size_t len, unsigned char *out, size_t cap);

#endif
