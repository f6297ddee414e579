//! `puddle clock [advance --days N --hours N --minutes N]`: Puddle's own command for the lake's
//! simulated clock (no AWS service has one).

use crate::{
    parse::{usage, words},
    Command, UsageError,
};

/// Parses the arguments after `puddle clock`.
pub(crate) fn parse_clock(args: &[&str]) -> Result<Command, UsageError> {
    match args.split_first() {
        None => Ok(Command::ClockShow),
        Some((&"advance", rest)) => {
            let w = words(rest, &[], &["days", "hours", "minutes"])?;
            if let Some(extra) = w.positional.first() {
                return usage(format!("Unknown options: {extra}"));
            }
            let mut minutes: i64 = 0;
            for (name, v) in w.values {
                let scale = match name {
                    "days" => 1440,
                    "hours" => 60,
                    _ => 1,
                };
                let n: i64 = v.parse().ok().filter(|n| *n >= 0 && *n <= 3660 * 1440).ok_or_else(|| {
                    UsageError::new(format!("argument --{name}: expected a whole number >= 0, got '{v}'"))
                })?;
                minutes += n * scale;
            }
            if minutes == 0 {
                return usage("puddle clock advance needs --days, --hours or --minutes");
            }
            Ok(Command::ClockAdvance { minutes })
        }
        Some((other, _)) => {
            usage(format!("'puddle clock {other}': valid forms are `puddle clock` and `puddle clock advance --days N`"))
        }
    }
}
