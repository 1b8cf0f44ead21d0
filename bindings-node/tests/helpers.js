'use strict';
// Shared test helpers: paths, OpenSSL-made keys and certificates.
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const VECTORS = join(ROOT, 'tests', 'vectors');

function scratch(t) {
  const dir = mkdtempSync(join(tmpdir(), 'signet-node-'));
  if (t) t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A PKCS#8 private key and a self-signed certificate made by the OpenSSL CLI
 * (valid from now for `days`), so the package is tested against keys it did
 * not make itself.
 */
function opensslKeyAndCert(dir, kind, days = 30) {
  const key = join(dir, `${kind}.key.pem`);
  const cert = join(dir, `${kind}.cert.pem`);
  const newkey = {
    p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    p384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    rsa3072: ['-newkey', 'rsa:3072'],
  }[kind];
  execFileSync('openssl', ['req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', cert,
    '-days', String(days), '-subj', `/CN=signet node test ${kind}`], { stdio: 'pipe' });
  return { keyPem: readFileSync(key, 'utf8'), certPem: readFileSync(cert, 'utf8') };
}

module.exports = { ROOT, VECTORS, scratch, opensslKeyAndCert };
