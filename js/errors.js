// Error classes of the Signet JavaScript packages: one per domain of the table of codes
// (signet_core::codes), so that a code is the same class in Node (bindings-node), the browser
// (bindings-wasm) and Python. Both packages copy this file in when they are built or packed:
// the browser package as it is (scripts/wasm-build.sh), the Node package as CommonJS (js/copy.js).
// The native layers raise a code and its row's `domain`; `errorFor` builds the class for the
// domain. CLASS_BY_DOMAIN is the one place that decides.
//
// Top-level exports are `export class|const|function NAME` only: js/copy.js relies on it.

/** Base class of every error the packages throw; `code` is a stable snake_case identifier. */
export class SignetError extends Error {
  constructor(code, message, fields) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    if (fields) Object.assign(this, fields);
  }
}

/** The request itself is malformed: input type, options, numbers, names, dates, fingerprints, unreadable inputs. */
export class InvalidRequestError extends SignetError {}
/** The key policy refuses a key, CSR or certificate. */
export class KeyPolicyError extends SignetError {}
/** A budget rule refused. */
export class BudgetError extends SignetError {}
/** A signer policy, signing request or grant rule refused. */
export class GrantError extends SignetError {}
/** A signature counter (ledger) failed or is exhausted. */
export class CounterError extends SignetError {}
/** The token refused or failed. */
export class TokenError extends SignetError {}
/** The enforced sign path refused. */
export class SignError extends SignetError {}
/** A signature did not verify, or not from the expected signer. */
export class VerificationError extends SignetError {}
/** The state directory is missing, damaged or not writable. */
export class StateError extends SignetError {}
/** The packages' API was misused (a closed State, ...). */
export class UsageError extends SignetError {}

/** `signet_core::codes::Domain` names → classes. */
export const CLASS_BY_DOMAIN = Object.freeze({
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
export function errorFor(domain, code, message, fields) {
  const Cls = CLASS_BY_DOMAIN[domain] ?? UsageError;
  const e = new Cls(code, message, fields);
  e.domain = domain in CLASS_BY_DOMAIN ? domain : 'usage';
  return e;
}
