/* Strict base64: RFC 4648's vectors decode, every other spelling of them is refused. */
#include "core/base64.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Decodes a copy without a NUL (ASan sees any read past len) into exactly cap bytes. */
static ssize_t
decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
    char *copy = malloc(len ? len : 1);
    unsigned char *buf = malloc(cap ? cap : 1);
    ssize_t n;

    memcpy(copy, in, len);
    n = gs_base64_decode(copy, len, buf, cap);
    if (n > 0) {
        memcpy(out, buf, (size_t) n);
    }
    free(copy);
    free(buf);
    return n;
}

static ssize_t
decode_str(const char *in, unsigned char *out, size_t cap)
{
    return decode(in, strlen(in), out, cap);
}

/* The reference encoder the tests check the decoder against. */
static size_t
encode(const unsigned char *in, size_t len, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;

    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned) in[i] << 16;

        v |= i + 1 < len ? (unsigned) in[i + 1] << 8 : 0;
        v |= i + 2 < len ? in[i + 2] : 0;
        out[n++] = abc[v >> 18 & 63];
        out[n++] = abc[v >> 12 & 63];
        out[n++] = i + 1 < len ? abc[v >> 6 & 63] : '=';
        out[n++] = i + 2 < len ? abc[v & 63] : '=';
    }
    out[n] = '\0';
    return n;
}

static void
test_rfc4648_vectors(void **state)
{
    static const struct {
        const char *plain, *encoded;
    } vectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    unsigned char out[16];

    (void) state;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        size_t want = strlen(vectors[i].plain);
        ssize_t n = decode_str(vectors[i].encoded, out, sizeof(out));

        if (n != (ssize_t) want || memcmp(out, vectors[i].plain, want) != 0) {
            fail_msg("'%s' decoded to %zd bytes, not '%s'", vectors[i].encoded, n,
                     vectors[i].plain);
        }
    }
}

static void
test_whole_alphabet_and_every_byte(void **state)
{
    unsigned char plain[256], out[256];
    char text[4 * 86 + 1];
    ssize_t n;

    (void) state;
    assert_int_equal(decode_str("+/+/", out, sizeof(out)), 3);
    assert_int_equal(out[0], 0xfb);
    assert_int_equal(out[1], 0xff);
    assert_int_equal(out[2], 0xbf);

    for (int i = 0; i < 256; i++) {
        plain[i] = (unsigned char) i;
    }
    /* Every length from 0 to 256 (all three paddings), every byte value. */
    for (size_t len = 0; len <= sizeof(plain); len++) {
        size_t tlen = encode(plain + (256 - len), len, text);

        n = decode(text, tlen, out, len);
        if (n != (ssize_t) len || memcmp(out, plain + (256 - len), len) != 0) {
            fail_msg("%zu bytes did not survive the round trip", len);
        }
    }
}

static void
test_bad_lengths_are_refused(void **state)
{
    static const char *const bad[] = {"Z", "Zg", "Zg=", "Zm9", "Zm9vY", "Zm9vYg", "Zm9vYg="};
    unsigned char out[16];

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (decode_str(bad[i], out, sizeof(out)) != -1) {
            fail_msg("'%s' was accepted", bad[i]);
        }
    }
}

static void
test_characters_outside_the_alphabet_are_refused(void **state)
{
    static const char *const bad[] = {
        "Zm9-", "Zm9_", /* base64url */
        "Zm9.", "Zm9*", "Zm\x80v", "Zm\xffv", "\xc3\xa9Zm",
    };
    unsigned char out[16];

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (decode_str(bad[i], out, sizeof(out)) != -1) {
            fail_msg("'%s' was accepted", bad[i]);
        }
    }
    assert_int_equal(decode("Zm\0v", 4, out, sizeof(out)), -1); /* a NUL inside */
    assert_int_equal(decode("\0\0\0\0", 4, out, sizeof(out)), -1);
}

static void
test_whitespace_is_refused(void **state)
{
    static const char *const bad[] = {
        "Zm9v\n", " Zm9v", "Zm9v ", "Zm 9v", "Zm9v\r\n", "Zm\t9v", "Zm9v\nYmFy", "Zm9v    ", "    ",
    };
    unsigned char out[16];

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (decode_str(bad[i], out, sizeof(out)) != -1) {
            fail_msg("'%s' was accepted", bad[i]);
        }
    }
}

static void
test_misplaced_padding_is_refused(void **state)
{
    static const char *const bad[] = {
        "====",     "A===",     "AA=A",     "Z=g=",         "=Zg=", /* inside a group */
        "Zg==Zg==", "Zm8=Zm9v", "Zg==Zm9v", "Zm9vYg==Zm9v",         /* before the last group */
        "Zm9v====", "Zg======",                                     /* a group of padding alone */
    };
    unsigned char out[16];

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (decode_str(bad[i], out, sizeof(out)) != -1) {
            fail_msg("'%s' was accepted", bad[i]);
        }
    }
}

static void
test_nonzero_unused_bits_are_refused(void **state)
{
    /* "f" is Zg==; Zh==..Zv== carry the same byte with stray low bits. */
    static const char *const bad[] = {
        "Zh==", "Zi==", "Zp==", "Zv==", "Zm9=", "Zm+=", "Zm/=", "Zm9vYh==", "Zm9vYmF="};
    unsigned char out[16];

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (decode_str(bad[i], out, sizeof(out)) != -1) {
            fail_msg("'%s' was accepted", bad[i]);
        }
    }
    assert_int_equal(decode_str("Zg==", out, sizeof(out)), 1);
    assert_int_equal(decode_str("Zm8=", out, sizeof(out)), 2);
    assert_int_equal(decode_str("AA==", out, sizeof(out)), 1);
    assert_int_equal(out[0], 0);
}

static void
test_capacity_is_respected(void **state)
{
    unsigned char out[8];

    (void) state;
    assert_int_equal(decode_str("Zm9vYmFy", out, 6), 6);
    assert_int_equal(decode_str("Zm9vYmFy", out, 5), -1);
    assert_int_equal(decode_str("Zm9vYg==", out, 4), 4);
    assert_int_equal(decode_str("Zm9vYg==", out, 3), -1);
    assert_int_equal(decode_str("Zm9vYmE=", out, 5), 5);
    assert_int_equal(decode_str("Zm9vYmE=", out, 4), -1);
    assert_int_equal(decode_str("Zg==", out, 1), 1);
    assert_int_equal(decode_str("Zg==", out, 0), -1);
    assert_int_equal(decode_str("", out, 0), 0);
}

static void
test_decoded_max(void **state)
{
    (void) state;
    assert_int_equal(GS_BASE64_DECODED_MAX(0), 0);
    assert_int_equal(GS_BASE64_DECODED_MAX(4), 3);
    assert_int_equal(GS_BASE64_DECODED_MAX(7), 3);
    assert_int_equal(GS_BASE64_DECODED_MAX(8), 6);
    assert_int_equal(GS_BASE64_DECODED_MAX(4096), 3072);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_whole_alphabet_and_every_byte),
        cmocka_unit_test(test_bad_lengths_are_refused),
        cmocka_unit_test(test_characters_outside_the_alphabet_are_refused),
        cmocka_unit_test(test_whitespace_is_refused),
        cmocka_unit_test(test_misplaced_padding_is_refused),
        cmocka_unit_test(test_nonzero_unused_bits_are_refused),
        cmocka_unit_test(test_capacity_is_respected),
        cmocka_unit_test(test_decoded_max),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
