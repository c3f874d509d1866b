/* The request pool: alignment, large allocations, cleanups in reverse order. */
#include "core/pool.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static void
test_allocations_are_aligned_and_distinct(void **state)
{
    gs_pool_t *pool = gs_pool_create();
    char *prev = NULL;

    (void) state;
    for (size_t n = 1; n < 3000; n += 7) {
        char *p = gs_pool_alloc(pool, n);

        assert_int_equal((uintptr_t) p % _Alignof(max_align_t), 0);
        memset(p, 0xab, n); /* ASan checks the bounds */
        assert_ptr_not_equal(p, prev);
        prev = p;
    }
    gs_pool_destroy(pool);
}

static void
test_large_allocations_get_their_own_block(void **state)
{
    gs_pool_t *pool = gs_pool_create();
    char *big = gs_pool_alloc(pool, 1 << 20);
    char *small = gs_pool_alloc(pool, 16);

    (void) state;
    memset(big, 1, 1 << 20);
    memset(small, 2, 16);
    assert_int_equal(big[(1 << 20) - 1], 1);
    gs_pool_destroy(pool);
}

static void
test_strings_and_zeroed_memory(void **state)
{
    gs_pool_t *pool = gs_pool_create();
    char *s = gs_pool_strndup(pool, "hello world", 5);
    int *z = gs_pool_calloc(pool, 64 * sizeof(int));

    (void) state;
    assert_string_equal(s, "hello");
    for (int i = 0; i < 64; i++) {
        assert_int_equal(z[i], 0);
    }
    gs_pool_destroy(pool);
}

static int order[4], norder;

static void
record(void *arg)
{
    order[norder++] = (int) (intptr_t) arg;
}

static void
test_cleanups_run_in_reverse_order(void **state)
{
    gs_pool_t *pool = gs_pool_create();

    (void) state;
    norder = 0;
    gs_pool_cleanup(pool, record, (void *) 1);
    gs_pool_cleanup(pool, record, (void *) 2);
    gs_pool_cleanup(pool, record, (void *) 3);
    assert_int_equal(norder, 0);
    gs_pool_destroy(pool);
    assert_int_equal(norder, 3);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 1);
}

static void
test_cleanup_fd_closes_it(void **state)
{
    gs_pool_t *pool = gs_pool_create();
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    (void) state;
    assert_true(fd >= 0);
    gs_pool_cleanup_fd(pool, fd);
    assert_int_not_equal(fcntl(fd, F_GETFD), -1);
    gs_pool_destroy(pool);
    assert_int_equal(fcntl(fd, F_GETFD), -1);
}

static void
test_destroy_accepts_null(void **state)
{
    (void) state;
    gs_pool_destroy(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocations_are_aligned_and_distinct),
        cmocka_unit_test(test_large_allocations_get_their_own_block),
        cmocka_unit_test(test_strings_and_zeroed_memory),
        cmocka_unit_test(test_cleanups_run_in_reverse_order),
        cmocka_unit_test(test_cleanup_fd_closes_it),
        cmocka_unit_test(test_destroy_accepts_null),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
