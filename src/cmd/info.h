/* The forms of `tcptool info`, each in its own file; cmd/info.c picks one. */
#ifndef TCPTOOL_INFO_H
#define TCPTOOL_INFO_H

#include <stddef.h>
#include <stdio.h>

#include "args.h"

/* info [-l|-a] [--port N] [--state NAME]: this host's TCP sockets. */
int info_list(const struct options *o);

/* info HOST PORT: connect, show what the handshake negotiated, close. */
int info_connect(const char *host, const char *port_text, const struct options *o);

/* info --fd N: the socket this process inherited on descriptor N. */
int info_fd(const struct options *o);

/* info --system: the kernel's TCP settings, explained. */
int info_system(const struct options *o);

#endif
