'use strict';
// The idiomatic JS API over the native addon (signet.*.node, built by napi-rs):
// option objects, Dates, Buffers or strings in; plain objects out; every
// error a SignetError subclass chosen by its code's domain (errors.js).
// Numbers are passed through unchanged: the native layer range-checks them.

const { join } = require('node:path');
const { addonFile, platformName } = require('./addon.js');
const errors = require('./errors.js');

const {
  SignetError, InvalidRequestError, KeyPolicyError, BudgetError, GrantError, CounterError, TokenError, SignError,
  VerificationError, StateError, UsageError, CLASS_BY_DOMAIN, errorFor,
} = errors;

function loadNative() {
  const file = join(__dirname, addonFile());
  try {
    return require(file);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && e.message.includes(file)) {
      // install.js builds or finds it; this is a package installed without running it
      // (--ignore-scripts) or whose build failed.
      throw new Error(`signet: no native addon for ${platformName()} (${file}). Build it from source: ` +
        'run `npm rebuild signet` with cargo on PATH (install.js builds it from the Rust sources the package ' +
        'carries; see its README, "Install", for what that needs).');
    }
    throw e;
  }
}

const native = loadNative();

/** The error for `code`: its class follows from the code's row in the table of codes. */
function fail(code, message) {
  const row = native.codeInfoOf(code);
  return errorFor(row ? row.domain : 'usage', code, message);
}

// Properties every Error has, or that errorFor sets itself: not copied as fields.
const NOT_FIELDS = new Set(['message', 'stack', 'code', 'domain', 'name']);

/**
 * The SignetError for an error thrown by the native layer: the class of the
 * `domain` the native layer took from the table. An error without one (napi's
 * own argument checks, a caught panic) is `native_error`, so no caller ever
 * sees a bare string or an untyped error.
 */
function toSignetError(e) {
  if (e instanceof SignetError) return e;
  if (e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.domain === 'string') {
    const fields = {};
    for (const k of Object.keys(e)) if (!NOT_FIELDS.has(k)) fields[k] = e[k];
    return errorFor(e.domain, e.code, e.message, fields);
  }
  const err = fail('native_error', e !== null && typeof e === 'object' ? String(e.message) : String(e));
  err.cause = e;
  return err;
}

/** Runs a native call, re-throwing its error as a SignetError subclass. */
function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw toSignetError(e);
  }
}

/** A native call that returns a host report as JSON text. */
function report(fn) {
  return JSON.parse(call(fn));
}

/** Awaits a native task that resolves to a host report as JSON text. */
async function reportLater(fn) {
  let text;
  try {
    text = await fn();
  } catch (e) {
    throw toSignetError(e);
  }
  return JSON.parse(text);
}

const NATIVE = Symbol('signet.native');

function unwrap(value, Cls, name) {
  if (!(value instanceof Cls)) throw fail('invalid_option_type', `${name} must be a ${Cls.name}`);
  return value[NATIVE];
}

/** Reads an options object: undefined/null means none; unknown keys are refused. */
function readOptions(options, allowed) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw fail('invalid_options', 'options must be an object (or undefined)');
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw fail('unknown_option', `unknown option ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
    }
  }
  return options;
}

function optString(name, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw fail('invalid_option_type', `${name} must be a string`);
  return v;
}

function reqString(name, v) {
  if (typeof v !== 'string') throw fail('invalid_option_type', `${name} must be a string`);
  return v;
}

function optBool(name, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw fail('invalid_option_type', `${name} must be a boolean`);
  return v;
}

/** A number, as given: the native layer checks that it is whole and in range. */
function optNumber(name, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw fail('invalid_option_type', `${name} must be a number`);
  return v;
}

function reqNumber(name, v) {
  if (typeof v !== 'number') throw fail('invalid_option_type', `${name} must be a number`);
  return v;
}

function strings(name, v) {
  if (!Array.isArray(v)) throw fail('invalid_option_type', `${name} must be an array of strings`);
  return v.map((s, i) => reqString(`${name}[${i}]`, s));
}

function optStrings(name, v) {
  return v === undefined || v === null ? undefined : strings(name, v);
}

/** string (UTF-8) | Buffer | Uint8Array → Buffer. */
function bytes(name, v) {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw fail('invalid_input_type', `${name} must be a string, Buffer or Uint8Array`);
}

/** `at` option: 'YYYY-MM-DD' or a Date (its UTC day); default today (UTC). */
function day(v) {
  if (v === undefined || v === null) return new Date().toISOString().slice(0, 10);
  if (typeof v === 'string') return v;
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  throw fail('invalid_option_type', 'at must be a YYYY-MM-DD string or a valid Date');
}

/** A Date as whole seconds since the epoch (an invalid Date gives NaN, refused natively). */
function dateSeconds(d) {
  return Math.floor(d.getTime() / 1000);
}

/** A time for the in-memory objects: Date or seconds; default now (the binding's clock). */
function seconds(name, v) {
  if (v === undefined || v === null) return Math.floor(Date.now() / 1000);
  if (v instanceof Date) return dateSeconds(v);
  if (typeof v === 'number') return v;
  throw fail('invalid_option_type', `${name} must be a Date or seconds since the epoch`);
}

/** A time for the host: Date, seconds, or RFC 3339 text (the host reads it). */
function optTime(name, v) {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return dateSeconds(v);
  if (typeof v === 'number' || typeof v === 'string') return v;
  throw fail('invalid_option_type', `${name} must be a Date, seconds since the epoch or an RFC 3339 string`);
}

function toDate(secs) {
  return secs === null || secs === undefined ? null : new Date(secs * 1000);
}

/** A SHA-256 fingerprint: 32 bytes or hex text (`:` allowed), as hex for the native layer. */
function fingerprintHex(name, v) {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  throw fail('invalid_option_type', `${name} must be a hex string, Buffer or Uint8Array`);
}

function optFingerprint(v) {
  return v === undefined || v === null ? undefined : fingerprintHex('fingerprint', v);
}

// ---------------------------------------------------------------- checks

function validateOrder(body, options) {
  const o = readOptions(options, ['product', 'at']);
  let input;
  if (body !== null && typeof body === 'object' && !(body instanceof Uint8Array)) {
    let text;
    try {
      text = JSON.stringify(body);
    } catch (e) {
      throw fail('invalid_input_type', `the body object could not be serialised to JSON: ${e.message}`);
    }
    input = Buffer.from(text, 'utf8');
  } else {
    input = bytes('body', body);
  }
  const product = optString('product', o.product);
  return call(() => native.validateOrder(input, product, day(o.at)));
}

function checkCsr(input, options) {
  const o = readOptions(options, ['device', 'provisioningMethod', 'at']);
  const data = bytes('input', input);
  const device = optString('device', o.device);
  const method = optString('provisioningMethod', o.provisioningMethod);
  return call(() => native.checkCsr(data, device, method, day(o.at)));
}

function checkCertificate(input, options) {
  const o = readOptions(options, ['at']);
  const data = bytes('input', input);
  return call(() => native.checkCertificate(data, day(o.at)));
}

function checkPublicKey(input, options) {
  const o = readOptions(options, ['device', 'at']);
  const data = bytes('input', input);
  const device = optString('device', o.device);
  return call(() => native.checkPublicKey(data, device, day(o.at)));
}

// ---------------------------------------------------------------- state

function openArgs(o) {
  return { user: optString('user', o.user), now: optTime('now', o.now), pin: optString('pin', o.pin) };
}

function initArgs(o) {
  return {
    keyType: optString('keyType', o.keyType),
    budget: optNumber('budget', o.budget),
    days: optNumber('days', o.days),
    signer: optString('signer', o.signer),
    force: optBool('force', o.force),
    token: optString('token', o.token),
    generate: optBool('generate', o.generate),
  };
}

function verifyArgs(file, options) {
  const o = readOptions(options, ['signature', 'cert', 'anySigner']);
  return [
    reqString('file', file),
    optString('signature', o.signature),
    o.cert === undefined || o.cert === null ? undefined : bytes('cert', o.cert),
    optBool('anySigner', o.anySigner),
  ];
}

function signDigestArgs(digest, options) {
  const o = readOptions(options, ['grant']);
  return [bytes('digest', digest), optNumber('grant', o.grant)];
}

function signFileArgs(file, options) {
  const o = readOptions(options, ['output', 'grant', 'tsa']);
  return [reqString('file', file), optString('output', o.output), optNumber('grant', o.grant), optStrings('tsa', o.tsa)];
}

function signFilesArgs(files, options) {
  const o = readOptions(options, ['outputDir', 'grant', 'tsa']);
  return [
    strings('files', files),
    optString('outputDir', o.outputDir),
    optNumber('grant', o.grant),
    optStrings('tsa', o.tsa),
  ];
}

/** The digest signature is hex in the host's report (and the CLI's JSON); a Buffer here. */
function signedDigest(r) {
  return { ...r, signature: Buffer.from(r.signature, 'hex') };
}

function stepsArg(steps) {
  if (!Array.isArray(steps)) throw fail('invalid_option_type', 'steps must be an array');
  return steps.map((s, i) => {
    const so = readOptions(s, ['approvers', 'threshold']);
    return {
      approvers: strings(`steps[${i}].approvers`, so.approvers),
      threshold: optNumber(`steps[${i}].threshold`, so.threshold) ?? 1,
    };
  });
}

/** An opened state directory. Reports are the host's, with the keys `signet --json` prints. */
class State {
  constructor(inner) {
    if (!(inner instanceof native.State)) {
      throw fail('invalid_option_type', 'a State comes from openState, initState or openOrCreateState');
    }
    this[NATIVE] = inner;
  }

  get created() { return call(() => this[NATIVE].created); }
  get dir() { return call(() => this[NATIVE].dir); }
  get user() { return call(() => this[NATIVE].user); }
  get fingerprint() { return call(() => this[NATIVE].fingerprint); }
  get algorithm() { return call(() => this[NATIVE].algorithm); }
  get certificateDer() { return call(() => this[NATIVE].certificateDer); }

  close() { call(() => this[NATIVE].close()); }

  status() { return report(() => this[NATIVE].status()); }

  signDigest(digest, options) {
    const a = signDigestArgs(digest, options);
    return signedDigest(report(() => this[NATIVE].signDigest(...a)));
  }
  async signDigestAsync(digest, options) {
    const a = signDigestArgs(digest, options);
    return signedDigest(await reportLater(() => this[NATIVE].signDigestAsync(...a)));
  }
  signFile(file, options) {
    const a = signFileArgs(file, options);
    return report(() => this[NATIVE].signFile(...a));
  }
  async signFileAsync(file, options) {
    const a = signFileArgs(file, options);
    return reportLater(() => this[NATIVE].signFileAsync(...a));
  }
  signFiles(files, options) {
    const a = signFilesArgs(files, options);
    return report(() => this[NATIVE].signFiles(...a));
  }
  async signFilesAsync(files, options) {
    const a = signFilesArgs(files, options);
    return reportLater(() => this[NATIVE].signFilesAsync(...a));
  }
  verifyFile(file, options) {
    const a = verifyArgs(file, options);
    return report(() => this[NATIVE].verifyFile(...a));
  }
  async verifyFileAsync(file, options) {
    const a = verifyArgs(file, options);
    return reportLater(() => this[NATIVE].verifyFileAsync(...a));
  }

  budgetFingerprints() { return report(() => this[NATIVE].budgetFingerprints()); }
  budgetShow(options) {
    const o = readOptions(options, ['fingerprint']);
    const fp = optFingerprint(o.fingerprint);
    return report(() => this[NATIVE].budgetShow(fp));
  }
  budgetInit(certificate, options) {
    const cert = bytes('certificate', certificate);
    const o = readOptions(options, ['signer', 'notBefore', 'notAfter', 'allotment']);
    const a = [reqString('signer', o.signer), optTime('notBefore', o.notBefore), optTime('notAfter', o.notAfter),
      optNumber('allotment', o.allotment)];
    return report(() => this[NATIVE].budgetInit(cert, ...a));
  }
  budgetBuy(options) {
    const o = readOptions(options, ['signatures', 'role', 'subaccount', 'fingerprint']);
    const a = [optFingerprint(o.fingerprint), reqNumber('signatures', o.signatures), optString('role', o.role),
      optBool('subaccount', o.subaccount)];
    return report(() => this[NATIVE].budgetBuy(...a));
  }
  budgetRevoke(options) {
    const o = readOptions(options, ['fingerprint']);
    const fp = optFingerprint(o.fingerprint);
    return report(() => this[NATIVE].budgetRevoke(fp));
  }
  budgetAssign(options) {
    const o = readOptions(options, ['signer', 'role', 'subaccount', 'keylockerLead', 'fingerprint']);
    const a = [optFingerprint(o.fingerprint), reqString('signer', o.signer), optString('role', o.role),
      optBool('subaccount', o.subaccount), optBool('keylockerLead', o.keylockerLead)];
    return report(() => this[NATIVE].budgetAssign(...a));
  }
  budgetUse(options) {
    const o = readOptions(options, ['count', 'fingerprint']);
    const a = [optFingerprint(o.fingerprint), optNumber('count', o.count) ?? 1];
    return report(() => this[NATIVE].budgetUse(...a));
  }

  grantPolicy(options) {
    const o = readOptions(options, ['ttlSecs', 'steps', 'maxWindowSecs', 'maxSignings', 'fingerprint']);
    const policy = {
      ttlSecs: reqNumber('ttlSecs', o.ttlSecs),
      steps: stepsArg(o.steps),
      maxWindowSecs: optNumber('maxWindowSecs', o.maxWindowSecs),
      maxSignings: optNumber('maxSignings', o.maxSignings),
    };
    const fp = optFingerprint(o.fingerprint);
    return report(() => this[NATIVE].grantPolicy(fp, policy));
  }
  grantPolicyOf(options) {
    const o = readOptions(options, ['fingerprint']);
    const fp = optFingerprint(o.fingerprint);
    return report(() => this[NATIVE].grantPolicyOf(fp));
  }
  grantRequest(options) {
    const o = readOptions(options, ['validFrom', 'validUntil', 'allowedOps', 'justification', 'fingerprint']);
    const request = {
      validFrom: optTime('validFrom', o.validFrom),
      validUntil: optTime('validUntil', o.validUntil),
      allowedOps: optNumber('allowedOps', o.allowedOps),
      justification: optString('justification', o.justification),
    };
    const fp = optFingerprint(o.fingerprint);
    return report(() => this[NATIVE].grantRequest(fp, request));
  }
  grantApprove(id) {
    const n = reqNumber('id', id);
    return report(() => this[NATIVE].grantApprove(n));
  }
  grantReject(id, options) {
    const n = reqNumber('id', id);
    const o = readOptions(options, ['comment']);
    const comment = optString('comment', o.comment);
    return report(() => this[NATIVE].grantReject(n, comment));
  }
  grantCancel(id) {
    const n = reqNumber('id', id);
    return report(() => this[NATIVE].grantCancel(n));
  }
  grantShow(id) {
    const n = reqNumber('id', id);
    return report(() => this[NATIVE].grantShow(n));
  }
  grantList() { return report(() => this[NATIVE].grantList()); }
}

/** Opens the state in `path` (default `$SIGNET_STATE`, else the XDG data directory); fails closed. */
function openState(path, options) {
  const p = optString('path', path);
  const o = readOptions(options, ['user', 'now', 'pin']);
  const open = openArgs(o);
  return new State(call(() => native.openState(p, open)));
}

/** Creates a development state in `path` (with `force`, replaces its signer). */
function initState(path, options) {
  const p = reqString('path', path);
  const o = readOptions(options, ['keyType', 'budget', 'days', 'signer', 'force', 'user', 'now', 'token', 'generate']);
  const open = openArgs(o);
  const init = initArgs(o);
  return new State(call(() => native.initState(p, open, init)));
}

/** Opens the state in `path`, creating a development state only if `path` does not exist at all. */
function openOrCreateState(path, options) {
  const p = optString('path', path);
  const o = readOptions(options, ['keyType', 'budget', 'days', 'signer', 'user', 'now']);
  const open = openArgs(o);
  const init = initArgs(o);
  return new State(call(() => native.openOrCreateState(p, open, init)));
}

/** Verifies a file against its detached CMS signature without a state (`cert` or `anySigner`). */
function verifyFile(file, options) {
  const a = verifyArgs(file, options);
  return report(() => native.verifyFile(...a));
}

// ---------------------------------------------------------------- in-memory budgets and grants

function actor(a) {
  if (a === null || typeof a !== 'object') throw fail('invalid_option_type', 'by must be an actor object');
  const o = readOptions(a, ['id', 'role', 'subaccount', 'keylockerLead']);
  return {
    id: reqString('by.id', o.id),
    role: reqString('by.role', o.role),
    subaccount: optBool('by.subaccount', o.subaccount),
    keylockerLead: optBool('by.keylockerLead', o.keylockerLead),
  };
}

class Budget {
  constructor(options) {
    if (options instanceof native.Budget) {
      this[NATIVE] = options;
      return;
    }
    const o = readOptions(options, ['fingerprint', 'notBefore', 'notAfter', 'signer', 'allotment']);
    const fp = fingerprintHex('fingerprint', o.fingerprint);
    const nb = seconds('notBefore', o.notBefore);
    const na = seconds('notAfter', o.notAfter);
    const signer = reqString('signer', o.signer);
    const allotment = optNumber('allotment', o.allotment);
    this[NATIVE] = call(() => new native.Budget(fp, nb, na, signer, allotment));
  }
  static forCertificate(certificate, options) {
    const o = readOptions(options, ['signer', 'allotment']);
    const cert = bytes('certificate', certificate);
    const signer = reqString('signer', o.signer);
    const allotment = optNumber('allotment', o.allotment);
    return new Budget(call(() => native.Budget.forCertificate(cert, signer, allotment)));
  }
  get fingerprint() { return call(() => this[NATIVE].fingerprint); }
  get notBefore() { return toDate(call(() => this[NATIVE].notBefore)); }
  get notAfter() { return toDate(call(() => this[NATIVE].notAfter)); }
  get allotment() { return call(() => this[NATIVE].allotment); }
  get purchased() { return call(() => this[NATIVE].purchased); }
  get total() { return call(() => this[NATIVE].total); }
  get revoked() { return call(() => this[NATIVE].revoked); }
  get signer() { return call(() => this[NATIVE].signer); }
  buy(options) {
    const o = readOptions(options, ['by', 'fingerprint', 'count', 'now']);
    const by = actor(o.by);
    const fp = fingerprintHex('fingerprint', o.fingerprint);
    const count = reqNumber('count', o.count);
    const now = seconds('now', o.now);
    return call(() => this[NATIVE].buy(by, fp, count, now));
  }
  revoke(fingerprint) {
    const fp = fingerprintHex('fingerprint', fingerprint);
    call(() => this[NATIVE].revoke(fp));
  }
  assignSigner(options) {
    const o = readOptions(options, ['by', 'fingerprint', 'signer']);
    const by = actor(o.by);
    const fp = fingerprintHex('fingerprint', o.fingerprint);
    const signer = reqString('signer', o.signer);
    call(() => this[NATIVE].assignSigner(by, fp, signer));
  }
}

class SignerPolicy {
  constructor(options) {
    const o = readOptions(options, ['signer', 'maxWindowSecs', 'maxSignings', 'maxRequestTtlSecs', 'steps']);
    const signer = reqString('signer', o.signer);
    const window = optNumber('maxWindowSecs', o.maxWindowSecs);
    const signings = optNumber('maxSignings', o.maxSignings);
    const ttl = reqNumber('maxRequestTtlSecs', o.maxRequestTtlSecs);
    const steps = stepsArg(o.steps);
    this[NATIVE] = call(() => new native.SignerPolicy(signer, window, signings, ttl, steps));
  }
  get signer() { return call(() => this[NATIVE].signer); }
}

class Grant {
  constructor(inner) {
    if (!(inner instanceof native.Grant)) throw fail('invalid_option_type', 'grants are issued by SigningRequest.approve');
    this[NATIVE] = inner;
  }
  get id() { return call(() => this[NATIVE].id); }
  get signer() { return call(() => this[NATIVE].signer); }
  get grantee() { return call(() => this[NATIVE].grantee); }
  get validFrom() { return toDate(call(() => this[NATIVE].validFrom)); }
  get validUntil() { return toDate(call(() => this[NATIVE].validUntil)); }
  get allowedOps() { return call(() => this[NATIVE].allowedOps) ?? null; }
  get used() { return call(() => this[NATIVE].used); }
  status(now) {
    const t = seconds('now', now);
    return call(() => this[NATIVE].status(t));
  }
  revoke() { call(() => this[NATIVE].revoke()); }
}

class SigningRequest {
  constructor(inner) {
    if (!(inner instanceof native.SigningRequest)) throw fail('invalid_option_type', 'use SigningRequest.open(...)');
    this[NATIVE] = inner;
  }
  static open(options) {
    const o = readOptions(options, ['id', 'requester', 'policy', 'validFrom', 'validUntil', 'allowedOps', 'justification', 'now']);
    const id = reqNumber('id', o.id);
    const requester = reqString('requester', o.requester);
    const policy = unwrap(o.policy, SignerPolicy, 'policy');
    const params = {
      validFrom: o.validFrom === undefined ? undefined : seconds('validFrom', o.validFrom),
      validUntil: o.validUntil === undefined ? undefined : seconds('validUntil', o.validUntil),
      allowedOps: optNumber('allowedOps', o.allowedOps),
      justification: optString('justification', o.justification),
    };
    const now = seconds('now', o.now);
    return new SigningRequest(call(() => native.SigningRequest.open(id, requester, policy, params, now)));
  }
  get id() { return call(() => this[NATIVE].id); }
  status(now) {
    const t = seconds('now', now);
    return call(() => this[NATIVE].status(t));
  }
  approve(approver, options) {
    const o = readOptions(options, ['now']);
    const a = reqString('approver', approver);
    const now = seconds('now', o.now);
    const r = call(() => this[NATIVE].approve(a, now));
    const out = { outcome: r.outcome };
    for (const k of ['step', 'approvals', 'threshold', 'nextStep']) if (r[k] !== undefined && r[k] !== null) out[k] = r[k];
    if (r.outcome === 'granted') out.grant = new Grant(call(() => this[NATIVE].takeGrant()));
    return out;
  }
  reject(approver, options) {
    const o = readOptions(options, ['comment', 'now']);
    const a = reqString('approver', approver);
    const comment = optString('comment', o.comment);
    const now = seconds('now', o.now);
    call(() => this[NATIVE].reject(a, comment, now));
  }
  cancel(requester, options) {
    const o = readOptions(options, ['now']);
    const r = reqString('requester', requester);
    const now = seconds('now', o.now);
    call(() => this[NATIVE].cancel(r, now));
  }
}

// ---------------------------------------------------------------- codes

function coreVersion() {
  return call(() => native.coreVersion());
}

/** Every row of the table of codes: `{ code, number, domain, description }`. */
function codes() {
  return call(() => native.codes());
}

/** The row of one code, or null. */
function codeInfo(code) {
  const c = reqString('code', code);
  return call(() => native.codeInfoOf(c)) ?? null;
}

module.exports = {
  coreVersion,
  codes,
  codeInfo,
  validateOrder,
  checkCsr,
  checkCertificate,
  checkPublicKey,
  /** @deprecated The earlier name of checkPublicKey. */
  checkSpki: checkPublicKey,
  openState,
  initState,
  openOrCreateState,
  verifyFile,
  State,
  Budget,
  SignerPolicy,
  SigningRequest,
  Grant,
  // Shorthand names (no spread, no member expressions) so that ES modules can
  // import them by name (`import { SignError } from 'signet'`).
  SignetError,
  InvalidRequestError,
  KeyPolicyError,
  BudgetError,
  GrantError,
  CounterError,
  TokenError,
  SignError,
  VerificationError,
  StateError,
  UsageError,
  CLASS_BY_DOMAIN,
  toSignetError,
};
