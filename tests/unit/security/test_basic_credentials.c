/* gs_basic_parse: RFC 7617's Basic credentials, strictly; everything else named for what it is. */
#include "security/basic_credentials.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define FIELD (GS_BASIC_MAX_FIELD + 1)

struct parsed {
    gs_basic_result_t result;
    char user[FIELD], password[FIELD];
};

/*
 * Parses a copy of value[0..len) without a NUL, into output buffers of exactly the
 * documented size, all on the heap: ASan sees a read past len or a write past a field.
 */
static struct parsed *
parse_n(const char *value, size_t len)
{
    static struct parsed p;
    char *copy = malloc(len ? len : 1);
    char *user = malloc(FIELD), *password = malloc(FIELD);

    memcpy(copy, value, len);
    memset(user, 0x55, FIELD);
    memset(password, 0x55, FIELD);
    p.result = gs_basic_parse(copy, len, user, password);
    memcpy(p.user, user, FIELD);
    memcpy(p.password, password, FIELD);
    free(copy);
    free(user);
    free(password);
    return &p;
}

static struct parsed *
parse(const char *value)
{
    return parse_n(value, strlen(value));
}

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

/* "<prefix><base64 of credentials[0..len)><suffix>", in a static buffer. */
static const char *
header_n(const char *prefix, const char *credentials, size_t len, const char *suffix)
{
    static char buf[8 * GS_BASIC_MAX_HEADER];
    size_t n = strlen(prefix);

    memcpy(buf, prefix, n);
    n += encode((const unsigned char *) credentials, len, buf + n);
    strcpy(buf + n, suffix);
    return buf;
}

static const char *
header(const char *credentials)
{
    return header_n("Basic ", credentials, strlen(credentials), "");
}

static void
assert_ok(const char *value, const char *user, const char *password)
{
    struct parsed *p = parse(value);

    if (p->result != GS_BASIC_OK) {
        fail_msg("'%s' gave %d, not OK", value, p->result);
    }
    assert_string_equal(p->user, user);
    assert_string_equal(p->password, password);
}

static void
assert_result(const char *value, gs_basic_result_t want)
{
    struct parsed *p = parse(value);

    if (p->result != want) {
        fail_msg("'%s' gave %d, not %d", value, p->result, want);
    }
}

static void
test_user_and_password(void **state)
{
    (void) state;
    assert_ok("Basic YWxhZGRpbjpvcGVuc2VzYW1l", "aladdin", "opensesame"); /* RFC 7617 */
    assert_ok(header("alice:secret"), "alice", "secret");
}

static void
test_scheme_is_case_insensitive(void **state)
{
    (void) state;
    assert_ok("basic YWxhZGRpbjpvcGVuc2VzYW1l", "aladdin", "opensesame");
    assert_ok("BASIC YWxhZGRpbjpvcGVuc2VzYW1l", "aladdin", "opensesame");
    assert_ok("bAsIc YWxhZGRpbjpvcGVuc2VzYW1l", "aladdin", "opensesame");
}

static void
test_other_schemes_are_left_alone(void **state)
{
    static const char *const others[] = {
        "",
        "B",
        "Basi",
        "Bearer eyJhbGciOiJIUzI1NiJ9",
        "Digest username=\"alice\"",
        "Negotiate YIIGhgYGKwYBBQUCoIIGejCC",
        "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==",
        "Basically YWxhZGRpbjpvcGVuc2VzYW1l",
        "BasicYWxhZGRpbjpvcGVuc2VzYW1l",
        "Basic:YWxhZGRpbjpvcGVuc2VzYW1l",
        " Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        "Bas1c YWxhZGRpbjpvcGVuc2VzYW1l",
    };

    (void) state;
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        assert_result(others[i], GS_BASIC_OTHER_SCHEME);
    }
    /* Another scheme is another module's business, however long. */
    {
        char *bearer = malloc(GS_BASIC_MAX_HEADER + 100);

        memset(bearer, 'x', GS_BASIC_MAX_HEADER + 100);
        memcpy(bearer, "Bearer ", 7);
        assert_int_equal(parse_n(bearer, GS_BASIC_MAX_HEADER + 100)->result, GS_BASIC_OTHER_SCHEME);
        free(bearer);
    }
}

static void
test_basic_without_credentials_is_malformed(void **state)
{
    (void) state;
    assert_result("Basic", GS_BASIC_MALFORMED);
    assert_result("basic", GS_BASIC_MALFORMED);
    assert_result("Basic ", GS_BASIC_MALFORMED);
    assert_result("Basic\t", GS_BASIC_MALFORMED);
    assert_result("Basic    \t ", GS_BASIC_MALFORMED);
}

static void
test_spaces_and_tabs_around_the_credentials(void **state)
{
    (void) state;
    assert_ok("Basic\tYWxhZGRpbjpvcGVuc2VzYW1l", "aladdin", "opensesame");
    assert_ok("Basic   YWxhZGRpbjpvcGVuc2VzYW1l", "aladdin", "opensesame");
    assert_ok("Basic \t YWxhZGRpbjpvcGVuc2VzYW1l \t ", "aladdin", "opensesame");
    assert_ok("Basic YWxhZGRpbjpvcGVuc2VzYW1l\t", "aladdin", "opensesame");
}

static void
test_whitespace_inside_or_other_framing_is_malformed(void **state)
{
    static const char *const bad[] = {
        "Basic YWxhZGRp bjpvcGVuc2VzYW1l",
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l\r\n",
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l\n",
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l,",
        "Basic \"YWxhZGRpbjpvcGVuc2VzYW1l\"",
        "Basic realm=\"x\"",
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l YWxhZGRpbjpvcGVuc2VzYW1l",
    };

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_result(bad[i], GS_BASIC_MALFORMED);
    }
    /* Only SP and HTAB separate the scheme from its credentials. */
    assert_result("Basic\rYWxhZGRpbjpvcGVuc2VzYW1l", GS_BASIC_OTHER_SCHEME);
}

static void
test_non_canonical_base64_is_malformed(void **state)
{
    static const char *const bad[] = {
        "Basic YWxhZGRpbjpvcGVuc2VzYW1", /* bad length */
        "Basic YWxpY2U6cHc",             /* "alice:pw" without its padding */
        "Basic YWxpY2U6cHd=",            /* "alice:pw" with bits left over */
        "Basic YWxp=2U6cHc=",            /* padding in the middle */
        "Basic YWxpY2U6cHc=YWxp",
        "Basic YWxpY2U6c-_=", /* base64url */
        "Basic ====",
    };

    (void) state;
    assert_ok("Basic YWxpY2U6cHc=", "alice", "pw"); /* the canonical spelling */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_result(bad[i], GS_BASIC_MALFORMED);
    }
}

static void
test_colon_is_required(void **state)
{
    (void) state;
    assert_result(header("alice"), GS_BASIC_MALFORMED);
    assert_result(header(""), GS_BASIC_MALFORMED);
    assert_result(header("alice;secret"), GS_BASIC_MALFORMED);
}

static void
test_empty_fields_and_colons_in_the_password(void **state)
{
    (void) state;
    assert_ok(header(":"), "", "");
    assert_ok(header("alice:"), "alice", "");
    assert_ok(header(":secret"), "", "secret");
    assert_ok(header("alice:pa:ss"), "alice", "pa:ss"); /* the user-id ends at the first */
    assert_ok(header("alice:::"), "alice", "::");
    assert_ok(header("alice: s p a c e s "), "alice", " s p a c e s ");
}

static void
test_control_characters_are_malformed(void **state)
{
    static const char *const bad[] = {
        "al\x01ice:secret", "alice:sec\x1fret", "alice:secret\x7f",
        "\x7f:secret",      "alice:pa\tss",     "alice\t:secret",
        "alice:secret\r\n", "alice\n:secret",   "\x1b[31m:secret",
    };

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_result(header(bad[i]), GS_BASIC_MALFORMED);
    }
    /* NUL in either field: a C string would end there. */
    assert_result(header_n("Basic ", "alice:se\0cret", 13, ""), GS_BASIC_MALFORMED);
    assert_result(header_n("Basic ", "al\0ice:secret", 13, ""), GS_BASIC_MALFORMED);
    assert_result(header_n("Basic ", "alice:secret\0", 13, ""), GS_BASIC_MALFORMED);
}

static void
test_invalid_utf8_is_malformed(void **state)
{
    static const char *const bad[] = {
        "caf\xe9:secret",         /* Latin-1 */
        "alice:\xff",             /* never in UTF-8 */
        "alice:\xc3",             /* truncated at the end */
        "\xc3:secret",            /* truncated before the colon */
        "alice:\xc0\xaf",         /* overlong '/' */
        "alice:\xe0\x80\xaf",     /* overlong, three bytes */
        "alice:\xf0\x80\x80\xaf", /* overlong, four bytes */
        "alice:\xed\xa0\x80",     /* a surrogate */
        "alice:\xf4\x90\x80\x80", /* past U+10FFFF */
        "alice:\xf8\x88\x80\x80\x80",
        "alice:\x80",     /* a continuation byte alone */
        "alice:\xe2\x82", /* truncated three-byte */
    };

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_result(header(bad[i]), GS_BASIC_MALFORMED);
    }
}

static void
test_utf8_names_and_passwords(void **state)
{
    (void) state;
    assert_ok(header("jos\xc3\xa9:\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c"), "jos\xc3\xa9",
              "\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c");
    assert_ok(header("\xe7\x94\xa8\xe6\x88\xb7:\xf0\x9f\x94\x91"), "\xe7\x94\xa8\xe6\x88\xb7",
              "\xf0\x9f\x94\x91");
    assert_ok(header("\xef\xbf\xbd:\xf4\x8f\xbf\xbf"), "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf");
}

static char *
repeat(char c, size_t n)
{
    static char buf[3 * GS_BASIC_MAX_HEADER];

    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

static void
test_field_limits(void **state)
{
    static char credentials[4 * GS_BASIC_MAX_HEADER];
    struct parsed *p;

    (void) state;
    /* A user-id of exactly the limit, and one more. */
    snprintf(credentials, sizeof(credentials), "%s:pw", repeat('u', GS_BASIC_MAX_FIELD));
    p = parse(header(credentials));
    assert_int_equal(p->result, GS_BASIC_OK);
    assert_int_equal(strlen(p->user), GS_BASIC_MAX_FIELD);
    assert_string_equal(p->password, "pw");
    snprintf(credentials, sizeof(credentials), "%s:pw", repeat('u', GS_BASIC_MAX_FIELD + 1));
    assert_result(header(credentials), GS_BASIC_TOO_LONG);

    /* The same for the password. */
    snprintf(credentials, sizeof(credentials), "u:%s", repeat('p', GS_BASIC_MAX_FIELD));
    p = parse(header(credentials));
    assert_int_equal(p->result, GS_BASIC_OK);
    assert_int_equal(strlen(p->password), GS_BASIC_MAX_FIELD);
    snprintf(credentials, sizeof(credentials), "u:%s", repeat('p', GS_BASIC_MAX_FIELD + 1));
    assert_result(header(credentials), GS_BASIC_TOO_LONG);

    /* Both at the limit at once: the output buffers are full, ASan watches their ends. */
    memset(credentials, 'u', GS_BASIC_MAX_FIELD);
    credentials[GS_BASIC_MAX_FIELD] = ':';
    memset(credentials + GS_BASIC_MAX_FIELD + 1, 'p', GS_BASIC_MAX_FIELD);
    credentials[2 * GS_BASIC_MAX_FIELD + 1] = '\0';
    p = parse(header(credentials));
    assert_int_equal(p->result, GS_BASIC_OK);
    assert_int_equal(strlen(p->user), GS_BASIC_MAX_FIELD);
    assert_int_equal(strlen(p->password), GS_BASIC_MAX_FIELD);

    /* Multi-byte characters count in bytes: 512 two-byte characters are the limit. */
    for (size_t i = 0; i < GS_BASIC_MAX_FIELD / 2; i++) {
        memcpy(credentials + 2 * i, "\xc3\xa9", 2);
    }
    strcpy(credentials + GS_BASIC_MAX_FIELD, ":pw");
    assert_result(header(credentials), GS_BASIC_OK);
    memmove(credentials + 2, credentials, strlen(credentials) + 1);
    memcpy(credentials, "\xc3\xa9", 2);
    assert_result(header(credentials), GS_BASIC_TOO_LONG);
}

static void
test_too_long_is_not_excused_by_bad_content(void **state)
{
    static char credentials[4 * GS_BASIC_MAX_HEADER];

    (void) state;
    /* Over the field limit and with a control character: the limit is reported. */
    snprintf(credentials, sizeof(credentials), "%s\x01:pw", repeat('u', GS_BASIC_MAX_FIELD));
    assert_result(header(credentials), GS_BASIC_TOO_LONG);
    /* Within the limits and decoding to more than both fields: too long, not a crash. */
    snprintf(credentials, sizeof(credentials), "%s", repeat('u', 3000));
    assert_result(header(credentials), GS_BASIC_MALFORMED); /* no colon at all */
    credentials[1500] = ':';
    assert_result(header(credentials), GS_BASIC_TOO_LONG);
}

static void
test_header_limit(void **state)
{
    static char value[GS_BASIC_MAX_HEADER + 2];
    const char *h = header("alice:secret");
    size_t hlen = strlen(h);
    struct parsed *p;

    (void) state;
    /* Padded with spaces to exactly the limit: accepted. */
    memcpy(value, h, hlen);
    memset(value + hlen, ' ', GS_BASIC_MAX_HEADER - hlen);
    p = parse_n(value, GS_BASIC_MAX_HEADER);
    assert_int_equal(p->result, GS_BASIC_OK);
    assert_string_equal(p->user, "alice");
    assert_string_equal(p->password, "secret");
    /* One more byte: refused before it is decoded. */
    value[GS_BASIC_MAX_HEADER] = ' ';
    assert_int_equal(parse_n(value, GS_BASIC_MAX_HEADER + 1)->result, GS_BASIC_TOO_LONG);

    /* The same with the spaces after the scheme. */
    memcpy(value, "Basic", 5);
    memset(value + 5, ' ', GS_BASIC_MAX_HEADER - hlen + 1);
    memcpy(value + 5 + GS_BASIC_MAX_HEADER - hlen + 1, h + 6, hlen - 6);
    assert_int_equal(parse_n(value, GS_BASIC_MAX_HEADER)->result, GS_BASIC_OK);
    value[5 + GS_BASIC_MAX_HEADER - hlen + 1] = ' ';
    memcpy(value + 5 + GS_BASIC_MAX_HEADER - hlen + 2, h + 6, hlen - 6);
    assert_int_equal(parse_n(value, GS_BASIC_MAX_HEADER + 1)->result, GS_BASIC_TOO_LONG);
}

static void
test_length_is_respected_without_a_nul(void **state)
{
    const char *h = header("alice:secret");
    struct parsed *p;

    (void) state;
    /* The value ends where len says, whatever follows it in memory. */
    p = parse_n(h, strlen(h));
    assert_int_equal(p->result, GS_BASIC_OK);
    assert_int_equal(parse_n(h, strlen(h) - 2)->result, GS_BASIC_MALFORMED); /* cut base64 */
    assert_int_equal(parse_n(h, 5)->result, GS_BASIC_MALFORMED);
    assert_int_equal(parse_n(h, 4)->result, GS_BASIC_OTHER_SCHEME);
    assert_int_equal(parse_n(h, 0)->result, GS_BASIC_OTHER_SCHEME);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_and_password),
        cmocka_unit_test(test_scheme_is_case_insensitive),
        cmocka_unit_test(test_other_schemes_are_left_alone),
        cmocka_unit_test(test_basic_without_credentials_is_malformed),
        cmocka_unit_test(test_spaces_and_tabs_around_the_credentials),
        cmocka_unit_test(test_whitespace_inside_or_other_framing_is_malformed),
        cmocka_unit_test(test_non_canonical_base64_is_malformed),
        cmocka_unit_test(test_colon_is_required),
        cmocka_unit_test(test_empty_fields_and_colons_in_the_password),
        cmocka_unit_test(test_control_characters_are_malformed),
        cmocka_unit_test(test_invalid_utf8_is_malformed),
        cmocka_unit_test(test_utf8_names_and_passwords),
        cmocka_unit_test(test_field_limits),
        cmocka_unit_test(test_too_long_is_not_excused_by_bad_content),
        cmocka_unit_test(test_header_limit),
        cmocka_unit_test(test_length_is_respected_without_a_nul),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
