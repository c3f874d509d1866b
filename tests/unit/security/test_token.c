/* Tokens: credentials, the primary group first, reference counts, handles, NSS users. */
#include "security/token.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static unsigned
refs(gs_token_t *t)
{
    return atomic_load(&t->refs);
}

static void
assert_groups(const gs_token_t *t, const gid_t *want, unsigned n)
{
    assert_int_equal(t->ngroups, n);
    for (unsigned i = 0; i < n; i++) {
        if (t->groups[i] != want[i]) {
            fail_msg("group %u is %u, not %u", i, (unsigned) t->groups[i], (unsigned) want[i]);
        }
    }
}

static void
test_primary_group_comes_first(void **state)
{
    static const gid_t given[] = {5, 100, 7};
    static const gid_t want[] = {100, 5, 7};
    gs_token_t *t = gs_token_create(1000, 100, given, 3, "alice");

    (void) state;
    assert_int_equal(t->uid, 1000);
    assert_int_equal(t->gid, 100);
    assert_groups(t, want, 3);
    assert_string_equal(t->name, "alice");
    gs_token_unref(t);
}

static void
test_missing_primary_group_is_added(void **state)
{
    static const gid_t given[] = {5, 7};
    static const gid_t want[] = {100, 5, 7};
    gs_token_t *t = gs_token_create(1000, 100, given, 2, "alice");

    (void) state;
    assert_groups(t, want, 3);
    gs_token_unref(t);
}

static void
test_every_duplicate_of_the_primary_group_is_dropped(void **state)
{
    static const gid_t given[] = {100, 5, 100, 7, 100};
    static const gid_t want[] = {100, 5, 7};
    gs_token_t *t = gs_token_create(1000, 100, given, 5, "alice");

    (void) state;
    assert_groups(t, want, 3);
    gs_token_unref(t);
}

static void
test_no_groups_and_no_name(void **state)
{
    static const gid_t want[] = {42};
    gs_token_t *t = gs_token_create(41, 42, NULL, 0, NULL);

    (void) state;
    assert_groups(t, want, 1);
    assert_string_equal(t->name, "");
    gs_token_unref(t);
}

static void
test_sid_is_the_users(void **state)
{
    uint8_t want[GS_SID_UNIX_BYTES];
    gs_token_t *t = gs_token_create(40001, 40002, NULL, 0, "bob");
    char text[GUISE_SID_TEXT_MAX];

    (void) state;
    gs_sid_unix(want, 1, 40001);
    assert_memory_equal(t->sid, want, sizeof(want));
    assert_true(GuiseSidToString(t->sid, text, sizeof(text)) > 0);
    assert_string_equal(text, "S-1-22-1-40001");
    gs_token_unref(t);
}

static void
test_born_with_one_reference(void **state)
{
    gs_token_t *t = gs_token_create(1000, 100, NULL, 0, "alice");

    (void) state;
    assert_int_equal(refs(t), 1);
    gs_token_ref(t);
    assert_int_equal(refs(t), 2);
    gs_token_ref(t);
    assert_int_equal(refs(t), 3);
    gs_token_unref(t);
    gs_token_unref(t);
    assert_int_equal(refs(t), 1);
    assert_ptr_equal(gs_token_from_handle(gs_token_handle(t)), t);
    gs_token_unref(t); /* frees; ASan watches */
}

static void
test_unref_of_null_is_harmless(void **state)
{
    (void) state;
    gs_token_unref(NULL);
}

static void
test_same_credentials(void **state)
{
    static const gid_t g1[] = {5, 7};
    static const gid_t g2[] = {5, 8};
    gs_token_t *a = gs_token_create(1000, 100, g1, 2, "alice");
    gs_token_t *b = gs_token_create(1000, 100, g1, 2, "ALICE"); /* names do not count */
    gs_token_t *other_uid = gs_token_create(1001, 100, g1, 2, "alice");
    gs_token_t *other_gid = gs_token_create(1000, 101, g1, 2, "alice");
    gs_token_t *other_groups = gs_token_create(1000, 100, g2, 2, "alice");
    gs_token_t *fewer_groups = gs_token_create(1000, 100, g1, 1, "alice");

    (void) state;
    assert_true(gs_token_same_credentials(a, a));
    assert_true(gs_token_same_credentials(a, b));
    assert_true(gs_token_same_credentials(b, a));
    assert_false(gs_token_same_credentials(a, other_uid));
    assert_false(gs_token_same_credentials(a, other_gid));
    assert_false(gs_token_same_credentials(a, other_groups));
    assert_false(gs_token_same_credentials(a, fewer_groups));
    assert_false(gs_token_same_credentials(fewer_groups, a));
    gs_token_unref(a);
    gs_token_unref(b);
    gs_token_unref(other_uid);
    gs_token_unref(other_gid);
    gs_token_unref(other_groups);
    gs_token_unref(fewer_groups);
}

static void
test_handles(void **state)
{
    gs_token_t *t = gs_token_create(1000, 100, NULL, 0, "alice");
    char not_a_token[sizeof(gs_token_t)];
    uint64_t zeros[8] = {0};

    (void) state;
    memset(not_a_token, 'G', sizeof(not_a_token));
    assert_ptr_equal(gs_token_from_handle(gs_token_handle(t)), t);
    assert_null(gs_token_from_handle(NULL));
    assert_null(gs_token_from_handle(not_a_token));
    assert_null(gs_token_from_handle(zeros));
    assert_null(gs_token_from_handle((HANDLE) "a string, not a token"));
    gs_token_unref(t);
}

static void
test_token_information(void **state)
{
    static const gid_t given[] = {5, 7};
    gs_token_t *t = gs_token_create(1000, 100, given, 2, "alice");
    GUISE_TOKEN_INFORMATION info;
    char text[GUISE_SID_TEXT_MAX];

    (void) state;
    memset(&info, 0, sizeof(info));
    assert_int_equal(GuiseGetTokenInformation(gs_token_handle(t), &info), S_OK);
    assert_int_equal(info.Uid, 1000);
    assert_int_equal(info.Gid, 100);
    assert_int_equal(info.GroupCount, 3);
    assert_ptr_equal(info.Groups, t->groups); /* token-owned, not a copy */
    assert_int_equal(info.Groups[0], 100);
    assert_int_equal(info.Groups[1], 5);
    assert_int_equal(info.Groups[2], 7);
    assert_string_equal(info.UserName, "alice");
    assert_ptr_equal(info.Sid, t->sid);
    assert_true(GuiseSidToString(info.Sid, text, sizeof(text)) > 0);
    assert_string_equal(text, "S-1-22-1-1000");
    gs_token_unref(t);
}

static void
test_token_information_of_no_token(void **state)
{
    gs_token_t *t = gs_token_create(1000, 100, NULL, 0, "alice");
    GUISE_TOKEN_INFORMATION info;
    char garbage[64];

    (void) state;
    memset(garbage, 0x5a, sizeof(garbage));
    assert_int_equal(GuiseGetTokenInformation(NULL, &info), E_INVALIDARG);
    assert_int_equal(GuiseGetTokenInformation(garbage, &info), E_INVALIDARG);
    assert_int_equal(GuiseGetTokenInformation(gs_token_handle(t), NULL), E_INVALIDARG);
    gs_token_unref(t);
}

static void
test_group_membership(void **state)
{
    static const gid_t given[] = {5, 7};
    gs_token_t *t = gs_token_create(1000, 100, given, 2, "alice");
    char garbage[64];

    (void) state;
    memset(garbage, 0, sizeof(garbage));
    assert_true(GuiseTokenIsMemberOfGroup(gs_token_handle(t), 100)); /* primary */
    assert_true(GuiseTokenIsMemberOfGroup(gs_token_handle(t), 5));
    assert_true(GuiseTokenIsMemberOfGroup(gs_token_handle(t), 7));
    assert_false(GuiseTokenIsMemberOfGroup(gs_token_handle(t), 6));
    assert_false(GuiseTokenIsMemberOfGroup(gs_token_handle(t), 1000)); /* the uid */
    assert_false(GuiseTokenIsMemberOfGroup(gs_token_handle(t), (gid_t) -1));
    assert_false(GuiseTokenIsMemberOfGroup(NULL, 100));
    assert_false(GuiseTokenIsMemberOfGroup(garbage, 0));
    gs_token_unref(t);
}

static void
test_token_of_root(void **state)
{
    gs_token_t *t = (gs_token_t *) (uintptr_t) 1;
    uint8_t sid[GS_SID_UNIX_BYTES];

    (void) state;
    assert_int_equal(gs_token_for_user("root", &t), 0);
    assert_non_null(t);
    assert_int_equal(t->uid, 0);
    assert_int_equal(t->gid, 0);
    assert_true(t->ngroups >= 1);
    assert_int_equal(t->groups[0], 0);
    for (unsigned i = 1; i < t->ngroups; i++) {
        assert_int_not_equal(t->groups[i], 0); /* the primary group once */
    }
    assert_string_equal(t->name, "root");
    gs_sid_unix(sid, 1, 0);
    assert_memory_equal(t->sid, sid, sizeof(sid));
    assert_int_equal(refs(t), 1);
    gs_token_unref(t);
}

static void
test_token_of_a_missing_user(void **state)
{
    gs_token_t *t = (gs_token_t *) (uintptr_t) 1;

    (void) state;
    assert_int_equal(gs_token_for_user("guise-no-such-user", &t), -ENOENT);
    assert_null(t);
    assert_int_equal(gs_token_for_user("", &t), -ENOENT);
    assert_null(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primary_group_comes_first),
        cmocka_unit_test(test_missing_primary_group_is_added),
        cmocka_unit_test(test_every_duplicate_of_the_primary_group_is_dropped),
        cmocka_unit_test(test_no_groups_and_no_name),
        cmocka_unit_test(test_sid_is_the_users),
        cmocka_unit_test(test_born_with_one_reference),
        cmocka_unit_test(test_unref_of_null_is_harmless),
        cmocka_unit_test(test_same_credentials),
        cmocka_unit_test(test_handles),
        cmocka_unit_test(test_token_information),
        cmocka_unit_test(test_token_information_of_no_token),
        cmocka_unit_test(test_group_membership),
        cmocka_unit_test(test_token_of_root),
        cmocka_unit_test(test_token_of_a_missing_user),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
