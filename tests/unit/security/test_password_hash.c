/* The keyed password hash: HMAC-SHA256 of "user\0password", checked against OpenSSL's own. */
#include "security/password_hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static const unsigned char KEY[32] = "0123456789abcdef0123456789abcdef";

/* What OpenSSL's one-shot HMAC says, as hex. */
static void
reference(const char *user, const char *password, char out[GS_PASSWORD_HASH_HEX + 1])
{
    unsigned char msg[512], mac[32];
    size_t ulen = strlen(user) + 1, plen = strlen(password);
    unsigned len = 0;

    memcpy(msg, user, ulen);
    memcpy(msg + ulen, password, plen);
    assert_non_null(HMAC(EVP_sha256(), KEY, sizeof(KEY), msg, ulen + plen, mac, &len));
    assert_int_equal(len, 32);
    for (unsigned i = 0; i < 32; i++) {
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    }
}

static void
test_it_is_hmac_sha256_of_user_nul_password(void **state)
{
    const char *cases[][2] = {
        {"alice", "secret"}, {"", ""}, {"bob", ""}, {"", "pw"}, {"ünïcødé", "pässwörd ✓"}};
    char got[GS_PASSWORD_HASH_HEX + 1], want[GS_PASSWORD_HASH_HEX + 1];

    (void) state;
    gs_password_hash_set_key_for_tests(KEY);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gs_password_hash(cases[i][0], cases[i][1], got);
        reference(cases[i][0], cases[i][1], want);
        assert_string_equal(got, want);
        gs_password_hash(cases[i][0], cases[i][1], got); /* the second use of the context */
        assert_string_equal(got, want);
    }
    /* The NUL between them: ("ab", "c") and ("a", "bc") differ. */
    gs_password_hash("ab", "c", got);
    gs_password_hash("a", "bc", want);
    assert_string_not_equal(got, want);
}

static void *
hash_in_thread(void *arg)
{
    gs_password_hash("alice", "secret", arg);
    return NULL;
}

static void
test_every_thread_gets_the_same_hash(void **state)
{
    char here[GS_PASSWORD_HASH_HEX + 1], there[GS_PASSWORD_HASH_HEX + 1];
    pthread_t t;

    (void) state;
    gs_password_hash("alice", "secret", here);
    pthread_create(&t, NULL, hash_in_thread, there);
    pthread_join(t, NULL);
    assert_string_equal(here, there);
    assert_true(gs_password_hash_equal(here, there));
    there[5] ^= 1;
    assert_false(gs_password_hash_equal(here, there));
    assert_false(gs_password_hash_equal(here, "short"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_it_is_hmac_sha256_of_user_nul_password),
        cmocka_unit_test(test_every_thread_gets_the_same_hash),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
