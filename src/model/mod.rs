//! The gateway-neutral view of providers, fields, edits and errors.

pub mod diff;
pub mod error;
pub mod field;
pub mod provider;
pub mod request;
pub mod retry;
pub mod time;
pub mod validate;

pub use diff::{Change, Draft, PlannedUpdate};
pub use error::{ApiError, ErrorKind};
pub use field::{Access, Field, FieldKind};
pub use provider::{Fact, Provider, SecretState};
pub use request::{Auth, AuthScheme, CredentialSource, HttpRequest, Method};
pub use retry::RetryPolicy;
