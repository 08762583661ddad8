/*
 * The commands.  Each gets its operands (argv[0] is the first one, not the
 * command name) and the parsed options, and returns the exit status.
 */
#ifndef TCPTOOL_COMMANDS_H
#define TCPTOOL_COMMANDS_H

#include "args.h"

int cmd_listen(int argc, char **argv, const struct options *o);
int cmd_connect(int argc, char **argv, const struct options *o);
int cmd_echo(int argc, char **argv, const struct options *o);
int cmd_ack(int argc, char **argv, const struct options *o);
int cmd_info(int argc, char **argv, const struct options *o);
int cmd_shutdown(int argc, char **argv, const struct options *o);

#endif
