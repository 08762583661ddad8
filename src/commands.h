/*
 * The commands: one cmd_NAME for each line of commands.def.  Each gets its
 * operands (argv[0] is the first one, not the command name) and the parsed
 * options, and returns the exit status.
 */
#ifndef TCPTOOL_COMMANDS_H
#define TCPTOOL_COMMANDS_H

#include "args.h"

#define CMD(name, id, usage, summary, details) \
	int cmd_##name(int argc, char **argv, const struct options *o);
#include "commands.def"
#undef CMD

#endif
