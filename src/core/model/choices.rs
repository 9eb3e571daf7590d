//! The one macro behind every closed set of answers.

/// A closed set of choices: the enum, `ALL` in display order, `cli_name`
/// (its spelling on the command line), `Display` and `FromStr` from one table,
/// so a new choice is one line.
macro_rules! choices {
    ($(#[$meta:meta])* $vis:vis enum $name:ident ($field:ident) {
        $($(#[$vmeta:meta])* $variant:ident => $cli:literal,)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every choice, in the order front ends offer them.
            pub const ALL: [$name; [$($cli),+].len()] = [$($name::$variant),+];

            /// The spelling on the command line and in files.
            pub fn cli_name(self) -> &'static str {
                match self {
                    $($name::$variant => $cli,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.cli_name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::core::model::error::ConfigError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .into_iter()
                    .find(|choice| choice.cli_name() == s)
                    .ok_or_else(|| $crate::core::model::error::ConfigError::Invalid {
                        field: $crate::core::model::error::Field::$field,
                        value: s.to_owned(),
                        expected: $name::ALL.map($name::cli_name).join(", "),
                    })
            }
        }
    };
}
pub(crate) use choices;
