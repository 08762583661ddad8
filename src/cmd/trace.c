/* tcptool trace FILE: the TCP connections of a capture file, listed, then one shown segment by segment or as a ladder. */
#include "commands.h"

int cmd_trace(int argc, char **argv, const struct options *o)
{
	(void)o;
	if (!args_operands("trace", argc, argv, "FILE"))
		return EXIT_USAGE;
	usage_error("trace", "trace: reading capture files is not built yet");
	return EXIT_USAGE;
}
