//! Key bindings as data: one table maps keys to actions per context, and the
//! same table writes the footer and the help overlay, so what the screen
//! says a key does is what it does.
//!
//! Letter shortcuts (q, s, c, ?) work only where no text field takes
//! letters; in a field the Ctrl and F-key equivalents do the same.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::text_input::Edit;

/// What the keyboard is talking to right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A step whose answer is picked from a list (or the review).
    Choice,
    /// A step with a text field that takes letters.
    Text,
    SaveDialog,
    /// A y/n question.
    Confirm,
    Help,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    ForceQuit,
    Quit,
    Next,
    NextStep,
    Back,
    Jump(usize),
    Up,
    Down,
    PrevTab,
    NextTab,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Copy,
    Save,
    Help,
    CloseHelp,
    Redraw,
    Submit,
    Cancel,
    Yes,
    No,
    Edit(Edit),
    Insert(char),
    Paste(String),
}

/// Groups for the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Steps,
    Preview,
    Actions,
    Typing,
    Dialogs,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Steps,
        Section::Preview,
        Section::Actions,
        Section::Typing,
        Section::Dialogs,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Steps => "Moving between steps and answers",
            Section::Preview => "Preview",
            Section::Actions => "Save, copy, quit",
            Section::Typing => "In a text field",
            Section::Dialogs => "In a dialog",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn with(code: KeyCode, mods: KeyModifiers) -> Key {
    Key { code, mods }
}

#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    /// How the keys are written on screen.
    pub shown: &'static str,
    pub action: Action,
    pub contexts: &'static [Context],
    pub section: Section,
    /// The line in the help overlay; `None` when another binding's line
    /// already covers it (↓ is explained with ↑).
    pub help: Option<&'static str>,
    pub footer: Option<Footer>,
}

/// How a binding appears in the footer.
#[derive(Debug)]
pub struct Footer {
    pub word: &'static str,
    /// The contexts whose footer shows it.
    pub contexts: &'static [Context],
    /// When the footer is too narrow, lower values go first.
    pub keep: u8,
}

use Context::{Choice, Confirm, Help, SaveDialog, Text};

const STEPS: &[Context] = &[Choice, Text];
const FIELDS: &[Context] = &[Text, SaveDialog];
const EVERYWHERE: &[Context] = &[Choice, Text, SaveDialog, Confirm, Help];

pub static BINDINGS: &[Binding] = &[
    Binding {
        keys: &[plain(KeyCode::Enter)],
        shown: "Enter",
        action: Action::Next,
        contexts: STEPS,
        section: Section::Steps,
        help: Some("next field, then the next step (on Review: save)"),
        footer: Some(Footer {
            word: "next",
            contexts: STEPS,
            keep: 9,
        }),
    },
    Binding {
        keys: &[plain(KeyCode::Tab)],
        shown: "Tab",
        action: Action::NextStep,
        contexts: STEPS,
        section: Section::Steps,
        help: Some("next step, skipping the rest of this one"),
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::Esc), plain(KeyCode::BackTab)],
        shown: "Esc S-Tab",
        action: Action::Back,
        contexts: STEPS,
        section: Section::Steps,
        help: Some("previous step"),
        footer: Some(Footer {
            word: "back",
            contexts: STEPS,
            keep: 5,
        }),
    },
    Binding {
        keys: &[plain(KeyCode::Up)],
        shown: "↑↓",
        action: Action::Up,
        contexts: STEPS,
        section: Section::Steps,
        help: Some("choose an answer; past the end of a list, the next field"),
        footer: Some(Footer {
            word: "choose",
            contexts: STEPS,
            keep: 6,
        }),
    },
    Binding {
        keys: &[plain(KeyCode::Down)],
        shown: "↓",
        action: Action::Down,
        contexts: STEPS,
        section: Section::Steps,
        help: None,
        footer: None,
    },
    Binding {
        keys: &[
            ch('1'),
            ch('2'),
            ch('3'),
            ch('4'),
            ch('5'),
            ch('6'),
            ch('7'),
            ch('8'),
            ch('9'),
            ch('0'),
        ],
        shown: "1…9 0",
        action: Action::Jump(0),
        contexts: &[Choice],
        section: Section::Steps,
        help: Some("go to that step, 0 the tenth (not while typing)"),
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::Left)],
        shown: "←→",
        action: Action::PrevTab,
        contexts: &[Choice],
        section: Section::Preview,
        help: Some("previous / next preview tab (not while typing)"),
        footer: Some(Footer {
            word: "tab",
            contexts: &[Choice],
            keep: 3,
        }),
    },
    Binding {
        keys: &[plain(KeyCode::Right)],
        shown: "→",
        action: Action::NextTab,
        contexts: &[Choice],
        section: Section::Preview,
        help: None,
        footer: None,
    },
    Binding {
        keys: &[with(KeyCode::Left, KeyModifiers::SHIFT)],
        shown: "S-←→",
        action: Action::PrevTab,
        contexts: STEPS,
        section: Section::Preview,
        help: Some("previous / next preview tab (also while typing)"),
        footer: Some(Footer {
            word: "tab",
            contexts: &[Text],
            keep: 3,
        }),
    },
    Binding {
        keys: &[with(KeyCode::Right, KeyModifiers::SHIFT)],
        shown: "S-→",
        action: Action::NextTab,
        contexts: STEPS,
        section: Section::Preview,
        help: None,
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::PageUp)],
        shown: "PgUp/PgDn",
        action: Action::PageUp,
        contexts: &[Choice, Text, Help],
        section: Section::Preview,
        help: Some("scroll the preview (or this help) a page"),
        footer: Some(Footer {
            word: "scroll",
            contexts: STEPS,
            keep: 2,
        }),
    },
    Binding {
        keys: &[plain(KeyCode::PageDown)],
        shown: "PgDn",
        action: Action::PageDown,
        contexts: &[Choice, Text, Help],
        section: Section::Preview,
        help: None,
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::Home)],
        shown: "Home/End",
        action: Action::Top,
        contexts: &[Choice],
        section: Section::Preview,
        help: Some("top / bottom of the preview (not while typing)"),
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::End)],
        shown: "End",
        action: Action::Bottom,
        contexts: &[Choice],
        section: Section::Preview,
        help: None,
        footer: None,
    },
    Binding {
        keys: &[ch('c')],
        shown: "c",
        action: Action::Copy,
        contexts: &[Choice],
        section: Section::Actions,
        help: Some("copy the previewed text"),
        footer: Some(Footer {
            word: "copy",
            contexts: &[Choice],
            keep: 7,
        }),
    },
    Binding {
        keys: &[ctrl('y')],
        shown: "^Y",
        action: Action::Copy,
        contexts: STEPS,
        section: Section::Actions,
        help: Some("copy the previewed text (also while typing)"),
        footer: Some(Footer {
            word: "copy",
            contexts: &[Text],
            keep: 7,
        }),
    },
    Binding {
        keys: &[ch('s')],
        shown: "s",
        action: Action::Save,
        contexts: &[Choice],
        section: Section::Actions,
        help: Some("save every file into a directory"),
        footer: Some(Footer {
            word: "save",
            contexts: &[Choice],
            keep: 8,
        }),
    },
    Binding {
        keys: &[ctrl('s')],
        shown: "^S",
        action: Action::Save,
        contexts: STEPS,
        section: Section::Actions,
        help: Some("save (also while typing)"),
        footer: Some(Footer {
            word: "save",
            contexts: &[Text],
            keep: 8,
        }),
    },
    Binding {
        keys: &[ch('?')],
        shown: "?",
        action: Action::Help,
        contexts: &[Choice],
        section: Section::Actions,
        help: Some("this help"),
        footer: Some(Footer {
            word: "help",
            contexts: &[Choice],
            keep: 10,
        }),
    },
    Binding {
        keys: &[plain(KeyCode::F(1))],
        shown: "F1",
        action: Action::Help,
        contexts: STEPS,
        section: Section::Actions,
        help: Some("this help (also while typing)"),
        footer: Some(Footer {
            word: "help",
            contexts: &[Text],
            keep: 10,
        }),
    },
    Binding {
        keys: &[ch('q')],
        shown: "q",
        action: Action::Quit,
        contexts: &[Choice],
        section: Section::Actions,
        help: Some("quit (asks first if answers are unsaved)"),
        footer: Some(Footer {
            word: "quit",
            contexts: &[Choice],
            keep: 10,
        }),
    },
    Binding {
        keys: &[ctrl('q')],
        shown: "^Q",
        action: Action::Quit,
        contexts: STEPS,
        section: Section::Actions,
        help: Some("quit (also while typing)"),
        footer: Some(Footer {
            word: "quit",
            contexts: &[Text],
            keep: 10,
        }),
    },
    Binding {
        keys: &[ctrl('c')],
        shown: "^C",
        action: Action::ForceQuit,
        contexts: EVERYWHERE,
        section: Section::Actions,
        help: Some("quit at once, without asking"),
        footer: None,
    },
    Binding {
        keys: &[ctrl('l')],
        shown: "^L",
        action: Action::Redraw,
        contexts: EVERYWHERE,
        section: Section::Actions,
        help: Some("redraw the whole screen"),
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::Left)],
        shown: "←→",
        action: Action::Edit(Edit::Left),
        contexts: FIELDS,
        section: Section::Typing,
        help: Some("move the cursor"),
        footer: Some(Footer {
            word: "cursor",
            contexts: FIELDS,
            keep: 1,
        }),
    },
    Binding {
        keys: &[plain(KeyCode::Right)],
        shown: "→",
        action: Action::Edit(Edit::Right),
        contexts: FIELDS,
        section: Section::Typing,
        help: None,
        footer: None,
    },
    Binding {
        keys: &[
            with(KeyCode::Left, KeyModifiers::CONTROL),
            with(KeyCode::Left, KeyModifiers::ALT),
        ],
        shown: "^←/^→",
        action: Action::Edit(Edit::WordLeft),
        contexts: FIELDS,
        section: Section::Typing,
        help: Some("move by word"),
        footer: None,
    },
    Binding {
        keys: &[
            with(KeyCode::Right, KeyModifiers::CONTROL),
            with(KeyCode::Right, KeyModifiers::ALT),
        ],
        shown: "^→",
        action: Action::Edit(Edit::WordRight),
        contexts: FIELDS,
        section: Section::Typing,
        help: None,
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::Home), ctrl('a')],
        shown: "Home ^A",
        action: Action::Edit(Edit::Home),
        contexts: FIELDS,
        section: Section::Typing,
        help: Some("start of the field"),
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::End), ctrl('e')],
        shown: "End ^E",
        action: Action::Edit(Edit::End),
        contexts: FIELDS,
        section: Section::Typing,
        help: Some("end of the field"),
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::Backspace)],
        shown: "Backspace",
        action: Action::Edit(Edit::Backspace),
        contexts: FIELDS,
        section: Section::Typing,
        help: Some("delete before the cursor"),
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::Delete), ctrl('d')],
        shown: "Del ^D",
        action: Action::Edit(Edit::Delete),
        contexts: FIELDS,
        section: Section::Typing,
        help: Some("delete under the cursor"),
        footer: None,
    },
    Binding {
        keys: &[ctrl('u')],
        shown: "^U",
        action: Action::Edit(Edit::DeleteToStart),
        contexts: FIELDS,
        section: Section::Typing,
        help: Some("delete to the start"),
        footer: None,
    },
    Binding {
        keys: &[ctrl('k')],
        shown: "^K",
        action: Action::Edit(Edit::DeleteToEnd),
        contexts: FIELDS,
        section: Section::Typing,
        help: Some("delete to the end"),
        footer: None,
    },
    Binding {
        keys: &[
            ctrl('w'),
            with(KeyCode::Backspace, KeyModifiers::ALT),
            with(KeyCode::Backspace, KeyModifiers::CONTROL),
        ],
        shown: "^W",
        action: Action::Edit(Edit::DeleteWordBack),
        contexts: FIELDS,
        section: Section::Typing,
        help: Some("delete the word before the cursor"),
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::Enter)],
        shown: "Enter",
        action: Action::Submit,
        contexts: &[SaveDialog],
        section: Section::Dialogs,
        help: Some("save into the directory"),
        footer: Some(Footer {
            word: "save",
            contexts: &[SaveDialog],
            keep: 8,
        }),
    },
    Binding {
        keys: &[ch('y')],
        shown: "y",
        action: Action::Yes,
        contexts: &[Confirm],
        section: Section::Dialogs,
        help: Some("yes"),
        footer: Some(Footer {
            word: "yes",
            contexts: &[Confirm],
            keep: 10,
        }),
    },
    Binding {
        keys: &[ch('n')],
        shown: "n",
        action: Action::No,
        contexts: &[Confirm],
        section: Section::Dialogs,
        help: Some("no"),
        footer: Some(Footer {
            word: "no",
            contexts: &[Confirm],
            keep: 10,
        }),
    },
    Binding {
        keys: &[plain(KeyCode::Esc)],
        shown: "Esc",
        action: Action::Cancel,
        contexts: &[SaveDialog, Confirm],
        section: Section::Dialogs,
        help: Some("close the dialog"),
        footer: Some(Footer {
            word: "cancel",
            contexts: &[SaveDialog, Confirm],
            keep: 10,
        }),
    },
    Binding {
        keys: &[plain(KeyCode::Up)],
        shown: "↑↓",
        action: Action::PageUp,
        contexts: &[Help],
        section: Section::Dialogs,
        help: None,
        footer: None,
    },
    Binding {
        keys: &[plain(KeyCode::Down)],
        shown: "↓",
        action: Action::PageDown,
        contexts: &[Help],
        section: Section::Dialogs,
        help: None,
        footer: None,
    },
];

/// The modifiers that matter: Shift is part of the character itself ("?",
/// "A"), and terminals disagree on reporting it, so it is dropped there.
fn normalise(event: &KeyEvent) -> Key {
    let mut mods = event.modifiers;
    if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
        mods.remove(KeyModifiers::SHIFT);
    }
    Key {
        code: event.code,
        mods,
    }
}

/// The action for a key press in `context`, if any.
pub fn action(context: Context, event: &KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let key = normalise(event);
    let bound = BINDINGS
        .iter()
        .filter(|b| b.contexts.contains(&context))
        .find(|b| b.keys.contains(&key));
    if let Some(binding) = bound {
        return Some(match binding.action {
            Action::Jump(_) => match key.code {
                KeyCode::Char(d) => {
                    // 1 is the first step, 0 the tenth.
                    Action::Jump(d.to_digit(10).map_or(0, |d| (d as usize + 9) % 10))
                }
                _ => return None,
            },
            ref action => action.clone(),
        });
    }
    match (context, key.code) {
        (Text | SaveDialog, KeyCode::Char(c)) if key.mods.is_empty() => Some(Action::Insert(c)),
        (Help, _) => Some(Action::CloseHelp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn letters_are_commands_in_lists_and_text_in_fields() {
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action(Choice, &q), Some(Action::Quit));
        assert_eq!(action(Text, &q), Some(Action::Insert('q')));
        assert_eq!(action(SaveDialog, &q), Some(Action::Insert('q')));
    }

    #[test]
    fn ctrl_c_quits_everywhere() {
        let c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for context in EVERYWHERE {
            assert_eq!(action(*context, &c), Some(Action::ForceQuit), "{context:?}");
        }
    }

    #[test]
    fn shift_is_part_of_the_character() {
        let question = press(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(action(Choice, &question), Some(Action::Help));
        let upper = press(KeyCode::Char('Q'), KeyModifiers::SHIFT);
        assert_eq!(action(Text, &upper), Some(Action::Insert('Q')));
        let back = press(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(action(Text, &back), Some(Action::Back));
    }

    #[test]
    fn digits_jump_to_their_step() {
        let three = press(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(action(Choice, &three), Some(Action::Jump(2)));
        let zero = press(KeyCode::Char('0'), KeyModifiers::NONE);
        assert_eq!(action(Choice, &zero), Some(Action::Jump(9)));
        assert_eq!(action(Text, &three), Some(Action::Insert('3')));
    }

    #[test]
    fn releases_are_ignored() {
        let mut enter = press(KeyCode::Enter, KeyModifiers::NONE);
        enter.kind = KeyEventKind::Release;
        assert_eq!(action(Choice, &enter), None);
    }

    #[test]
    fn any_unbound_key_closes_help() {
        let x = press(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(action(Help, &x), Some(Action::CloseHelp));
        let down = press(KeyCode::Down, KeyModifiers::NONE);
        assert_eq!(action(Help, &down), Some(Action::PageDown));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for context in EVERYWHERE {
            let mut seen: Vec<Key> = Vec::new();
            for b in BINDINGS.iter().filter(|b| b.contexts.contains(context)) {
                for key in b.keys {
                    assert!(!seen.contains(key), "{key:?} twice in {context:?}");
                    seen.push(*key);
                }
            }
        }
    }
}
