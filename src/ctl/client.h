/*
 * `guise ctl`: the client of the control socket (control.h), in the guise
 * binary.  It sends one request and prints the answer.
 */
#ifndef GS_CTL_CLIENT_H
#define GS_CTL_CLIENT_H

/*
 * argv[0] is "ctl".  Exit status: 0 for an "ok" answer (printed on standard
 * output), 1 for an "error" answer (printed on standard error), 2 for a
 * usage error or when the server cannot be reached or does not answer.
 */
int gs_ctl_client(int argc, char **argv);

#endif
