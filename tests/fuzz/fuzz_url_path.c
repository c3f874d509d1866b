/*
 * gs_url_path_normalize on any bytes: never writes past len + 1, and what
 * it accepts has no way out of the root left in it.
 */
#include "core/url_path.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = malloc(size + 1); /* exactly what the contract promises is enough */
    ssize_t n = gs_url_path_normalize((const char *) data, size, out);

    if (n >= 0) {
        if ((size_t) n > size || out[0] != '/' || out[n] != '\0' || strlen(out) != (size_t) n
            || strstr(out, "//") || strstr(out, "/./") || strstr(out, "/../")
            || (n >= 2 && strcmp(out + n - 2, "/.") == 0)
            || (n >= 3 && strcmp(out + n - 3, "/..") == 0) || strchr(out, '\\'))
        {
            abort();
        }
        for (ssize_t i = 0; i < n; i++) {
            if ((unsigned char) out[i] < 0x20 || out[i] == 0x7f) {
                abort();
            }
        }
    }
    free(out);
    return 0;
}
