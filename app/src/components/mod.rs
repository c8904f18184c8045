pub mod feedback;
pub mod header;
