'use strict';
// Error classes of the Signet Node bindings: one per domain of the table of
// codes (signet_core::codes), so that a code is the same class in Node, the
// browser (bindings-wasm/js/errors.js, the same table) and Python. The native
// layer throws a plain `Error` with the code and its row's `domain`;
// `errorFor` builds the class for a domain. CLASS_BY_DOMAIN is the one place
// that decides.

/** Base class of every error the bindings throw; `code` is a stable snake_case identifier. */
class SignetError extends Error {
  constructor(code, message, fields) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    if (fields) Object.assign(this, fields);
  }
}

/** The request itself is malformed: options, numbers, names, dates, fingerprints, unreadable inputs. */
class InvalidRequestError extends SignetError {}
/** The key policy refuses a key, CSR or certificate. */
class KeyPolicyError extends SignetError {}
/** A budget rule refused. */
class BudgetError extends SignetError {}
/** A signer policy, signing request or grant rule refused. */
class GrantError extends SignetError {}
/** A signature counter (ledger) failed or is exhausted. */
class CounterError extends SignetError {}
/** The token refused or failed. */
class TokenError extends SignetError {}
/** The enforced sign path refused. */
class SignError extends SignetError {}
/** A signature did not verify, or not from the expected signer. */
class VerificationError extends SignetError {}
/** The state directory is missing, damaged or not writable. */
class StateError extends SignetError {}
/** The bindings' API was misused (a closed State, ...). */
class UsageError extends SignetError {}

/** `signet_core::codes::Domain` names → classes. */
const CLASS_BY_DOMAIN = Object.freeze({
  invalid_request: InvalidRequestError,
  key_policy: KeyPolicyError,
  budget: BudgetError,
  grant: GrantError,
  counter: CounterError,
  token: TokenError,
  sign: SignError,
  verification: VerificationError,
  state: StateError,
  usage: UsageError,
});

/** The error of `domain` (a table domain name) with `code`, `message` and context fields. */
function errorFor(domain, code, message, fields) {
  const Cls = CLASS_BY_DOMAIN[domain] ?? UsageError;
  const e = new Cls(code, message, fields);
  e.domain = domain in CLASS_BY_DOMAIN ? domain : 'usage';
  return e;
}

module.exports = {
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
  errorFor,
};
