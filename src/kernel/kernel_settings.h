/*
 * The Linux kernel settings behind what TCP users see, for
 * "tcptool info --system": each read from the sysctl tree and explained in
 * a sentence, with its value worked out (ports, seconds, KiB) where that
 * helps; info_format_rows() wraps it for the screen.  It never prints and
 * never exits.
 */
#ifndef TCPTOOL_KERNEL_SETTINGS_H
#define TCPTOOL_KERNEL_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#define SETTING_VALUE_MAX 128
#define SETTING_MEANING_MAX 320

struct kernel_setting {
	const char *name;                  /* "net.ipv4.tcp_syn_retries" */
	bool readable;                     /* false: missing or unreadable on this host */
	char value[SETTING_VALUE_MAX];     /* as the kernel shows it; tabs and runs of spaces made one space, no trailing newline */
	char meaning[SETTING_MEANING_MAX]; /* a sentence, no newline: what it changes, the value worked out */
};

/* How many settings tcptool explains. */
size_t kernel_settings_count(void);

/*
 * Reads every setting from the sysctl tree under root ("/proc/sys"; tests
 * pass their own folder) into out[0..count-1] and explains each.  Never
 * prints.  The name "net.ipv4.tcp_syn_retries" is the file
 * root/net/ipv4/tcp_syn_retries.  A value too long for 'value' is cut after
 * a whole word and ends in "..."; the meaning is worked out from all of it.
 * An unreadable setting has an empty value and the meaning without numbers.
 */
void kernel_settings_read(const char *root, struct kernel_setting *out);

/*
 * Pure: the meaning, in a sentence, of setting 'name' holding 'value' (for an
 * unreadable one pass NULL: the meaning says what the setting is for,
 * without numbers).  A value that does not parse, or is outside the values
 * the kernel documents, also gets the meaning without numbers; a name
 * tcptool does not know gets a line saying so.  Writes at most size bytes,
 * always terminated when size > 0.
 */
void kernel_setting_explain(const char *name, const char *value, char *meaning, size_t size);

#endif
