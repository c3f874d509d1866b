/* IHttpUser of guise's authentication modules: names, tokens, the SID, roles, references. */
#include "security/http_user.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

static unsigned
refs(gs_token_t *t)
{
    return atomic_load(&t->refs);
}

static void
assert_wide_equal(PCWSTR got, PCWSTR want)
{
    assert_non_null(got);
    if (wcscmp(got, want) != 0) {
        fail_msg("'%ls' is not '%ls'", got, want);
    }
}

static void
test_every_method_is_there(void **state)
{
    IHttpUser *u = gs_http_user_create(NULL, "alice", "alice", L"");
    void (*const *slot)(void) = (void (*const *)(void)) u->lpVtbl;

    (void) state;
    for (size_t i = 0; i < sizeof(IHttpUserVtbl) / sizeof(void (*)(void)); i++) {
        if (slot[i] == NULL) {
            fail_msg("IHttpUserVtbl slot %zu is NULL", i);
        }
    }
    IHttpUser_DereferenceUser(u);
}

static void
test_names_and_authentication_type(void **state)
{
    gs_token_t *t = gs_token_create(40001, 40001, NULL, 0, "alice");
    IHttpUser *u = gs_http_user_create(t, "alice", "ALICE@EXAMPLE", L"Basic");

    (void) state;
    assert_wide_equal(IHttpUser_GetUserName(u), L"alice");
    assert_wide_equal(IHttpUser_GetRemoteUserName(u), L"ALICE@EXAMPLE");
    assert_wide_equal(IHttpUser_GetAuthenticationType(u), L"Basic");
    assert_wide_equal(IHttpUser_GetPassword(u), L""); /* never kept past the logon */
    assert_true(IHttpUser_SupportsIsInRole(u));
    IHttpUser_DereferenceUser(u);
}

static void
test_utf8_names_become_wide(void **state)
{
    IHttpUser *u = gs_http_user_create(NULL, "jos\xc3\xa9", "\xe7\x94\xa8\xf0\x9f\x94\x91", L"");

    (void) state;
    assert_wide_equal(IHttpUser_GetUserName(u), L"jos\u00e9");
    assert_wide_equal(IHttpUser_GetRemoteUserName(u), L"\u7528\U0001F511");
    IHttpUser_DereferenceUser(u);
}

static void
test_anonymous_user(void **state)
{
    IHttpUser *u = gs_http_user_create(NULL, NULL, NULL, L"");

    (void) state;
    assert_wide_equal(IHttpUser_GetUserName(u), L"");
    assert_wide_equal(IHttpUser_GetRemoteUserName(u), L"");
    assert_wide_equal(IHttpUser_GetAuthenticationType(u), L"");
    assert_wide_equal(IHttpUser_GetPassword(u), L"");
    IHttpUser_DereferenceUser(u);
}

static void
test_tokens_are_the_users(void **state)
{
    gs_token_t *t = gs_token_create(40001, 40002, NULL, 0, "alice");
    IHttpUser *u = gs_http_user_create(t, "alice", "alice", L"Basic");
    GUISE_TOKEN_INFORMATION info;

    (void) state;
    assert_ptr_equal(IHttpUser_GetImpersonationToken(u), gs_token_handle(t));
    assert_ptr_equal(IHttpUser_GetPrimaryToken(u), gs_token_handle(t));
    assert_int_equal(GuiseGetTokenInformation(IHttpUser_GetImpersonationToken(u), &info), S_OK);
    assert_int_equal(info.Uid, 40001);
    assert_int_equal(info.Gid, 40002);
    assert_string_equal(info.UserName, "alice");
    IHttpUser_DereferenceUser(u);
}

static void
test_sid_variable(void **state)
{
    gs_token_t *t = gs_token_create(40001, 40002, NULL, 0, "alice");
    IHttpUser *u = gs_http_user_create(t, "alice", "alice", L"Basic");
    uint8_t want[GS_SID_UNIX_BYTES];
    char text[GUISE_SID_TEXT_MAX];
    PSID sid;

    (void) state;
    sid = IHttpUser_GetUserVariable(u, HTTP_USER_VARIABLE_SID);
    assert_non_null(sid);
    gs_sid_unix(want, 1, 40001);
    assert_true(EqualSid(sid, want));
    assert_true(GuiseSidToString(sid, text, sizeof(text)) > 0);
    assert_string_equal(text, "S-1-22-1-40001");
    assert_string_equal(HTTP_USER_VARIABLE_SID, "SID");

    assert_null(IHttpUser_GetUserVariable(u, "NAME"));
    assert_null(IHttpUser_GetUserVariable(u, ""));
    assert_null(IHttpUser_GetUserVariable(u, NULL));
    IHttpUser_DereferenceUser(u);
}

static void
test_roles_are_groups(void **state)
{
    static const gid_t daemon_group[] = {1};
    gs_token_t *root = NULL;
    IHttpUser *u, *d;
    BOOL in;

    (void) state;
    assert_int_equal(gs_token_for_user("root", &root), 0);
    u = gs_http_user_create(root, "root", "root", L"Basic");
    d = gs_http_user_create(gs_token_create(40001, 40001, daemon_group, 1, "d"), "d", "d",
                            L"Basic");

    in = FALSE;
    assert_int_equal(IHttpUser_IsInRole(u, L"root", &in), S_OK); /* its primary group */
    assert_true(in);
    in = TRUE;
    assert_int_equal(IHttpUser_IsInRole(u, L"daemon", &in), S_OK);
    assert_false(in);
    in = FALSE;
    assert_int_equal(IHttpUser_IsInRole(d, L"daemon", &in), S_OK); /* a supplementary one */
    assert_true(in);
    in = TRUE;
    assert_int_equal(IHttpUser_IsInRole(d, L"root", &in), S_OK);
    assert_false(in);
    in = TRUE;
    assert_int_equal(IHttpUser_IsInRole(u, L"guise-no-such-group", &in), S_OK);
    assert_false(in);
    in = TRUE;
    assert_int_equal(IHttpUser_IsInRole(u, L"", &in), S_OK);
    assert_false(in);
    in = TRUE;
    assert_int_equal(IHttpUser_IsInRole(u, L"ro\u00e9ot", &in), S_OK);
    assert_false(in);
    in = TRUE;
    assert_int_equal(IHttpUser_IsInRole(u, L"ROOT", &in), S_OK); /* group names have case */
    assert_false(in);

    assert_int_equal(IHttpUser_IsInRole(u, NULL, &in), E_INVALIDARG);
    assert_int_equal(IHttpUser_IsInRole(u, L"root", NULL), E_INVALIDARG);
    IHttpUser_DereferenceUser(u);
    IHttpUser_DereferenceUser(d);
}

static void
test_user_without_a_token(void **state)
{
    IHttpUser *u = gs_http_user_create(NULL, "", "", L"");
    BOOL in = TRUE;

    (void) state;
    assert_null(IHttpUser_GetImpersonationToken(u));
    assert_null(IHttpUser_GetPrimaryToken(u));
    assert_null(IHttpUser_GetUserVariable(u, HTTP_USER_VARIABLE_SID));
    assert_int_equal(IHttpUser_IsInRole(u, L"root", &in), S_OK);
    assert_false(in);
    IHttpUser_DereferenceUser(u);
}

static void
test_the_user_takes_the_callers_token_reference(void **state)
{
    gs_token_t *t = gs_token_create(40001, 40001, NULL, 0, "alice");
    IHttpUser *u;

    (void) state;
    gs_token_ref(t);                                        /* ours, to watch the count */
    u = gs_http_user_create(t, "alice", "alice", L"Basic"); /* takes the creator's +1 */
    assert_int_equal(refs(t), 2);

    IHttpUser_ReferenceUser(u);
    IHttpUser_ReferenceUser(u);
    assert_int_equal(refs(t), 2); /* the user's references are its own */
    IHttpUser_DereferenceUser(u);
    IHttpUser_DereferenceUser(u);
    assert_int_equal(refs(t), 2);
    assert_ptr_equal(IHttpUser_GetImpersonationToken(u), gs_token_handle(t)); /* still alive */

    IHttpUser_DereferenceUser(u); /* the last: frees the user, releases the token */
    assert_int_equal(refs(t), 1);
    gs_token_unref(t);
}

static void
test_auth_type_is_borrowed(void **state)
{
    static const wchar_t type[] = L"Basic";
    IHttpUser *u = gs_http_user_create(NULL, "a", "a", type);

    (void) state;
    assert_ptr_equal(IHttpUser_GetAuthenticationType(u), type);
    IHttpUser_DereferenceUser(u);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_method_is_there),
        cmocka_unit_test(test_names_and_authentication_type),
        cmocka_unit_test(test_utf8_names_become_wide),
        cmocka_unit_test(test_anonymous_user),
        cmocka_unit_test(test_tokens_are_the_users),
        cmocka_unit_test(test_sid_variable),
        cmocka_unit_test(test_roles_are_groups),
        cmocka_unit_test(test_user_without_a_token),
        cmocka_unit_test(test_the_user_takes_the_callers_token_reference),
        cmocka_unit_test(test_auth_type_is_borrowed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
