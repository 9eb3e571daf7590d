//! JSON as text: one walk over it ([`scan`]) that gives both where every
//! value starts as line:column ([`position`], for `check`'s messages) and
//! where every value, key and item sits as byte offsets ([`syntax`]), and
//! edits on that tree that rewrite only what differs ([`edit`]), so that
//! patched files keep their layout byte for byte.

pub mod edit;
pub mod position;
pub mod scan;
pub mod syntax;
