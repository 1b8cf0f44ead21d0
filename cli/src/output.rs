//! How the CLI answers: exit codes, the JSON envelope, plain-text errors.
//!
//! Exit codes are the same for every subcommand: 0 success; 1 the input was
//! checked and refused (an invalid order, a key not allowed, a budget
//! exhausted, ...); 2 the command could not be carried out (usage, I/O, a
//! damaged or missing state).
//!
//! With `--json` every answer is one JSON object on stdout with `"ok"`:
//! `true` with the answer's fields beside it, or `false` with
//! `"error": {"code", "message", "hint"}`. Checks (`validate`, `csr check`,
//! `cert check`) answer `{"ok": true, "valid": bool, "findings": [...]}`.
//! Without `--json`, answers go to stdout and errors to stderr as
//! `signet: <message> [<code>]` with a `hint:` line where there is one.

use std::io::Write;
use std::process::ExitCode;

use serde_json::{Value, json};
use signet_host::Error;

/// How a command ended, once its answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: checked and refused (the report was printed).
    Refused,
}

/// What every command returns.
pub type Run = Result<Outcome, Error>;

/// Writes to stdout. A closed pipe (`signet ... | head`) is not an error:
/// the rest of the output is dropped and the command ends with its status.
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

/// Writes a line to stdout (see [`out`]).
pub fn line(text: &str) {
    out(&format!("{text}\n"));
}

/// Writes a line to stderr, ignoring a closed stderr.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Prints a successful action: `{"ok": true, ...value}` with `--json`,
/// else `text()`.
pub fn answer(json_out: bool, value: Value, text: impl FnOnce() -> String) {
    if json_out {
        let mut object = serde_json::Map::new();
        object.insert("ok".into(), Value::Bool(true));
        match value {
            Value::Object(fields) => object.extend(fields),
            other => {
                object.insert("result".into(), other);
            }
        }
        line(&Value::Object(object).to_string());
    } else {
        out(&text());
    }
}

/// A serialisable report as a JSON value.
pub fn to_value<T: serde::Serialize>(report: &T) -> Value {
    serde_json::to_value(report).unwrap_or(Value::Null)
}

/// Prints an error and maps a run to the exit code.
pub fn finish(run: Run, json_out: bool) -> ExitCode {
    match run {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Refused) => ExitCode::from(1),
        Err(e) => {
            if json_out {
                line(
                    &json!({
                        "ok": false,
                        "error": { "code": e.code(), "message": e.message(), "hint": e.hint() },
                    })
                    .to_string(),
                );
            } else {
                note(&format!("signet: {} [{}]", e.message(), e.code()));
                if let Some(hint) = e.hint() {
                    note(&format!("hint: {hint}"));
                }
            }
            ExitCode::from(if e.is_refusal() { 1 } else { 2 })
        }
    }
}
