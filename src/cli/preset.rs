//! The answers a command takes as flags, built from the core's table of
//! settings rather than written out: each command gets the settings whose
//! scope names it, with the setting's own help, value name and check, and
//! hands on a plain [`Given`]. A new setting is a new row there and
//! appears here, in `--help` and in shell completion by itself.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};

use crate::core::model::field::{Field, Scope, Setting, SETTINGS};
use crate::core::model::given::Given;
use crate::core::Config;

/// The settings of the commands in `SCOPE` (bits of [`Scope`]), as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preset<const SCOPE: u8> {
    pub given: Given,
}

/// The wizard's and `--plain`'s presets.
pub type WizardPreset = Preset<{ Scope::WIZARD.bits() }>;
pub type GeneratePreset = Preset<{ Scope::GENERATE.bits() }>;
pub type PatchPreset = Preset<{ Scope::PATCH.bits() }>;
pub type ApplyPreset = Preset<{ Scope::APPLY.bits() }>;

fn settings(scope: u8) -> impl Iterator<Item = &'static Setting> {
    SETTINGS
        .iter()
        .filter(move |s| s.scope.contains(Scope::from_bits(scope)))
}

fn arg(setting: &'static Setting) -> Arg {
    let arg = Arg::new(setting.long)
        .long(setting.long)
        .value_name(setting.value_name)
        .help(setting.help)
        .action(ArgAction::Set)
        .value_parser(SettingParser(setting))
        // The help line says what each value means; the list is for
        // completion.
        .hide_possible_values(true)
        // A start command may well begin with a dash (`-m http.server`).
        .allow_hyphen_values(setting.field == Field::StartupCommand);
    if setting.is_switch() {
        // `--profiling` alone is on; `--profiling=false` needs the `=`, so
        // `patch --profiling task.json` never reads the file as the value.
        arg.num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true")
    } else {
        arg
    }
}

impl<const SCOPE: u8> Args for Preset<SCOPE> {
    fn augment_args(command: Command) -> Command {
        settings(SCOPE).fold(command, |command, setting| command.arg(arg(setting)))
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

impl<const SCOPE: u8> FromArgMatches for Preset<SCOPE> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut preset = Preset::default();
        preset.update_from_arg_matches(matches)?;
        Ok(preset)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for setting in settings(SCOPE) {
            if let Some(text) = matches.get_one::<String>(setting.long) {
                self.given.set(setting.field, text.clone());
            }
        }
        Ok(())
    }
}

/// Checks a flag's text with the setting's own reader, so that a bad value
/// is refused with the core's message, naming the flag, before anything
/// runs; closed sets also offer their values to shell completion.
#[derive(Clone)]
struct SettingParser(&'static Setting);

impl TypedValueParser for SettingParser {
    type Value = String;

    fn parse_ref(
        &self,
        _command: &Command,
        _arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let setting = self.0;
        let Some(text) = value.to_str() else {
            return Err(clap::Error::raw(
                ErrorKind::InvalidUtf8,
                format!("--{}: the value is not valid UTF-8\n", setting.long),
            ));
        };
        let mut scratch = Config::default();
        (setting.set)(&mut scratch, text).map_err(|e| {
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!("--{}: {e}\n", setting.long),
            )
        })?;
        Ok(text.to_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let values = (self.0.values)();
        if values.is_empty() {
            return None;
        }
        Some(Box::new(values.into_iter().map(PossibleValue::new)))
    }
}
