/*
 * --ladder: one connection drawn as a textbook ladder diagram within 80
 * columns: a time, our state or system call, our rail, an arrow per
 * segment, the peer's rail and the peer's state.  Each side's state is
 * inferred from the segments (a small TCP state machine per side) and
 * checked against the states the kernel reported.  Long runs of data and
 * ACKs fold into one line.  Pure: the caller hands over segments, calls
 * and samples in time order and prints the lines it gets back.
 */
#ifndef TCPTOOL_LADDER_H
#define TCPTOOL_LADDER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/textbuf.h"
#include "net/segment.h"
#include "view/trace_format.h"

enum ladder_side { LADDER_US, LADDER_PEER };

/* The widest line a ladder writes, in display columns (a box character counts as one). */
#define LADDER_COLUMNS 80

/* Room for one line: 80 columns of up to 3 bytes (box characters), a newline, a NUL. */
#define LADDER_LINE_MAX (LADDER_COLUMNS * 3 + 2)

/* What the ladder knows of one side; private to ladder.c. */
struct ladder_end {
	struct seg_end end;
	int state;              /* inferred, net/tcp_state.h numbering; 0: nothing known yet */
	unsigned visited;       /* TCP_STATE_BIT of every state it has been in */
	unsigned sampled;       /* states the kernel reported that no row has used yet */
	bool heard_syn;         /* it has received the other end's SYN */
	bool heard_fin;         /* it has received the other end's FIN */
	unsigned row_entered;   /* states entered while the current row is worked out */
	bool syn_had_ack;       /* its own SYN was a SYN-ACK */
	bool have_sample;
	int last_sample;        /* the kernel's latest word on it, and when */
	int64_t last_sample_ns;
};

/* One line being laid out: a string per column, each one display column wide. */
struct ladder_row {
	char cell[LADDER_COLUMNS][4];
};

/* A ladder being drawn; fields are private to ladder.c (ladder_init sets them). */
struct ladder {
	struct ladder_end us, peer;
	struct trace_conn conn;   /* relative numbers, retransmissions, FINs: --trace's bookkeeping */
	bool ascii;
	bool kernel_states;       /* ladder_state() will be called: unconfirmed states are marked '*' */
	int verbose;              /* > 0: no folding */
	char last_time[16];       /* the time on the latest line, not repeated on the next */
	/* The run of data and ACKs being folded: rows shown, then at most one held back. */
	int run_shown;
	bool held;
	bool held_data;
	uint32_t held_len;
	char held_line[LADDER_LINE_MAX];
	int64_t held_ns;
	/* The first row folded: drawn as it was when it is the only one. */
	char single_line[LADDER_LINE_MAX];
	int64_t single_ns;
	uint64_t fold_data, fold_bytes, fold_acks;
	/* A FIN's row waits for what comes next to tell whether its receiver got it. */
	bool fin_held;
	struct ladder_row fin_row;
	int64_t fin_ns;
};

/*
 * Starts a ladder between us (the left rail) and peer (the right rail).
 * ascii: '|' '-' '>' '<' instead of box drawing.  kernel_states: the caller
 * will report the kernel's states with ladder_state() (a live trace); false
 * when every state is inferred (a capture file).  verbose > 0: every
 * segment is drawn, none folded.
 */
void ladder_init(struct ladder *l, const struct seg_end *us, const struct seg_end *peer, bool ascii,
		 bool kernel_states, int verbose);

/*
 * Each call below APPENDS zero or more complete lines, each ended by '\n',
 * to out.  Lines are at most LADDER_COLUMNS display columns wide.
 */

/* A legend, then the two ends' names over their rails and the columns' heads. */
void ladder_header(struct ladder *l, struct textbuf *out);

/* The header without its legend: the next ladder of a run that drew one already. */
void ladder_names(struct ladder *l, struct textbuf *out);

/*
 * Segment s at t_ns (ns since the trace's start): from us when s->src is
 * us and s->dst the peer, from the peer the other way; a segment between
 * other ends is ignored.  A run of data and ACKs may be held back, and a
 * FIN's row until the next segment, call, state or the finish: what comes
 * next tells whether its receiver got it, so that the receiver's new state
 * (CLOSE_WAIT...) is drawn on the FIN's row.
 */
void ladder_segment(struct ladder *l, const struct tcp_segment *s, int64_t t_ns, struct textbuf *out);

/*
 * One of our system calls at t_ns, in our column: "connect()", "accept()",
 * "write 5 B", "close() RST" ...  Up to 14 columns; a longer one is written
 * between the rails instead.  Control bytes become '?'.
 */
void ladder_call(struct ladder *l, int64_t t_ns, const char *call, struct textbuf *out);

/*
 * A state the kernel reported for that side at t_ns (TCP_INFO or
 * sock_diag; net/tcp_state.h numbering, TCP_NEW_SYN_RECV counts as
 * SYN_RECV).  It confirms the inference's next row in that state, or gets
 * a row of its own when the inference cannot reach it.
 */
void ladder_state(struct ladder *l, enum ladder_side side, int tcp_state, int64_t t_ns, struct textbuf *out);

/* Whether rows are held back (a FIN's, a folded run's) that ladder_flush would write. */
bool ladder_holding(const struct ladder *l);

/* Writes the rows held back, before a line from elsewhere (another event) comes between. */
void ladder_flush(struct ladder *l, struct textbuf *out);

/*
 * How an event line starts among the ladder's rows: its time in the time
 * column, then the text where our column starts.  Returns buf.
 */
char *ladder_stamp(int64_t t_ns, char *buf, size_t size);

/* Ends the ladder: the held-back rows of a run, then each side's last sampled state if no row showed it. */
void ladder_finish(struct ladder *l, struct textbuf *out);

#endif
