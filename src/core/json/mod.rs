//! JSON as text: where every value, key and item sits ([`syntax`],
//! [`position`]) and edits that rewrite only what differs ([`edit`]), so
//! that patched files keep their layout byte for byte.

pub mod edit;
pub mod position;
pub mod syntax;
