#include "password_hash.h"
#include "core/util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>

#define KEY_BYTES   32
#define BLOCK_BYTES 64 /* SHA-256's block: HMAC pads the key to it */

/*
 * HMAC-SHA256 (RFC 2104) under a random key made at the first use: the
 * digest states after the key's inner and outer pads are computed once, and
 * each MAC copies them and finishes, so that a lookup of the token cache
 * costs two short hashes, not a key schedule.  The key itself is not kept.
 */
static EVP_MD_CTX *inner_keyed, *outer_keyed;
static pthread_once_t keyed = PTHREAD_ONCE_INIT;
static pthread_key_t thread_ctx; /* frees a thread's context when it exits */

static void
free_ctx(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void
set_key(const unsigned char key[KEY_BYTES])
{
    unsigned char ipad[BLOCK_BYTES], opad[BLOCK_BYTES];

    for (unsigned i = 0; i < BLOCK_BYTES; i++) {
        unsigned char k = i < KEY_BYTES ? key[i] : 0;

        ipad[i] = k ^ 0x36;
        opad[i] = k ^ 0x5c;
    }
    if (inner_keyed == NULL) {
        inner_keyed = EVP_MD_CTX_new();
        outer_keyed = EVP_MD_CTX_new();
    }
    if (inner_keyed == NULL || outer_keyed == NULL
        || !EVP_DigestInit_ex(inner_keyed, EVP_sha256(), NULL)
        || !EVP_DigestUpdate(inner_keyed, ipad, sizeof(ipad))
        || !EVP_DigestInit_ex(outer_keyed, EVP_sha256(), NULL)
        || !EVP_DigestUpdate(outer_keyed, opad, sizeof(opad)))
    {
        gs_panic("OpenSSL has no SHA-256");
    }
    OPENSSL_cleanse(ipad, sizeof(ipad));
    OPENSSL_cleanse(opad, sizeof(opad));
}

static void
make_key(void)
{
    unsigned char key[KEY_BYTES];
    size_t got = 0;

    if (pthread_key_create(&thread_ctx, free_ctx) != 0) {
        gs_panic("no thread-specific key for the password hash");
    }
    while (got < sizeof(key)) {
        ssize_t n = getrandom(key + got, sizeof(key) - got, 0);

        if (n <= 0) {
            gs_panic("getrandom: no randomness for the password hash key");
        }
        got += (size_t) n;
    }
    set_key(key);
    OPENSSL_cleanse(key, sizeof(key));
}

void
gs_password_hash_set_key_for_tests(const unsigned char key[32])
{
    pthread_once(&keyed, make_key);
    set_key(key);
}

/* HMAC-SHA256 of a then b under the process's key, into mac (32 bytes). */
static void
mac_of(const void *a, size_t alen, const void *b, size_t blen, unsigned char mac[32])
{
    static _Thread_local EVP_MD_CTX *ctx;
    unsigned char inner[EVP_MAX_MD_SIZE];
    unsigned len = 0, outer_len = 0;

    pthread_once(&keyed, make_key);
    if (ctx == NULL) {
        ctx = EVP_MD_CTX_new();
        if (ctx == NULL) {
            gs_panic("HMAC-SHA256 failed");
        }
        pthread_setspecific(thread_ctx, ctx);
    }
    if (!EVP_MD_CTX_copy_ex(ctx, inner_keyed) || !EVP_DigestUpdate(ctx, a, alen)
        || !EVP_DigestUpdate(ctx, b, blen) || !EVP_DigestFinal_ex(ctx, inner, &len) || len != 32
        || !EVP_MD_CTX_copy_ex(ctx, outer_keyed) || !EVP_DigestUpdate(ctx, inner, len)
        || !EVP_DigestFinal_ex(ctx, mac, &outer_len) || outer_len != 32)
    {
        gs_panic("HMAC-SHA256 failed");
    }
    OPENSSL_cleanse(inner, sizeof(inner));
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
