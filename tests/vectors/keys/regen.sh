#!/bin/sh
# Regenerates the key-policy vectors with the OpenSSL CLI (3.0+) only, plus
# POSIX tools (dd, head, grep) to damage files on purpose.
#
#   tests/vectors/keys/regen.sh
#
# Private keys are made in a temporary directory and deleted: no test needs
# them. File names are fixed; key material changes on every run, but every
# expectation in index.json depends only on the key type, size, exponent,
# signature algorithm and the fixed certificate dates, so index.json stays
# valid. Certificates are self-signed with `openssl ca -selfsign` because it
# takes explicit -startdate/-enddate on OpenSSL 3.0 (`x509 -not_before`
# arrived in 3.4).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -f "$out"/*.pem "$out"/*.der "$out"/*.bin

# --- a throw-away CA database for `openssl ca -selfsign` --------------------
mkdir -p "$tmp/ca/newcerts"
: > "$tmp/ca/index.txt"
echo 1000 > "$tmp/ca/serial"
cat > "$tmp/ca.cnf" <<CNF
[ ca ]
default_ca = signet_test
[ signet_test ]
dir = $tmp/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = default
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
x509_extensions = cs_ext
[ policy_any ]
commonName = supplied
organizationName = optional
[ cs_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = Signet Test Key
O = Signet Tests
CNF

key() { # name, genpkey args...
    name=$1; shift
    openssl genpkey -quiet "$@" -out "$tmp/$name.key"
}

csr() { # name, key name, extra req args...
    name=$1; k=$2; shift 2
    openssl req -new -config "$tmp/ca.cnf" -key "$tmp/$k.key" "$@" -out "$out/$name.csr.pem"
    openssl req -in "$out/$name.csr.pem" -outform DER -out "$out/$name.csr.der"
}

cert() { # name, key name, startdate, enddate (YYYYMMDDHHMMSSZ)
    name=$1; k=$2
    openssl req -new -config "$tmp/ca.cnf" -key "$tmp/$k.key" -out "$tmp/$name.req.pem"
    openssl ca -batch -notext -config "$tmp/ca.cnf" -selfsign -keyfile "$tmp/$k.key" \
        -in "$tmp/$name.req.pem" -startdate "$3" -enddate "$4" -out "$out/$name.cert.pem" 2>/dev/null
    openssl x509 -in "$out/$name.cert.pem" -outform DER -out "$out/$name.cert.der"
}

spki() { # name, key name
    openssl pkey -in "$tmp/$2.key" -pubout -out "$out/$1.spki.pem"
    openssl pkey -in "$tmp/$2.key" -pubout -outform DER -out "$out/$1.spki.der"
}

# --- keys --------------------------------------------------------------------
key rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key rsa3072 -algorithm RSA -pkeyopt rsa_keygen_bits:3072
key rsa4096 -algorithm RSA -pkeyopt rsa_keygen_bits:4096
key rsa3072-e3 -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -pkeyopt rsa_keygen_pubexp:3
key p256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve
key p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -pkeyopt ec_param_enc:named_curve
key p521 -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -pkeyopt ec_param_enc:named_curve
key secp256k1 -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -pkeyopt ec_param_enc:named_curve
key ed25519 -algorithm ED25519

# --- CSRs ----------------------------------------------------------------------
for k in rsa2048 rsa3072 rsa4096 rsa3072-e3 p256 p384 p521 secp256k1; do
    csr "$k" "$k" -sha256
done
csr ed25519 ed25519
csr rsa3072-sha384 rsa3072 -sha384
csr rsa3072-sha512 rsa3072 -sha512
csr p384-sha384 p384 -sha384
csr p256-sha512 p256 -sha512
csr rsa3072-sha1 rsa3072 -sha1
csr p256-sha1 p256 -sha1
csr rsa3072-pss rsa3072 -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 \
    -sigopt rsa_mgf1_md:sha256
csr rsa4096-pss-sha384 rsa4096 -sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 \
    -sigopt rsa_mgf1_md:sha384

# Tampered: one byte of the subject (inside the signed CertificationRequestInfo)
# changes, "Signet Test Key" -> "Signet Tesu Key". The DER stays well formed.
cp "$out/rsa3072.csr.der" "$out/rsa3072-tampered.csr.der"
offset=$(grep -obUa "Signet Test Key" "$out/rsa3072-tampered.csr.der" | head -n1 | cut -d: -f1)
printf 'u' | dd of="$out/rsa3072-tampered.csr.der" bs=1 seek=$((offset + 10)) conv=notrunc 2>/dev/null
openssl base64 -in "$out/rsa3072-tampered.csr.der" \
    | { echo "-----BEGIN CERTIFICATE REQUEST-----"; cat; echo "-----END CERTIFICATE REQUEST-----"; } \
    > "$out/rsa3072-tampered.csr.pem"
cp "$out/p256.csr.der" "$out/p256-tampered.csr.der"
offset=$(grep -obUa "Signet Test Key" "$out/p256-tampered.csr.der" | head -n1 | cut -d: -f1)
printf 'u' | dd of="$out/p256-tampered.csr.der" bs=1 seek=$((offset + 10)) conv=notrunc 2>/dev/null

# Truncated: the first 200 bytes only.
head -c 200 "$out/rsa3072.csr.der" > "$out/rsa3072-truncated.csr.der"

# Trailing garbage: 8 bytes after the DER, and the same inside a PEM body.
{ cat "$out/rsa3072.csr.der"; printf 'GARBAGE!'; } > "$out/rsa3072-trailing.csr.der"
openssl base64 -in "$out/rsa3072-trailing.csr.der" \
    | { echo "-----BEGIN CERTIFICATE REQUEST-----"; cat; echo "-----END CERTIFICATE REQUEST-----"; } \
    > "$out/rsa3072-trailing.csr.pem"

# Not a CSR at all.
printf 'this is not a certificate signing request\n' > "$out/not-der.bin"

# --- certificates (fixed dates) -----------------------------------------------------
for k in rsa3072 rsa4096 rsa3072-e3 p256 p384 p521 secp256k1 ed25519; do
    cert "$k" "$k" 20240101000000Z 20270101000000Z
done
# RSA-2048 issued before 2021-06-01: usable for signing until it expires.
cert rsa2048-legacy rsa2048 20210115000000Z 20230115000000Z
# RSA-2048 issued on the last day of the old rule and on the first of the new one.
cert rsa2048-2021-05-31 rsa2048 20210531000000Z 20240531000000Z
cert rsa2048-2021-06-01 rsa2048 20210601000000Z 20240601000000Z
{ cat "$out/p256.cert.der"; printf '\000\000'; } > "$out/p256-trailing.cert.der"

# --- SubjectPublicKeyInfo --------------------------------------------------------------
for k in rsa2048 rsa3072 rsa3072-e3 p256 p384 p521 secp256k1 ed25519; do
    spki "$k" "$k"
done

echo "regenerated $(ls "$out" | grep -c -v -e regen.sh -e index.json) files in $out"
