//! Real task definitions as users have them: the document and its shape
//! ([`document`]), what each container is ([`container`]), the task around
//! it ([`context`]), placeholders left in it ([`placeholder`]) and what reading
//! changed ([`read_note`]). Builds
//! nothing: that is [`generate`](crate::core::generate).

pub mod container;
pub mod context;
pub mod document;
pub mod placeholder;
pub mod read_note;
