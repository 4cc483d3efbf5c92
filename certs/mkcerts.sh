#!/bin/sh
#
# mkcerts.sh DIR: a development CA and the certificates Harbour's tests
# and `make run` use. Development only: the keys are unencrypted and the
# CA signs whatever this script asks it to.
#
# Design: everything is made in a scratch directory beside DIR and moved
# in at the end with ca.crt last, so a run that fails half-way never
# leaves a DIR that looks complete; ca.crt present means "done" and a
# second run does nothing (the Makefile uses ca.crt as its target). The
# CA is an `openssl ca` directory (ca.cnf, index.txt, crlnumber) rather
# than bare `openssl x509 -req` signing, because revocation needs the
# issued-certificate database: a later certificate can be revoked with
#   cd DIR && openssl ca -config ca.cnf -revoke client-ana.crt &&
#   openssl ca -config ca.cnf -gencrl -out crl.pem
# Keys are EC P-256: small, fast, and what every TLS 1.3 stack supports.
# Quiet on success; on failure the openssl output is shown.

set -eu

if [ $# -ne 1 ]; then
	echo "usage: mkcerts.sh DIR" >&2
	exit 2
fi
dir=$1
if [ -e "$dir/ca.crt" ]; then
	exit 0
fi

# One name per line of the user list; each gets client-NAME.crt/.key.
users="ops ana ben"
org="Harbour development"
ca_days=3650
# 825 days: the longest validity Apple and browsers accept for a
# server certificate; the same for clients keeps the two in step.
leaf_days=825
# The CRL must outlive a development checkout or verification with CRL
# checking starts failing with "CRL has expired".
crl_days=825
crl_uri="http://localhost/harbour-ca.crl"

parent=$(dirname "$dir")
mkdir -p "$parent"
work=$(mktemp -d "$parent/.mkcerts.XXXXXX")
work=$(cd "$work" && pwd)	# absolute: the script cd's into it below
log="$work/openssl.log"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM
# Keys are created 0600 by the umask; certificates are chmod'ed to 0644.
umask 077

ossl()
{
	if ! openssl "$@" >>"$log" 2>&1; then
		echo "mkcerts.sh: openssl $1 failed:" >&2
		cat "$log" >&2
		exit 1
	fi
}

cat >"$work/ca.cnf" <<EOF
# The development CA's configuration; paths are relative to this
# directory, so run openssl ca from inside it.
[ ca ]
default_ca		= harbour_ca

[ harbour_ca ]
dir			= .
database		= \$dir/index.txt
new_certs_dir		= \$dir/issued
certificate		= \$dir/ca.crt
private_key		= \$dir/ca.key
crlnumber		= \$dir/crlnumber
rand_serial		= yes
default_md		= sha256
default_days		= $leaf_days
default_crl_days	= $crl_days
policy			= policy_any
copy_extensions		= none
unique_subject		= no
email_in_dn		= no

[ policy_any ]
organizationName	= optional
commonName		= supplied

[ req ]
distinguished_name	= req_dn
prompt			= no

[ req_dn ]
CN			= unused

[ ca_ext ]
basicConstraints	= critical, CA:TRUE, pathlen:0
keyUsage		= critical, keyCertSign, cRLSign
subjectKeyIdentifier	= hash
authorityKeyIdentifier	= keyid:always

[ server_ext ]
basicConstraints	= critical, CA:FALSE
keyUsage		= critical, digitalSignature
extendedKeyUsage	= serverAuth
subjectAltName		= DNS:localhost, IP:127.0.0.1
crlDistributionPoints	= URI:$crl_uri
subjectKeyIdentifier	= hash
authorityKeyIdentifier	= keyid, issuer

[ client_ext ]
basicConstraints	= critical, CA:FALSE
keyUsage		= critical, digitalSignature
extendedKeyUsage	= clientAuth
crlDistributionPoints	= URI:$crl_uri
subjectKeyIdentifier	= hash
authorityKeyIdentifier	= keyid, issuer

[ crl_ext ]
authorityKeyIdentifier	= keyid:always
EOF

cd "$work"
mkdir issued
: >index.txt
echo "unique_subject = no" >index.txt.attr
echo 1000 >crlnumber

ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
ossl req -config ca.cnf -new -x509 -key ca.key -sha256 -days "$ca_days" \
    -subj "/O=$org/CN=Harbour development CA" -extensions ca_ext \
    -out ca.crt

# leaf NAME CN EXTENSIONS: NAME.key and NAME.crt signed by the CA.
leaf()
{
	ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1.key"
	ossl req -config ca.cnf -new -key "$1.key" -subj "/O=$org/CN=$2" \
	    -out "$1.csr"
	ossl ca -config ca.cnf -batch -notext -extensions "$3" \
	    -in "$1.csr" -out "$1.crt"
	rm -f "$1.csr"
}

leaf server localhost server_ext
for u in $users; do
	leaf "client-$u" "$u" client_ext
done
ossl ca -config ca.cnf -gencrl -crlexts crl_ext -out crl.pem

# Sanity: the chain verifies for its purpose before anything is moved.
ossl verify -CAfile ca.crt -purpose sslserver server.crt
for u in $users; do
	ossl verify -CAfile ca.crt -purpose sslclient "client-$u.crt"
done

rm -f "$log" ./*.old
chmod 0644 ./*.crt crl.pem ca.cnf index.txt* crlnumber issued/*
chmod 0755 issued
chmod 0600 ./*.key
cd - >/dev/null

(umask 022 && mkdir -p "$dir")
for f in "$work"/*; do
	case $f in
	*/ca.crt) ;;
	*) rm -rf "${dir:?}/${f##*/}"; mv "$f" "$dir/" ;;
	esac
done
mv "$work/ca.crt" "$dir/ca.crt"
