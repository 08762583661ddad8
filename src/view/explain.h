/* What an errno means in TCP terms, for the one line a failure prints. */
#ifndef TCPTOOL_EXPLAIN_H
#define TCPTOOL_EXPLAIN_H

/* Where the error came: one errno means different things there. */
enum explain_phase { PHASE_BIND, PHASE_CONNECT, PHASE_TRANSFER };

/* What err means in TCP terms at that phase, or NULL: nothing to add. */
const char *explain_errno(int err, enum explain_phase phase);

#endif
