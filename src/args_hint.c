/* Usage hints: a near-miss option name, netcat's habits, HOST:PORT in one word. */
#include "args_hint.h"

#include <stdio.h>
#include <string.h>

/* Edit distance with adjacent swaps, on names short enough for a stack row. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t prev2[64], prev[64], cur[64];

	if (la >= 64 || lb >= 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t best = sub < del ? sub : del;
			best = best < ins ? best : ins;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		memcpy(prev2, prev, sizeof(prev));
		memcpy(prev, cur, sizeof(cur));
	}
	return prev[lb];
}

/* "halfclose" and "half-close" are the same name to a hurried hand. */
static void without_dashes(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		if (*s != '-' && *s != '_')
			out[n++] = *s;
	out[n] = '\0';
}

static const char *nearest_name(const char *word, const char *const *names)
{
	char w[64] = { 0 }, c[64] = { 0 };
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	without_dashes(word, w, sizeof(w));
	for (; *names; names++) {
		without_dashes(*names, c, sizeof(c));
		size_t d = distance(w, c);
		if (d < best_d) {
			best_d = d;
			best = *names;
		}
	}
	/* Two slips in a long name, one in a short one; more is another word. */
	size_t allowed = strlen(w) >= 6 ? 2 : 1;
	return best_d <= allowed ? best : NULL;
}

static bool is_port_word(const char *s)
{
	return s && *s && strspn(s, "0123456789") == strlen(s);
}

bool hint_unknown_option(const char *cmd_name, const char *word, const char *next,
			 const char *const *names, char *buf, size_t size)
{
	bool serves = strcmp(cmd_name, "listen") == 0 || strcmp(cmd_name, "echo") == 0 ||
		      strcmp(cmd_name, "ack") == 0;

	if (serves && strcmp(word, "-p") == 0) {
		snprintf(buf, size, "the port is an operand: 'tcptool %s %s'", cmd_name,
			 is_port_word(next) ? next : "PORT");
		return true;
	}
	if (strcmp(cmd_name, "connect") == 0 && strcmp(word, "-l") == 0) {
		snprintf(buf, size, "to listen, the command is 'tcptool listen PORT'");
		return true;
	}
	if (strncmp(word, "--", 2) == 0 && word[2]) {
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(word + 2, "="), word + 2);
		const char *near = nearest_name(name, names);
		if (near) {
			snprintf(buf, size, "did you mean '--%s'?", near);
			return true;
		}
	}
	return false;
}

bool hint_host_port(const char *word, char *buf, size_t size)
{
	const char *colon = strrchr(word, ':');

	if (colon == NULL || !is_port_word(colon + 1) || colon == word)
		return false;
	size_t host_len = (size_t)(colon - word);
	if (word[0] == '[') {
		if (colon[-1] != ']' || host_len < 3)
			return false;
		word++;
		host_len -= 2;
	} else if (memchr(word, ':', host_len)) {
		return false;  /* a bare IPv6 address such as ::1 */
	}
	/* Brackets belong around an IPv6 address, nowhere else. */
	if (memchr(word, '[', host_len) || memchr(word, ']', host_len))
		return false;
	snprintf(buf, size, "HOST and PORT are two words: '%.*s %s'", (int)host_len, word, colon + 1);
	return true;
}
