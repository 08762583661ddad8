/* The environment's character set, asked of the C library without keeping its locale. */
#include "base/charset.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

bool charset_is_utf8(void)
{
	char saved[64];
	const char *cur = setlocale(LC_CTYPE, NULL);

	snprintf(saved, sizeof(saved), "%s", cur ? cur : "C");
	bool utf8 = setlocale(LC_CTYPE, "") && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	setlocale(LC_CTYPE, saved);
	return utf8;
}
