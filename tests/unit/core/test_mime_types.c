/* Media types: built-ins, a mime.types file over them, lookups by extension. */
#include "core/mime_types.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static const char *
lookup(const gs_mime_t *m, const char *name)
{
    return gs_mime_lookup(m, name, strlen(name));
}

static void
test_builtins_without_a_file(void **state)
{
    gs_mime_t *m = gs_mime_load(NULL);

    (void) state;
    assert_string_equal(lookup(m, "/index.html"), "text/html");
    assert_string_equal(lookup(m, "/a/b.CSS"), "text/css");
    assert_string_equal(lookup(m, "x.js"), "text/javascript");
    assert_string_equal(lookup(m, "/noext"), GS_MIME_DEFAULT);
    assert_string_equal(lookup(m, "/dir.d/noext"), GS_MIME_DEFAULT);
    assert_string_equal(lookup(m, "/trailing."), GS_MIME_DEFAULT);
    assert_string_equal(lookup(m, "/x.unknownext"), GS_MIME_DEFAULT);
    assert_string_equal(lookup(m, "/archive.tar.gz"), "application/gzip");
    gs_mime_free(m);
}

static void
test_a_file_adds_and_overrides(void **state)
{
    char path[] = "/tmp/guise-mime-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    gs_mime_t *m;

    (void) state;
    fputs("# comment\n"
          "application/x-guise\tgsx gsy\n"
          "text/x-override html # trailing comment\n"
          "not-a-type foo\n"
          "\n"
          "image/x-long "
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
          f);
    fclose(f);
    m = gs_mime_load(path);
    unlink(path);
    assert_string_equal(lookup(m, "a.gsx"), "application/x-guise");
    assert_string_equal(lookup(m, "a.GSY"), "application/x-guise");
    assert_string_equal(lookup(m, "a.html"), "text/x-override");
    assert_string_equal(lookup(m, "a.foo"), GS_MIME_DEFAULT);
    assert_string_equal(lookup(m, "a.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), GS_MIME_DEFAULT);
    assert_string_equal(lookup(m, "a.png"), "image/png");
    gs_mime_free(m);
}

static void
test_a_missing_file_keeps_the_builtins(void **state)
{
    gs_mime_t *m = gs_mime_load("/nonexistent/mime.types");

    (void) state;
    assert_string_equal(lookup(m, "a.json"), "application/json");
    gs_mime_free(m);
}

static void
test_many_entries_grow_the_table(void **state)
{
    gs_mime_t *m = gs_mime_load(NULL);
    char ext[16], name[32];

    (void) state;
    for (int i = 0; i < 5000; i++) {
        snprintf(ext, sizeof(ext), "e%d", i);
        gs_mime_set(m, ext, strlen(ext), i % 2 ? "type/odd" : "type/even");
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "/f.e%d", i);
        assert_string_equal(lookup(m, name), i % 2 ? "type/odd" : "type/even");
    }
    gs_mime_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtins_without_a_file),
        cmocka_unit_test(test_a_file_adds_and_overrides),
        cmocka_unit_test(test_a_missing_file_keeps_the_builtins),
        cmocka_unit_test(test_many_entries_grow_the_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
