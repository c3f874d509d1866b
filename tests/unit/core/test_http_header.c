/* Well-known header ids: HTTP_HEADER_ID numbering, any-case lookup, names back. */
#include "core/http_header.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static void
test_request_ids_follow_http_header_id(void **state)
{
    (void) state;
    assert_int_equal(gs_request_header_id("Cache-Control", 13), 0);
    assert_int_equal(gs_request_header_id("content-length", 14), 11);
    assert_int_equal(gs_request_header_id("HOST", 4), 28);
    assert_int_equal(gs_request_header_id("If-None-Match", 13), 31);
    assert_int_equal(gs_request_header_id("User-Agent", 10), 40);
    assert_int_equal(gs_request_header_id("X-Custom", 8), -1);
    assert_int_equal(gs_request_header_id("Host", 3), -1);
}

static void
test_response_ids_follow_http_header_id(void **state)
{
    (void) state;
    assert_int_equal(gs_response_header_id("Accept-Ranges", 13), 20);
    assert_int_equal(gs_response_header_id("etag", 4), 22);
    assert_int_equal(gs_response_header_id("Server", 6), 26);
    assert_int_equal(gs_response_header_id("WWW-Authenticate", 16), 29);
    assert_int_equal(gs_response_header_id("Host", 4), -1);
}

static void
test_names_round_trip(void **state)
{
    (void) state;
    for (int id = 0; id < GS_HREQ_COUNT; id++) {
        const char *name = gs_request_header_name(id);

        assert_int_equal(gs_request_header_id(name, strlen(name)), id);
    }
    for (int id = 0; id < GS_HRSP_COUNT; id++) {
        const char *name = gs_response_header_name(id);

        assert_int_equal(gs_response_header_id(name, strlen(name)), id);
    }
    assert_null(gs_request_header_name(GS_HREQ_COUNT));
    assert_null(gs_response_header_name(-1));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_ids_follow_http_header_id),
        cmocka_unit_test(test_response_ids_follow_http_header_id),
        cmocka_unit_test(test_names_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
