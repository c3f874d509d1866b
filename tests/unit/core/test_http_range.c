/* gs_range_parse: one byte range honoured, everything else ignored or 416. */
#include "core/http_range.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static gs_range_result_t
parse(const char *v, uint64_t size, gs_range_t *r)
{
    return gs_range_parse(v, strlen(v), size, r);
}

static void
assert_range(const char *v, uint64_t size, uint64_t first, uint64_t last)
{
    gs_range_t r = {0, 0};

    assert_int_equal(parse(v, size, &r), GS_RANGE_OK);
    assert_int_equal(r.first, first);
    assert_int_equal(r.last, last);
}

static void
test_closed_open_and_suffix_ranges(void **state)
{
    (void) state;
    assert_range("bytes=0-4", 10, 0, 4);
    assert_range("bytes=5-", 10, 5, 9);
    assert_range("bytes=-3", 10, 7, 9);
    assert_range("bytes=0-0", 10, 0, 0);
    assert_range("bytes=9-9", 10, 9, 9);
    assert_range("BYTES=1-2", 10, 1, 2);
    assert_range("bytes= 1-2 ", 10, 1, 2);
}

static void
test_ends_past_the_size_are_clamped(void **state)
{
    (void) state;
    assert_range("bytes=5-100", 10, 5, 9);
    assert_range("bytes=-100", 10, 0, 9);
    assert_range("bytes=0-18446744073709551", 10, 0, 9);
}

static void
test_unsatisfiable_ranges(void **state)
{
    gs_range_t r;

    (void) state;
    assert_int_equal(parse("bytes=10-", 10, &r), GS_RANGE_UNSATISFIABLE);
    assert_int_equal(parse("bytes=10-20", 10, &r), GS_RANGE_UNSATISFIABLE);
    assert_int_equal(parse("bytes=-0", 10, &r), GS_RANGE_UNSATISFIABLE);
    assert_int_equal(parse("bytes=0-", 0, &r), GS_RANGE_UNSATISFIABLE);
    assert_int_equal(parse("bytes=-5", 0, &r), GS_RANGE_UNSATISFIABLE);
}

static void
test_malformed_and_multiple_ranges_are_ignored(void **state)
{
    static const char *const ignored[] = {
        "",
        "bytes",
        "bytes=",
        "bytes=-",
        "bytes=a-b",
        "bytes=5-4",
        "bytes=0-1,3-4",
        "bytes=0-1, 3-4",
        "items=0-1",
        "bytes=1-2x",
        "bytes=--1",
        "bytes=99999999999999999999-",
        "bytes=0-99999999999999999999",
        "bytes 0-1",
    };
    gs_range_t r;

    (void) state;
    for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
        if (parse(ignored[i], 10, &r) != GS_RANGE_IGNORE) {
            fail_msg("'%s' was not ignored", ignored[i]);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_open_and_suffix_ranges),
        cmocka_unit_test(test_ends_past_the_size_are_clamped),
        cmocka_unit_test(test_unsatisfiable_ranges),
        cmocka_unit_test(test_malformed_and_multiple_ranges_are_ignored),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
