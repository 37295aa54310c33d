//! `AppError`: the only error that crosses the wire between server and browser.
//!
//! It carries a kind the UI can translate, never an internal message: database and
//! other internal failures are logged on the server and arrive here as `Internal`.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A field the user filled in is not acceptable; `field` names it for the form.
    #[error("invalid {field}")]
    Invalid { field: String },
    /// The value must be unique and is already taken.
    #[error("{field} already taken")]
    Conflict { field: String },
    /// The person may not do this (or must sign in, confirm their address, or give a
    /// second factor first).
    #[error("denied: {0:?}")]
    Denied(crate::domain::authz::Denied),
    /// Something failed on the server; details are in the server log.
    #[error("internal error")]
    Internal,
    /// The request never reached the function or its answer could not be read.
    #[error("request failed")]
    Transport,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(err: ServerFnErrorErr) -> Self {
        match err {
            ServerFnErrorErr::ServerError(_) => AppError::Internal,
            _ => AppError::Transport,
        }
    }
}
