//! Errors as JSON: `{"error": {"code": ..., "message": ..., ...}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use funnel_engine::LeadError;

/// An error answer, or one record's error inside a batch.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status (unused for a record inside a batch).
    pub status: StatusCode,
    /// A stable, machine-readable code: `bad_lead`, `malformed`, `too_large`, ...
    pub code: &'static str,
    /// For people.
    pub message: String,
    /// The lead's error: record, field path, expected and found.
    pub lead: Option<LeadError>,
}

impl ApiError {
    /// An error with a message only.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            lead: None,
        }
    }

    /// A lead's error (400).
    pub fn lead(code: &'static str, e: LeadError) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: e.message.clone(),
            lead: Some(e),
        }
    }

    /// The inner object: code, message, then the lead error's fields.
    pub fn body(&self) -> serde_json::Value {
        let mut obj = serde_json::Map::new();
        obj.insert("code".into(), self.code.into());
        obj.insert("message".into(), self.message.clone().into());
        if let Some(e) = &self.lead {
            if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(e) {
                for (k, v) in fields {
                    if k != "message" {
                        obj.insert(k, v);
                    }
                }
            }
        }
        serde_json::Value::Object(obj)
    }

    /// `{"error": {...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.body() })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.to_json())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_errors_carry_their_field_path() {
        let mut e = LeadError::new("expected datetime, found \"yesterday\"");
        e.field = Some("events[2].at".into());
        e.expected = Some("datetime".into());
        e.found = Some("\"yesterday\"".into());
        let json = ApiError::lead("bad_lead", e).to_json();
        assert_eq!(json["error"]["code"], "bad_lead");
        assert_eq!(json["error"]["field"], "events[2].at");
        assert_eq!(json["error"]["expected"], "datetime");
        assert!(json["error"].get("record").is_none());
    }
}
