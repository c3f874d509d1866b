/* SIDs of Unix identities: the binary layout, the text form, validity, length, equality. */
#include "security/sid.h"

#include <guise/token.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* The text of a SID, or "" when GuiseSidToString refuses it. */
static const char *
text(PSID sid)
{
    static char buf[256];

    buf[0] = '\0';
    if (GuiseSidToString(sid, buf, sizeof(buf)) == 0) {
        return "";
    }
    return buf;
}

static void
test_unix_user_sid_layout(void **state)
{
    static const uint8_t want[GS_SID_UNIX_BYTES] = {
        1,    2,    0, 0, 0, 0, 0, 22, /* revision 1, two sub-authorities, authority 22 (BE) */
        1,    0,    0, 0,              /* 1: a user */
        0xe8, 0x03, 0, 0,              /* 1000, little-endian */
    };
    uint8_t sid[GS_SID_UNIX_BYTES];

    (void) state;
    memset(sid, 0xaa, sizeof(sid)); /* every byte is written */
    gs_sid_unix(sid, 1, 1000);
    assert_memory_equal(sid, want, sizeof(want));
}

static void
test_unix_group_sid_layout(void **state)
{
    static const uint8_t want[GS_SID_UNIX_BYTES] = {
        1, 2, 0, 0, 0, 0, 0, 22, 2, 0, 0, 0, 0x78, 0x56, 0x34, 0x12,
    };
    uint8_t sid[GS_SID_UNIX_BYTES];

    (void) state;
    gs_sid_unix(sid, 2, 0x12345678);
    assert_memory_equal(sid, want, sizeof(want));
}

static void
test_text_of_unix_sids(void **state)
{
    uint8_t sid[GS_SID_UNIX_BYTES];

    (void) state;
    gs_sid_unix(sid, 1, 1000);
    assert_string_equal(text(sid), "S-1-22-1-1000");
    gs_sid_unix(sid, 2, 1000);
    assert_string_equal(text(sid), "S-1-22-2-1000");
    gs_sid_unix(sid, 1, 0);
    assert_string_equal(text(sid), "S-1-22-1-0");
    gs_sid_unix(sid, 1, 4294967295u);
    assert_string_equal(text(sid), "S-1-22-1-4294967295");
    gs_sid_unix(sid, 2, 4294967295u);
    assert_string_equal(text(sid), "S-1-22-2-4294967295");
}

static void
test_text_length_is_returned_without_the_nul(void **state)
{
    uint8_t sid[GS_SID_UNIX_BYTES];
    char buf[GUISE_SID_TEXT_MAX];

    (void) state;
    gs_sid_unix(sid, 2, 4294967295u);
    assert_int_equal(GuiseSidToString(sid, buf, sizeof(buf)), strlen("S-1-22-2-4294967295"));
    assert_true(strlen("S-1-22-2-4294967295") < GUISE_SID_TEXT_MAX);
}

static void
test_buffer_too_small_gives_zero(void **state)
{
    uint8_t sid[GS_SID_UNIX_BYTES];
    char buf[32];
    const DWORD len = (DWORD) strlen("S-1-22-1-1000");

    (void) state;
    gs_sid_unix(sid, 1, 1000);
    assert_int_equal(GuiseSidToString(sid, buf, len + 1), len); /* exactly enough */
    assert_string_equal(buf, "S-1-22-1-1000");
    assert_int_equal(GuiseSidToString(sid, buf, len), 0); /* no room for the NUL */
    assert_int_equal(GuiseSidToString(sid, buf, 6), 0);   /* "S-1-22" does not fit */
    assert_int_equal(GuiseSidToString(sid, buf, 7), 0);   /* the authority just fits */
    assert_int_equal(GuiseSidToString(sid, buf, 1), 0);
    assert_int_equal(GuiseSidToString(sid, buf, 0), 0);
    assert_int_equal(GuiseSidToString(sid, NULL, 32), 0);
}

static void
test_invalid_sids_have_no_text(void **state)
{
    uint8_t sid[GS_SID_UNIX_BYTES + 60] = {0};
    char buf[256];

    (void) state;
    assert_int_equal(GuiseSidToString(NULL, buf, sizeof(buf)), 0);
    gs_sid_unix(sid, 1, 1000);
    sid[0] = 2; /* revision 2 */
    assert_int_equal(GuiseSidToString(sid, buf, sizeof(buf)), 0);
    sid[0] = 0;
    assert_int_equal(GuiseSidToString(sid, buf, sizeof(buf)), 0);
    sid[0] = 1;
    sid[1] = 16; /* more sub-authorities than a SID may have */
    assert_int_equal(GuiseSidToString(sid, buf, sizeof(buf)), 0);
    sid[1] = 255;
    assert_int_equal(GuiseSidToString(sid, buf, sizeof(buf)), 0);
}

static void
test_other_authorities_and_counts(void **state)
{
    /* S-1-5-32-544 (BUILTIN\Administrators), as Windows lays it out. */
    static const uint8_t admins[] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0};
    static const uint8_t everyone[] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}; /* S-1-1-0 */
    static const uint8_t bare[] = {1, 0, 0, 0, 0, 0, 0, 22};                /* S-1-22 */
    /* Authorities of 2^32 and more are written in hexadecimal, as Windows does. */
    static const uint8_t big[] = {1, 1, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 7, 0, 0, 0};
    uint8_t fifteen[8 + 4 * 15];
    char want[256];
    size_t n;

    (void) state;
    assert_string_equal(text((PSID) admins), "S-1-5-32-544");
    assert_string_equal(text((PSID) everyone), "S-1-1-0");
    assert_string_equal(text((PSID) bare), "S-1-22");
    assert_string_equal(text((PSID) big), "S-1-0x010203040506-7");

    memset(fifteen, 0xff, sizeof(fifteen));
    memcpy(fifteen, bare, 8);
    fifteen[1] = 15;
    n = (size_t) snprintf(want, sizeof(want), "S-1-22");
    for (int i = 0; i < 15; i++) {
        n += (size_t) snprintf(want + n, sizeof(want) - n, "-4294967295");
    }
    assert_string_equal(text(fifteen), want);
    assert_int_equal(GuiseSidToString(fifteen, want, (DWORD) n), 0); /* one short */
}

static void
test_validity(void **state)
{
    uint8_t sid[8 + 4 * 15] = {0};

    (void) state;
    assert_false(IsValidSid(NULL));
    gs_sid_unix(sid, 1, 1000);
    assert_true(IsValidSid(sid));
    sid[0] = 2;
    assert_false(IsValidSid(sid));
    sid[0] = 1;
    sid[1] = 0;
    assert_true(IsValidSid(sid));
    sid[1] = 15;
    assert_true(IsValidSid(sid));
    sid[1] = 16;
    assert_false(IsValidSid(sid));
}

static void
test_length(void **state)
{
    uint8_t sid[8 + 4 * 15] = {0};

    (void) state;
    assert_int_equal(GetLengthSid(NULL), 0);
    gs_sid_unix(sid, 2, 7);
    assert_int_equal(GetLengthSid(sid), GS_SID_UNIX_BYTES);
    sid[1] = 0;
    assert_int_equal(GetLengthSid(sid), 8);
    sid[1] = 15;
    assert_int_equal(GetLengthSid(sid), 68);
    sid[1] = 16;
    assert_int_equal(GetLengthSid(sid), 0);
    sid[1] = 2;
    sid[0] = 2;
    assert_int_equal(GetLengthSid(sid), 0);
}

static void
test_equality(void **state)
{
    uint8_t a[GS_SID_UNIX_BYTES], b[GS_SID_UNIX_BYTES], c[GS_SID_UNIX_BYTES];
    uint8_t longer[GS_SID_UNIX_BYTES + 4];

    (void) state;
    gs_sid_unix(a, 1, 1000);
    gs_sid_unix(b, 1, 1000);
    assert_true(EqualSid(a, b));
    assert_true(EqualSid(a, a));

    gs_sid_unix(c, 2, 1000); /* the group of the same number */
    assert_false(EqualSid(a, c));
    gs_sid_unix(c, 1, 1001);
    assert_false(EqualSid(a, c));

    /* A prefix is not the same SID. */
    memcpy(longer, a, sizeof(a));
    longer[1] = 3;
    memset(longer + GS_SID_UNIX_BYTES, 0, 4);
    assert_false(EqualSid(a, longer));
    assert_false(EqualSid(longer, a));

    assert_false(EqualSid(NULL, a));
    assert_false(EqualSid(a, NULL));
    assert_false(EqualSid(NULL, NULL));

    /* Invalid SIDs equal nothing, not even themselves. */
    a[0] = 2;
    b[0] = 2;
    assert_false(EqualSid(a, b));
    assert_false(EqualSid(a, a));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unix_user_sid_layout),
        cmocka_unit_test(test_unix_group_sid_layout),
        cmocka_unit_test(test_text_of_unix_sids),
        cmocka_unit_test(test_text_length_is_returned_without_the_nul),
        cmocka_unit_test(test_buffer_too_small_gives_zero),
        cmocka_unit_test(test_invalid_sids_have_no_text),
        cmocka_unit_test(test_other_authorities_and_counts),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_equality),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
