#!/usr/bin/env python3
"""A throwaway RFC 3161 time-stamping authority for Signet's tests.

Usage: tsa_server.py WORKDIR

Makes a test CA and a TSA certificate (P-256, extendedKeyUsage critical,
timeStamping) in WORKDIR with OpenSSL, serves HTTP on 127.0.0.1 (a free port),
prints the port on the first line of stdout, and answers every POST with
`openssl ts -reply`. The path picks the behaviour, so one server serves every
case of a test suite:

  /good           a real reply to the query
  /wrong-imprint  a real reply to a query over another digest (and nonce)
  /wrong-nonce    a real reply to a query over the same digest, another nonce
  /reject         a hand-built rejection: status 2 with a text, no token
  /bad-signature  a real reply whose last byte (in the token's signature) is flipped
  /http-500       HTTP status 500, no body

WORKDIR/ca.pem and WORKDIR/tsa.pem are what `openssl ts -verify` needs.
Python, Node and Rust tests all use this one server.
"""

import os
import subprocess
import sys
import tempfile
from http.server import BaseHTTPRequestHandler, HTTPServer

WORK = os.path.abspath(sys.argv[1])


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def make_pki():
    os.makedirs(WORK, exist_ok=True)
    p = lambda name: os.path.join(WORK, name)
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", p("ca.key"))
    openssl("req", "-new", "-x509", "-key", p("ca.key"), "-out", p("ca.pem"), "-days", "30",
            "-subj", "/CN=Signet Test TSA Root", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", p("tsa.key"))
    openssl("req", "-new", "-key", p("tsa.key"), "-out", p("tsa.csr"), "-subj", "/CN=Signet Test TSA")
    with open(p("tsa.ext"), "w") as f:
        f.write("basicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=critical,timeStamping\n")
    openssl("x509", "-req", "-in", p("tsa.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
            "-CAcreateserial", "-days", "30", "-extfile", p("tsa.ext"), "-out", p("tsa.pem"))
    with open(p("serial"), "w") as f:
        f.write("01\n")
    with open(p("tsa.cnf"), "w") as f:
        f.write(f"""[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {WORK}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""")


def reply(query):
    with tempfile.NamedTemporaryFile(dir=WORK, suffix=".tsq", delete=False) as f:
        f.write(query)
        qfile = f.name
    try:
        return openssl("ts", "-reply", "-config", os.path.join(WORK, "tsa.cnf"),
                       "-queryfile", qfile, "-out", "-")
    finally:
        os.unlink(qfile)


def imprint_hex(query):
    """The query's SHA-256 message imprint: the 32-byte OCTET STRING after the
    sha256 OID (with or without NULL parameters)."""
    oid = bytes.fromhex("0609608648016503040201")
    at = query.index(oid) + len(oid)
    at = query.index(b"\x04\x20", at) + 2
    return query[at:at + 32].hex()


def der_len(n):
    return bytes([n]) if n < 0x80 else bytes([0x81, n])


def rejection():
    # TimeStampResp { PKIStatusInfo { status 2, statusString { "refused by the test TSA" } } }
    text = b"refused by the test TSA"
    utf8 = b"\x0c" + der_len(len(text)) + text
    free = b"\x30" + der_len(len(utf8)) + utf8
    info_body = b"\x02\x01\x02" + free
    info = b"\x30" + der_len(len(info_body)) + info_body
    return b"\x30" + der_len(len(info)) + info


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        query = self.rfile.read(length)
        path = self.path.rstrip("/")
        try:
            if path == "/good":
                body = reply(query)
            elif path == "/wrong-imprint":
                other = openssl("ts", "-query", "-digest", os.urandom(32).hex(), "-sha256", "-cert")
                body = reply(other)
            elif path == "/wrong-nonce":
                other = openssl("ts", "-query", "-digest", imprint_hex(query), "-sha256", "-cert")
                body = reply(other)
            elif path == "/reject":
                body = rejection()
            elif path == "/bad-signature":
                good = bytearray(reply(query))
                good[-1] ^= 0x01
                body = bytes(good)
            elif path == "/http-500":
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        except subprocess.CalledProcessError as e:
            sys.stderr.write(f"tsa_server: {e.cmd}: {e.stderr.decode(errors='replace')}\n")
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    make_pki()
    server = HTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
