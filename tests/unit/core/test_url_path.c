/* gs_url_path_normalize: decoding, dot segments, and every way out of the root. */
#include "core/url_path.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static ssize_t
norm(const char *in, char *out)
{
    return gs_url_path_normalize(in, strlen(in), out);
}

static void
assert_path(const char *in, const char *want)
{
    char out[256];
    ssize_t n = norm(in, out);

    if (n < 0) {
        fail_msg("'%s' was refused (%zd), wanted '%s'", in, n, want);
    }
    assert_string_equal(out, want);
    assert_int_equal((size_t) n, strlen(want));
}

static void
assert_refused(const char *in, ssize_t want)
{
    char out[256];

    assert_int_equal(norm(in, out), want);
}

static void
test_plain_paths_pass_unchanged(void **state)
{
    (void) state;
    assert_path("/", "/");
    assert_path("/index.html", "/index.html");
    assert_path("/a/b/c.txt", "/a/b/c.txt");
    assert_path("/dir/", "/dir/");
    assert_path("/caf\xc3\xa9.html", "/caf\xc3\xa9.html");
}

static void
test_percent_decoding(void **state)
{
    (void) state;
    assert_path("/a%20b", "/a b");
    assert_path("/%41%62", "/Ab");
    assert_path("/caf%C3%A9", "/caf\xc3\xa9");
    assert_path("/%25", "/%");
    /* decoded once only: %252e%252e is the name "%2e%2e", not ".." */
    assert_path("/%252e%252e/x", "/%2e%2e/x");
}

static void
test_dot_segments_are_removed(void **state)
{
    (void) state;
    assert_path("/a/./b", "/a/b");
    assert_path("/a/../b", "/b");
    assert_path("/a/b/../../c", "/c");
    assert_path("/a/..", "/");
    assert_path("/a/.", "/a/");
    assert_path("/a//b///c", "/a/b/c");
    assert_path("/./", "/");
    assert_path("/...", "/...");
    assert_path("/..a", "/..a");
    assert_path("/a..", "/a..");
}

static void
test_encoded_dots_and_slashes_are_dot_segments(void **state)
{
    (void) state;
    assert_path("/a/%2e%2e/b", "/b");
    assert_path("/a%2f..%2fb", "/b");
    assert_path("/a/%2E/b", "/a/b");
    assert_path("/a\\..\\b", "/b");
    assert_path("/a%5c..%5cb", "/b");
}

static void
test_climbing_above_the_root_is_refused(void **state)
{
    (void) state;
    assert_refused("/..", -EPERM);
    assert_refused("/../etc/passwd", -EPERM);
    assert_refused("/a/../../etc/passwd", -EPERM);
    assert_refused("/%2e%2e/etc/passwd", -EPERM);
    assert_refused("/..%2fetc%2fpasswd", -EPERM);
    assert_refused("/..%5cetc", -EPERM);
    assert_refused("/..\\etc", -EPERM);
    assert_refused("/./../x", -EPERM);
    assert_refused("/a/./b/../../../x", -EPERM);
}

static void
test_bad_bytes_are_refused(void **state)
{
    (void) state;
    assert_refused("/a%00b", -EINVAL);
    assert_refused("/%00", -EINVAL);
    assert_refused("/a%0d%0aSet-Cookie:x", -EINVAL);
    assert_refused("/a%01", -EINVAL);
    assert_refused("/a%7f", -EINVAL);
    assert_refused("/a\tb", -EINVAL);
    assert_refused("/a%", -EINVAL);
    assert_refused("/a%2", -EINVAL);
    assert_refused("/a%zz", -EINVAL);
    assert_refused("relative", -EINVAL);
    assert_refused("", -EINVAL);
}

static void
test_invalid_and_overlong_utf8_is_refused(void **state)
{
    (void) state;
    assert_refused("/%c0%ae%c0%ae/etc", -EINVAL); /* overlong '.' */
    assert_refused("/%c0%af", -EINVAL);           /* overlong '/' */
    assert_refused("/%e0%80%ae", -EINVAL);        /* 3-byte overlong '.' */
    assert_refused("/%f0%80%80%ae", -EINVAL);     /* 4-byte overlong '.' */
    assert_refused("/%ed%a0%80", -EINVAL);        /* a surrogate */
    assert_refused("/%f4%90%80%80", -EINVAL);     /* past U+10FFFF */
    assert_refused("/%c3", -EINVAL);              /* truncated */
    assert_refused("/%80", -EINVAL);              /* lone continuation */
    assert_refused("/%ff", -EINVAL);
    assert_path("/%f0%9f%98%80", "/\xf0\x9f\x98\x80"); /* an emoji is fine */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_paths_pass_unchanged),
        cmocka_unit_test(test_percent_decoding),
        cmocka_unit_test(test_dot_segments_are_removed),
        cmocka_unit_test(test_encoded_dots_and_slashes_are_dot_segments),
        cmocka_unit_test(test_climbing_above_the_root_is_refused),
        cmocka_unit_test(test_bad_bytes_are_refused),
        cmocka_unit_test(test_invalid_and_overlong_utf8_is_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
