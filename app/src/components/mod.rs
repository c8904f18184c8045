pub mod accept;
pub mod chart;
pub mod feedback;
pub mod header;
pub mod local_time;
pub mod passkey;
pub mod reload;
