// The few assertions the shared API test uses, with node:assert/strict's meaning, in plain
// JavaScript: the same test file runs under node:test and inside a browser page, where
// node:assert does not exist. Failures are AssertionErrors whose message says what differed.

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

function show(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `[function ${value.name || '(anonymous)'}]`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text.length > 300 ? `${text.slice(0, 300)}...` : text;
  } catch {
    // cyclic: fall through
  }
  return String(value);
}

function failWith(message, detail) {
  throw new AssertionError(message ? `${message}\n${detail}` : detail);
}

export function ok(value, message) {
  if (!value) failWith(message, `expected a truthy value, got ${show(value)}`);
}

/** Object.is, as strict equal. */
export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) failWith(message, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Where `a` and `b` differ as deepStrictEqual compares them (prototypes, own enumerable keys), or null. */
function difference(a, b, path) {
  if (Object.is(a, b)) return null;
  const here = path || '(value)';
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${here}: expected ${show(b)}, got ${show(a)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${here}: different prototypes`;
  if (a instanceof Date) return a.getTime() === b.getTime() ? null : `${here}: expected ${b.toISOString()}, got ${a.toISOString()}`;
  if (ArrayBuffer.isView(a)) {
    if (a.length !== b.length) return `${here}: length ${a.length}, expected ${b.length}`;
    const i = a.findIndex((x, k) => !Object.is(x, b[k]));
    return i < 0 ? null : `${here}[${i}]: expected ${b[i]}, got ${a[i]}`;
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join('\0') !== kb.join('\0')) return `${here}: keys ${show(ka)}, expected ${show(kb)}`;
  for (const k of ka) {
    const d = difference(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
    if (d) return d;
  }
  return null;
}

export function deepEqual(actual, expected, message) {
  const d = difference(actual, expected, '');
  if (d) failWith(message, d);
}

export function match(text, regexp, message) {
  if (typeof text !== 'string' || !regexp.test(text)) failWith(message, `expected ${show(text)} to match ${regexp}`);
}

export function fail(message) {
  throw new AssertionError(message);
}

export default { AssertionError, ok, equal, deepEqual, match, fail };
