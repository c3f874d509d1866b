/* The command line: defaults, every option, and a one-line error for each bad input. */
#include "core/options.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static char err[512];

static gs_options_result_t
parse(gs_options_t *o, ...)
{
    char *argv[32] = {"guise"};
    int argc = 1;
    va_list ap;

    va_start(ap, o);
    while ((argv[argc] = va_arg(ap, char *)) != NULL) {
        argc++;
    }
    va_end(ap);
    err[0] = '\0';
    return gs_options_parse(o, argc, argv, err, sizeof(err), stdout);
}

static void
test_minimal_command_line_takes_the_defaults(void **state)
{
    gs_options_t o;

    (void) state;
    assert_int_equal(parse(&o, "--root", "/srv", "--listen", "127.0.0.1:8080", NULL),
                     GS_OPTIONS_RUN);
    assert_string_equal(o.root, "/srv");
    assert_int_equal(o.nlisten, 1);
    assert_int_equal(gs_sockaddr_port(&o.listen[0].addr), 8080);
    assert_int_equal(o.threads, 0);
    assert_null(o.log_path);
    assert_int_equal(o.max_header_bytes, 16384);
    assert_int_equal(o.max_headers, 100);
    assert_int_equal(o.header_timeout_ms, 20000);
    assert_int_equal(o.keepalive_timeout_ms, 120000);
}

static void
test_every_option_is_applied(void **state)
{
    gs_options_t o;

    (void) state;
    assert_int_equal(parse(&o, "--root=/srv", "--listen", "[::1]:0", "--listen", "*:81",
                           "--threads", "3", "--log", "-", "--header-timeout", "500ms",
                           "--keepalive-timeout", "7s", "--send-timeout", "9", "--shutdown-timeout",
                           "2", "--max-connections", "10", "--max-header-bytes", "2048",
                           "--max-headers", "5", "--max-body-bytes", "0", "--mime-types", "/m",
                           "--debug", NULL),
                     GS_OPTIONS_RUN);
    assert_int_equal(o.nlisten, 2);
    assert_int_equal(o.listen[0].addr.sa.sa_family, AF_INET6);
    assert_int_equal(o.listen[1].addr.in.sin_addr.s_addr, htonl(INADDR_ANY));
    assert_int_equal(o.threads, 3);
    assert_string_equal(o.log_path, "-");
    assert_int_equal(o.header_timeout_ms, 500);
    assert_int_equal(o.keepalive_timeout_ms, 7000);
    assert_int_equal(o.send_timeout_ms, 9000);
    assert_int_equal(o.shutdown_timeout_ms, 2000);
    assert_int_equal(o.max_connections, 10);
    assert_int_equal(o.max_header_bytes, 2048);
    assert_int_equal(o.max_headers, 5);
    assert_int_equal(o.max_body_bytes, 0);
    assert_string_equal(o.mime_types, "/m");
    assert_true(o.debug);
}

static void
assert_bad(gs_options_result_t r, const char *needle)
{
    assert_int_equal(r, GS_OPTIONS_BAD);
    assert_non_null(strstr(err, needle));
    assert_null(strchr(err, '\n'));
}

static void
test_bad_command_lines_give_one_line(void **state)
{
    gs_options_t o;

    (void) state;
    assert_bad(parse(&o, "--listen", "127.0.0.1:1", NULL), "--root");
    assert_bad(parse(&o, "--root", "/", NULL), "--listen");
    assert_bad(parse(&o, "--root", "/", "--listen", "1.2.3.4", NULL), "1.2.3.4");
    assert_bad(parse(&o, "--root", "/", "--listen", "1.2.3.4:70000", NULL), "70000");
    assert_bad(parse(&o, "--root", "/", "--listen", "::1:80", NULL), "::1:80");
    assert_bad(parse(&o, "--root", "/", "--listen", "host.example:80", NULL), "host.example");
    assert_bad(parse(&o, "--root", "/", "--listen", "[::1]80", NULL), "[::1]80");
    assert_bad(parse(&o, "--root", "/", "--listen", ":1", "--threads", "0", NULL), "--threads");
    assert_bad(parse(&o, "--root", "/", "--listen", ":1", "--threads", "x", NULL), "--threads");
    assert_bad(parse(&o, "--frobnicate", NULL), "--frobnicate");
    assert_bad(parse(&o, "--root", NULL), "--root");
    assert_bad(parse(&o, "--root", "/", "--listen", "*:1", "extra", NULL), "extra");
    assert_bad(parse(&o, "--root", "/", "--listen", "*:1", "--header-timeout", "1h", NULL),
               "--header-timeout");
    assert_bad(parse(&o, "--root", "/", "--listen", "*:1", "--send-timeout", "0", NULL),
               "--send-timeout");
    assert_bad(parse(&o, "--root", "/", "--listen", "*:1", "--max-header-bytes", "10", NULL),
               "--max-header-bytes");
    assert_bad(parse(&o, "--root", "/", "--listen", "*:1", "--max-body-bytes", "-1", NULL),
               "--max-body-bytes");
    assert_bad(parse(&o, "--ctl-socket", "ctl.sock", NULL), "--ctl-socket");
    assert_bad(parse(&o, "--ctl-socket", "", NULL), "--ctl-socket");
}

static void
test_ctl_socket(void **state)
{
    gs_options_t o;
    char longest[GS_CTL_PATH_MAX + 1];

    (void) state;
    assert_int_equal(parse(&o, "--config", "/x.config", NULL), GS_OPTIONS_RUN);
    assert_null(o.ctl_socket); /* not given: src/ctl/control.c decides */
    assert_int_equal(parse(&o, "--config", "/x.config", "--ctl-socket", "none", NULL),
                     GS_OPTIONS_RUN);
    assert_string_equal(o.ctl_socket, "none");
    assert_int_equal(parse(&o, "--ctl-socket", "/tmp/g/ctl.sock", NULL), GS_OPTIONS_RUN);
    assert_string_equal(o.ctl_socket, "/tmp/g/ctl.sock");

    memset(longest, 'a', sizeof(longest));
    longest[0] = '/';
    longest[GS_CTL_PATH_MAX - 1] = '\0'; /* 107 bytes: fits sun_path with its NUL */
    assert_int_equal(parse(&o, "--ctl-socket", longest, NULL), GS_OPTIONS_RUN);
    longest[GS_CTL_PATH_MAX - 1] = 'a';
    longest[GS_CTL_PATH_MAX] = '\0';
    assert_bad(parse(&o, "--ctl-socket", longest, NULL), "at most 107 bytes");
}

static void
test_help_and_version_exit(void **state)
{
    gs_options_t o;

    (void) state;
    assert_int_equal(parse(&o, "--version", NULL), GS_OPTIONS_EXIT);
    assert_int_equal(parse(&o, "--help", NULL), GS_OPTIONS_EXIT);
}

static void
test_durations(void **state)
{
    unsigned ms = 0;

    (void) state;
    assert_int_equal(gs_parse_duration_ms("30", &ms), 0);
    assert_int_equal(ms, 30000);
    assert_int_equal(gs_parse_duration_ms("2s", &ms), 0);
    assert_int_equal(ms, 2000);
    assert_int_equal(gs_parse_duration_ms("250ms", &ms), 0);
    assert_int_equal(ms, 250);
    assert_int_not_equal(gs_parse_duration_ms("", &ms), 0);
    assert_int_not_equal(gs_parse_duration_ms("s", &ms), 0);
    assert_int_not_equal(gs_parse_duration_ms("-1", &ms), 0);
    assert_int_not_equal(gs_parse_duration_ms("1m", &ms), 0);
    assert_int_not_equal(gs_parse_duration_ms("86401", &ms), 0);
    assert_int_not_equal(gs_parse_duration_ms("99999999999999999999", &ms), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_command_line_takes_the_defaults),
        cmocka_unit_test(test_every_option_is_applied),
        cmocka_unit_test(test_bad_command_lines_give_one_line),
        cmocka_unit_test(test_help_and_version_exit),
        cmocka_unit_test(test_ctl_socket),
        cmocka_unit_test(test_durations),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
