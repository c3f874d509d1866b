/* gs_etag_match on any header value: bounded reads, and strong implies weak. */
#include "core/http_etag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char tag[] = "\"5f3a-400\"";
    char *copy = malloc(size ? size : 1);
    bool weak, strong;

    memcpy(copy, data, size);
    weak = gs_etag_match(copy, size, tag, sizeof(tag) - 1, false);
    strong = gs_etag_match(copy, size, tag, sizeof(tag) - 1, true);
    if (strong && !weak) {
        abort();
    }
    free(copy);
    return 0;
}
