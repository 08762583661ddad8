/*
 * Hints for habits from netcat and for typos: what a usage error adds in
 * parentheses, so that the one line says what to type instead.
 */
#ifndef TCPTOOL_ARGS_HINT_H
#define TCPTOOL_ARGS_HINT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * For an unknown option WORD of command CMD_NAME (next: the word after it,
 * or NULL), writes a hint into buf: "did you mean '--half-close'?" for a
 * near miss among the long names in NAMES (NULL-terminated), or the
 * command as tcptool spells it for netcat's "-p PORT" and "-l".  False
 * when there is nothing to suggest.
 */
bool hint_unknown_option(const char *cmd_name, const char *word, const char *next,
			 const char *const *names, char *buf, size_t size);

/*
 * For a single operand "HOST:PORT" (or "[V6]:PORT") where HOST and PORT
 * were wanted: "HOST and PORT are two words: '127.0.0.1 8080'".
 */
bool hint_host_port(const char *word, char *buf, size_t size);

#endif
