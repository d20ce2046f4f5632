//! Reading the shared files themselves (the `config-files` feature): their syntax, the
//! selected profile merged from both, and where they were looked for.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::{expand_home, names, Env, Fs, ProfileError};
use aws_primitives::named::Named;

/// Which of the two shared files a text comes from; the section headers differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile NAME]`, `[services NAME]`, `[sso-session NAME]`.
    Config,
    /// `~/.aws/credentials`: `[NAME]`.
    Credentials,
}

/// Profile keys whose values are secrets; `Debug` never shows them.
const SECRET_KEYS: &[&str] = &[
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
];

/// One profile: its properties (keys lower-cased, values trimmed) and the sub-properties of
/// nested keys such as `s3 =`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Profile {
    properties: Named<String>,
    nested: Named<Named<String>>,
}

impl Profile {
    /// The value of `key` (matched without regard to ASCII case).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties
            .get(&key.to_ascii_lowercase())
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The sub-property `key` nested under `parent` (as in `s3 =` then `  key = value`).
    pub fn nested(&self, parent: &str, key: &str) -> Option<&str> {
        self.nested
            .get(&parent.to_ascii_lowercase())?
            .get(&key.to_ascii_lowercase())
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The property keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.properties.keys()
    }

    /// Lays `other`'s properties over this profile's, key by key.
    fn overlay(&mut self, other: Profile) {
        self.properties.extend(other.properties);
        for (parent, subs) in other.nested {
            self.nested.insert(parent, subs);
        }
    }
}

/// Secret values print as redacted.
impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in self.properties.iter() {
            if SECRET_KEYS.contains(&key) {
                map.entry(&key, &"** redacted **");
            } else {
                map.entry(&key, value);
            }
        }
        map.finish()
    }
}

/// One parsed file: its profiles by name, its `[services NAME]` sections, and the names of
/// sections it ignored (a config-file `[name]` that lacks the `profile ` prefix).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedFile {
    /// Profiles by name.
    pub profiles: Named<Profile>,
    /// `[services NAME]` sections of the config file, by name.
    pub services: Named<Profile>,
    /// Config-file sections named like a credentials-file profile (`[name]`), which the SDKs
    /// ignore; kept to explain a profile that is not found.
    pub ignored: Vec<String>,
}

/// A section as written, before its name is interpreted.
struct RawSection {
    header: String,
    body: Profile,
}

/// Parses the text of a shared file. `path` only names the file in errors.
pub fn parse(text: &str, path: &Path, kind: FileKind) -> Result<ParsedFile, ProfileError> {
    let sections = parse_sections(text, path)?;
    let mut parsed = ParsedFile::default();
    // `[profile default]` beats `[default]` in the config file, whatever their order.
    let has_prefixed_default = kind == FileKind::Config
        && sections
            .iter()
            .any(|s| profile_section_name(&s.header) == Some("default"));
    for section in sections {
        let header = section.header.as_str();
        let target = match kind {
            FileKind::Credentials => Some((&mut parsed.profiles, header)),
            FileKind::Config => {
                if header == "default" {
                    (!has_prefixed_default).then_some((&mut parsed.profiles, header))
                } else if let Some(name) = profile_section_name(header) {
                    Some((&mut parsed.profiles, name))
                } else if let Some(name) = prefixed(header, "services") {
                    Some((&mut parsed.services, name))
                } else {
                    if prefixed(header, "sso-session").is_none() {
                        parsed.ignored.push(header.to_owned());
                    }
                    None
                }
            }
        };
        if let Some((map, name)) = target {
            // A section written twice is one section; later keys win.
            map.get_or_default(name.to_owned()).overlay(section.body);
        }
    }
    Ok(parsed)
}

/// `NAME` of a `profile NAME` header.
fn profile_section_name(header: &str) -> Option<&str> {
    prefixed(header, "profile")
}

/// `NAME` of a `WORD NAME` header (one or more spaces or tabs between them).
fn prefixed<'a>(header: &'a str, word: &str) -> Option<&'a str> {
    let rest = header.strip_prefix(word)?;
    let name = rest.trim_start_matches([' ', '\t']);
    (name.len() < rest.len() && !name.is_empty()).then_some(name)
}

/// Where the parser is: which property a continuation line extends.
enum Open {
    Nothing,
    Value(String),
    Nested(String),
}

fn parse_sections(text: &str, path: &Path) -> Result<Vec<RawSection>, ProfileError> {
    let mut sections: Vec<RawSection> = Vec::new();
    let mut open = Open::Nothing;
    for (index, line) in text.lines().enumerate() {
        let error = |message: String| ProfileError {
            path: path.to_owned(),
            line: Some(index.saturating_add(1)),
            message,
        };
        let trimmed = line.trim_matches(WS);
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with('[') {
            let header = strip_comment(trimmed, false);
            // The header starts with the line's `[`.
            let name = header
                .strip_suffix(']')
                .and_then(|name| name.strip_prefix('['))
                .ok_or_else(|| error(format!("section header `{trimmed}` must end with `]`")))?;
            let name = name.trim_matches(WS);
            if name.is_empty() {
                return Err(error("section header `[]` has no name".to_owned()));
            }
            sections.push(RawSection {
                header: name.to_owned(),
                body: Profile::default(),
            });
            open = Open::Nothing;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err(error(
                "a property before any section header (expected `[default]` or `[profile NAME]` first)"
                    .to_owned(),
            ));
        };
        if line.starts_with(WS) {
            match &open {
                Open::Nothing => {
                    return Err(error(format!(
                        "indented line `{trimmed}` continues no property"
                    )))
                }
                Open::Value(key) => {
                    if let Some(value) = section.body.properties.get_mut(key) {
                        value.push('\n');
                        value.push_str(strip_comment(trimmed, true));
                    }
                }
                Open::Nested(key) => {
                    let (sub_key, sub_value) = property(trimmed).map_err(error)?;
                    section
                        .body
                        .nested
                        .get_or_default(key.clone())
                        .insert(sub_key, sub_value);
                }
            }
            continue;
        }
        let (key, value) = property(trimmed).map_err(error)?;
        open = if value.is_empty() {
            Open::Nested(key.clone())
        } else {
            Open::Value(key.clone())
        };
        section.body.properties.insert(key, value);
    }
    Ok(sections)
}

/// The whitespace the file format knows: spaces and tabs only.
const WS: [char; 2] = [' ', '\t'];

/// `key = value`, with the key lower-cased and both sides trimmed.
fn property(line: &str) -> Result<(String, String), String> {
    let line = strip_comment(line, true);
    let (key, value) = line
        .split_once('=')
        .ok_or_else(|| format!("expected `key = value`, found `{line}`"))?;
    let key = key.trim_matches(WS);
    if key.is_empty() {
        return Err(format!("`{line}` has no key before `=`"));
    }
    Ok((key.to_ascii_lowercase(), value.trim_matches(WS).to_owned()))
}

/// `line` without a trailing `#` or `;` comment. In property values a comment starts only
/// after whitespace, so `password=a#b` keeps its `#`; in section headers it starts anywhere.
fn strip_comment(line: &str, needs_space: bool) -> &str {
    let mut after_space = false;
    for (i, c) in line.char_indices() {
        if (c == '#' || c == ';') && (after_space || !needs_space) {
            // `i` is where a character starts, so the text before it always exists.
            if let Some(before) = line.get(..i) {
                return before.trim_matches(WS);
            }
        }
        after_space = c == ' ' || c == '\t';
    }
    line.trim_matches(WS)
}

/// Whether a shared file was there to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// The file was read.
    Read,
    /// There is no file at the path.
    Missing,
}

/// Where one shared file is, how its path was chosen, and whether it was there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLocation {
    /// The path, with `~` expanded when a home directory is known.
    pub path: PathBuf,
    /// The environment variable that chose the path, if one did.
    pub from_env: Option<&'static str>,
    /// Whether the file was there.
    pub state: FileState,
}

impl fmt::Display for FileLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(var) = self.from_env {
            write!(f, " (from {var})")?;
        }
        if self.state == FileState::Missing {
            f.write_str(" (not found)")?;
        }
        Ok(())
    }
}

/// The selected profile from both shared files, merged, and where they were looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFiles {
    name: String,
    name_from_env: bool,
    profile: Option<Profile>,
    services: Named<Profile>,
    config: FileLocation,
    credentials: FileLocation,
    ignored_config_section: bool,
}

impl ProfileFiles {
    /// Reads both shared files: paths from `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`
    /// or the defaults under the home directory, and the profile named by `AWS_PROFILE`
    /// (default `default`). Missing files are not an error; unreadable or malformed ones are.
    pub fn load(env: &Env, fs: &Fs) -> Result<Self, ProfileError> {
        Self::load_profile(env, fs, None)
    }

    /// Like [`ProfileFiles::load`], with `profile` chosen by the caller instead of
    /// `AWS_PROFILE` when it is `Some`.
    pub fn load_profile(env: &Env, fs: &Fs, profile: Option<&str>) -> Result<Self, ProfileError> {
        let (name, name_from_env) = match (profile, env.get(names::AWS_PROFILE)) {
            (Some(name), _) => (name.to_owned(), false),
            (None, Some(name)) => (name, true),
            (None, None) => ("default".to_owned(), false),
        };
        let (config, config_text) =
            read_file(env, fs, names::AWS_CONFIG_FILE, names::DEFAULT_CONFIG_FILE)?;
        let (credentials, credentials_text) = read_file(
            env,
            fs,
            names::AWS_SHARED_CREDENTIALS_FILE,
            names::DEFAULT_CREDENTIALS_FILE,
        )?;
        let config_file = parse(&config_text, &config.path, FileKind::Config)?;
        let credentials_file = parse(&credentials_text, &credentials.path, FileKind::Credentials)?;
        Ok(Self::merge(
            name,
            name_from_env,
            config_file,
            credentials_file,
            config,
            credentials,
        ))
    }

    /// The selected profile from already parsed files, the credentials file winning key by
    /// key over the config file.
    fn merge(
        name: String,
        name_from_env: bool,
        mut config_file: ParsedFile,
        mut credentials_file: ParsedFile,
        config: FileLocation,
        credentials: FileLocation,
    ) -> Self {
        let from_config = config_file.profiles.remove(&name);
        let from_credentials = credentials_file.profiles.remove(&name);
        let profile = match (from_config, from_credentials) {
            (None, None) => None,
            (base, over) => {
                let mut profile = base.unwrap_or_default();
                if let Some(over) = over {
                    profile.overlay(over);
                }
                Some(profile)
            }
        };
        let ignored_config_section = config_file.ignored.contains(&name);
        ProfileFiles {
            name,
            name_from_env,
            profile,
            services: config_file.services,
            config,
            credentials,
            ignored_config_section,
        }
    }

    /// The selected profile's name.
    pub fn profile_name(&self) -> &str {
        &self.name
    }

    /// The selected profile, if either file has it.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref()
    }

    /// The value of `key` in the selected profile.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.profile.as_ref()?.get(key)
    }

    /// The `[services NAME]` section the selected profile points at with `services = NAME`.
    pub fn services_section(&self) -> Option<&Profile> {
        self.services.get(self.get("services")?)
    }

    /// The config file's location.
    pub fn config_file(&self) -> &FileLocation {
        &self.config
    }

    /// The credentials file's location.
    pub fn credentials_file(&self) -> &FileLocation {
        &self.credentials
    }

    /// Where the selected profile was looked for, for error messages, e.g.
    /// ``profile `default` in /home/me/.aws/credentials (not found) and /home/me/.aws/config``.
    pub fn searched(&self) -> String {
        let from = if self.name_from_env {
            format!(" (from {})", names::AWS_PROFILE)
        } else {
            String::new()
        };
        let mut text = format!(
            "profile `{}`{from} in {} and {}",
            self.name, self.credentials, self.config
        );
        if self.profile.is_none() && self.ignored_config_section {
            text.push_str(&format!(
                "; the config file has a `[{0}]` section, but profiles there are written `[profile {0}]`",
                self.name
            ));
        }
        text
    }
}

/// Reads one shared file: the path from `var` or `default`, with `~` expanded. A missing
/// file reads as empty.
fn read_file(
    env: &Env,
    fs: &Fs,
    var: &'static str,
    default: &str,
) -> Result<(FileLocation, String), ProfileError> {
    let (raw, from_env) = match env.get(var) {
        Some(path) => (path, Some(var)),
        None => (default.to_owned(), None),
    };
    let path = expand_home(&raw, env);
    match fs.read_to_string(&path) {
        Ok(text) => Ok((
            FileLocation {
                path,
                from_env,
                state: FileState::Read,
            },
            text,
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((
            FileLocation {
                path,
                from_env,
                state: FileState::Missing,
            },
            String::new(),
        )),
        Err(e) => Err(ProfileError {
            path,
            line: None,
            message: format!("cannot read the file: {e}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{service_endpoint_var, SharedConfig};
    use super::*;

    /// Environment variables or profile properties, as written in a test table.
    type Pairs<'a> = &'a [(&'a str, &'a str)];

    fn config(text: &str) -> Result<ParsedFile, ProfileError> {
        parse(text, Path::new("/h/.aws/config"), FileKind::Config)
    }

    fn props(parsed: &ParsedFile, name: &str) -> Vec<(String, String)> {
        parsed.profiles.get(name).map_or_else(Vec::new, |p| {
            p.properties
                .iter()
                .map(|(k, v)| (k.to_owned(), v.clone()))
                .collect()
        })
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn config_files_parse_as_the_sdks_read_them() {
        // (file text, profile, expected properties)
        let cases: &[(&str, &str, Pairs)] = &[
            (
                "[default]\nregion = us-east-1",
                "default",
                &[("region", "us-east-1")],
            ),
            (
                "[default]\nregion=us-east-1",
                "default",
                &[("region", "us-east-1")],
            ),
            (
                "[default]\nregion\t=  eu-west-1  \n",
                "default",
                &[("region", "eu-west-1")],
            ),
            (
                "  \n# c\n; c\n[default]\n\nregion = x\n",
                "default",
                &[("region", "x")],
            ),
            ("[profile dev]\nregion = x", "dev", &[("region", "x")]),
            ("[profile \t dev ]\nregion = x", "dev", &[("region", "x")]),
            ("[dev]\nregion = x", "dev", &[]),
            (
                "[default] # note\nregion = x ; trailing\n",
                "default",
                &[("region", "x")],
            ),
            (
                "[default]\npassword = a#b;c\n",
                "default",
                &[("password", "a#b;c")],
            ),
            ("[default]\nRegion = x\n", "default", &[("region", "x")]),
            ("[default]\nk = a=b\n", "default", &[("k", "a=b")]),
            ("[default]\nk =\n", "default", &[("k", "")]),
            (
                "[default]\nk = one\n  two\n",
                "default",
                &[("k", "one\ntwo")],
            ),
            (
                "[default]\ns3 =\n  max_concurrent_requests = 20\n  # inner comment\nregion = x\n",
                "default",
                &[("region", "x"), ("s3", "")],
            ),
            (
                "[default]\na = 1\n[default]\na = 2\nb = 3\n",
                "default",
                &[("a", "2"), ("b", "3")],
            ),
            (
                "[profile default]\na = 1\n[default]\na = 2\nb = 3\n",
                "default",
                &[("a", "1")],
            ),
            ("[sso-session s]\nsso_region = x\n", "s", &[]),
            ("[default]\r\nregion = x\r\n", "default", &[("region", "x")]),
        ];
        for (text, name, expected) in cases {
            let parsed = config(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(props(&parsed, name), pairs(expected), "{text:?}");
        }
    }

    #[test]
    fn nested_sub_properties_are_kept() {
        let parsed = config("[default]\ns3 =\n  addressing_style = path\n  max = 2 # c\n").unwrap();
        let profile = parsed.profiles.get("default").unwrap();
        assert_eq!(profile.nested("s3", "addressing_style"), Some("path"));
        assert_eq!(profile.nested("S3", "MAX"), Some("2"));
        assert_eq!(profile.nested("s3", "other"), None);
    }

    #[test]
    fn credentials_file_sections_are_bare_names() {
        let text = "[default]\naws_access_key_id = A\n[dev]\naws_access_key_id = B\n";
        let parsed = parse(text, Path::new("creds"), FileKind::Credentials).unwrap();
        assert_eq!(props(&parsed, "dev"), pairs(&[("aws_access_key_id", "B")]));
        assert_eq!(
            props(&parsed, "default"),
            pairs(&[("aws_access_key_id", "A")])
        );
    }

    #[test]
    fn malformed_files_name_the_file_and_line() {
        let cases: &[(&str, usize, &str)] = &[
            ("[default\nk = v\n", 1, "must end with `]`"),
            ("region = x\n", 1, "before any section header"),
            ("[default]\n\n  orphan\n", 3, "continues no property"),
            ("[default]\njust words\n", 2, "expected `key = value`"),
            ("[default]\n= v\n", 2, "no key"),
            ("[]\n", 1, "no name"),
            (
                "[default]\ns3 =\n  not a property\n",
                3,
                "expected `key = value`",
            ),
            ("[default]\n\tregion = x\n", 2, "continues no property"),
        ];
        for (text, line, message) in cases {
            let err = config(text).expect_err(text);
            assert_eq!(err.line(), Some(*line), "{text:?}: {err}");
            assert!(err.to_string().contains(message), "{text:?}: {err}");
            assert!(
                err.to_string()
                    .starts_with(&format!("/h/.aws/config, line {line}: ")),
                "{err}"
            );
        }
    }

    #[test]
    fn profile_debug_redacts_secrets() {
        let text = "[default]\naws_access_key_id = AKID\naws_secret_access_key = TOPSECRET\naws_session_token = TOKENVALUE\n";
        let parsed = parse(text, Path::new("c"), FileKind::Credentials).unwrap();
        let debug = format!("{:?}", parsed);
        assert!(debug.contains("AKID"), "{debug}");
        assert!(!debug.contains("TOPSECRET"), "{debug}");
        assert!(!debug.contains("TOKENVALUE"), "{debug}");
    }

    fn home_env(extra: &[(&str, &str)]) -> Env {
        Env::from_vars(
            [("HOME", "/home/me")]
                .iter()
                .chain(extra)
                .map(|(k, v)| (*k, *v)),
        )
    }

    #[test]
    fn credentials_file_wins_key_by_key() {
        let fs = Fs::from_files([
            (
                "/home/me/.aws/config",
                "[profile dev]\nregion = eu-west-1\naws_access_key_id = FROM_CONFIG\n",
            ),
            (
                "/home/me/.aws/credentials",
                "[dev]\naws_access_key_id = FROM_CREDENTIALS\n",
            ),
        ]);
        let files = ProfileFiles::load(&home_env(&[("AWS_PROFILE", "dev")]), &fs).unwrap();
        assert_eq!(files.profile_name(), "dev");
        assert_eq!(files.get("aws_access_key_id"), Some("FROM_CREDENTIALS"));
        assert_eq!(files.get("region"), Some("eu-west-1"));
    }

    #[test]
    fn file_paths_come_from_the_environment_and_home() {
        let fs = Fs::from_files([
            ("/etc/aws-config", "[default]\nregion = a\n"),
            ("/home/me/custom/creds", "[default]\nk = v\n"),
        ]);
        let env = home_env(&[
            ("AWS_CONFIG_FILE", "/etc/aws-config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "~/custom/creds"),
        ]);
        let files = ProfileFiles::load(&env, &fs).unwrap();
        assert_eq!(files.get("region"), Some("a"));
        assert_eq!(files.get("k"), Some("v"));
        assert_eq!(
            files.credentials_file().path,
            PathBuf::from("/home/me/custom/creds")
        );
        assert_eq!(
            files.credentials_file().from_env,
            Some("AWS_SHARED_CREDENTIALS_FILE")
        );

        let nothing =
            ProfileFiles::load(&home_env(&[]), &Fs::from_files::<&str, &str>([])).unwrap();
        assert_eq!(nothing.config_file().state, FileState::Missing);
        assert_eq!(
            nothing.searched(),
            "profile `default` in /home/me/.aws/credentials (not found) and /home/me/.aws/config (not found)"
        );
    }

    #[test]
    fn home_expansion() {
        let env = home_env(&[]);
        assert_eq!(expand_home("~", &env), PathBuf::from("/home/me"));
        assert_eq!(
            expand_home("~/.aws/config", &env),
            PathBuf::from("/home/me/.aws/config")
        );
        assert_eq!(expand_home("~other/x", &env), PathBuf::from("~other/x"));
        assert_eq!(expand_home("/abs/x", &env), PathBuf::from("/abs/x"));
        let no_home = Env::from_vars::<&str, &str>([]);
        assert_eq!(
            expand_home("~/.aws/config", &no_home),
            PathBuf::from("~/.aws/config")
        );
    }

    #[test]
    fn a_malformed_file_fails_the_load_naming_it() {
        let fs = Fs::from_files([("/home/me/.aws/credentials", "[default]\nbroken\n")]);
        let err = ProfileFiles::load(&home_env(&[]), &fs).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/home/me/.aws/credentials, line 2: expected `key = value`, found `broken`"
        );
    }

    #[test]
    fn an_unprefixed_config_section_is_explained() {
        let fs = Fs::from_files([("/home/me/.aws/config", "[dev]\nregion = x\n")]);
        let files = ProfileFiles::load(&home_env(&[("AWS_PROFILE", "dev")]), &fs).unwrap();
        assert!(files.profile().is_none());
        let searched = files.searched();
        assert!(
            searched.contains("profile `dev` (from AWS_PROFILE)"),
            "{searched}"
        );
        assert!(searched.contains("`[profile dev]`"), "{searched}");
    }

    fn shared(env: &[(&str, &str)], config: &str) -> SharedConfig {
        let fs = Fs::from_files([("/home/me/.aws/config", config)]);
        SharedConfig::load(home_env(env), &fs).unwrap()
    }

    #[test]
    fn region_precedence() {
        let file = "[default]\nregion = from-profile\n";
        // (environment, expected region)
        let cases: &[(Pairs, Option<&str>)] = &[
            (
                &[("AWS_REGION", "a"), ("AWS_DEFAULT_REGION", "b")],
                Some("a"),
            ),
            (&[("AWS_DEFAULT_REGION", "b")], Some("b")),
            (
                &[("AWS_REGION", " "), ("AWS_DEFAULT_REGION", "b")],
                Some("b"),
            ),
            (&[], Some("from-profile")),
        ];
        for (env, expected) in cases {
            assert_eq!(shared(env, file).region().as_deref(), *expected, "{env:?}");
        }
        assert_eq!(shared(&[], "").region(), None);
    }

    #[test]
    fn endpoint_url_precedence() {
        let file = "[default]\nendpoint_url = http://profile\nservices = local\n\
                    [services local]\ncognito_identity =\n  endpoint_url = http://services\n";
        let id = "Cognito Identity";
        let specific = ("AWS_ENDPOINT_URL_COGNITO_IDENTITY", "http://specific");
        let global = ("AWS_ENDPOINT_URL", "http://global");
        let ignore = ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE");
        let cases: &[(Pairs, &str, Option<&str>)] = &[
            (&[specific, global], file, Some("http://specific")),
            (&[global], file, Some("http://global")),
            (&[], file, Some("http://services")),
            (
                &[],
                "[default]\nendpoint_url = http://profile\n",
                Some("http://profile"),
            ),
            (&[], "", None),
            (&[specific, global, ignore], file, None),
            (
                &[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"), global],
                file,
                Some("http://global"),
            ),
        ];
        for (env, text, expected) in cases {
            assert_eq!(
                shared(env, text).endpoint_url(id).as_deref(),
                *expected,
                "{env:?} {text:?}"
            );
        }
        let ignored_in_profile =
            "[default]\nendpoint_url = http://p\nignore_configured_endpoint_urls = true\n";
        assert_eq!(shared(&[global], ignored_in_profile).endpoint_url(id), None);
        // Another service's variable is not ours.
        assert_eq!(
            shared(&[("AWS_ENDPOINT_URL_S3", "http://s3")], "").endpoint_url(id),
            None
        );
    }

    #[test]
    fn fips_and_dual_stack_flags() {
        let file = "[default]\nuse_fips_endpoint = true\nuse_dualstack_endpoint = nonsense\n";
        let from_file = shared(&[], file);
        assert_eq!(from_file.use_fips(), Some(true));
        assert_eq!(from_file.use_dual_stack(), None);
        let env = [
            ("AWS_USE_FIPS_ENDPOINT", "FALSE"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "True"),
        ];
        let from_env = shared(&env, file);
        assert_eq!(from_env.use_fips(), Some(false));
        assert_eq!(from_env.use_dual_stack(), Some(true));
    }

    #[test]
    fn service_endpoint_variables() {
        assert_eq!(
            service_endpoint_var("Cognito Identity"),
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY"
        );
        assert_eq!(
            service_endpoint_var("DynamoDB"),
            "AWS_ENDPOINT_URL_DYNAMODB"
        );
    }

    #[test]
    fn empty_and_padded_variables() {
        let env = Env::from_vars([("A", "  x "), ("B", ""), ("C", " \t")]);
        assert_eq!(env.get("A").as_deref(), Some("x"));
        assert_eq!(env.get("B"), None);
        assert_eq!(env.get("C"), None);
        assert_eq!(env.get("D"), None);
    }
}
