/*
 * gs_ctl_parse on any bytes (a control request line): never reads or writes
 * past len + 1, answers every refusal with one line, and what it accepts is
 * a known command whose user name is one word of the line.
 */
#include "ctl/command.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line;
    char err[256];
    gs_ctl_request_t req;

    if (size > GS_CTL_MAX_LINE + 1) {
        return 0; /* the server never passes more (control.c: read_line) */
    }
    line = malloc(size + 1); /* room for the NUL the parser writes */
    memcpy(line, data, size);
    err[0] = '\0';
    if (gs_ctl_parse(line, size, &req, err, sizeof(err)) == 0) {
        if (req.verb != GS_CTL_STATS && req.verb != GS_CTL_FLUSH_TOKENS) {
            abort();
        }
        if (req.user != NULL
            && (req.user < line || req.user >= line + size || req.user[0] == '\0'
                || strpbrk(req.user, " \t") != NULL))
        {
            abort();
        }
    } else if (err[0] == '\0' || strchr(err, '\n') != NULL) {
        abort();
    }
    free(line);
    return 0;
}
