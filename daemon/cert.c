/*
 * cert.c: issuing and revoking client certificates (harbourd cert).
 *
 * A client certificate is an alternative to a password for an account
 * the operator chose to bind: an EC P-256 key, CN = the user name,
 * clientAuth only, signed by the network's CA (ca_cert, ca_key), naming
 * the CA's CRL (crl_url) when one is published. The account is bound by
 * the certificate's SHA-256 fingerprint, so a certificate the CA never
 * issued through this command logs nobody in, even if the CA signed it.
 *
 * Revocation marks the binding revoked (the daemon refuses it at once)
 * and rewrites the CRL file from every revoked serial in the database,
 * so that after a reload the TLS layer refuses the certificate too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "config.h"
#include "store.h"
#include "util.h"

#define CERT_SERIAL_BYTES	16

struct cert_ca {
	X509		*cert;
	EVP_PKEY	*key;
};

static int
cert_fail(char **cause, const char *what, const char *path)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	xasprintf(cause, "%s%s%s: %s", what, path ? " " : "", path ? path : "",
	    e ? buf : "failed");
	return -1;
}

static int
cert_ca_load(const struct config *cf, struct cert_ca *ca, char **cause)
{
	FILE *f;

	memset(ca, 0, sizeof *ca);
	if (cf->ca_cert[0] == '\0' || cf->ca_key[0] == '\0') {
		xasprintf(cause, "set ca_cert and ca_key in the configuration");
		return -1;
	}
	if ((f = fopen(cf->ca_cert, "r")) == NULL)
		return cert_fail(cause, "cannot open CA certificate", cf->ca_cert);
	ca->cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (ca->cert == NULL)
		return cert_fail(cause, "cannot read CA certificate", cf->ca_cert);
	if ((f = fopen(cf->ca_key, "r")) == NULL)
		return cert_fail(cause, "cannot open CA key", cf->ca_key);
	ca->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (ca->key == NULL || X509_check_private_key(ca->cert, ca->key) != 1)
		return cert_fail(cause, "CA key does not match", cf->ca_key);
	return 0;
}

static void
cert_ca_free(struct cert_ca *ca)
{
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
}

static int
cert_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* A positive random serial, 128 bits, as RFC 5280 recommends. */
static int
cert_serial(X509 *x)
{
	unsigned char raw[CERT_SERIAL_BYTES];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(raw, sizeof raw) != 1)
		return -1;
	raw[0] &= 0x7f;
	raw[0] |= 0x40;
	bn = BN_bin2bn(raw, sizeof raw, NULL);
	ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	return ok ? 0 : -1;
}

static X509 *
cert_build(const struct config *cf, struct cert_ca *ca, EVP_PKEY *key,
    const char *user, int days)
{
	X509 *x = X509_new();
	X509_NAME *name;
	char crl[CONFIG_PATH_MAX + 8];

	if (x == NULL || X509_set_version(x, 2) != 1 || cert_serial(x) != 0)
		goto fail;
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
	    (const unsigned char *)"Harbour", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)user, -1, -1, 0);
	if (X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -300) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL) == NULL ||
	    X509_set_pubkey(x, key) != 1)
		goto fail;
	if (cert_add_ext(x, ca->cert, NID_basic_constraints,
	    "critical,CA:FALSE") != 0 ||
	    cert_add_ext(x, ca->cert, NID_key_usage,
	    "critical,digitalSignature") != 0 ||
	    cert_add_ext(x, ca->cert, NID_ext_key_usage, "clientAuth") != 0 ||
	    cert_add_ext(x, ca->cert, NID_subject_key_identifier, "hash") != 0 ||
	    cert_add_ext(x, ca->cert, NID_authority_key_identifier,
	    "keyid:always") != 0)
		goto fail;
	if (cf->crl_url[0] != '\0') {
		snprintf(crl, sizeof crl, "URI:%s", cf->crl_url);
		if (cert_add_ext(x, ca->cert, NID_crl_distribution_points,
		    crl) != 0)
			goto fail;
	}
	if (X509_sign(x, ca->key, EVP_sha256()) <= 0)
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

static int
cert_write(const char *path, mode_t mode, X509 *x, EVP_PKEY *key)
{
	FILE *f;
	int fd, ok;

	/* Never overwrite: an existing key may be someone's only copy. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) < 0)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	ok = x != NULL ? PEM_write_X509(f, x) :
	    PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	return (fclose(f) == 0 && ok == 1) ? 0 : -1;
}

static int
cert_fingerprint(X509 *x, uint8_t *fp, char *serial, size_t len)
{
	unsigned int n = STORE_HASH_LEN;
	BIGNUM *bn;
	char *hex;

	if (X509_digest(x, EVP_sha256(), fp, &n) != 1)
		return -1;
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) == NULL)
		return -1;
	hex = BN_bn2hex(bn);
	BN_free(bn);
	if (hex == NULL)
		return -1;
	strlcpy_h(serial, hex, len);
	OPENSSL_free(hex);
	return 0;
}

int
cert_issue(const struct config *cf, struct store *st, const char *user,
    int days, const char *outdir, char **cause)
{
	struct cert_ca ca;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	uint8_t fp[STORE_HASH_LEN];
	char serial[80], *crt = NULL, *keyp = NULL;
	int rc = -1, r;

	if (cert_ca_load(cf, &ca, cause) != 0)
		goto out;
	if ((key = EVP_EC_gen("P-256")) == NULL ||
	    (x = cert_build(cf, &ca, key, user, days)) == NULL ||
	    cert_fingerprint(x, fp, serial, sizeof serial) != 0) {
		cert_fail(cause, "cannot make the certificate", NULL);
		goto out;
	}
	xasprintf(&crt, "%s/%s.crt", outdir, user);
	xasprintf(&keyp, "%s/%s.key", outdir, user);
	if (access(crt, F_OK) == 0 || access(keyp, F_OK) == 0) {
		xasprintf(cause, "%s or %s exists; move it away first", crt,
		    keyp);
		goto out;
	}
	r = store_cert_bind(st, user, fp, serial,
	    (int64_t)time(NULL) + (int64_t)days * 86400, (int64_t)time(NULL));
	if (r != STORE_OK) {
		xasprintf(cause, r == STORE_NOTFOUND ? "no account named %s" :
		    "cannot bind the certificate to %s", user);
		goto out;
	}
	if (cert_write(keyp, 0600, NULL, key) != 0 ||
	    cert_write(crt, 0644, x, NULL) != 0) {
		xasprintf(cause, "cannot write %s and %s", crt, keyp);
		goto out;
	}
	log_info("issued certificate %s for %s, valid %d days", serial, user,
	    days);
	printf("%s\n%s\n", crt, keyp);
	rc = 0;
out:
	free(crt);
	free(keyp);
	X509_free(x);
	EVP_PKEY_free(key);
	cert_ca_free(&ca);
	return rc;
}

static int
cert_crl_add(void *arg, const char *serial, int64_t revoked_at)
{
	X509_CRL *crl = arg;
	X509_REVOKED *r = X509_REVOKED_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *sn = NULL;
	ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)revoked_at);
	int ok = 0;

	if (r != NULL && t != NULL && BN_hex2bn(&bn, serial) > 0 &&
	    (sn = BN_to_ASN1_INTEGER(bn, NULL)) != NULL &&
	    X509_REVOKED_set_serialNumber(r, sn) == 1 &&
	    X509_REVOKED_set_revocationDate(r, t) == 1 &&
	    X509_CRL_add0_revoked(crl, r) == 1) {
		ok = 1;
		r = NULL;
	}
	X509_REVOKED_free(r);
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(t);
	BN_free(bn);
	return ok ? 0 : 1;
}

/* The CRL from every revoked serial in the database, written next to
 * the old one and renamed over it, so a reader never sees half. */
static int
cert_write_crl(const struct config *cf, struct cert_ca *ca, struct store *st,
    char **cause)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *last = X509_gmtime_adj(NULL, 0);
	ASN1_TIME *next = X509_gmtime_adj(NULL, CERT_CRL_DAYS * 86400L);
	char *tmp = NULL;
	FILE *f;
	int rc = -1;

	if (crl == NULL || last == NULL || next == NULL ||
	    X509_CRL_set_version(crl, 1) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)) != 1 ||
	    X509_CRL_set1_lastUpdate(crl, last) != 1 ||
	    X509_CRL_set1_nextUpdate(crl, next) != 1)
		goto fail;
	if (store_cert_revoked(st, cert_crl_add, crl) != STORE_OK)
		goto fail;
	X509_CRL_sort(crl);
	if (X509_CRL_sign(crl, ca->key, EVP_sha256()) <= 0)
		goto fail;
	xasprintf(&tmp, "%s.tmp", cf->crl);
	if ((f = fopen(tmp, "w")) == NULL)
		goto fail;
	if (PEM_write_X509_CRL(f, crl) != 1 || fclose(f) != 0 ||
	    rename(tmp, cf->crl) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	cert_fail(cause, "cannot write the CRL", cf->crl);
out:
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	X509_CRL_free(crl);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	return rc;
}

int
cert_crl_fresh(const struct config *cf, char **cause)
{
	X509_CRL *crl;
	const ASN1_TIME *next;
	FILE *f;
	int rc = 0;

	if (cf->crl[0] == '\0' || cf->ca_cert[0] == '\0')
		return 0;
	if ((f = fopen(cf->crl, "r")) == NULL) {
		xasprintf(cause, "crl %s: %s", cf->crl, strerror(errno));
		return -1;
	}
	crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
	fclose(f);
	if (crl == NULL)
		return cert_fail(cause, "cannot read the CRL", cf->crl);
	next = X509_CRL_get0_nextUpdate(crl);
	if (next != NULL && X509_cmp_current_time(next) <= 0) {
		xasprintf(cause, "crl %s is stale, so every client certificate "
		    "is refused: run harbourd cert crl, then reload", cf->crl);
		rc = -1;
	}
	X509_CRL_free(crl);
	return rc;
}

int
cert_revoke(const struct config *cf, struct store *st, const char *user,
    int *count, char **cause)
{
	struct cert_ca ca;
	int rc = -1;

	if (cf->crl[0] == '\0') {
		xasprintf(cause, "set crl in the configuration");
		return -1;
	}
	if (cert_ca_load(cf, &ca, cause) != 0)
		goto out;
	*count = 0;
	if (user != NULL && store_cert_revoke(st, user, (int64_t)time(NULL),
	    count) != STORE_OK) {
		xasprintf(cause, "cannot revoke the certificates of %s", user);
		goto out;
	}
	if (cert_write_crl(cf, &ca, st, cause) != 0)
		goto out;
	if (user != NULL)
		log_info("revoked %d certificate(s) of %s; CRL %s rewritten",
		    *count, user, cf->crl);
	else
		log_info("CRL %s rewritten, valid %d days", cf->crl,
		    CERT_CRL_DAYS);
	rc = 0;
out:
	cert_ca_free(&ca);
	return rc;
}
