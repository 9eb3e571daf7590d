//! The wizard's questions, front-end neutral: the steps, each question's
//! wording, choices, validation, defaults, which flag answers it and when it
//! is not needed, the Review rows and the next steps. The full-screen UI
//! (`tui`) and the line prompts (`plain`) only render this, so a question
//! exists once and both front ends ask the same things in the same order.

pub mod answers;
pub mod question;
pub mod review;
pub mod step;

pub use answers::Answers;
pub use question::{Choice, Kind, Link, Pasted, Question, Remark};
pub use step::Step;
