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
#include <stdint.h>

#define GS_PASSWORD_HASH_HEX 64

/* Writes the hash (NUL-terminated) into out. */
void gs_password_hash(const char *user, const char *password, char out[GS_PASSWORD_HASH_HEX + 1]);

/*
 * The first n (at most 32) bytes of HMAC-SHA256(tag, data) under the same
 * key: table keys nobody outside the process can aim collisions at.
 */
void gs_keyed_digest(char tag, const void *data, size_t len, uint8_t *out, size_t n);

/* Replaces the random key (tests only: known-answer checks against OpenSSL's HMAC). */
void gs_password_hash_set_key_for_tests(const unsigned char key[32]);

/* Constant-time equality of two hashes. */
bool gs_password_hash_equal(const char *a, const char *b);

#endif
