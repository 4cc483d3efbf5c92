/*
 * loadgen-mqtt.c: the MQTT 3.1.1 driver, the reference side of the
 * bench (Mosquitto). Just the packets the workloads need: CONNECT,
 * CONNACK, SUBSCRIBE, SUBACK, PUBLISH at QoS 0 or 1, PUBACK, and
 * PINGRESP should the broker send one.
 *
 * The mapping onto the Harbour workloads: a channel is the topic
 * "bench/peer"; subscribers subscribe at --qos; the publisher publishes
 * at --qos and a post is acknowledged by its PUBACK (QoS 1; Mosquitto
 * runs without persistence, so unlike Harbour's this acknowledgement
 * is not a disk commit). Clients are anonymous, except the login burst,
 * whose CONNECTs carry the user name and password that run.sh put in
 * Mosquitto's password file. A reconnect storm resumes sessions: the
 * same client ids with clean_session = 0.
 *
 * The decoder waits for a whole packet, refuses a remaining length
 * beyond what the bench can be sent, and never trusts a length field
 * to stay inside the packet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"

#define MQ_TOPIC	"bench/peer"
/* Seconds; longer than any run, so no PINGREQ is ever due. */
#define MQ_KEEPALIVE	600
/* The biggest packet we accept: a post is ~220 bytes. */
#define MQ_MAX_PACKET	65536
#define MQ_PIDS		65536

enum mq_type {
	MQ_CONNECT = 1, MQ_CONNACK, MQ_PUBLISH, MQ_PUBACK, MQ_PUBREC,
	MQ_PUBREL, MQ_PUBCOMP, MQ_SUBSCRIBE, MQ_SUBACK, MQ_UNSUBSCRIBE,
	MQ_UNSUBACK, MQ_PINGREQ, MQ_PINGRESP, MQ_DISCONNECT
};

enum mq_step { MQ_CONNECTING, MQ_SUBSCRIBING, MQ_WAIT_LOGIN, MQ_READY };

/* PUBACKs owed for one pass over a connection's input. */
#define MQ_ACKS_MAX	1024

struct mq {
	uint64_t	 seq_of[MQ_PIDS];	/* publisher: packet id -> seq */
	uint8_t		 pkt[MQ_MAX_PACKET];
	uint8_t		 acks[MQ_ACKS_MAX * 4];
	size_t		 nacks;
};

/* Remaining length, MQTT's base-128 varint; returns the bytes used. */
static size_t
mq_put_len(uint8_t *out, size_t len)
{
	size_t n = 0;

	do {
		uint8_t b = len % 128;

		len /= 128;
		out[n++] = len > 0 ? (uint8_t)(b | 0x80) : b;
	} while (len > 0);
	return n;
}

static size_t
mq_put_str(uint8_t *out, const char *s)
{
	size_t len = strlen(s);

	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	memcpy(out + 2, s, len);
	return len + 2;
}

/* A packet from its first byte and its variable part. */
static void
mq_send(struct lg_peer *p, uint8_t first, const uint8_t *body, size_t len,
    int record)
{
	uint8_t pkt[512];
	size_t n = 0;

	if (len + 5 > sizeof pkt)
		abort();
	pkt[n++] = first;
	n += mq_put_len(pkt + n, len);
	memcpy(pkt + n, body, len);
	if (record)
		lg_send_record(p, pkt, n + len);
	else
		lg_send(p, pkt, n + len);
}

static void
mq_connect(struct lg_peer *p, const char *user, const char *pass, int clean)
{
	uint8_t body[256];
	char id[32];
	size_t n = 0;
	uint8_t flags = clean ? 0x02 : 0;

	if (user != NULL)
		flags |= 0x80 | 0x40;
	if (p->kind == LG_PUB)
		snprintf(id, sizeof id, "lg-pub");
	else
		snprintf(id, sizeof id, "lg-%d-%d", (int)p->kind, p->idx);
	n += mq_put_str(body + n, "MQTT");
	body[n++] = 4;				/* 3.1.1 */
	body[n++] = flags;
	body[n++] = MQ_KEEPALIVE >> 8;
	body[n++] = MQ_KEEPALIVE & 0xff;
	n += mq_put_str(body + n, id);
	if (user != NULL) {
		n += mq_put_str(body + n, user);
		n += mq_put_str(body + n, pass);
	}
	p->step = MQ_CONNECTING;
	mq_send(p, MQ_CONNECT << 4, body, n, 0);
}

static uint16_t
mq_next_pid(struct lg_peer *p)
{
	if (++p->pkt_id == 0)
		p->pkt_id = 1;
	return p->pkt_id;
}

static void
mq_subscribe(struct lg_peer *p)
{
	uint8_t body[64];
	uint16_t pid = mq_next_pid(p);
	size_t n = 0;

	body[n++] = (uint8_t)(pid >> 8);
	body[n++] = (uint8_t)pid;
	n += mq_put_str(body + n, MQ_TOPIC);
	body[n++] = (uint8_t)p->lg->o.qos;
	p->step = MQ_SUBSCRIBING;
	mq_send(p, (MQ_SUBSCRIBE << 4) | 0x02, body, n, 0);
}

static void
mq_setup(struct lg *lg)
{
	struct mq *mq;

	/* No MQTT broker has inboxes, tags to follow or working hours:
	 * nothing to compare that row with. */
	if (strcmp(lg->o.mode, "announce") == 0) {
		fprintf(stderr, "loadgen: --mode announce is Harbour only: "
		    "MQTT has no inbox, no tags to follow and no working "
		    "hours\n");
		exit(64);
	}
	if ((mq = calloc(1, sizeof *mq)) == NULL)
		abort();
	lg->drv_data = mq;
	lg_open(lg, LG_PUB, -1, 0);
}

static void
mq_connected(struct lg_peer *p)
{
	if (p->kind == LG_LOGIN) {
		p->step = MQ_WAIT_LOGIN;
		lg_peer_ready(p);
		return;
	}
	mq_connect(p, NULL, NULL, p->kind != LG_STORM);
}

static void
mq_login(struct lg_peer *p)
{
	char user[32], pass[64];

	snprintf(user, sizeof user, "u%05d", p->idx);
	snprintf(pass, sizeof pass, "bench-password-%05d", p->idx);
	mq_connect(p, user, pass, 1);
}

static void
mq_connack(struct lg_peer *p, const uint8_t *b, size_t len)
{
	char why[64];

	if (len != 2 || b[1] != 0) {
		if (p->kind == LG_LOGIN && p->step == MQ_CONNECTING)
			return lg_login_done(p, 0);
		snprintf(why, sizeof why, "CONNACK refused: code %d",
		    len == 2 ? b[1] : -1);
		return lg_peer_failed(p, why);
	}
	p->session_present = b[0] & 1;
	if (p->kind == LG_SUB)
		return mq_subscribe(p);
	p->step = MQ_READY;
	if (p->kind == LG_PUB) {
		lg_peer_ready(p);
		return lg_setup_done(p->lg);
	}
	if (p->kind == LG_LOGIN)
		return lg_login_done(p, 1);
	lg_peer_ready(p);
}

/*
 * The PUBACKs for everything one read brought, in one write: as a
 * client library does, and so one TLS record rather than one per
 * delivery (which would cost both sides a record per message).
 */
static void
mq_flush_acks(struct lg_peer *p)
{
	struct mq *mq = p->lg->drv_data;

	if (mq->nacks > 0)
		lg_send(p, mq->acks, 4 * mq->nacks);
	mq->nacks = 0;
}

static int
mq_publish_in(struct lg_peer *p, uint8_t first, const uint8_t *b, size_t len)
{
	struct mq *mq = p->lg->drv_data;
	int qos = (first >> 1) & 3;
	size_t tlen, off;
	uint8_t *ack;

	if (len < 2 || qos > 1)
		return -1;
	tlen = (size_t)b[0] << 8 | b[1];
	off = 2 + tlen + (qos ? 2 : 0);
	if (off > len)
		return -1;
	if (qos) {
		ack = mq->acks + 4 * mq->nacks++;
		ack[0] = MQ_PUBACK << 4;
		ack[1] = 2;
		ack[2] = b[2 + tlen];
		ack[3] = b[3 + tlen];
		if (mq->nacks == MQ_ACKS_MAX)
			mq_flush_acks(p);
	}
	lg_delivered(p, (const char *)b + off, len - off);
	return 0;
}

static int
mq_packet(struct lg_peer *p, uint8_t first, const uint8_t *b, size_t len)
{
	struct mq *mq = p->lg->drv_data;
	uint16_t pid;

	switch (first >> 4) {
	case MQ_CONNACK:
		mq_connack(p, b, len);
		return 0;
	case MQ_SUBACK:
		if (len != 3 || b[2] == 0x80)
			return -1;
		p->step = MQ_READY;
		lg_peer_ready(p);
		return 0;
	case MQ_PUBLISH:
		return mq_publish_in(p, first, b, len);
	case MQ_PUBACK:
		if (len != 2 || p->kind != LG_PUB)
			return -1;
		pid = (uint16_t)(b[0] << 8 | b[1]);
		lg_acked(p->lg, mq->seq_of[pid], 1);
		return 0;
	case MQ_PINGRESP:
		return 0;
	}
	return -1;
}

static int
mq_input(struct lg_peer *p, struct evbuffer *in)
{
	struct mq *mq = p->lg->drv_data;
	uint8_t head[5];
	size_t have, len, i, mult;

	while (!p->failed && !p->slow) {
		have = evbuffer_copyout(in, head, sizeof head) < 0 ? 0 :
		    evbuffer_get_length(in);
		if (have < 2)
			break;
		len = 0;
		mult = 1;
		for (i = 1; i < sizeof head && i < have; i++) {
			len += (size_t)(head[i] & 0x7f) * mult;
			mult *= 128;
			if (!(head[i] & 0x80))
				break;
		}
		if (i == sizeof head)
			return -1;		/* a length of five bytes */
		if (i >= have)
			break;			/* the length is incomplete */
		if (len > MQ_MAX_PACKET)
			return -1;
		if (have < i + 1 + len)
			break;
		evbuffer_drain(in, i + 1);
		evbuffer_remove(in, mq->pkt, len);
		if (mq_packet(p, head[0], mq->pkt, len) != 0) {
			mq->nacks = 0;
			return -1;
		}
	}
	mq_flush_acks(p);
	return 0;
}

static void
mq_publish(struct lg_peer *p, uint64_t seq, const char *payload)
{
	struct mq *mq = p->lg->drv_data;
	uint8_t body[LG_PAYLOAD + 64];
	int qos = p->lg->o.qos;
	uint16_t pid = 0;
	size_t n = 0;

	n += mq_put_str(body, MQ_TOPIC);
	if (qos) {
		pid = mq_next_pid(p);
		mq->seq_of[pid] = seq;
		body[n++] = (uint8_t)(pid >> 8);
		body[n++] = (uint8_t)pid;
	}
	memcpy(body + n, payload, LG_PAYLOAD);
	n += LG_PAYLOAD;
	mq_send(p, (uint8_t)(MQ_PUBLISH << 4 | qos << 1), body, n, 1);
	if (!qos)
		lg_acked(p->lg, seq, 1);	/* nothing more will come */
}

const struct lg_driver lg_mqtt_driver = {
	.name = "mosquitto",
	.setup = mq_setup,
	.connected = mq_connected,
	.input = mq_input,
	.publish = mq_publish,
	.login = mq_login,
};
