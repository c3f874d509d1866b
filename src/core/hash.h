/*
 * FNV-1a, the non-cryptographic hash guise's tables and cache keys use:
 * short keys, no allocation, good enough low bits.  Start from
 * GS_FNV_BASIS (or a previous result, to hash several pieces as one).
 * Not for anything an attacker may aim collisions at (see
 * security/password_hash.h for keyed digests).
 */
#ifndef GS_CORE_HASH_H
#define GS_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#define GS_FNV_BASIS 2166136261u
#define GS_FNV_PRIME 16777619u

static inline uint32_t
gs_fnv1a(uint32_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * GS_FNV_PRIME;
    }
    return h;
}

/* The same over wide characters, each taken whole. */
static inline uint32_t
gs_fnv1a_wide(uint32_t h, const wchar_t *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h = (h ^ (uint32_t) s[i]) * GS_FNV_PRIME;
    }
    return h;
}

#endif
