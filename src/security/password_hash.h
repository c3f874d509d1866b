/*
 * The one-way form of a password that token keys carry: HMAC-SHA256 of the
 * user name and the password under a random key made when the process
 * starts (never stored), as 64 hex digits.  Equal inputs give equal hashes
 * within one process; nothing outside it can test a guess against one.
 */
#ifndef GS_SECURITY_PASSWORD_HASH_H
#define GS_SECURITY_PASSWORD_HASH_H

#include <stdbool.h>
#include <stddef.h>

#define GS_PASSWORD_HASH_HEX 64

/* Writes the hash (NUL-terminated) into out. */
void gs_password_hash(const char *user, const char *password, char out[GS_PASSWORD_HASH_HEX + 1]);

/* Constant-time equality of two hashes. */
bool gs_password_hash_equal(const char *a, const char *b);

#endif
