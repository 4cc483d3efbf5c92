/*
 * conn-out.c: a connection's output, gathered during a loop pass and
 * written at its end.
 *
 * Output is gathered per connection and handed to TLS once per loop
 * pass, as one block: TLS costs per record far more than per byte, and
 * every record is a write(2). A post fanned out to a hundred
 * subscribers in a batch of twenty thus costs a hundred records, not two
 * thousand. The flush event has the lowest priority, so it runs once
 * the loop has nothing else to do: when it would otherwise wait. Output
 * never waits longer than CONN_FLUSH_MAX_MS for it, though.
 *
 * The flush writes the block itself, with SSL_write, when nothing is
 * queued in the bufferevent before it. Handed to the bufferevent, the
 * bytes would wait for the next pass: libevent adds write interest
 * (an epoll_ctl), waits to hear the socket is writable (it always is),
 * writes, then drops the interest again (another epoll_ctl) — two
 * system calls per delivery and a whole pass of the loop, most of a
 * paced post's latency. Only a block that fits one TLS record is
 * written so: should the socket be full (SSL_write wants to write), the
 * same bytes go to the bufferevent, which retries the write OpenSSL
 * holds with a buffer that begins with them and is at least as long,
 * as OpenSSL requires; a longer block written in part could not be.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "conn.h"
#include "server.h"
#include "util.h"

/* Most a line may wait, gathered, while the loop is busy: well under
 * a person's notice, long enough to fill records under load. */
#define CONN_FLUSH_MAX_MS	5
/* The gathered-output buffer's first size: a few events. */
#define CONN_OUT_MIN		4096
/* The largest block written directly: one TLS record's plaintext. */
#define CONN_DIRECT_MAX		16384

void
conn_write(struct conn *c, const char *buf, size_t len)
{
	struct server *srv = c->srv;

	if (c->bev == NULL)
		return;
	if (c->outlen + len > c->outcap) {
		c->outcap = c->outlen + len > CONN_OUT_MIN ?
		    c->outlen + len : CONN_OUT_MIN;
		c->out = xrealloc(c->out, c->outcap);
	}
	memcpy(c->out + c->outlen, buf, len);
	c->outlen += len;
	if (!c->flush_queued) {
		if (srv->flush_list == NULL)
			srv->flush_first_ms = now_monotonic_ms();
		c->flush_queued = 1;
		conn_ref(c);
		c->flush_next = srv->flush_list;
		srv->flush_list = c;
		event_active(srv->flush_ev, EV_WRITE, 0);
	} else if (now_monotonic_ms() - srv->flush_first_ms >=
	    CONN_FLUSH_MAX_MS)
		conn_flush_all(srv);	/* a busy loop has starved the flush */
}

/* 1 when the block went to the socket whole, here and now. */
static int
conn_write_direct(struct conn *c)
{
	SSL	*ssl;

	if (c->outlen > CONN_DIRECT_MAX || c->state == CONN_HANDSHAKE ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) != 0)
		return 0;
	/* NULL on a plain bufferevent (the fuzzer's). A write that wanted
	 * to write last time is the bufferevent's to retry. */
	if ((ssl = bufferevent_openssl_get_ssl(c->bev)) == NULL ||
	    !SSL_is_init_finished(ssl) || SSL_want(ssl) == SSL_WRITING)
		return 0;
	ERR_clear_error();
	if (SSL_write(ssl, c->out, (int)c->outlen) == (int)c->outlen)
		return 1;
	/* Full, or failed: the bufferevent retries the same bytes, and
	 * reports a failure as its error event, as for any write. */
	ERR_clear_error();
	return 0;
}

void
conn_flush(struct conn *c)
{
	if (c->outlen > 0 && c->bev != NULL && !conn_write_direct(c))
		bufferevent_write(c->bev, c->out, c->outlen);
	/* An idle connection keeps no buffer: thousands of them sit idle,
	 * and malloc is cheap next to the write this pass just made. */
	c->outlen = 0;
	free(c->out);
	c->out = NULL;
	c->outcap = 0;
}

void
conn_flush_all(struct server *srv)
{
	struct conn *c;

	while ((c = srv->flush_list) != NULL) {
		srv->flush_list = c->flush_next;
		c->flush_queued = 0;
		conn_flush(c);
		/* Written directly, the output never passed through the
		 * bufferevent, whose write callback thus will not run. */
		conn_drained(c);
		conn_unref(c);
	}
}

size_t
conn_output_len(struct conn *c)
{
	if (c->bev == NULL)
		return 0;
	return c->outlen +
	    evbuffer_get_length(bufferevent_get_output(c->bev));
}
