//! The gateway-neutral view of providers, fields, edits and errors.

pub mod diff;
pub mod error;
pub mod field;
pub mod provider;
pub mod request;
pub mod validate;

pub use diff::{Change, Draft};
pub use error::{ApiError, ErrorKind};
pub use field::{Access, Field, FieldKind};
pub use provider::{Provider, SecretState};
pub use request::{Auth, HttpRequest, Method};
