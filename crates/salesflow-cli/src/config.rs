//! The configuration file: named profiles (token, account id, base URL), one per LinkedIn
//! account, so that one machine can drive several accounts.
//!
//! ```toml
//! default_profile = "sales"
//!
//! [profiles.sales]
//! token = "..."
//! account_id = 321
//!
//! [profiles.staging]
//! token = "..."
//! account_id = 7
//! base_url = "http://127.0.0.1:8080/api"
//! ```
//!
//! The file is `$SALESFLOW_CONFIG`, else `config.toml` in the platform's configuration
//! directory for `salesflow` (`~/.config/salesflow/config.toml` on Linux). A setting comes from
//! the first of: its flag, its environment variable, the selected profile (`--profile` /
//! `SALESFLOW_PROFILE`, else `default_profile`).
//!
//! Secrets: tokens read from the file are [`ApiToken`]s (never in `Debug`, `--verbose` or
//! errors); a parse error names the file, line, column and key but never quotes a value. The file
//! is written atomically (a temporary file renamed over it) with mode 0600, in a directory
//! created with mode 0700, and reading a file that group or others may read prints a warning.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use salesflow::{AccountId, ApiToken};
use serde::{Deserialize, Deserializer, Serialize};

use crate::exit::CliError;

/// The variable naming the configuration file (instead of the platform's default):
/// `SALESFLOW_CONFIG`.
pub const ENV_CONFIG: &str = "SALESFLOW_CONFIG";
/// The variable naming the profile to use (like `--profile`): `SALESFLOW_PROFILE`.
pub const ENV_PROFILE: &str = "SALESFLOW_PROFILE";
/// How `config list` shows that a profile has a token (the token itself is never shown):
/// `********`.
pub const TOKEN_MASK: &str = "********";

/// The contents of the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when none is selected with `--profile` / `SALESFLOW_PROFILE`.
    pub default_profile: Option<String>,
    /// The profiles, by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile: the credentials of one LinkedIn account, and where to reach the API.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The API token (never printed).
    #[serde(default, deserialize_with = "token")]
    pub token: Option<ApiToken>,
    /// The account id the token was issued for.
    pub account_id: Option<AccountId>,
    /// One base URL for both vendor hosts.
    pub base_url: Option<String>,
}

fn token<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ApiToken>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(ApiToken::new))
}

/// The configuration file as read, with where it is.
#[derive(Debug)]
pub struct Config {
    /// Where the file is (or would be).
    pub path: PathBuf,
    /// Whether the file exists.
    pub exists: bool,
    /// What it holds (nothing when it does not exist).
    pub file: ConfigFile,
}

/// The profile in force for a command.
#[derive(Clone, Debug)]
pub struct Selected {
    /// Its name.
    pub name: String,
    /// Whether it was chosen with `--profile` / `SALESFLOW_PROFILE` (rather than being the
    /// file's `default_profile`).
    pub explicit: bool,
    /// Its settings.
    pub profile: Profile,
    /// The file it comes from.
    pub path: PathBuf,
}

/// The configuration file's path: `$SALESFLOW_CONFIG` when set and not empty, else
/// `config.toml` in the platform's configuration directory for `salesflow`.
///
/// # Errors
///
/// A usage error when there is no home directory to put it in.
pub fn path() -> Result<PathBuf, CliError> {
    if let Some(p) = std::env::var_os(ENV_CONFIG).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "salesflow")
        .map(|d| d.config_dir().join("config.toml"))
        .ok_or_else(|| {
            CliError::usage(format!(
                "cannot find a home directory for the configuration file: set {ENV_CONFIG}"
            ))
        })
}

/// Checks a profile name: 1 to 64 letters, digits, `-` and `_`, starting with a letter or
/// a digit.
pub fn parse_profile_name(name: &str) -> Result<String, String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "`{name}` is not a profile name: use letters, digits, `-` and `_` (at most 64)"
        ))
    }
}

impl Config {
    /// Reads the file at `path` (none there is an empty configuration), warning on stderr
    /// when group or others may read it.
    ///
    /// # Errors
    ///
    /// A usage error naming the file (and the line and column) when it cannot be read or is
    /// not a valid configuration.
    pub fn load(path: &Path) -> Result<Config, CliError> {
        let Some(text) = read(path)? else {
            return Ok(Config {
                path: path.to_owned(),
                exists: false,
                file: ConfigFile::default(),
            });
        };
        warn_if_readable_by_others(path);
        let file = parse(path, &text)?;
        Ok(Config {
            path: path.to_owned(),
            exists: true,
            file,
        })
    }

    /// The profile in force: `explicit` (from `--profile` / `SALESFLOW_PROFILE`) when given,
    /// else the file's `default_profile`, else none.
    ///
    /// # Errors
    ///
    /// A usage error when the profile named is not in the file.
    pub fn select(&self, explicit: Option<&str>) -> Result<Option<Selected>, CliError> {
        let (name, is_explicit) = match (explicit, &self.file.default_profile) {
            (Some(n), _) => (n, true),
            (None, Some(d)) => (d.as_str(), false),
            (None, None) => return Ok(None),
        };
        let Some(profile) = self.file.profiles.get(name) else {
            let path = self.path.display();
            return Err(CliError::usage(if !self.exists {
                format!(
                    "no profile `{name}`: there is no configuration file {path} (add one with \
                     `salesflow config add {name} --token-stdin --account-id ID`)"
                )
            } else if is_explicit {
                format!(
                    "no profile `{name}` in {path} (profiles: {})",
                    self.names().join(", ")
                )
            } else {
                format!("{path}: default_profile = \"{name}\" names no profile")
            }));
        };
        Ok(Some(Selected {
            name: name.to_owned(),
            explicit: is_explicit,
            profile: profile.clone(),
            path: self.path.clone(),
        }))
    }

    /// The names of the profiles, sorted.
    pub fn names(&self) -> Vec<String> {
        self.file.profiles.keys().cloned().collect()
    }

    /// The profiles as `config list` shows them (no token).
    pub fn listing(&self) -> Vec<ListedProfile> {
        self.file
            .profiles
            .iter()
            .map(|(name, p)| ListedProfile {
                name: name.clone(),
                default: self.file.default_profile.as_deref() == Some(name),
                account_id: p.account_id,
                base_url: p.base_url.clone(),
                token: p.token.as_ref().map(|_| TOKEN_MASK),
            })
            .collect()
    }
}

/// One profile in `config list` (`-o json`): everything but the token, which is only said
/// to be there.
#[derive(Debug, Serialize)]
pub struct ListedProfile {
    /// Its name.
    pub name: String,
    /// Whether it is the `default_profile`.
    pub default: bool,
    /// Its account id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<AccountId>,
    /// Its base URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// [`TOKEN_MASK`] when it has a token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<&'static str>,
}

/// A profile to write with [`add_profile`].
#[derive(Debug)]
pub struct NewProfile<'a> {
    /// Its name (checked with [`parse_profile_name`]).
    pub name: &'a str,
    /// Its token.
    pub token: &'a ApiToken,
    /// Its account id.
    pub account_id: Option<AccountId>,
    /// Its base URL.
    pub base_url: Option<&'a str>,
    /// Make it the default profile.
    pub make_default: bool,
    /// Replace a profile of the same name (else that is an error).
    pub replace: bool,
}

/// What [`add_profile`] did.
#[derive(Debug, PartialEq, Eq)]
pub struct Added {
    /// A profile of that name was replaced.
    pub replaced: bool,
    /// The profile is now the default one.
    pub is_default: bool,
}

/// Adds a profile to the file at `path` (created if need be), keeping the rest of the file
/// (comments included) as it is. The first profile of a file becomes its default.
///
/// # Errors
///
/// A usage error when the file is not a valid configuration, the profile exists and
/// `replace` is false, or the file cannot be written.
pub fn add_profile(path: &Path, new: &NewProfile<'_>) -> Result<Added, CliError> {
    parse_profile_name(new.name).map_err(CliError::usage)?;
    let text = read(path)?.unwrap_or_default();
    let current = parse(path, &text)?;
    let replaced = current.profiles.contains_key(new.name);
    if replaced && !new.replace {
        return Err(CliError::usage(format!(
            "profile `{}` is already in {} (use --replace to overwrite it)",
            new.name,
            path.display()
        )));
    }
    let mut doc = edit_document(path, &text)?;
    let mut table = toml_edit::Table::new();
    table.insert("token", toml_edit::value(new.token.expose_secret()));
    if let Some(id) = new.account_id {
        table.insert("account_id", toml_edit::value(id.get()));
    }
    if let Some(url) = new.base_url {
        table.insert("base_url", toml_edit::value(url));
    }
    profiles_table(&mut doc, path)?.insert(new.name, toml_edit::Item::Table(table));
    let is_default = new.make_default
        || current.default_profile.is_none()
        || current.default_profile.as_deref() == Some(new.name);
    if is_default {
        // Assigned in place, so that the comments before the key stay.
        doc["default_profile"] = toml_edit::value(new.name);
    }
    write_atomically(path, doc.to_string().as_bytes())?;
    Ok(Added {
        replaced,
        is_default,
    })
}

/// Removes a profile from the file at `path` (and `default_profile` when it named it).
/// Returns whether it was the default.
///
/// # Errors
///
/// A usage error when there is no such profile, or the file cannot be read or written.
pub fn remove_profile(path: &Path, name: &str) -> Result<bool, CliError> {
    let text = read(path)?.unwrap_or_default();
    let current = parse(path, &text)?;
    if !current.profiles.contains_key(name) {
        return Err(CliError::usage(format!(
            "no profile `{name}` in {}",
            path.display()
        )));
    }
    let mut doc = edit_document(path, &text)?;
    profiles_table(&mut doc, path)?.remove(name);
    let was_default = current.default_profile.as_deref() == Some(name);
    if was_default {
        doc.remove("default_profile");
    }
    write_atomically(path, doc.to_string().as_bytes())?;
    Ok(was_default)
}

fn edit_document(path: &Path, text: &str) -> Result<toml_edit::DocumentMut, CliError> {
    // Already checked by `parse`: an error here is one toml_edit alone finds.
    text.parse::<toml_edit::DocumentMut>().map_err(|e| {
        CliError::usage(format!(
            "{}: not valid TOML: {}",
            path.display(),
            without_values(e.message())
        ))
    })
}

fn profiles_table<'d>(
    doc: &'d mut toml_edit::DocumentMut,
    path: &Path,
) -> Result<&'d mut toml_edit::Table, CliError> {
    let item = doc.entry("profiles").or_insert_with(|| {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        toml_edit::Item::Table(t)
    });
    item.as_table_mut().ok_or_else(|| {
        CliError::usage(format!(
            "{}: `profiles` must be a table of [profiles.NAME] sections",
            path.display()
        ))
    })
}

/// The file's text, or `None` when it does not exist.
fn read(path: &Path) -> Result<Option<String>, CliError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::usage(format!(
            "cannot read the configuration file {}: {e}",
            path.display()
        ))),
    }
}

/// Parses the file's text; an error names the file, the line and column and the key, and
/// quotes no value of the file (a token pasted under the wrong key included).
fn parse(path: &Path, text: &str) -> Result<ConfigFile, CliError> {
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let (place, key) = match e.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                let key = key_at(text, span.start)
                    .map(|k| format!(" (key `{k}`)"))
                    .unwrap_or_default();
                (format!(", line {line}, column {column}"), key)
            }
            None => (String::new(), String::new()),
        };
        CliError::usage(format!(
            "invalid configuration file {}{place}{key}: {}",
            path.display(),
            without_values(e.message().trim())
        ))
    })?;
    for name in file.profiles.keys() {
        parse_profile_name(name).map_err(|e| {
            CliError::usage(format!(
                "invalid configuration file {}: [profiles.{name}]: {e}",
                path.display()
            ))
        })?;
    }
    Ok(file)
}

/// The keys a configuration file may have: the only quoted words an error may keep.
const KEYS: [&str; 5] = [
    "default_profile",
    "profiles",
    "token",
    "account_id",
    "base_url",
];

/// What stands for a quoted value left out of a message.
const HIDDEN: &str = "(value not shown)";

/// `message` with every quoted text (`"..."`, with its escapes, or `` `...` ``) left out,
/// unless it is one of [`KEYS`] or a bit of TOML syntax (at most three characters, no
/// letter or digit): a parser quotes the value it could not take, which may be a token.
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        out.push_str(&rest[..open]);
        let quote = rest.as_bytes()[open];
        let body = &rest[open + 1..];
        let mut escaped = false;
        let close = body.bytes().position(|b| {
            let end = !escaped && b == quote;
            escaped = !escaped && quote == b'"' && b == b'\\';
            end
        });
        let Some(close) = close else {
            // Unterminated: everything after the quote may be the value.
            out.push_str(HIDDEN);
            return out;
        };
        let content = &body[..close];
        let syntax = content.chars().count() <= 3 && !content.chars().any(char::is_alphanumeric);
        if KEYS.contains(&content) || syntax {
            out.push_str(&rest[open..open + close + 2]);
        } else {
            out.push_str(HIDDEN);
        }
        rest = &body[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The key whose value is at byte `offset` of `text` (the nearest `key =` before it on its
/// line, the last part of a dotted key), when it is one of [`KEYS`].
fn key_at(text: &str, offset: usize) -> Option<&'static str> {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let line = text[..end].rsplit('\n').next().unwrap_or("");
    let (before, _) = line.rsplit_once('=')?;
    let key = before
        .rsplit([',', '{'])
        .next()
        .unwrap_or(before)
        .trim()
        .rsplit('.')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches(['"', '\'']);
    KEYS.iter().copied().find(|k| *k == key)
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = fs::metadata(path) {
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            eprintln!(
                "warning: the configuration file {} holds API tokens and other users may read \
                 it (mode {mode:04o}): run `chmod 600 {}`",
                path.display(),
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

/// Writes `contents` to `path` atomically: to a temporary file in the same directory (mode
/// 0600 on Unix), flushed to disk, then renamed over `path` ([`tempfile`]'s `persist`; the
/// temporary file is removed if anything fails). A missing directory is created (mode 0700
/// on Unix). A symbolic link at `path` is followed (its target is replaced).
///
/// # Errors
///
/// A usage error naming the file.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let fail = |what: &str, e: io::Error| {
        CliError::usage(format!("cannot {what} {}: {e}", path.display()))
    };
    let target = if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        fs::canonicalize(path).map_err(|e| fail("follow the link", e))?
    } else {
        path.to_owned()
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    if !dir.exists() {
        create_private_dir(&dir).map_err(|e| fail("create the directory of", e))?;
    }
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".to_owned());
    let written = (|| {
        // Created with mode 0600 on Unix (by `tempfile`), removed when dropped unpersisted.
        let mut temp = tempfile::Builder::new()
            .prefix(&format!(".{file_name}."))
            .suffix(".tmp")
            .tempfile_in(&dir)?;
        private(temp.as_file())?;
        temp.write_all(contents)?;
        temp.as_file().sync_all()?;
        temp.persist(&target).map_err(|e| e.error)?;
        Ok(())
    })();
    written.map_err(|e| fail("write", e))?;
    // Make the rename itself durable (best effort: not every platform can open a directory).
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Mode 0600, whatever the umask.
#[cfg(unix)]
fn private(file: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn private(_file: &fs::File) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"# my accounts
default_profile = "sales"

[profiles.sales]
token = "tok-sales-0123456789"
account_id = 321

[profiles.staging] # a local mock
token = "tok-staging-0123456789"
account_id = 7
base_url = "http://127.0.0.1:8080/api"
"#;

    #[test]
    fn profiles_are_read_and_selected() {
        let file = parse(Path::new("c.toml"), FILE).unwrap();
        let config = Config {
            path: "c.toml".into(),
            exists: true,
            file,
        };
        let default = config.select(None).unwrap().unwrap();
        assert_eq!(default.name, "sales");
        assert!(!default.explicit);
        assert_eq!(default.profile.account_id, Some(AccountId::new(321)));
        let staging = config.select(Some("staging")).unwrap().unwrap();
        assert!(staging.explicit);
        assert_eq!(
            staging.profile.base_url.as_deref(),
            Some("http://127.0.0.1:8080/api")
        );
        // The token is wrapped: not in Debug.
        let debug = format!("{staging:?} {:?}", config.file);
        assert!(!debug.contains("tok-"), "{debug}");
        let err = config.select(Some("nope")).unwrap_err();
        assert_eq!(err.code, crate::exit::USAGE);
        assert!(err.message.contains("profiles: sales, staging"), "{err}");
        assert!(!config
            .listing()
            .iter()
            .any(|p| format!("{p:?}").contains("tok-")));
    }

    #[test]
    fn errors_name_the_file_line_and_key_and_quote_no_value() {
        // A token with an escaped quote: the parser's quote of it has escapes too.
        let secret = "s3cr3t-t0ken-\\\"qu0t3d\\\"-0123456789";
        for (text, line, needle) in [
            ("[profiles.a]\ntoken = \"x\"\naccount_id = \"abc\"\n", 3, "(key `account_id`): invalid type: string (value not shown), expected"),
            // The token under the wrong key, with a trailing comment.
            (&*format!("[profiles.a]\naccount_id = \"{secret}\" # the token\n"), 2, "(key `account_id`)"),
            (&*format!("[profiles.a]\ntokne = \"{secret}\"\n"), 2, "unknown field (value not shown), expected one of `token`, `account_id`, `base_url`"),
            (&*format!("[profiles.a]\ntoken = \"{secret}\" # work\naccount_id = true # {secret}\n"), 3, "(key `account_id`): invalid type: boolean (value not shown)"),
            // Inline tables.
            (&*format!("profiles = {{ a = {{ token = \"ok\", account_id = \"{secret}\" }} }}\n"), 1, "(key `account_id`)"),
            (&*format!("[profiles]\na = {{ token = {secret} }}\n"), 2, ""),
            (&*format!("[profiles.a]\ntoken = 12345678901234 # {secret}\n"), 2, "(key `token`): invalid type: integer (value not shown), expected a string"),
            (&*format!("[profiles.a]\ntoken = \"unterminated-{secret}\n"), 2, ""),
            (&*format!("[profiles.a]\n{secret} = 1\n"), 2, ""),
            ("default_profile = [\n", 1, ""),
        ] {
            let err = parse(Path::new("/x/c.toml"), text).unwrap_err();
            assert_eq!(err.code, crate::exit::USAGE);
            let m = err.message;
            assert!(m.contains("/x/c.toml"), "{m}");
            assert!(m.contains(&format!("line {line},")), "{text}: {m}");
            assert!(m.contains(needle), "{m}");
            for part in ["s3cr3t", "t0ken", "qu0t3d", "0123456789", "12345678901234", "abc"] {
                assert!(!m.contains(part), "{text}: {m}");
            }
        }
        let err = parse(Path::new("c.toml"), "[profiles.\"a b\"]\n").unwrap_err();
        assert!(err.message.contains("not a profile name"), "{err}");
    }

    #[test]
    fn only_keys_and_syntax_stay_quoted() {
        assert_eq!(
            without_values(
                "expected `.`, `=`; unknown field `tok`, expected `token` or \"base_url\""
            ),
            "expected `.`, `=`; unknown field (value not shown), expected `token` or \"base_url\""
        );
        assert_eq!(
            without_values("invalid type: string \"a\\\"b c\", expected i64"),
            "invalid type: string (value not shown), expected i64"
        );
        assert_eq!(without_values("bad `abc"), "bad (value not shown)");
        assert_eq!(key_at("x = 1\n a.b.base_url = 2", 22), Some("base_url"));
        assert_eq!(
            key_at("p = { token = 1, \"account_id\" = 2 }", 32),
            Some("account_id")
        );
        assert_eq!(key_at("secret-key = 2", 13), None);
        assert_eq!(key_at("no key here", 5), None);
    }

    #[test]
    fn profile_names() {
        for ok in ["sales", "acct-42", "a_b", "7"] {
            assert!(parse_profile_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-x", "a b", "a.b", "é", &"x".repeat(65)] {
            assert!(parse_profile_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn adding_and_removing_keeps_comments_and_sets_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/config.toml");
        let token = ApiToken::new("tok-first");
        let new = |name, make_default, replace| NewProfile {
            name,
            token: &token,
            account_id: Some(AccountId::new(5)),
            base_url: None,
            make_default,
            replace,
        };
        let added = add_profile(&path, &new("first", false, false)).unwrap();
        assert_eq!(
            added,
            Added {
                replaced: false,
                is_default: true
            }
        );
        // Comments survive edits.
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, format!("# mine\n{text}")).unwrap();
        let added = add_profile(&path, &new("second", false, false)).unwrap();
        assert!(!added.is_default);
        assert!(add_profile(&path, &new("second", false, false)).is_err());
        assert!(
            add_profile(&path, &new("second", true, true))
                .unwrap()
                .replaced
        );
        let config = Config::load(&path).unwrap();
        assert_eq!(config.file.default_profile.as_deref(), Some("second"));
        assert_eq!(config.names(), ["first", "second"]);
        assert!(fs::read_to_string(&path).unwrap().starts_with("# mine\n"));
        assert!(remove_profile(&path, "second").unwrap());
        assert!(remove_profile(&path, "second").is_err());
        let config = Config::load(&path).unwrap();
        assert_eq!(config.file.default_profile, None);
        assert_eq!(config.names(), ["first"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
            assert_eq!(mode(&dir.path().join("sub")), 0o700);
            // No temporary file is left behind.
            assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.toml");
        fs::write(&real, "").unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let token = ApiToken::new("t");
        add_profile(
            &link,
            &NewProfile {
                name: "x",
                token: &token,
                account_id: None,
                base_url: None,
                make_default: false,
                replace: false,
            },
        )
        .unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(fs::read_to_string(&real).unwrap().contains("[profiles.x]"));
    }
}
