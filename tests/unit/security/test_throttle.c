/*
 * Failed-logon throttling: free failures, then a doubling delay up to a cap, per user and
 * per address, cleared by success, forgotten after a while, bounded table.
 *
 * A wait counts from the last failure: asked at the time of that failure, it is the whole
 * delay; a millisecond later, one less.
 *
 * The table is a process-wide static: every test uses its own user names and addresses, and
 * its own epoch (now_ms far from every other test's), so that what another test left
 * behind is stale to it.  Keys are keyed digests: no test can aim names at one slot, so the
 * table's eviction is checked by flooding it.
 */
#include "security/throttle.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define EPOCH(n) ((uint64_t) (n) *10000000000ull) /* 10^10 ms apart: > GS_THROTTLE_FORGET_MS */

#define SLOTS 4096 /* throttle.c's table size, for the flood */

static gs_sockaddr_t
v4(const char *text)
{
    gs_sockaddr_t a;

    memset(&a, 0, sizeof(a));
    a.in.sin_family = AF_INET;
    a.in.sin_port = htons(40000);
    assert_int_equal(inet_pton(AF_INET, text, &a.in.sin_addr), 1);
    return a;
}

static gs_sockaddr_t
v6(const char *text)
{
    gs_sockaddr_t a;

    memset(&a, 0, sizeof(a));
    a.in6.sin6_family = AF_INET6;
    a.in6.sin6_port = htons(40000);
    assert_int_equal(inet_pton(AF_INET6, text, &a.in6.sin6_addr), 1);
    return a;
}

static void
fail_n(const char *user, const gs_sockaddr_t *client, uint64_t now, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        gs_throttle_failed(user, client, now);
    }
}

static void
test_no_delay_before_three_failures(void **state)
{
    const uint64_t t = EPOCH(1);
    gs_sockaddr_t addr = v4("192.0.2.1");

    (void) state;
    assert_int_equal(gs_throttle_wait_ms("free-alice", &addr, t), 0);
    for (unsigned i = 1; i < GS_THROTTLE_FREE_FAILURES; i++) {
        gs_throttle_failed("free-alice", &addr, t + i);
        assert_int_equal(gs_throttle_wait_ms("free-alice", &addr, t + i), 0);
        assert_int_equal(gs_throttle_wait_ms("free-alice", NULL, t + i), 0);
    }
    gs_throttle_failed("free-alice", &addr, t + 10);
    assert_int_equal(gs_throttle_wait_ms("free-alice", &addr, t + 10), 250);
    assert_int_equal(gs_throttle_wait_ms("free-alice", NULL, t + 10), 250);
}

static void
test_delay_doubles_up_to_the_cap(void **state)
{
    const uint64_t t = EPOCH(2);
    static const unsigned want[] = {0, 0, 0, 250, 500, 1000, 2000, 4000, 8000, 16000, 30000};

    (void) state;
    for (unsigned failures = 0; failures < sizeof(want) / sizeof(want[0]); failures++) {
        unsigned got = gs_throttle_wait_ms("double-bob", NULL, t);

        if (got != want[failures]) {
            fail_msg("after %u failures: %u ms, not %u", failures, got, want[failures]);
        }
        gs_throttle_failed("double-bob", NULL, t);
    }
    /* Counted from the last failure: a second later, a second less. */
    assert_int_equal(gs_throttle_wait_ms("double-bob", NULL, t + 1000), 29000);
    /* And it stays at the cap, however many more (the shift never overflows). */
    for (unsigned failures = 11; failures < 200; failures++) {
        gs_throttle_failed("double-bob", NULL, t + failures);
        assert_int_equal(gs_throttle_wait_ms("double-bob", NULL, t + failures), 30000);
    }
    assert_int_equal(GS_THROTTLE_MAX_DELAY_MS, 30000);
}

static void
test_users_and_addresses_count_independently(void **state)
{
    const uint64_t t = EPOCH(3);
    gs_sockaddr_t x = v4("192.0.2.31"), y = v4("192.0.2.32");

    (void) state;
    fail_n("indep-carol", &x, t, 3);
    /* The user is throttled from anywhere... */
    assert_int_equal(gs_throttle_wait_ms("indep-carol", &x, t), 250);
    assert_int_equal(gs_throttle_wait_ms("indep-carol", &y, t), 250);
    assert_int_equal(gs_throttle_wait_ms("indep-carol", NULL, t), 250);
    /* ...and the address for anyone... */
    assert_int_equal(gs_throttle_wait_ms("indep-dave", &x, t), 250);
    /* ...but another user from another address is not. */
    assert_int_equal(gs_throttle_wait_ms("indep-dave", &y, t), 0);
    assert_int_equal(gs_throttle_wait_ms("indep-dave", NULL, t), 0);

    /* The longer of the two delays wins. */
    fail_n("indep-carol", NULL, t + 1, 2); /* the user at 5 failures, x still at 3 */
    assert_int_equal(gs_throttle_wait_ms("indep-carol", &x, t + 1), 1000);
    assert_int_equal(gs_throttle_wait_ms("indep-dave", &x, t + 1), 249); /* x's last: t */
    fail_n("indep-erin", &y, t + 2, 4);                                  /* y at 4 failures */
    assert_int_equal(gs_throttle_wait_ms("indep-dave", &y, t + 2), 500);
    assert_int_equal(gs_throttle_wait_ms("indep-carol", &y, t + 2), 999);
}

static void
test_failures_without_an_address_count_for_the_user_only(void **state)
{
    const uint64_t t = EPOCH(4);
    gs_sockaddr_t x = v4("192.0.2.41");
    gs_sockaddr_t unix_client;

    (void) state;
    memset(&unix_client, 0, sizeof(unix_client));
    unix_client.sa.sa_family = AF_UNIX;
    fail_n("noaddr-frank", NULL, t, 3);
    fail_n("noaddr-frank", &unix_client, t, 3); /* not an address guise counts */
    assert_int_equal(gs_throttle_wait_ms("noaddr-frank", NULL, t), 2000);
    assert_int_equal(gs_throttle_wait_ms("noaddr-grace", &x, t), 0);
    assert_int_equal(gs_throttle_wait_ms("noaddr-grace", &unix_client, t), 0);
}

static void
test_ipv6_addresses(void **state)
{
    const uint64_t t = EPOCH(5);
    gs_sockaddr_t a = v6("2001:db8::51"), b = v6("2001:db8::52:1"), c = v4("192.0.2.51");
    gs_sockaddr_t d = v6("2001:db8:0:1::51");

    (void) state;
    fail_n("v6-heidi", &a, t, 3);
    assert_int_equal(gs_throttle_wait_ms("v6-ivan", &a, t), 250);
    /* One IPv6 client is its /64: another address of it is the same client... */
    assert_int_equal(gs_throttle_wait_ms("v6-ivan", &b, t), 250);
    /* ...another /64 and IPv4 are not. */
    assert_int_equal(gs_throttle_wait_ms("v6-ivan", &d, t), 0);
    assert_int_equal(gs_throttle_wait_ms("v6-ivan", &c, t), 0);
}

static void
test_success_clears_the_user_not_the_address(void **state)
{
    const uint64_t t = EPOCH(6);
    gs_sockaddr_t x = v4("192.0.2.61"), y = v4("192.0.2.62");

    (void) state;
    fail_n("success-judy", &x, t, 5);
    assert_int_equal(gs_throttle_wait_ms("success-judy", &y, t), 1000);
    gs_throttle_succeeded("success-judy", t + 1);
    assert_int_equal(gs_throttle_wait_ms("success-judy", &y, t + 1), 0);
    assert_int_equal(gs_throttle_wait_ms("success-judy", NULL, t + 1), 0);
    assert_int_equal(gs_throttle_wait_ms("success-judy", &x, t + 1), 999); /* the address */
    assert_int_equal(gs_throttle_wait_ms("success-other", &x, t + 1), 999);

    /* After a success the user starts over: three free failures again. */
    fail_n("success-judy", &y, t + 2, 2);
    assert_int_equal(gs_throttle_wait_ms("success-judy", NULL, t + 2), 0);
    gs_throttle_failed("success-judy", &y, t + 2);
    assert_int_equal(gs_throttle_wait_ms("success-judy", NULL, t + 2), 250);

    /* A success of a user never seen changes nothing. */
    gs_throttle_succeeded("success-never-failed", t + 3);
    assert_int_equal(gs_throttle_wait_ms("success-never-failed", NULL, t + 3), 0);
}

static void
test_failures_are_forgotten(void **state)
{
    const uint64_t t = EPOCH(7);
    gs_sockaddr_t x = v4("192.0.2.71"), y = v4("192.0.2.72");

    (void) state;
    /* Up to GS_THROTTLE_FORGET_MS after the last failure the count is remembered: one more
     * failure then is the sixth (2 s)... */
    fail_n("forget-mallory", &x, t, 5);
    gs_throttle_failed("forget-mallory", &x, t + GS_THROTTLE_FORGET_MS);
    assert_int_equal(gs_throttle_wait_ms("forget-mallory", NULL, t + GS_THROTTLE_FORGET_MS), 2000);
    assert_int_equal(gs_throttle_wait_ms("forget-other", &x, t + GS_THROTTLE_FORGET_MS), 2000);
    /* ...and a millisecond later it is forgotten, user and address: a new count. */
    fail_n("forget-oscar", &y, t, 5);
    fail_n("forget-oscar", &y, t + GS_THROTTLE_FORGET_MS + 1, 2);
    assert_int_equal(gs_throttle_wait_ms("forget-oscar", &y, t + GS_THROTTLE_FORGET_MS + 1), 0);
}

static void
test_each_failure_extends_the_memory(void **state)
{
    const uint64_t t = EPOCH(8);
    uint64_t now = t;

    (void) state;
    /* Failures spaced just under the forget time keep adding up. */
    for (unsigned i = 0; i < 4; i++) {
        gs_throttle_failed("extend-niaj", NULL, now);
        now += GS_THROTTLE_FORGET_MS;
    }
    assert_int_equal(gs_throttle_wait_ms("extend-niaj", NULL, now - GS_THROTTLE_FORGET_MS), 500);
    gs_throttle_failed("extend-niaj", NULL, now); /* the fifth */
    assert_int_equal(gs_throttle_wait_ms("extend-niaj", NULL, now), 1000);
}

/* Users never seen, odd names: no delay, no crash. */
static void
test_odd_names(void **state)
{
    const uint64_t t = EPOCH(9);
    char long_name[2048];

    (void) state;
    assert_int_equal(gs_throttle_wait_ms(NULL, NULL, t), 0);
    assert_int_equal(gs_throttle_wait_ms("", NULL, t), 0);
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    fail_n(long_name, NULL, t, 3);
    assert_int_equal(gs_throttle_wait_ms(long_name, NULL, t), 250);
    fail_n("", NULL, t, 3);
    assert_int_equal(gs_throttle_wait_ms("", NULL, t), 250);
}

/*
 * Two user names that differ only past the first 157 bytes are two users: one's failures
 * must not throttle the other, nor may one's success clear the other's count.
 */
static void
test_long_names_are_not_confused(void **state)
{
    const uint64_t t = EPOCH(10);
    char a[400], b[400];

    (void) state;
    memset(a, 'L', sizeof(a) - 1);
    a[sizeof(a) - 1] = '\0';
    memcpy(b, a, sizeof(b));
    a[300] = 'a';
    b[300] = 'b';
    fail_n(a, NULL, t, 3);
    assert_int_equal(gs_throttle_wait_ms(a, NULL, t), 250);
    assert_int_equal(gs_throttle_wait_ms(b, NULL, t), 0);
    fail_n(b, NULL, t, 3);
    gs_throttle_succeeded(a, t);
    assert_int_equal(gs_throttle_wait_ms(b, NULL, t), 250);
}

/* ---- a full table ------------------------------------------------------------------------- */

static void
test_a_flood_of_names_keeps_the_table_working(void **state)
{
    const uint64_t t = EPOCH(13);
    gs_sockaddr_t addr = v4("192.0.2.131");
    char name[64];
    unsigned kept = 0;

    (void) state;
    /* Five times as many users as the table has slots, three failures each. */
    for (unsigned i = 0; i < 5 * SLOTS; i++) {
        snprintf(name, sizeof(name), "flood-%u", i);
        fail_n(name, i % 2 ? &addr : NULL, t + i, 3);
    }
    /* The most recent user, and the address (touched every other user), are remembered. */
    assert_int_equal(gs_throttle_wait_ms(name, NULL, t + 5 * SLOTS - 1), 250);
    assert_int_equal(gs_throttle_wait_ms("flood-new", &addr, t + 5 * SLOTS - 1), 30000);
    /* Most of the last thousand too (each asked at its failure's time): eviction takes the
     * entry of a full window that failed longest ago. */
    for (unsigned i = 5 * SLOTS - 1000; i < 5 * SLOTS; i++) {
        snprintf(name, sizeof(name), "flood-%u", i);
        kept += gs_throttle_wait_ms(name, NULL, t + i) == 250;
    }
    assert_true(kept >= 990);
    /* A new user is still counted. */
    fail_n("flood-after", NULL, t + 5 * SLOTS, 3);
    assert_int_equal(gs_throttle_wait_ms("flood-after", NULL, t + 5 * SLOTS), 250);
}

static void
test_recent_says_whether_anyone_may_be_watched(void **state)
{
    const uint64_t t = EPOCH(50); /* after every other test's failures */
    gs_sockaddr_t addr = v4("192.0.2.50");

    (void) state;
    assert_false(gs_throttle_recent(t));
    fail_n("recent-alice", &addr, t, GS_THROTTLE_FREE_FAILURES - 1);
    assert_false(gs_throttle_recent(t));            /* free failures watch nobody */
    gs_throttle_failed("recent-bob", &addr, t + 1); /* the address's third */
    assert_true(gs_throttle_recent(t + 1));
    assert_true(gs_throttle_watched("recent-carol", &addr, t + 1));
    assert_true(gs_throttle_recent(t)); /* a clock a little behind */
    assert_true(gs_throttle_recent(t + 1 + GS_THROTTLE_FORGET_MS - 1));
    assert_false(gs_throttle_recent(t + 1 + GS_THROTTLE_FORGET_MS));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_delay_before_three_failures),
        cmocka_unit_test(test_delay_doubles_up_to_the_cap),
        cmocka_unit_test(test_users_and_addresses_count_independently),
        cmocka_unit_test(test_failures_without_an_address_count_for_the_user_only),
        cmocka_unit_test(test_ipv6_addresses),
        cmocka_unit_test(test_success_clears_the_user_not_the_address),
        cmocka_unit_test(test_failures_are_forgotten),
        cmocka_unit_test(test_each_failure_extends_the_memory),
        cmocka_unit_test(test_odd_names),
        cmocka_unit_test(test_long_names_are_not_confused),
        cmocka_unit_test(test_a_flood_of_names_keeps_the_table_working),
        cmocka_unit_test(test_recent_says_whether_anyone_may_be_watched),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
