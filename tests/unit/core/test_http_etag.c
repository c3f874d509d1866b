/* ETag generation and the weak/strong comparison of If-None-Match, If-Match, If-Range. */
#include "core/http_etag.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static const char tag[] = "\"abc-10\"";

static bool
match(const char *list, bool strong)
{
    return gs_etag_match(list, strlen(list), tag, sizeof(tag) - 1, strong);
}

static void
test_format_depends_on_mtime_and_size(void **state)
{
    struct timespec a = {1000, 5}, b = {1000, 6};
    char e1[GS_ETAG_MAX], e2[GS_ETAG_MAX], e3[GS_ETAG_MAX];

    (void) state;
    gs_etag_format(&a, 16, e1);
    gs_etag_format(&b, 16, e2);
    gs_etag_format(&a, 17, e3);
    assert_string_equal(e1, "\"e8d4a51005-10\"");
    assert_string_not_equal(e1, e2);
    assert_string_not_equal(e1, e3);
    assert_int_equal(gs_etag_format(&a, 16, e1), strlen(e1));
}

static void
test_format_fits_the_largest_values(void **state)
{
    struct timespec t = {(time_t) 9223372036, 999999999};
    char e[GS_ETAG_MAX];

    (void) state;
    assert_true(gs_etag_format(&t, UINT64_MAX, e) < GS_ETAG_MAX);
}

static void
test_weak_comparison(void **state)
{
    (void) state;
    assert_true(match("\"abc-10\"", false));
    assert_true(match("W/\"abc-10\"", false));
    assert_true(match("*", false));
    assert_true(match("\"x\", \"abc-10\"", false));
    assert_true(match(" \"x\" ,W/\"abc-10\" ", false));
    assert_false(match("\"abc-11\"", false));
    assert_false(match("abc-10", false));
    assert_false(match("", false));
    assert_false(match("\"abc-10", false));
}

static void
test_strong_comparison_refuses_weak_tags(void **state)
{
    (void) state;
    assert_true(match("\"abc-10\"", true));
    assert_false(match("W/\"abc-10\"", true));
    assert_true(match("W/\"abc-10\", \"abc-10\"", true));
}

static void
test_a_malformed_element_ends_the_scan(void **state)
{
    (void) state;
    assert_false(match("\"x\" garbage \"abc-10\"", false));
    assert_true(match("\"abc-10\" garbage", false));
    assert_false(match("\"a\x01\", \"abc-10\"", false));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_depends_on_mtime_and_size),
        cmocka_unit_test(test_format_fits_the_largest_values),
        cmocka_unit_test(test_weak_comparison),
        cmocka_unit_test(test_strong_comparison_refuses_weak_tags),
        cmocka_unit_test(test_a_malformed_element_ends_the_scan),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
