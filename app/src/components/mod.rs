pub mod accept;
pub mod feedback;
pub mod header;
pub mod local_time;
pub mod passkey;
