#include "password_hash.h"
#include "core/util.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>

#define KEY_BYTES 32

static unsigned char key[KEY_BYTES];
static EVP_MAC *hmac;
static pthread_once_t keyed = PTHREAD_ONCE_INIT;
static pthread_key_t thread_ctx; /* frees a thread's context when it exits */

static void
free_ctx(void *ctx)
{
    EVP_MAC_CTX_free(ctx);
}

static void
make_key(void)
{
    size_t got = 0;

    hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (hmac == NULL || pthread_key_create(&thread_ctx, free_ctx) != 0) {
        gs_panic("OpenSSL has no HMAC");
    }
    while (got < sizeof(key)) {
        ssize_t n = getrandom(key + got, sizeof(key) - got, 0);

        if (n <= 0) {
            gs_panic("getrandom: no randomness for the password hash key");
        }
        got += (size_t) n;
    }
}

/*
 * HMAC-SHA256 of a then b under the process's key, into mac (32 bytes).
 * Each thread keeps a context keyed once: re-initialising it without a key
 * reuses the key (OpenSSL 3), so a lookup of the token cache costs two
 * SHA-256 compressions, not a context and a key schedule.
 */
static void
mac_of(const void *a, size_t alen, const void *b, size_t blen, unsigned char mac[32])
{
    static _Thread_local EVP_MAC_CTX *ctx;
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t len = 0;

    pthread_once(&keyed, make_key);
    if (ctx == NULL) {
        char digest[] = "SHA256";
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
            OSSL_PARAM_construct_end(),
        };

        ctx = EVP_MAC_CTX_new(hmac);
        if (ctx == NULL || !EVP_MAC_init(ctx, key, sizeof(key), params)) {
            gs_panic("HMAC-SHA256 failed");
        }
        pthread_setspecific(thread_ctx, ctx);
    } else if (!EVP_MAC_init(ctx, NULL, 0, NULL)) {
        gs_panic("HMAC-SHA256 failed");
    }
    if (!EVP_MAC_update(ctx, a, alen) || !EVP_MAC_update(ctx, b, blen)
        || !EVP_MAC_final(ctx, out, &len, sizeof(out)) || len != 32)
    {
        gs_panic("HMAC-SHA256 failed");
    }
    memcpy(mac, out, 32);
    OPENSSL_cleanse(out, sizeof(out));
}

void
gs_keyed_digest(char tag, const void *data, size_t len, uint8_t *out, size_t n)
{
    unsigned char mac[32];

    mac_of(&tag, 1, data, len, mac);
    memcpy(out, mac, n < sizeof(mac) ? n : sizeof(mac));
}

void
gs_password_hash(const char *user, const char *password, char out[GS_PASSWORD_HASH_HEX + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[32];
    size_t len = sizeof(mac);

    /* user, NUL, password: no two (user, password) pairs give the same input */
    mac_of(user, strlen(user) + 1, password, strlen(password), mac);
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[2 * len] = '\0';
    OPENSSL_cleanse(mac, sizeof(mac));
}

bool
gs_password_hash_equal(const char *a, const char *b)
{
    return strlen(a) == GS_PASSWORD_HASH_HEX && strlen(b) == GS_PASSWORD_HASH_HEX
           && CRYPTO_memcmp(a, b, GS_PASSWORD_HASH_HEX) == 0;
}
