'use strict';
// Error classes of the Signet Node bindings. The native layer throws a plain
// `Error` with the core's stable `code`, a `kind` (which core error type it
// came from) and the variant's context fields; `toSignetError` turns it into
// the class for its kind. CLASS_BY_KIND is the one table that decides.

/** Base class of every error the bindings throw; `code` is a stable snake_case identifier. */
class SignetError extends Error {
  constructor(code, message, fields) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    if (fields) Object.assign(this, fields);
  }
}

/** The request is unusable (wrong input type, unknown option, product, device, role or algorithm, bad date). */
class InvalidRequestError extends SignetError {}
/** A certificate or public key cannot be parsed or used (key policy). */
class KeyPolicyError extends SignetError {}
/** A signature budget or its counter store refused or failed. */
class BudgetError extends SignetError {}
/** A signer policy, signing request or grant refused the operation. */
class GrantError extends SignetError {}
/** The software token refused or failed. */
class TokenError extends SignetError {}
/** The enforced sign primitive refused to sign. */
class SignError extends SignetError {}

const CLASS_BY_KIND = Object.freeze({
  request: InvalidRequestError,
  policy: KeyPolicyError,
  budget: BudgetError,
  grant: GrantError,
  token: TokenError,
  sign: SignError,
});

// Properties every Error has, or that the class sets itself: not copied as fields.
const NOT_FIELDS = new Set(['message', 'stack', 'code', 'kind', 'name']);

/**
 * The SignetError for an error thrown by the native layer. An error without a
 * known kind (napi's own argument checks, a caught panic) is an
 * InvalidRequestError with a binding code, so no caller ever sees a bare string
 * or an untyped error.
 */
function toSignetError(e) {
  if (e instanceof SignetError) return e;
  if (e === null || typeof e !== 'object') {
    return new InvalidRequestError('native_error', String(e));
  }
  const Cls = CLASS_BY_KIND[e.kind];
  if (!Cls) {
    const code = e.code === 'InvalidArg' || e.code === 'NumberExpected' || e.code === 'StringExpected' || e.code === 'ObjectExpected'
      ? 'invalid_argument'
      : 'native_error';
    const err = new InvalidRequestError(code, String(e.message));
    err.cause = e;
    return err;
  }
  const fields = {};
  for (const k of Object.keys(e)) if (!NOT_FIELDS.has(k)) fields[k] = e[k];
  return new Cls(e.code, e.message, fields);
}

module.exports = {
  SignetError,
  InvalidRequestError,
  KeyPolicyError,
  BudgetError,
  GrantError,
  TokenError,
  SignError,
  CLASS_BY_KIND,
  toSignetError,
};
