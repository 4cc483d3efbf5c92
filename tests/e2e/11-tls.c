/*
 * 11-tls.c: the daemon's TLS profile (listen.c; harbourd.conf(5)
 * tls12): TLS 1.3 only by default; with tls12 = yes, TLS 1.2 too, but
 * only with ECDHE key exchange and AEAD ciphers. Then testssl.sh, when
 * installed, scans the daemon for anything it rates MEDIUM or worse.
 *
 * A refused handshake proves nothing by itself: the client library
 * might have refused to offer what the test asked for. So the client
 * here is configured to offer old versions and weak ciphers (security
 * level 0), and every refusal must be the server's alert: protocol
 * version for an old version, handshake failure for a cipher it does
 * not take. Each cipher case has an accepted twin on the same
 * certificate, so a refusal is the cipher's and not the certificate's:
 * RSA key exchange and DHE need an RSA certificate, which the test
 * makes (the development certificates are EC).
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(tls, .timeout = HX_TEST_TIMEOUT);

#define TESTSSL		"/usr/bin/testssl"
/* testssl.sh takes about 50 s against one port; past this it hangs. */
#define TESTSSL_MS	240000
#define TESTSSL_TIMEOUT	300
/* Whatever it calls the reports it found worth a look. */
static const char *const bad_severities[] = { "MEDIUM", "HIGH", "CRITICAL" };

/* Lets the client library offer anything, however old or weak. */
#define ANY_CIPHER	"ALL:@SECLEVEL=0"

static const char *
version_name(int v)
{
	switch (v) {
	case TLS1_VERSION:
		return "TLS 1.0";
	case TLS1_1_VERSION:
		return "TLS 1.1";
	case TLS1_2_VERSION:
		return "TLS 1.2";
	case TLS1_3_VERSION:
		return "TLS 1.3";
	}
	return "TLS ?";
}

/* A handshake at exactly version v (and cipher, for TLS 1.2). */
static struct hx_conn *
probe(struct hx_daemon *d, int v, const char *cipher, struct hx_try *t)
{
	struct hx_tls_opts	o = { 0 };

	o.min_version = v;
	o.max_version = v;
	o.ciphers = cipher != NULL ? cipher : ANY_CIPHER;
	return hx_try_connect(d, &o, t);
}

static void
accepted(struct hx_daemon *d, int v, const char *cipher)
{
	struct hx_try	 t;
	struct hx_conn	*c = probe(d, v, cipher, &t);

	cr_assert_not_null(c, "%s %s refused: %s", version_name(v),
	    cipher ? cipher : "", t.why);
	cr_assert_eq(hx_conn_version(c), v, "negotiated %x, not %s",
	    hx_conn_version(c), version_name(v));
	if (cipher != NULL)
		cr_assert_str_eq(hx_conn_cipher(c), cipher);
	/* A real session, not only a handshake. */
	hx_ok(c, "ping", NULL);
	hx_close(c);
}

/* Refused by the server with the alert whose OpenSSL reason is given. */
static void
refused(struct hx_daemon *d, int v, const char *cipher, int reason,
    const char *alert)
{
	struct hx_try	 t;
	struct hx_conn	*c = probe(d, v, cipher, &t);

	cr_assert_null(c, "%s %s accepted (cipher %s)", version_name(v),
	    cipher ? cipher : "", c ? hx_conn_cipher(c) : "");
	cr_assert(!t.handshake, "%s %s: the handshake completed (%s)",
	    version_name(v), cipher ? cipher : "", t.why);
	cr_assert_eq(t.reason, reason, "%s %s: refused, but not with the "
	    "server's %s alert: %s", version_name(v), cipher ? cipher : "",
	    alert, t.why);
}

#define PROTOCOL_VERSION_ALERT \
	SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, "protocol_version"
#define HANDSHAKE_FAILURE_ALERT \
	SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, "handshake_failure"

Test(tls, only_tls13_by_default)
{
	struct hx_daemon	*d = hx_start(NULL);

	refused(d, TLS1_VERSION, NULL, PROTOCOL_VERSION_ALERT);
	refused(d, TLS1_1_VERSION, NULL, PROTOCOL_VERSION_ALERT);
	refused(d, TLS1_2_VERSION, NULL, PROTOCOL_VERSION_ALERT);
	accepted(d, TLS1_3_VERSION, NULL);
	hx_stop(d);
}

Test(tls, tls12_ecdhe_aead_only)
{
	struct hx_daemon	*d = hx_start("tls12 = yes");

	refused(d, TLS1_VERSION, NULL, PROTOCOL_VERSION_ALERT);
	refused(d, TLS1_1_VERSION, NULL, PROTOCOL_VERSION_ALERT);
	accepted(d, TLS1_3_VERSION, NULL);
	accepted(d, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256");
	accepted(d, TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384");
	accepted(d, TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305");
	/* CBC, with ECDHE all the same. */
	refused(d, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA",
	    HANDSHAKE_FAILURE_ALERT);
	refused(d, TLS1_2_VERSION, "ECDHE-ECDSA-AES256-SHA",
	    HANDSHAKE_FAILURE_ALERT);
	refused(d, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA256",
	    HANDSHAKE_FAILURE_ALERT);
	refused(d, TLS1_2_VERSION, "ECDHE-ECDSA-AES256-SHA384",
	    HANDSHAKE_FAILURE_ALERT);
	hx_stop(d);
}

Test(tls, tls12_rsa_certificate_needs_ecdhe)
{
	const char		*dir = hx_tmpdir();
	struct hx_daemon	*d;

	hx_make_server_cert(dir, "rsa", "rsa");
	d = hx_start(hx_strf("tls12 = yes\ncert = %s/rsa.crt\n"
	    "key = %s/rsa.key", dir, dir));
	cr_assert_str_eq(hx_peer_fp(hx_connect(d)),
	    hx_cert_file_fp(hx_strf("%s/rsa.crt", dir)),
	    "the daemon does not serve the RSA certificate");
	accepted(d, TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256");
	accepted(d, TLS1_2_VERSION, "ECDHE-RSA-CHACHA20-POLY1305");
	/* RSA key exchange: no forward secrecy. */
	refused(d, TLS1_2_VERSION, "AES256-GCM-SHA384",
	    HANDSHAKE_FAILURE_ALERT);
	refused(d, TLS1_2_VERSION, "AES128-GCM-SHA256",
	    HANDSHAKE_FAILURE_ALERT);
	refused(d, TLS1_2_VERSION, "AES128-SHA", HANDSHAKE_FAILURE_ALERT);
	/* Finite-field DHE. */
	refused(d, TLS1_2_VERSION, "DHE-RSA-AES128-GCM-SHA256",
	    HANDSHAKE_FAILURE_ALERT);
	/* ECDHE, but CBC. */
	refused(d, TLS1_2_VERSION, "ECDHE-RSA-AES128-SHA",
	    HANDSHAKE_FAILURE_ALERT);
	refused(d, TLS1_2_VERSION, "ECDHE-RSA-AES256-SHA384",
	    HANDSHAKE_FAILURE_ALERT);
	hx_stop(d);
}

static int
is_bad_severity(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof bad_severities / sizeof bad_severities[0]; i++)
		if (strcmp(s, bad_severities[i]) == 0)
			return 1;
	return 0;
}

Test(tls, testssl_scan, .timeout = TESTSSL_TIMEOUT)
{
	struct hx_daemon	*d;
	const char		*dir, *json, *bad = "", *sev, *id;
	struct hx_run		 r;
	json_t			*all, *f;
	json_error_t		 err;
	size_t			 i;
	int			 tls13 = 0;

	if (access(TESTSSL, X_OK) != 0)
		cr_skip_test("testssl.sh is not installed: TLS scan not run");
	dir = hx_tmpdir();
	json = hx_strf("%s/testssl.json", dir);
	d = hx_start(NULL);
	/* Its exit status counts findings of every kind: not a verdict. */
	r = hx_runv_timeout((const char *const[]){ TESTSSL, "--quiet",
	    "--color", "0", "--warnings", "off", "--add-ca",
	    hx_strf("%s/ca.crt", getenv("HARBOUR_CERTS")), "--jsonfile", json,
	    hx_strf("127.0.0.1:%d", hx_port(d)), NULL }, TESTSSL_MS);
	all = hx_keep(json_load_file(json, 0, &err));
	cr_assert(json_is_array(all), "testssl.sh (exit %d) left no JSON "
	    "findings in %s (%s); its output:\n%s\n%s", r.status, json,
	    err.text, r.out, r.err);
	json_array_foreach(all, i, f) {
		sev = hx_str(f, "severity");
		id = hx_str(f, "id");
		/* FATAL: the scan itself failed, so it proved nothing. */
		if (is_bad_severity(sev) || strcmp(sev, "FATAL") == 0)
			bad = hx_strf("%s\n  %s %s: %s", bad, sev, id,
			    hx_str(f, "finding"));
		if (strcmp(id, "TLS1_3") == 0 && strstr(hx_str(f, "finding"),
		    "offered") != NULL && strstr(hx_str(f, "finding"),
		    "not offered") == NULL)
			tls13 = 1;
	}
	cr_assert(*bad == '\0', "testssl.sh rates these MEDIUM or worse:%s",
	    bad);
	/* Not a scan of nothing: it saw TLS 1.3 on that port. */
	cr_assert(tls13, "testssl.sh did not find TLS 1.3 offered (%zu "
	    "findings); output:\n%s", json_array_size(all), r.out);
	hx_stop(d);
}
