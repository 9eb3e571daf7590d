//! Answering dialoguer's prompts in a pane the way a person does: wait for
//! the question, move through a list one line at a time and watch each
//! redraw, type an answer, press Enter. Each step waits for the screen to
//! show the effect of the last one, so a slow machine only makes it slower.

use crate::tmux::{Pane, Terminal, View};

/// The classic terminal size: every --plain list item fits 80 columns. The
/// whole history counts, since the dialogue scrolls.
pub const TERMINAL: Terminal = Terminal {
    width: 80,
    height: 24,
    view: View::History,
};

pub trait Prompts {
    /// Picks `item` in the select prompt `prompt` once it is on screen,
    /// then waits until the answer replaces the list.
    fn choose(&self, prompt: &str, item: &str);

    /// Answers the text prompt `prompt`: waits for it, types `text` (empty
    /// to take the default) and presses Enter.
    fn answer(&self, prompt: &str, text: &str);

    /// Answers a yes/no question with one key.
    fn confirm(&self, prompt: &str, yes: bool);

    /// On a dumb terminal: picks the numbered choice that reads `item` in
    /// the list under `prompt` (Enter alone when `item` is empty).
    fn pick(&self, prompt: &str, item: &str);
}

impl Prompts for Pane {
    fn choose(&self, prompt: &str, item: &str) {
        let mut moves = 0;
        loop {
            let text = self.wait_until(&format!("the {prompt:?} list"), |text| {
                active_choice(text, prompt).is_some()
            });
            let current = active_choice(&text, prompt).expect("active choice");
            if current.contains(item) {
                break;
            }
            moves += 1;
            assert!(
                moves < 12,
                "no {item:?} in {prompt:?}; the pane shows:\n{text}"
            );
            self.press(&["Down"]);
            self.wait_until(&format!("the choice to move off {current:?}"), |text| {
                active_choice(text, prompt).is_some_and(|c| c != current)
            });
        }
        let shown = count_lines(&self.history(), prompt);
        self.press(&["Enter"]);
        // Answered, or already asked again (the answer replaces the list in
        // place, so a new line with the prompt means a new question).
        self.wait_until(&format!("{prompt:?} to be answered"), |text| {
            active_choice(text, prompt).is_none() || count_lines(text, prompt) > shown
        });
    }

    fn answer(&self, prompt: &str, text: &str) {
        self.wait_until(&format!("the {prompt:?} prompt"), |screen| {
            last_line(screen).contains(prompt)
        });
        if !text.is_empty() {
            self.type_text(text);
            self.wait_until(&format!("{text:?} typed at {prompt:?}"), |screen| {
                let line = last_line(screen);
                line.contains(prompt) && line.ends_with(text)
            });
        }
        self.press(&["Enter"]);
    }

    fn pick(&self, prompt: &str, item: &str) {
        let text = self.wait_until(&format!("the {prompt:?} menu"), |text| {
            let lines: Vec<&str> = text.lines().collect();
            lines
                .iter()
                .rposition(|l| l.trim_end() == prompt)
                .is_some_and(|at| {
                    lines[at..].iter().any(|l| l.starts_with("choose 1-"))
                        && last_line(text).starts_with("choose 1-")
                })
        });
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .rposition(|l| l.trim_end() == prompt)
            .expect("the prompt");
        let number = if item.is_empty() {
            String::new()
        } else {
            lines[at + 1..]
                .iter()
                .find_map(|l| {
                    let (n, label) = l.trim_start().split_once(") ")?;
                    label.contains(item).then(|| n.to_owned())
                })
                .unwrap_or_else(|| panic!("no {item:?} under {prompt:?}:\n{text}"))
        };
        let asked = count_lines(&text, "choose 1-");
        if !number.is_empty() {
            self.type_text(&number);
        }
        self.press(&["Enter"]);
        self.wait_until(&format!("{prompt:?} to be answered"), |text| {
            !last_line(text).starts_with("choose 1-") || count_lines(text, "choose 1-") > asked
        });
    }

    fn confirm(&self, prompt: &str, yes: bool) {
        self.wait_until(&format!("the {prompt:?} question"), |screen| {
            last_line(screen).contains(prompt)
        });
        self.press(&[if yes { "y" } else { "n" }]);
    }
}

/// The marked item of the select list under the newest line that holds
/// `prompt`, when that list is still on screen.
fn active_choice(text: &str, prompt: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().rposition(|line| line.contains(prompt))?;
    lines[at + 1..]
        .iter()
        .take_while(|line| line.starts_with("  ") || is_marked(line))
        .find(|line| is_marked(line))
        .map(|line| line.to_string())
}

/// dialoguer marks the current item with `❯` (colourful theme) or `>`.
fn is_marked(line: &str) -> bool {
    line.starts_with("❯ ") || line.starts_with("> ")
}

fn count_lines(text: &str, needle: &str) -> usize {
    text.lines().filter(|line| line.contains(needle)).count()
}

/// The last line with something on it: where a prompt waits for input.
pub fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("")
}
