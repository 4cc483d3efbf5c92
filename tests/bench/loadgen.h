/*
 * loadgen.h: the benchmark load generator, shared by its files.
 *
 * One process, one libevent loop, many TLS connections (OpenSSL
 * bufferevents). The core (loadgen.c) owns the connections, the clock,
 * the counters and the result line; a driver speaks one server's
 * protocol (loadgen-harbour.c: Harbour's JSON lines; loadgen-mqtt.c:
 * MQTT 3.1.1); a workload (loadgen-work.c, loadgen-conns.c,
 * loadgen-announce.c) decides who connects and when posts go out. Drivers never decide timing and
 * workloads never see bytes, so both servers face exactly the same
 * client behaviour.
 *
 * Every post carries its own send time (CLOCK_MONOTONIC) and sequence
 * number in a fixed-width text payload, so latency is measured end to
 * end inside this one process, and every subscriber checks order, loss
 * and duplicates by sequence number. (An announcement carries the same
 * payload as its title: loadgen-announce.c.)
 */
#ifndef HARBOUR_LOADGEN_H
#define HARBOUR_LOADGEN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/ssl.h>

/* Every post's payload: the size the issue names. */
#define LG_PAYLOAD	200
/* "lg t=<20 digits> s=<10 digits> " then padding. */
#define LG_PAYLOAD_HDR	"lg t="
/* The saturated window's bounds, from the issue: min(64, 6400/S), >= 4. */
#define LG_WINDOW_MAX	64
#define LG_WINDOW_MIN	4
#define LG_WINDOW_WORK	6400
/* Connections being set up at once outside a storm: below both
 * servers' listen backlogs, so setup never waits on a SYN retry. */
#define LG_CONNECT_CAP	128
/* The clock tick: pacing, sampling and deadlines. */
#define LG_TICK_US	1000
/* How often the server's RSS is sampled while posts flow. */
#define LG_SAMPLE_MS	10

enum lg_kind {
	LG_PUB,		/* the publisher (Harbour: the admin) */
	LG_SETUP,	/* registers one account, then goes */
	LG_SUB,		/* subscriber */
	LG_IDLE,	/* logs in, then does nothing */
	LG_LOGIN,	/* connected; logs in with a password when told */
	LG_STORM	/* resumes a session (token / clean_session=0) */
};

struct lg;

struct lg_peer {
	struct lg		*lg;
	struct bufferevent	*bev;
	enum lg_kind		 kind;
	int			 idx;		/* client number */
	int			 step;		/* the driver's state */
	int			 ready;		/* logged in (and subscribed) */
	int			 failed;
	int			 slow;		/* not reading */
	int			 connected;	/* TLS handshake done, once */
	int			 catching_up;
	int			 quiet;		/* announce: outside its hours */
	uint64_t		 t_open;	/* ns */
	uint64_t		 t_ready;
	/* Delivery checks: posts arrive in order, each once. */
	uint64_t		 next_seq;
	uint64_t		 got;		/* distinct posts */
	uint64_t		 dups;
	uint64_t		 skipped;
	uint8_t			*seen;		/* slow reader: per sequence */
	uint64_t		 leaked;	/* quiet: what it got anyway */
	uint64_t		 digest_items;	/* inbox items in digests */
	int64_t			 gap_after;	/* Harbour gap: -1 when none */
	int64_t			 req_id;	/* Harbour request ids */
	uint16_t		 pkt_id;	/* MQTT packet ids */
	int			 session_present;
	int			 rcvbuf;	/* 0: the kernel's default */
};

/* What one server's protocol must offer the workloads. */
struct lg_driver {
	const char	*name;
	/* Prepare the server (accounts, channel) and connect the
	 * publisher; calls lg_setup_done() when it may publish. */
	void		(*setup)(struct lg *);
	void		(*connected)(struct lg_peer *);	/* TLS is up */
	/* Bytes are waiting; 0, or -1 when the peer must be dropped. */
	int		(*input)(struct lg_peer *, struct evbuffer *);
	void		(*publish)(struct lg_peer *, uint64_t seq,
			    const char *payload);
	/* LG_LOGIN: log in now; lg_login_done() with the answer. */
	void		(*login)(struct lg_peer *);
};

extern const struct lg_driver lg_harbour_driver;
extern const struct lg_driver lg_mqtt_driver;

/* A log-linear latency histogram: 64 sub-buckets per power of two of
 * microseconds (under 1.6% error), up to 2^31 us. */
#define LG_HIST_SUB	64
#define LG_HIST_POW	32
struct lg_hist {
	uint64_t	 n;
	uint64_t	 max_us;
	uint64_t	 sum_us;
	uint64_t	 bucket[LG_HIST_POW * LG_HIST_SUB];
};

struct lg_opts {
	const char	*proto;
	const char	*mode;
	const char	*host;
	int		 port;
	const char	*ca;
	pid_t		 server_pid;
	int		 subs;		/* S */
	int		 posts;		/* M */
	int		 window;	/* 0: from S */
	int		 inflight;	/* pipelined posts */
	int		 rate;		/* paced deliveries/s */
	double		 duration;	/* paced seconds */
	int		 conns;		/* idle, storm: clients */
	int		 logins;	/* login burst */
	double		 burst_at;	/* seconds into the paced phase */
	int		 accounts;	/* Harbour accounts to register */
	int		 qos;		/* MQTT */
	const char	*invite;	/* Harbour admin invite */
	const char	*label;
	double		 timeout;	/* the whole run, seconds */
};

struct lg {
	struct lg_opts		 o;
	const struct lg_driver	*drv;
	void			*drv_data;
	struct event_base	*base;
	SSL_CTX			*ctx;
	struct event		*tick;
	struct event		*deadline;
	uint64_t		 t_start;

	struct lg_peer		*pub;
	struct lg_peer		**peers;	/* everyone but pub */
	int			 npeers, cap_peers;
	int			 connecting;	/* attempts in flight */
	struct lg_peer		**queue;	/* waiting for a slot */
	int			 qhead, qtail;
	int			 nready;
	int			 want_ready;
	void			(*all_ready)(struct lg *);
	int			 nopen_fail;

	/* Workload phase and its hooks. */
	const char		*phase;
	void			(*on_tick)(struct lg *);
	void			(*on_delivery)(struct lg *, struct lg_peer *,
				    uint64_t seq, uint64_t lat_ns);
	void			(*on_ack)(struct lg *, uint64_t seq, int ok);
	void			(*on_catchup)(struct lg *, struct lg_peer *);
	void			(*on_login)(struct lg *, struct lg_peer *,
				    int ok);
	void			*work;

	/* Publishing and delivery. */
	uint64_t		 sent;
	uint64_t		 acked, ack_errors;
	uint64_t		*send_ns;	/* per sequence */
	uint64_t		 deliveries;
	uint64_t		 t_first_pub, t_last_delivery, t_last_ack;
	struct lg_hist		 lat;		/* post -> delivery */
	struct lg_hist		 lat2;		/* a workload's second window */
	struct lg_hist		 ack_lat;	/* post -> acknowledgement */
	uint64_t		 gaps_seen;
	/* Announcements: inbox rows the server says it wrote (the sum of
	 * every reply's "notified"), replies whose count was not S, and
	 * digests (none are expected while the bench runs). */
	uint64_t		 inbox_rows;
	uint64_t		 notified_wrong;
	uint64_t		 leaked;
	uint64_t		 digests, digest_items;

	/* The verdict. */
	int			 failed;
	char			 why[256];
	int			 finished;
	void			(*finish_hook)(struct lg *);	/* instead */
	char			 cipher[64];
};

/* loadgen.c: the core. */
uint64_t	 lg_now(void);
double		 lg_secs(uint64_t ns);
void		 lg_fail(struct lg *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 lg_finish(struct lg *);
struct event_base *lg_base_new(void);
#define LG_OPEN_NOW	0x1	/* no queue: a storm */
#define LG_OPEN_SLOW	0x2	/* a slow reader: small buffer and MSS */
struct lg_peer	*lg_open(struct lg *, enum lg_kind, int idx, int flags);
void		 lg_close(struct lg_peer *);
void		 lg_expect_ready(struct lg *, int n, void (*)(struct lg *));
void		 lg_peer_ready(struct lg_peer *);
void		 lg_peer_failed(struct lg_peer *, const char *why);
void		 lg_setup_done(struct lg *);
void		 lg_send(struct lg_peer *, const void *, size_t);
void		 lg_send_record(struct lg_peer *, const void *, size_t);
void		 lg_delivered(struct lg_peer *, const char *payload, size_t);
void		 lg_acked(struct lg *, uint64_t seq, int ok);
void		 lg_gap(struct lg_peer *, int64_t after);
void		 lg_catch_up(struct lg_peer *);
void		 lg_catchup_done(struct lg_peer *);
void		 lg_login_done(struct lg_peer *, int ok);
void		 lg_publish(struct lg *, uint64_t seq, uint64_t ts);
void		 lg_pause(struct lg_peer *);
void		 lg_resume(struct lg_peer *);

/* loadgen-stats.c: histograms, /proc, the result line. */
void		 lg_hist_add(struct lg_hist *, uint64_t us);
double		 lg_hist_pct(const struct lg_hist *, double pct);
uint64_t	 lg_proc_cpu_us(pid_t);
long		 lg_proc_kib(pid_t, const char *field);
double		 lg_self_cpu_s(void);
void		 lg_result_begin(struct lg *);
void		 lg_result_num(const char *key, double v);
void		 lg_result_int(const char *key, long long v);
void		 lg_result_str(const char *key, const char *v);
void		 lg_result_hist(const char *key, const struct lg_hist *);
void		 lg_result_end(struct lg *);

/* loadgen-work.c and loadgen-conns.c: the workloads. */
int		 lg_work_start(struct lg *);
void		 lg_work_fanout(struct lg *);
void		 lg_work_pipeline(struct lg *);
void		 lg_work_paced(struct lg *);
void		 lg_work_slow(struct lg *);
void		 lg_work_idle(struct lg *);
void		 lg_work_storm(struct lg *);
void		 lg_work_announce(struct lg *);
/* loadgen-announce.c, for the driver: a reply's "notified", a digest. */
void		 lg_notified(struct lg *, uint64_t seq, int64_t n);
void		 lg_digest(struct lg_peer *, size_t items);
void		 lg_work_report_common(struct lg *);

/* loadgen-report.c: the table from result lines. */
int		 lg_report_main(int argc, char **argv);

#endif
