/*
 * fail_setfsuid.so: preloaded into guise by tests/e2e/test_security.py to make
 * impersonation fail.  setfsuid(2) for the uid in $GUISE_FAIL_SETFSUID changes nothing
 * and returns the fsuid in force, which is what the kernel does when a thread may not
 * take that uid.  guise changes a thread's credentials through syscall(3) (glibc's
 * wrappers would change every thread), so syscall() is what is interposed; every call
 * goes on to libc's, only the failing one with -1 (read, do not set) for its uid.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

typedef long (*syscall_fn)(long, ...);

static _Atomic(syscall_fn) real_syscall;

static syscall_fn
real(void)
{
    syscall_fn fn = atomic_load(&real_syscall);

    if (fn == NULL) {
        fn = (syscall_fn) dlsym(RTLD_NEXT, "syscall");
        if (fn == NULL) {
            abort(); /* no libc behind us: nothing sensible to do */
        }
        atomic_store(&real_syscall, fn);
    }
    return fn;
}

/* The uid whose setfsuid fails; -1 (none) when the variable is absent. */
static uid_t
failing_uid(void)
{
    const char *text = getenv("GUISE_FAIL_SETFSUID");

    return text != NULL && text[0] != '\0' ? (uid_t) strtoul(text, NULL, 10) : (uid_t) -1;
}

/*
 * As glibc's syscall(), six arguments are passed on whatever the call takes: the
 * kernel ignores those it does not use.
 */
long
syscall(long number, ...)
{
    long a[6];
    va_list ap;

    va_start(ap, number);
    for (int i = 0; i < 6; i++) {
        a[i] = va_arg(ap, long);
    }
    va_end(ap);
    if (number == SYS_setfsuid && (uid_t) a[0] != (uid_t) -1 && (uid_t) a[0] == failing_uid()) {
        return real()(SYS_setfsuid, (long) (uid_t) -1);
    }
    return real()(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
