/* gs_range_parse on any header and size: a range it returns lies inside the file. */
#include "core/http_range.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t file_size = 0;
    gs_range_t r;
    char *copy;

    if (size < sizeof(file_size)) {
        return 0;
    }
    memcpy(&file_size, data, sizeof(file_size));
    file_size >>= 1; /* sizes up to 2^63 */
    size -= sizeof(file_size);
    copy = malloc(size ? size : 1); /* no NUL: the parser must respect the length */
    memcpy(copy, data + sizeof(file_size), size);
    if (gs_range_parse(copy, size, file_size, &r) == GS_RANGE_OK
        && (r.first > r.last || r.last >= file_size))
    {
        abort();
    }
    free(copy);
    return 0;
}
