//! The time as the application sees it: real in production, set by hand in tests.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// A source of "now". Cloning shares the same clock.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock { fixed: None }
    }

    /// A clock that stays at `at` until moved with [`Clock::set`].
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock {
            fixed: Some(Arc::new(Mutex::new(at))),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            Some(at) => *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
            None => Utc::now(),
        }
    }

    /// Moves a fixed clock; does nothing to the system clock.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Some(at) = &self.fixed {
            *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = to;
        }
    }
}
