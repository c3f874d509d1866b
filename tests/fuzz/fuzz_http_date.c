/* gs_http_date_parse on any bytes; what it accepts formats and parses back the same. */
#include "core/http_date.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    char text[GS_HTTP_DATE_LEN + 1];
    time_t t, again;

    memcpy(copy, data, size);
    if (gs_http_date_parse(copy, size, &t) == 0) {
        gs_http_date_format(t, text);
        if (gs_http_date_parse(text, GS_HTTP_DATE_LEN, &again) != 0 || again != t) {
            abort();
        }
    }
    free(copy);
    return 0;
}
