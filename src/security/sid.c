/*
 * The binary layout: byte 0 the revision (1), byte 1 the number of
 * sub-authorities (at most 15), bytes 2-7 the identifier authority (big
 * endian), then each sub-authority as a little-endian 32-bit number.
 */
#include "sid.h"

#include <guise/token.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define SID_REVISION    1
#define SID_MAX_SUBAUTH 15
#define UNIX_AUTHORITY  22 /* Samba's S-1-22 */

static void
put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
    p[2] = (uint8_t) (v >> 16);
    p[3] = (uint8_t) (v >> 24);
}

static uint32_t
get_le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

void
gs_sid_unix(uint8_t out[GS_SID_UNIX_BYTES], unsigned kind, uint32_t id)
{
    memset(out, 0, GS_SID_UNIX_BYTES);
    out[0] = SID_REVISION;
    out[1] = 2;
    out[7] = UNIX_AUTHORITY;
    put_le32(out + 8, kind);
    put_le32(out + 12, id);
}

BOOL
IsValidSid(PSID pSid)
{
    const uint8_t *s = pSid;

    return s != NULL && s[0] == SID_REVISION && s[1] <= SID_MAX_SUBAUTH;
}

DWORD
GetLengthSid(PSID pSid)
{
    const uint8_t *s = pSid;

    return IsValidSid(pSid) ? 8u + 4u * s[1] : 0;
}

BOOL
EqualSid(PSID pSid1, PSID pSid2)
{
    DWORD n = GetLengthSid(pSid1);

    return n != 0 && n == GetLengthSid(pSid2) && memcmp(pSid1, pSid2, n) == 0;
}

DWORD
GuiseSidToString(PSID pSid, char *buf, DWORD cchBuf)
{
    const uint8_t *s = pSid;
    uint64_t authority = 0;
    size_t len;
    int n;

    if (!IsValidSid(pSid) || buf == NULL || cchBuf == 0) {
        return 0;
    }
    for (unsigned i = 2; i < 8; i++) {
        authority = authority << 8 | s[i];
    }
    /* Windows writes authorities of 2^32 and more in hexadecimal. */
    n = authority >> 32 ? snprintf(buf, cchBuf, "S-%u-0x%012" PRIX64, s[0], authority)
                        : snprintf(buf, cchBuf, "S-%u-%" PRIu64, s[0], authority);
    if (n < 0 || (DWORD) n >= cchBuf) {
        return 0;
    }
    len = (size_t) n;
    for (unsigned i = 0; i < s[1]; i++) {
        n = snprintf(buf + len, cchBuf - len, "-%" PRIu32, get_le32(s + 8 + 4 * i));
        if (n < 0 || (size_t) n >= cchBuf - len) {
            return 0;
        }
        len += (size_t) n;
    }
    return (DWORD) len;
}
