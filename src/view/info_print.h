/* Explained rows on a stream, as wide as the reader's terminal allows. */
#ifndef TCPTOOL_INFO_PRINT_H
#define TCPTOOL_INFO_PRINT_H

#include <stddef.h>
#include <stdio.h>

struct info_row;

/*
 * Prints explained rows to out, after header unless it is NULL: 80
 * columns wide, or fewer when out is a narrower terminal or COLUMNS asks
 * for fewer.  Returns 0, or -1 with errno set when there is no memory.
 */
int info_print_rows(FILE *out, const struct info_row *header, const struct info_row *rows,
		    size_t n);

/* A name and one line on what it means, for a legend. */
struct info_legend {
	const char *name, *meaning;
};

/*
 * Prints a legend as explained rows with no values, as info_print_rows
 * lays them out.  Returns 0, or -1 with errno set when there is no memory.
 */
int info_print_legend(FILE *out, const struct info_legend *legend, size_t n);

#endif
