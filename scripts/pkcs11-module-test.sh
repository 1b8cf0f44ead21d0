#!/usr/bin/env bash
# The PKCS#11 module (libsignet_pkcs11.so) driven by real clients, with OpenSSL (and each
# tool's own verifier) checking every signature:
#   1. pkcs11-tool: slots, objects, mechanisms, ECDSA signatures (raw digest and SHA-256)
#   2. OpenSSL 3 through the pkcs11 engine: openssl dgst -sign and openssl cms -sign
#   3. osslsigncode: Authenticode on a PE file made by scripts/lib/make-pe.py
#   4. jarsigner through SunPKCS11
#   0. a C program (pkcs11/tests/c/test_module.c) under ASan+UBSan and under Valgrind
#   5. a budget of N: exactly N signatures from a series of tool runs, the next run fails
#      and writes nothing, `signet status` shows N used; a grant-gated key signs only for
#      its grantee, inside the grant's window and count
#   6. a state whose key is on a SoftHSM2 token, its PIN given only by each tool's C_Login
# Installs what it needs (idempotent, quick when present).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export ROOT
# shellcheck source=lib/deps.sh
source "$ROOT/scripts/lib/deps.sh"
ensure_apt opensc openssl libengine-pkcs11-openssl osslsigncode default-jdk-headless python3 softhsm2 \
    gcc valgrind pkg-config libp11-kit-dev

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
# The debug build: the one `scripts/test.sh rust` already made, so nothing builds twice.
cargo build -q -p signet-pkcs11 -p signet-cli
M="$TARGET/debug/libsignet_pkcs11.so"
SIGNET="$TARGET/debug/signet"
ENGINE=$(find /usr/lib -path '*engines-3/pkcs11.so' -print -quit)
test -n "$ENGINE" || { echo "pkcs11-module-test: OpenSSL's pkcs11 engine is missing" >&2; exit 1; }
export PKCS11_MODULE_PATH="$M"
URI="pkcs11:token=signet;object=signet;type=private"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
unset SIGNET_PKCS11_CONFIG SIGNET_PKCS11_LOG
export SIGNET_STATE="$W/state"
export SIGNET_PKCS11_LOG="$W/module.log"

fail() { echo "pkcs11-module-test: FAILED: $*" >&2; [ -f "$SIGNET_PKCS11_LOG" ] && tail -n 5 "$SIGNET_PKCS11_LOG" >&2; exit 1; }
used() { "$SIGNET" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["budget"]["used"])'; }
expect_used() { local n; n=$(used); [ "$n" = "$1" ] || fail "$2: $n signatures used, expected $1"; }

"$SIGNET" init --budget 100 >/dev/null
"$SIGNET" cert >"$W/cert.pem"
openssl x509 -in "$W/cert.pem" -pubkey -noout >"$W/pub.pem"
head -c 4096 /dev/urandom >"$W/app.bin"

# r || s (PKCS#11's ECDSA form) as the DER OpenSSL verifies.
der_sig() {
    python3 -c 'import sys
r = open(sys.argv[1], "rb").read()
def i(b):
    b = b.lstrip(b"\0") or b"\0"
    b = b"\0" + b if b[0] & 0x80 else b
    return b"\x02" + bytes([len(b)]) + b
body = i(r[:len(r) // 2]) + i(r[len(r) // 2:])
sys.stdout.buffer.write(b"\x30" + bytes([len(body)]) + body)' "$1"
}

echo "== 0. C test program under ASan+UBSan and Valgrind"
CFLAGS=(-std=c99 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -pedantic -g)
read -r -a P11_CFLAGS <<<"$(pkg-config --cflags p11-kit-1)"
digest=$(openssl dgst -sha256 -r "$W/app.bin" | cut -c1-64)
gcc "${CFLAGS[@]}" "${P11_CFLAGS[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    "$ROOT/pkcs11/tests/c/test_module.c" -ldl -lpthread -o "$W/test_module.asan"
gcc "${CFLAGS[@]}" "${P11_CFLAGS[@]}" "$ROOT/pkcs11/tests/c/test_module.c" -ldl -lpthread -o "$W/test_module.vg"
for run in asan vg; do
    SIGNET_STATE="$W/c-$run" "$SIGNET" init --budget 20 >/dev/null
    case $run in
    asan) SIGNET_STATE="$W/c-$run" ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$W/test_module.asan" "$M" "$W/c.sig" "$digest" >/dev/null || fail "test_module under ASan" ;;
    vg) SIGNET_STATE="$W/c-$run" valgrind -q --error-exitcode=1 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect "$W/test_module.vg" "$M" "$W/c.sig" "$digest" >/dev/null ||
        fail "test_module under Valgrind" ;;
    esac
    der_sig "$W/c.sig" >"$W/c.der"
    SIGNET_STATE="$W/c-$run" "$SIGNET" cert | openssl x509 -pubkey -noout >"$W/c-pub.pem"
    openssl dgst -sha256 -verify "$W/c-pub.pem" -signature "$W/c.der" "$W/app.bin" >/dev/null ||
        fail "the C test's signature ($run) does not verify"
    [ "$(SIGNET_STATE="$W/c-$run" used)" = 20 ] || fail "the C test ($run) used other than 20 signatures"
done

echo "== 1. pkcs11-tool: slots, objects, mechanisms, signatures"
pkcs11-tool --module "$M" -L >"$W/slots" 2>&1
grep -q 'token label *: signet' "$W/slots" || fail "pkcs11-tool -L: $(cat "$W/slots")"
pkcs11-tool --module "$M" -O >"$W/objects" 2>&1
for want in 'Private Key Object; EC' 'Public Key Object; EC' 'Certificate Object; type = X.509 cert' \
    'Access: *sensitive, always sensitive, never extractable'; do
    grep -q "$want" "$W/objects" || fail "pkcs11-tool -O lacks '$want': $(cat "$W/objects")"
done
[ "$(grep -c '  ID: ' "$W/objects")" = 3 ] && [ "$(grep '  ID: ' "$W/objects" | sort -u | wc -l)" = 1 ] ||
    fail "the three objects do not share one CKA_ID"
pkcs11-tool --module "$M" -M 2>&1 | grep -q 'ECDSA-SHA256' || fail "pkcs11-tool -M: no ECDSA-SHA256"
pkcs11-tool --module "$M" --sign -m ECDSA-SHA256 --label signet -i "$W/app.bin" -o "$W/t1.sig" \
    --signature-format openssl >/dev/null 2>&1 || fail "pkcs11-tool --sign -m ECDSA-SHA256"
openssl dgst -sha256 -verify "$W/pub.pem" -signature "$W/t1.sig" "$W/app.bin" >/dev/null
# CKM_ECDSA over a digest made outside, the key found by its id.
openssl dgst -sha256 -binary "$W/app.bin" >"$W/app.sha256"
ID=$(grep -m1 '  ID: ' "$W/objects" | awk '{print $2}')
pkcs11-tool --module "$M" --sign -m ECDSA --id "$ID" -i "$W/app.sha256" -o "$W/t2.sig" \
    --signature-format openssl >/dev/null 2>&1 || fail "pkcs11-tool --sign -m ECDSA --id"
openssl dgst -sha256 -verify "$W/pub.pem" -signature "$W/t2.sig" "$W/app.bin" >/dev/null
expect_used 2 "pkcs11-tool"

echo "== 2. OpenSSL through the pkcs11 engine (key named by a pkcs11: URI)"
openssl dgst -sha256 -engine pkcs11 -keyform engine -sign "$URI" -out "$W/o1.sig" "$W/app.bin" 2>/dev/null ||
    fail "openssl dgst -sign"
openssl dgst -sha256 -verify "$W/pub.pem" -signature "$W/o1.sig" "$W/app.bin" >/dev/null
openssl cms -sign -binary -engine pkcs11 -keyform engine -inkey "$URI" -signer "$W/cert.pem" \
    -in "$W/app.bin" -outform DER -out "$W/app.p7s" 2>/dev/null || fail "openssl cms -sign"
openssl cms -verify -binary -inform DER -in "$W/app.p7s" -content "$W/app.bin" -CAfile "$W/cert.pem" \
    -purpose any -out /dev/null 2>/dev/null || fail "openssl cms -verify"
expect_used 4 "openssl"

echo "== 3. osslsigncode: Authenticode on a PE file"
python3 "$ROOT/scripts/lib/make-pe.py" "$W/app.exe"
osslsigncode sign -pkcs11engine "$ENGINE" -pkcs11module "$M" -key "$URI" -certs "$W/cert.pem" \
    -in "$W/app.exe" -out "$W/app-signed.exe" >/dev/null 2>&1 || fail "osslsigncode sign"
osslsigncode verify -CAfile "$W/cert.pem" -in "$W/app-signed.exe" >"$W/ossl-verify" 2>&1 ||
    fail "osslsigncode verify: $(cat "$W/ossl-verify")"
grep -q 'Signature verification: ok' "$W/ossl-verify" || fail "osslsigncode verify: $(cat "$W/ossl-verify")"
expect_used 5 "osslsigncode"

echo "== 4. jarsigner through SunPKCS11"
printf 'name = signet\nlibrary = %s\nslotListIndex = 0\n' "$M" >"$W/p11.cfg"
mkdir "$W/jar" && echo "a class file" >"$W/jar/A.class"
(cd "$W/jar" && jar cf "$W/app.jar" A.class)
jarsign() { # jarsign JAR: exit status of jarsigner through the module
    jarsigner -keystore NONE -storetype PKCS11 -providerClass sun.security.pkcs11.SunPKCS11 \
        -providerArg "$W/p11.cfg" -storepass any -sigalg SHA256withECDSA "$1" signet >"$W/jarsigner.out" 2>&1
}
jarsign "$W/app.jar" || fail "jarsigner: $(cat "$W/jarsigner.out")"
jarsigner -verify "$W/app.jar" >"$W/jar-verify" 2>&1 || fail "jarsigner -verify: $(cat "$W/jar-verify")"
grep -q '^jar verified' "$W/jar-verify" || fail "jarsigner -verify: $(cat "$W/jar-verify")"
expect_used 6 "jarsigner"

echo "== 5a. a budget of 3: three tool runs sign, the fourth fails and writes nothing"
export SIGNET_STATE="$W/budget"
"$SIGNET" init --budget 3 >/dev/null
"$SIGNET" cert >"$W/cert3.pem"
openssl x509 -in "$W/cert3.pem" -pubkey -noout >"$W/pub3.pem"
pkcs11-tool --module "$M" --sign -m ECDSA-SHA256 -i "$W/app.bin" -o "$W/b1.sig" --signature-format openssl >/dev/null 2>&1 ||
    fail "budget: run 1"
openssl dgst -sha256 -engine pkcs11 -keyform engine -sign "$URI" -out "$W/b2.sig" "$W/app.bin" 2>/dev/null ||
    fail "budget: run 2"
osslsigncode sign -pkcs11engine "$ENGINE" -pkcs11module "$M" -key "$URI" -certs "$W/cert3.pem" \
    -in "$W/app.exe" -out "$W/b3.exe" >/dev/null 2>&1 || fail "budget: run 3"
for s in b1 b2; do openssl dgst -sha256 -verify "$W/pub3.pem" -signature "$W/$s.sig" "$W/app.bin" >/dev/null; done
osslsigncode verify -CAfile "$W/cert3.pem" -in "$W/b3.exe" 2>&1 | grep -q 'Signature verification: ok'
rc=0
pkcs11-tool --module "$M" --sign -m ECDSA-SHA256 -i "$W/app.bin" -o "$W/b4.sig" >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "budget: run 4 succeeded"
[ ! -s "$W/b4.sig" ] || fail "budget: run 4 wrote a signature"
(cd "$W/jar" && jar cf "$W/b5.jar" A.class)
rc=0
jarsign "$W/b5.jar" || rc=$?
[ "$rc" -ne 0 ] || fail "budget: jarsigner signed past the budget"
jarsigner -verify "$W/b5.jar" 2>&1 | grep -q 'jar is unsigned' || fail "budget: b5.jar is signed"
grep -q '\[sign_budget_exhausted\]' "$SIGNET_PKCS11_LOG" || fail "budget: the refusal is not in the log"
expect_used 3 "budget"
"$SIGNET" status | grep -q 'signatures  3 used of 3' || fail "signet status: $("$SIGNET" status)"

echo "== 5b. a grant-gated key: its grantee only, inside the window and count"
export SIGNET_STATE="$W/grant"
"$SIGNET" init --budget 100 --signer alice >/dev/null
"$SIGNET" grant policy --user alice --ttl 3600 --max-ops 2 --step bob:1 >/dev/null
now=$(date +%s)
id=$("$SIGNET" grant request --user carol --ops 2 --from "$now" --until $((now + 600)) --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$SIGNET" grant approve "$id" --user bob >/dev/null
as() { # as USER [EXTRA-CONFIG-LINE]: a module configuration for USER
    printf 'state = "%s"\nuser = "%s"\n%s\n' "$SIGNET_STATE" "$1" "${2:-}" >"$W/$1.toml"
    echo "$W/$1.toml"
}
p11sign() { # p11sign CONFIG OUT
    SIGNET_PKCS11_CONFIG=$1 pkcs11-tool --module "$M" --sign -m ECDSA-SHA256 -i "$W/app.bin" -o "$2" \
        --signature-format openssl >/dev/null 2>&1
}
refused() { # refused CODE CONFIG: a run that must fail, for reason CODE, writing nothing
    local before
    before=$(grep -c 'signature refused' "$SIGNET_PKCS11_LOG" || true)
    rm -f "$W/refused.sig"
    p11sign "$2" "$W/refused.sig" && fail "grant: $(basename "$2" .toml) signed (expected $1)"
    [ ! -s "$W/refused.sig" ] || fail "grant: a refused run wrote a signature"
    tail -n +$((before + 1)) "$SIGNET_PKCS11_LOG" | grep -q "signature refused: .*\[$1\]" ||
        fail "grant: $(basename "$2" .toml) was not refused with $1"
}
refused sign_grant_required "$(as dave)"
refused sign_grant_required "$(as alice)"
refused sign_grant_inactive "$(as carol "now = \"$((now + 700))\"")"
p11sign "$(as carol)" "$W/g1.sig" || fail "grant: carol's first signature"
p11sign "$(as carol)" "$W/g2.sig" || fail "grant: carol's second signature"
openssl x509 -in <("$SIGNET" cert) -pubkey -noout >"$W/pubg.pem"
for s in g1 g2; do openssl dgst -sha256 -verify "$W/pubg.pem" -signature "$W/$s.sig" "$W/app.bin" >/dev/null; done
pkcs11-tool --module "$M" --read-object --type cert --label signet -o "$W/g.der" >/dev/null 2>&1
openssl x509 -inform DER -in "$W/g.der" -pubkey -noout | cmp -s - "$W/pubg.pem" || fail "grant: the certificate object is not the state's"
refused sign_grant_exhausted "$(as carol)"
expect_used 2 "grant"

echo "== 6. a wrapped SoftHSM2 token whose PIN comes only from C_Login (pkcs11-tool, jarsigner)"
# A throwaway token directory; the state's key is generated on the token. The PIN is in the
# environment for `signet init` only: the module gets it from each tool's login.
export SOFTHSM2_CONF="$W/softhsm2.conf"
mkdir "$W/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$W/tokens" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label wrapped --pin Secret-4711 --so-pin 5678 >/dev/null
export SIGNET_STATE="$W/wrapped"
SIGNET_PKCS11_PIN=Secret-4711 "$SIGNET" init --budget 10 --generate p256 \
    --token "pkcs11:token=wrapped;object=signer;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so" >/dev/null
SIGNET_PKCS11_PIN=Secret-4711 "$SIGNET" cert >"$W/certw.pem" 2>/dev/null
openssl x509 -in "$W/certw.pem" -pubkey -noout >"$W/pubw.pem"
wused() { SIGNET_PKCS11_PIN=Secret-4711 used; }
pkcs11-tool --module "$M" -T 2>&1 | grep -q 'login required' || fail "the wrapped token does not ask for a login"
before=$(grep -c 'login refused' "$SIGNET_PKCS11_LOG" || true)
pkcs11-tool --module "$M" --login --pin Wrong-0000 --sign -m ECDSA-SHA256 -i "$W/app.bin" -o "$W/w0.sig" \
    >/dev/null 2>&1 && fail "a wrong PIN signed"
tail -n +$((before + 1)) "$SIGNET_PKCS11_LOG" | grep -q 'login refused: .*\[pkcs11_pin_incorrect\]' ||
    fail "a wrong PIN was not refused with pkcs11_pin_incorrect"
grep -q -e Wrong-0000 -e Secret-4711 "$SIGNET_PKCS11_LOG" && fail "a PIN reached the log"
pkcs11-tool --module "$M" --login --pin Secret-4711 --sign -m ECDSA-SHA256 -i "$W/app.bin" -o "$W/w1.sig" \
    --signature-format openssl >/dev/null 2>&1 || fail "pkcs11-tool --login --pin: sign"
openssl dgst -sha256 -verify "$W/pubw.pem" -signature "$W/w1.sig" "$W/app.bin" >/dev/null ||
    fail "the wrapped token's signature does not verify"
# jarsigner logs in with -storepass: that is the token's PIN.
printf 'name = wrapped\nlibrary = %s\nslotListIndex = 0\n' "$M" >"$W/p11w.cfg"
(cd "$W/jar" && jar cf "$W/appw.jar" A.class)
jarsigner -keystore NONE -storetype PKCS11 -providerClass sun.security.pkcs11.SunPKCS11 -providerArg "$W/p11w.cfg" \
    -storepass Secret-4711 -sigalg SHA256withECDSA "$W/appw.jar" signet >"$W/jarsigner.out" 2>&1 ||
    fail "jarsigner -storepass PIN: $(cat "$W/jarsigner.out")"
jarsigner -verify "$W/appw.jar" >"$W/jar-verify" 2>&1 && grep -q '^jar verified' "$W/jar-verify" ||
    fail "jarsigner -verify (wrapped token): $(cat "$W/jar-verify")"
[ "$(wused)" = 2 ] || fail "the wrapped token: $(wused) signatures used, expected 2"
grep -q -e Wrong-0000 -e Secret-4711 "$SIGNET_PKCS11_LOG" && fail "a PIN reached the log"
echo "pkcs11-module-test: all sections passed"
