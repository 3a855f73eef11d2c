//! The seed tutorial's scenarios as models.
