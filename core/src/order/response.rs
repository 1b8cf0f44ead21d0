//! The documented responses of the order endpoint (`201 Created`).
//!
//! Shape: `{"id": int, "organization": {"id": int}?, "requests": [{"id": int,
//! "status": "pending"|"submitted"|"approved"|"rejected"}]?, "certificate_id": int?}`.
//!
//! Decisions where the pages are not explicit:
//! - `requests` is optional: the first documented sample (a directly issued
//!   order) has only `id` and `certificate_id`.
//! - `certificate_id` is "returned if request status is approved": when
//!   `requests` is present, a `certificate_id` without any approved request is
//!   an error ([`ResponseError::CertificateWithoutApproval`]), and an approved
//!   request without `certificate_id` is an error too
//!   ([`ResponseError::ApprovedWithoutCertificate`]): the caller would
//!   otherwise wait for a certificate it has already been given, or trust one
//!   that was not approved.
//! - Members not listed are ignored (responses may grow new fields).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::json::{self, JsonError, Object, Value};

/// Status of one certificate request in an order response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    /// `pending`: waiting for approval.
    Pending,
    /// `submitted`: submitted for approval (two-step approval).
    Submitted,
    /// `approved`.
    Approved,
    /// `rejected`.
    Rejected,
}

impl RequestStatus {
    /// The wire value, e.g. `pending`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Submitted => "submitted",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
        }
    }
}

/// One entry of `requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestInfo {
    /// Request ID.
    pub id: i64,
    /// Request status.
    pub status: RequestStatus,
}

/// A parsed order response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderResponse {
    /// Order ID.
    pub id: i64,
    /// ID of the organization created with the order, if one was.
    pub organization_id: Option<i64>,
    /// The requests (empty when the response has no `requests`).
    pub requests: Vec<RequestInfo>,
    /// Certificate ID, present when the certificate was approved or issued.
    pub certificate_id: Option<i64>,
}

/// Why a response body is not a documented order response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// Not acceptable JSON.
    Json(JsonError),
    /// JSON, but not an object.
    NotObject,
    /// A required member is missing.
    Missing {
        /// Its path, e.g. `requests[0].status`.
        path: String,
    },
    /// A member has the wrong type.
    WrongType {
        /// Its path.
        path: String,
        /// What was expected, e.g. `an integer`.
        expected: &'static str,
    },
    /// A request status that is not one of the four documented ones.
    UnknownStatus {
        /// Its path.
        path: String,
        /// The status as sent.
        status: String,
    },
    /// `certificate_id` is present although `requests` has no approved request.
    CertificateWithoutApproval {
        /// The certificate ID sent.
        certificate_id: i64,
    },
    /// A request is approved but there is no `certificate_id`.
    ApprovedWithoutCertificate {
        /// The approved request's ID.
        request_id: i64,
    },
}

impl crate::ErrorCode for ResponseError {
    fn code(&self) -> &'static str {
        match self {
            ResponseError::Json(e) => e.code(),
            ResponseError::NotObject => "json_not_object",
            ResponseError::Missing { .. } => "response_missing_field",
            ResponseError::WrongType { .. } => "response_wrong_type",
            ResponseError::UnknownStatus { .. } => "response_unknown_status",
            ResponseError::CertificateWithoutApproval { .. } => "response_certificate_without_approval",
            ResponseError::ApprovedWithoutCertificate { .. } => "response_approved_without_certificate",
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Json(e) => write!(f, "{e}"),
            ResponseError::NotObject => f.write_str("the response is not a JSON object"),
            ResponseError::Missing { path } => write!(f, "{path} is missing"),
            ResponseError::WrongType { path, expected } => write!(f, "{path} must be {expected}"),
            ResponseError::UnknownStatus { path, status } => {
                write!(
                    f,
                    "{path} {status:?} is not pending, submitted, approved or rejected"
                )
            }
            ResponseError::CertificateWithoutApproval { certificate_id } => write!(
                f,
                "certificate_id {certificate_id} is present but no request is approved"
            ),
            ResponseError::ApprovedWithoutCertificate { request_id } => {
                write!(
                    f,
                    "request {request_id} is approved but certificate_id is missing"
                )
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ResponseError {}

fn int(obj: &Object, key: &str, path: &str) -> Result<Option<i64>, ResponseError> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| ResponseError::WrongType {
            path: String::from(path),
            expected: "an integer",
        }),
    }
}

fn required_int(obj: &Object, key: &str, path: &str) -> Result<i64, ResponseError> {
    int(obj, key, path)?.ok_or_else(|| ResponseError::Missing {
        path: String::from(path),
    })
}

fn object<'a>(v: &'a Value<'a>, path: &str) -> Result<&'a Object<'a>, ResponseError> {
    v.as_object().ok_or_else(|| ResponseError::WrongType {
        path: String::from(path),
        expected: "an object",
    })
}

/// Parses an order response body.
///
/// # Errors
/// [`ResponseError`]: malformed JSON, a missing or mistyped member, an unknown
/// status, or a `certificate_id` inconsistent with the request statuses (see
/// the module docs).
pub fn parse_response(body: &[u8]) -> Result<OrderResponse, ResponseError> {
    let value = json::parse(body).map_err(ResponseError::Json)?;
    let root = value.as_object().ok_or(ResponseError::NotObject)?;
    let id = required_int(root, "id", "id")?;
    let organization_id = match root.get("organization") {
        None => None,
        Some(v) => Some(required_int(object(v, "organization")?, "id", "organization.id")?),
    };
    let certificate_id = int(root, "certificate_id", "certificate_id")?;
    let mut requests = Vec::new();
    let has_requests = root.get("requests").is_some();
    if let Some(v) = root.get("requests") {
        let items = v.as_array().ok_or_else(|| ResponseError::WrongType {
            path: String::from("requests"),
            expected: "an array",
        })?;
        for (i, item) in items.iter().enumerate() {
            let base = format!("requests[{i}]");
            let obj = object(item, &base)?;
            let rid = required_int(obj, "id", &format!("{base}.id"))?;
            let spath = format!("{base}.status");
            let sv = obj
                .get("status")
                .ok_or_else(|| ResponseError::Missing { path: spath.clone() })?;
            let s = sv.as_str().ok_or_else(|| ResponseError::WrongType {
                path: spath.clone(),
                expected: "a string",
            })?;
            let status = match s {
                "pending" => RequestStatus::Pending,
                "submitted" => RequestStatus::Submitted,
                "approved" => RequestStatus::Approved,
                "rejected" => RequestStatus::Rejected,
                other => {
                    return Err(ResponseError::UnknownStatus {
                        path: spath,
                        status: String::from(other),
                    });
                }
            };
            requests.push(RequestInfo { id: rid, status });
        }
    }
    let approved = requests.iter().find(|r| r.status == RequestStatus::Approved);
    match (approved, certificate_id) {
        (Some(r), None) => return Err(ResponseError::ApprovedWithoutCertificate { request_id: r.id }),
        (None, Some(cid)) if has_requests => {
            return Err(ResponseError::CertificateWithoutApproval { certificate_id: cid });
        }
        _ => {}
    }
    Ok(OrderResponse {
        id,
        organization_id,
        requests,
        certificate_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn the_four_documented_samples() {
        let direct = parse_response(b"{\n\"id\": 112233,\n\"certificate_id\": 445566\n}").unwrap();
        assert_eq!(direct.id, 112_233);
        assert!(direct.requests.is_empty());
        assert_eq!(direct.certificate_id, Some(445_566));
        assert_eq!(direct.organization_id, None);

        for (status, expected) in [
            ("pending", RequestStatus::Pending),
            ("submitted", RequestStatus::Submitted),
        ] {
            let body = format!(
                "{{\n\"id\": 112233,\n\"requests\": [\n{{\n\"id\": 113,\n\"status\": \"{status}\"\n}}\n]\n}}"
            );
            let r = parse_response(body.as_bytes()).unwrap();
            assert_eq!(
                r.requests,
                [RequestInfo {
                    id: 113,
                    status: expected
                }]
            );
            assert_eq!(r.certificate_id, None);
        }

        let approved = parse_response(
            br#"{"id": 112233, "requests": [{"id": 113, "status": "approved"}], "certificate_id": 113}"#,
        )
        .unwrap();
        assert_eq!(approved.requests[0].status, RequestStatus::Approved);
        assert_eq!(approved.certificate_id, Some(113));
    }

    #[test]
    fn new_organization_and_rejected() {
        let r = parse_response(
            br#"{"id": 1, "organization": {"id": 77}, "requests": [{"id": 2, "status": "rejected"}], "extra": 0}"#,
        )
        .unwrap();
        assert_eq!(r.organization_id, Some(77));
        assert_eq!(r.requests[0].status, RequestStatus::Rejected);
    }

    #[test]
    fn inconsistent_or_malformed_responses() {
        let cases: [(&[u8], &str); 10] = [
            (
                br#"{"id": 1, "requests": [{"id": 2, "status": "approved"}]}"#,
                "response_approved_without_certificate",
            ),
            (
                br#"{"id": 1, "requests": [{"id": 2, "status": "pending"}], "certificate_id": 3}"#,
                "response_certificate_without_approval",
            ),
            (
                br#"{"id": 1, "requests": [{"id": 2, "status": "done"}]}"#,
                "response_unknown_status",
            ),
            (br#"{"id": 1, "requests": [{"id": 2}]}"#, "response_missing_field"),
            (br#"{"requests": []}"#, "response_missing_field"),
            (br#"{"id": "1"}"#, "response_wrong_type"),
            (br#"{"id": 1, "organization": {}}"#, "response_missing_field"),
            (br#"{"id": 1, "requests": {}}"#, "response_wrong_type"),
            (b"[1]", "json_not_object"),
            (br#"{"id": 1, "id": 2}"#, "json_duplicate_key"),
        ];
        for (body, code) in cases {
            let err = parse_response(body).unwrap_err();
            assert_eq!(err.code(), code, "{}", String::from_utf8_lossy(body));
            assert!(!format!("{err}").is_empty());
        }
    }
}
