/* The control protocol's request parser: what it accepts, and one clear line for the rest. */
#include "ctl/command.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static char err[256];
static char line[GS_CTL_MAX_LINE + 2];

static int
parse(const char *text, size_t len, gs_ctl_request_t *req)
{
    memcpy(line, text, len);
    err[0] = '\0';
    return gs_ctl_parse(line, len, req, err, sizeof(err));
}

static int
parse_str(const char *text, gs_ctl_request_t *req)
{
    return parse(text, strlen(text), req);
}

static void
assert_refused(const char *text, size_t len, const char *needle)
{
    gs_ctl_request_t req;

    assert_int_not_equal(parse(text, len, &req), 0);
    if (strstr(err, needle) == NULL) {
        fail_msg("'%s' not in '%s'", needle, err);
    }
    assert_null(strchr(err, '\n'));
}

static void
test_commands(void **state)
{
    gs_ctl_request_t req;

    (void) state;
    assert_int_equal(parse_str("stats", &req), 0);
    assert_int_equal(req.verb, GS_CTL_STATS);
    assert_int_equal(parse_str("  stats\r", &req), 0);
    assert_int_equal(req.verb, GS_CTL_STATS);
    assert_int_equal(parse_str("flush-tokens", &req), 0);
    assert_int_equal(req.verb, GS_CTL_FLUSH_TOKENS);
    assert_null(req.user);
    assert_int_equal(parse_str("flush-tokens \talice ", &req), 0);
    assert_int_equal(req.verb, GS_CTL_FLUSH_TOKENS);
    assert_string_equal(req.user, "alice");
    assert_int_equal(parse_str("flush-tokens j\xc3\xbcrgen", &req), 0);
    assert_string_equal(req.user, "j\xc3\xbcrgen");
}

static void
test_bad_requests_give_one_line(void **state)
{
    char longest[GS_CTL_MAX_LINE + 1];

    (void) state;
    assert_refused("", 0, "empty request");
    assert_refused("   ", 3, "empty request");
    assert_refused("status", 6, "unknown command 'status' (commands: stats, flush-tokens [USER])");
    assert_refused("stats now", 9, "stats takes no argument");
    assert_refused("flush-tokens a b", 16, "at most one user name");
    assert_refused("flush-tokens a b c d", 20, "too many words");
    assert_refused("stats\0", 6, "control character 0x00 at byte 6");
    assert_refused("sta\x1bts", 6, "control character 0x1b");
    assert_refused("stats\x7f", 6, "control character 0x7f");
    assert_refused("flush-tokens \xff", 14, "not UTF-8");
    assert_refused("flush-tokens \xc0\xaf", 15, "not UTF-8");

    memset(longest, 'x', sizeof(longest));
    assert_refused(longest, sizeof(longest), "longer than 1024 bytes");
    memset(longest, 'x', 100);
    assert_refused(longest, 100, "unknown command (commands:"); /* not echoed at length */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_bad_requests_give_one_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
