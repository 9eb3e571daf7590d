//! An I/O error as the end of a one-line message: what went wrong, in lower
//! case, without the OS error number (`no space left on device`), so that
//! `cannot write out/agent.json: no space left on device` reads as one
//! sentence and says it once.

use std::io;

pub fn describe(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        io::ErrorKind::NotADirectory => "not a directory".to_owned(),
        _ => {
            let text = error.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars
                .next()
                .map(|first| first.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_lose_their_number_and_capital() {
        assert_eq!(
            describe(&io::Error::from_raw_os_error(28)),
            "no space left on device"
        );
        assert_eq!(
            describe(&io::Error::from_raw_os_error(20)),
            "not a directory"
        );
        assert_eq!(
            describe(&io::Error::new(io::ErrorKind::InvalidInput, "It is a FIFO")),
            "it is a FIFO"
        );
    }
}
