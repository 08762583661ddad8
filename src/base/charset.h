/* Which characters the user's terminal can show, as the locale tells. */
#ifndef TCPTOOL_CHARSET_H
#define TCPTOOL_CHARSET_H

#include <stdbool.h>

/*
 * Whether the locale of the environment (LC_ALL, LC_CTYPE, LANG) has
 * UTF-8 as its character set, for box drawing; the process's own locale
 * is left as it was.
 */
bool charset_is_utf8(void);

#endif
