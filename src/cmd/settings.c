/* What the commands hand the layers, made in one place from the command line. */
#include "cmd/settings.h"
#include "view/trace.h"

#include "cmd/interrupt.h"
#include "cmd/privileges.h"

struct dial_settings settings_dial(const struct options *o)
{
	return (struct dial_settings){
		.family = o->family, .timeout_ms = o->timeout_ms,
		.source_addr = o->source_addr, .source_port = o->source_port,
		.sockopts = settings_sockopts(o),
	};
}

const struct sockopt_list *settings_sockopts(const struct options *o)
{
	return o->sockopts.n ? &o->sockopts : NULL;
}

/* The servers bind inside server_run: once it listens, every capability goes. */
static bool server_event(void *ctx, const struct server_event *ev)
{
	struct server_report *view = ctx;

	if (ev->type == SERVER_LISTENING)
		privileges_setup_done(view->r);
	return server_report_event(ctx, ev);
}

struct server_config settings_server(const struct options *o, int port, size_t read_size,
				     struct server_report *view)
{
	return (struct server_config){
		.bind_addr = o->bind_addr, .port = port, .family = o->family, .backlog = o->backlog,
		.max_conns = o->max_conns > 0 ? o->max_conns : SERVER_MAX_CONNS_DEFAULT,
		.idle_timeout_ms = o->idle_timeout_ms,
		.read_size = read_size,
		.want_names = !o->quiet,  /* names only the events show */
		.tick_ms = o->quiet ? -1 : o->interval_ms,  /* -q shows no interval lines: no ticks */
		.on_event = server_event, .event_ctx = view,
		.sockopts = settings_sockopts(o),
	};
}

struct session_opts settings_session(const struct options *o)
{
	return (struct session_opts){
		/* A load ends with our FIN, and goes on if the peer's comes first. */
		.half_close = o->half_close || o->load_bytes || o->load_ms,
		.timeout_ms = o->timeout_ms,
		.send_text = o->send_text != NULL,
		.interval_ms = o->interval_ms > 0 ? o->interval_ms : 0,
		.send_rate = o->send_rate, .read_rate = o->read_rate,
		.progress = o->progress,
		.stop = &interrupt_signal,
		.measure = o->load_bytes || o->load_ms || o->discard || o->verify,
		.load = o->load_bytes || o->load_ms,
	};
}

bool settings_session_valid(const char *cmd_name, const struct options *o)
{
	bool load = o->load_bytes || o->load_ms;

	if (load && o->send_text) {
		usage_error(cmd_name, "%s: --load and --send exclude each other: both say what to send",
			    cmd_name);
		return false;
	}
	if (o->discard && o->verify) {
		usage_error(cmd_name, "%s: --verify checks what --discard drops unseen: use one of them",
			    cmd_name);
		return false;
	}
	if (o->progress > 0 && (o->json || o->quiet)) {
		usage_error(cmd_name, "%s: --progress does not go with %s", cmd_name,
			    o->json ? "--json" : "-q");
		return false;
	}
	return true;
}

int settings_relay_io(struct relay_io *io, const struct options *o)
{
	if (o->discard || o->verify)
		relay_io_discard(io, o->verify);
	if (o->load_bytes || o->load_ms)
		return relay_io_load(io, o->load_bytes, o->load_ms * 1000000);
	return 0;
}

int settings_trace_start(const struct options *o, struct report *r, struct trace **trace)
{
	struct trace_settings ts = {
		.segments = o->trace && !o->ladder,
		.ladder = o->ladder,
		.pcap_path = o->pcap_path,
	};

	*trace = NULL;
	int rc = o->trace || o->pcap_path ? trace_open(r, &ts, trace) : 0;
	privileges_capture_open(r);
	return rc;
}
