#include "sockaddr.h"

#include <arpa/inet.h>
#include <string.h>

size_t
gs_sockaddr_host(const gs_sockaddr_t *a, char out[GS_ADDR_TEXT_MAX])
{
    const void *bytes = a->sa.sa_family == AF_INET6 ? (const void *) &a->in6.sin6_addr
                                                    : (const void *) &a->in.sin_addr;

    if (inet_ntop(a->sa.sa_family, bytes, out, GS_ADDR_TEXT_MAX) == NULL) {
        strcpy(out, "-");
    }
    return strlen(out);
}

unsigned
gs_sockaddr_port(const gs_sockaddr_t *a)
{
    return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port : a->in.sin_port);
}
