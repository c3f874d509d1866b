/* HTTP dates: IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in. */
#include "core/http_date.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#define RFC_EXAMPLE 784111777 /* Sun, 06 Nov 1994 08:49:37 GMT */

static int
parse(const char *s, time_t *t)
{
    return gs_http_date_parse(s, strlen(s), t);
}

static void
test_format_is_imf_fixdate(void **state)
{
    char out[GS_HTTP_DATE_LEN + 1];

    (void) state;
    assert_int_equal(gs_http_date_format(RFC_EXAMPLE, out), GS_HTTP_DATE_LEN);
    assert_string_equal(out, "Sun, 06 Nov 1994 08:49:37 GMT");
    gs_http_date_format(0, out);
    assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 GMT");
    gs_http_date_format(4102444799, out);
    assert_string_equal(out, "Thu, 31 Dec 2099 23:59:59 GMT");
}

static void
test_the_three_formats_parse(void **state)
{
    time_t t = 0;

    (void) state;
    assert_int_equal(parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
    assert_int_equal(t, RFC_EXAMPLE);
    t = 0;
    assert_int_equal(parse("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0);
    assert_int_equal(t, RFC_EXAMPLE);
    t = 0;
    assert_int_equal(parse("Sun Nov  6 08:49:37 1994", &t), 0);
    assert_int_equal(t, RFC_EXAMPLE);
}

static void
test_format_then_parse_round_trips(void **state)
{
    char out[GS_HTTP_DATE_LEN + 1];
    time_t t;

    (void) state;
    for (time_t v = 0; v < 4000000000; v += 86399 * 37 + 13) {
        gs_http_date_format(v, out);
        assert_int_equal(parse(out, &t), 0);
        assert_int_equal(t, v);
    }
}

static void
test_invalid_dates_are_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "yesterday",
        "Sun, 06 Nov 1994 08:49:37",     /* no zone */
        "Sun, 06 Nov 1994 08:49:37 UTC", /* not GMT */
        "Sun, 6 Nov 1994 08:49:37 GMT",  /* one-digit day */
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 31 Feb 1994 08:49:37 GMT", /* no such day */
        "Mon, 06 Nov 1994 08:49:37 GMT", /* wrong weekday */
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT trailing",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun, 0x Nov 1994 08:49:37 GMT",
    };
    time_t t;

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i], &t) != -EINVAL) {
            fail_msg("'%s' was accepted", bad[i]);
        }
    }
}

static void
test_parse_respects_the_length(void **state)
{
    const char *s = "Sun, 06 Nov 1994 08:49:37 GMTxxxx";
    time_t t;

    (void) state;
    assert_int_equal(gs_http_date_parse(s, 29, &t), 0);
    assert_int_equal(t, RFC_EXAMPLE);
    assert_int_equal(gs_http_date_parse(s, 28, &t), -EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_is_imf_fixdate),
        cmocka_unit_test(test_the_three_formats_parse),
        cmocka_unit_test(test_format_then_parse_round_trips),
        cmocka_unit_test(test_invalid_dates_are_refused),
        cmocka_unit_test(test_parse_respects_the_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
