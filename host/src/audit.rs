//! The audit log: one append-only, hash-chained record per event.
//!
//! # Encoding
//! The log is a file of lines (`audit/log.jsonl` in a file store). Each line
//! is one record: a JSON object without whitespace, with exactly these keys
//! in this order:
//!
//! | key | value |
//! |---|---|
//! | `seq` | 1, 2, 3, ... |
//! | `time` | UNIX seconds |
//! | `actor` | the acting user |
//! | `action` | `init`, `cert_import`, `sign`, `budget_init`, `budget_buy`, `budget_revoke`, `budget_assign`, `budget_use`, `grant_policy`, `grant_request`, `grant_approve`, `grant_reject`, `grant_cancel`, `grant_issue` |
//! | `certificate` | the certificate's SHA-256 (hex), or `null` |
//! | `artifact` | for `sign`: the digest that was signed over (hex), else `null` |
//! | `grant` | the grant or request id, or `null` |
//! | `outcome` | `"ok"` or the refusal's code |
//! | `counted` | signatures this event counted in the budget's ledger |
//! | `detail` | free text (a file name, a number), or `null` |
//! | `prev` | the SHA-256 (hex) of the previous line's bytes; 64 zeros for the first |
//!
//! A record's hash is the SHA-256 of its line's bytes, without the newline,
//! so another tool re-verifies the chain by hashing lines, without
//! re-encoding anything. The head is the last record's hash: anchor it
//! elsewhere (`signet audit head`) to make truncation at the end evident too.
//!
//! # What is checked
//! [`verify`] names the first record whose `seq` or `prev` does not follow,
//! which catches an edit, a deletion, a reordering and a truncation in the
//! middle. The ledgers and the log agree when, for every budget, the
//! signatures its ledger committed equal the `counted` of the log's records
//! for that certificate; a ledger behind the log was rolled back.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Position in the log, from 1.
    pub seq: u64,
    /// UNIX seconds.
    pub time: i64,
    /// Who acted.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// The certificate concerned (hex SHA-256).
    pub certificate: Option<String>,
    /// For signatures: the digest signed over (hex).
    pub artifact: Option<String>,
    /// The grant or request concerned.
    pub grant: Option<u64>,
    /// `ok` or the refusal's code.
    pub outcome: String,
    /// Signatures counted in the budget's ledger by this event.
    pub counted: u64,
    /// A file name or a number, where it helps.
    pub detail: Option<String>,
    /// The previous record's hash.
    pub prev: String,
}

/// An event, before the log gives it a place.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// What was done.
    pub action: &'static str,
    /// The certificate concerned (hex SHA-256).
    pub certificate: Option<String>,
    /// For signatures: the digest signed over (hex).
    pub artifact: Option<String>,
    /// The grant or request concerned.
    pub grant: Option<u64>,
    /// `ok` or the refusal's code.
    pub outcome: String,
    /// Signatures counted by this event.
    pub counted: u64,
    /// A file name or a number.
    pub detail: Option<String>,
}

/// Where a record landed: its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// Its `seq`.
    pub seq: u64,
    /// Its hash (the next record's `prev`).
    pub hash: String,
}

impl Record {
    /// The record placed after `prev` (a receipt of the previous record, or
    /// `None` for the first).
    pub fn new(event: &Event, prev: Option<&Receipt>, time: i64, actor: &str) -> Record {
        Record {
            seq: prev.map_or(1, |p| p.seq.saturating_add(1)),
            time,
            actor: actor.to_string(),
            action: event.action.to_string(),
            certificate: event.certificate.clone(),
            artifact: event.artifact.clone(),
            grant: event.grant,
            outcome: event.outcome.clone(),
            counted: event.counted,
            detail: event.detail.clone(),
            prev: prev.map_or_else(|| GENESIS.to_string(), |p| p.hash.clone()),
        }
    }

    /// The record's line (without the newline): its canonical encoding.
    pub fn line(&self) -> String {
        // Field order is the struct's; serde_json writes no whitespace.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The hash of a line.
pub fn hash(line: &[u8]) -> String {
    crate::hex(&Sha256::digest(line))
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Records in the log.
    pub records: u64,
    /// The last record's hash ([`GENESIS`] for an empty log).
    pub head: String,
}

fn broken(what: String) -> Error {
    Error::refused("audit_chain_broken", what)
        .with_hint("the log was edited, reordered or cut; compare with a copy and with the anchored head")
}

/// Parses and checks the whole log.
///
/// # Errors
/// `audit_chain_broken`, naming the first bad record.
pub fn verify(log: &[u8]) -> Result<(Vec<Record>, Verified)> {
    let mut records = Vec::new();
    let mut prev = Receipt {
        seq: 0,
        hash: GENESIS.to_string(),
    };
    let mut rest = log;
    while !rest.is_empty() {
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return Err(broken(format!(
                "the record after seq {} is cut off (no end of line): the log was truncated or a write was torn",
                prev.seq
            )));
        };
        let (line, tail) = rest.split_at(end);
        rest = tail.get(1..).unwrap_or_default();
        let expected = prev.seq.saturating_add(1);
        let record: Record = serde_json::from_slice(line)
            .map_err(|e| broken(format!("record {expected} is not a valid record: {e}")))?;
        if record.seq != expected {
            return Err(broken(format!(
                "record {expected} is missing or out of order: found seq {} there",
                record.seq
            )));
        }
        if record.prev != prev.hash {
            return Err(broken(format!(
                "record {expected} does not follow record {}: its prev is not that record's hash",
                prev.seq
            )));
        }
        if record.line().as_bytes() != line {
            return Err(broken(format!(
                "record {expected} is not in canonical form: it was edited"
            )));
        }
        prev = Receipt {
            seq: record.seq,
            hash: hash(line),
        };
        records.push(record);
    }
    Ok((
        records,
        Verified {
            records: prev.seq,
            head: prev.hash,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(n: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let mut prev: Option<Receipt> = None;
        for i in 0..n {
            let event = Event {
                action: "sign",
                outcome: "ok".into(),
                counted: 1,
                detail: Some(format!("file {i}")),
                ..Event::default()
            };
            let r = Record::new(&event, prev.as_ref(), 1_000 + i as i64, "alice");
            let line = r.line();
            prev = Some(Receipt {
                seq: r.seq,
                hash: hash(line.as_bytes()),
            });
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out
    }

    fn lines(log: &[u8]) -> Vec<Vec<u8>> {
        log.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect()
    }

    fn join(lines: &[Vec<u8>]) -> Vec<u8> {
        lines
            .iter()
            .flat_map(|l| l.iter().copied().chain([b'\n']))
            .collect()
    }

    #[test]
    fn every_kind_of_tampering_names_the_first_bad_record() {
        let good = log(5);
        let (records, v) = verify(&good).unwrap();
        assert_eq!((records.len(), v.records), (5, 5));
        assert_eq!(v.head, hash(&lines(&good)[4]));
        let msg = |bytes: &[u8]| verify(bytes).unwrap_err().message().to_string();
        // An edit.
        let edited = String::from_utf8(good.clone())
            .unwrap()
            .replacen("file 2", "file 9", 1);
        assert!(msg(edited.as_bytes()).contains("record 4 does not follow record 3"));
        // A deletion in the middle.
        let mut l = lines(&good);
        l.remove(1);
        assert!(msg(&join(&l)).contains("record 2 is missing"));
        // A reordering.
        let mut l = lines(&good);
        l.swap(2, 3);
        assert!(msg(&join(&l)).contains("record 3 is missing or out of order"));
        // A truncation inside a record.
        assert!(msg(&good[..good.len() - 10]).contains("cut off"));
        // Garbage.
        assert_eq!(verify(b"{\n").unwrap_err().code(), "audit_chain_broken");
        // An empty log is valid, with the genesis head.
        assert_eq!(verify(b"").unwrap().1.head, GENESIS);
    }
}

/// What `audit verify` reports: the chain and the ledgers agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Records in the log.
    pub records: u64,
    /// The last record's hash.
    pub head: String,
    /// Budgets whose ledger was compared with the log.
    pub budgets_checked: u64,
}
