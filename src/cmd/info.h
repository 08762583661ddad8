/* The forms of `tcptool info`, each in its own file; cmd_info.c picks one. */
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

/*
 * Prints explained rows to out, after header unless it is NULL, as wide
 * as info_width(out).  Returns EXIT_OK, or EXIT_NETWORK after an error
 * line when there is no memory for them.
 */
struct info_row;
int info_print_rows(FILE *out, const struct info_row *header, const struct info_row *rows,
		    size_t n);

/*
 * How wide explained rows may be on out: 80 columns, or fewer when out is
 * a narrower terminal or COLUMNS asks for fewer.
 */
int info_width(FILE *out);

/* info --system: the kernel's TCP settings, explained. */
int info_system(const struct options *o);

#endif
