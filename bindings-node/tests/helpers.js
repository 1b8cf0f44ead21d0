'use strict';
// Shared test helpers: paths, OpenSSL-made keys and certificates.
const { execFileSync } = require('node:child_process');
const assert = require('node:assert/strict');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
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

/**
 * A new development state in a scratch directory (removed after the test):
 * `options` are initState's (`user` defaults to alice).
 */
function newState(t, options = {}) {
  const signet = require('..');
  const dir = scratch(t);
  const state = signet.initState(join(dir, 'state'), { user: 'alice', ...options });
  if (t) t.after(() => { try { state.close(); } catch { /* busy or closed */ } });
  return { dir, state, path: join(dir, 'state') };
}

/** Writes `content` to `dir/name` and returns the path. */
function file(dir, name, content = `content of ${name}`) {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Asserts that `e` is the class its code's domain gives, with `code`. */
function assertCoded(e, code) {
  const signet = require('..');
  assert.ok(e instanceof signet.SignetError, `not a SignetError: ${e}`);
  assert.equal(e.code, code, e.message);
  const row = signet.codeInfo(code);
  assert.ok(row, `${code} is not in the table of codes`);
  assert.equal(e.domain, row.domain);
  assert.ok(e instanceof signet.CLASS_BY_DOMAIN[row.domain], `${code}: ${e.constructor.name} is not the ${row.domain} class`);
  assert.equal(e.name, signet.CLASS_BY_DOMAIN[row.domain].name);
  return true;
}

/** `fn()` throws the coded error (class from the code's domain). */
function throwsCoded(fn, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected ${code}, nothing thrown`);
  assertCoded(caught, code);
  return caught;
}

/** `promise` rejects with the coded error. */
async function rejectsCoded(promise, code) {
  let caught;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected ${code}, the promise resolved`);
  assertCoded(caught, code);
  return caught;
}

module.exports = { ROOT, VECTORS, scratch, opensslKeyAndCert, newState, file, assertCoded, throwsCoded, rejectsCoded };
