//! The rules' standard library as plain Rust functions: `substring`, `uriEncode`,
//! `isValidHostLabel`, `parseURL`, `aws.parseArn`, `aws.partition` and
//! `aws.isVirtualHostableS3Bucket`.
//!
//! Generated crates call these from their compiled endpoint rules; the rule-set interpreter
//! (feature `interpreter`) calls them too, after checking argument types. None of them
//! allocates more than its result.

use std::net::{Ipv4Addr, Ipv6Addr};

pub use super::arn::{parse_arn, Arn};
use aws_primitives::automaton::Automaton;

/// The outputs of an AWS partition, as `aws.partition` returns them and rules read them
/// with `getAttr` (`{PartitionResult#dnsSuffix}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// `name`: the partition id, e.g. `aws` or `aws-cn`.
    pub name: &'static str,
    /// `dnsSuffix`, e.g. `amazonaws.com`.
    pub dns_suffix: &'static str,
    /// `dualStackDnsSuffix`, e.g. `api.aws`.
    pub dual_stack_dns_suffix: &'static str,
    /// `implicitGlobalRegion`: the region global endpoints of the partition live in.
    pub implicit_global_region: &'static str,
    /// `supportsFIPS`.
    pub supports_fips: bool,
    /// `supportsDualStack`.
    pub supports_dual_stack: bool,
}

/// One partition of the built-in data (generated into `partitions_generated.rs`).
pub(crate) struct BuiltInPartition {
    /// Its `regionRegex`, as the data spells it: how the interpreter finds the automaton
    /// of a pattern of JSON partition data.
    #[cfg_attr(not(feature = "interpreter"), allow(dead_code))]
    pub(crate) region_regex: &'static str,
    /// The automaton that matches `region_regex`.
    pub(crate) automaton: Automaton,
    /// The regions the data lists for it.
    pub(crate) regions: &'static [&'static str],
    /// Its outputs.
    pub(crate) outputs: Partition,
}

/// `aws.partition(region)`: the outputs of the partition `region` belongs to, from the
/// partition data built into this crate. A listed region belongs to its partition; otherwise
/// the first partition whose `regionRegex` matches; otherwise the `aws` partition, so that a
/// region newer than this data still resolves the way the commercial partition names its
/// endpoints.
pub fn partition(region: &str) -> &'static Partition {
    let partitions = super::partitions_generated::PARTITIONS;
    let listed = partitions.iter().find(|p| p.regions.contains(&region));
    let matched = || partitions.iter().find(|p| p.automaton.is_match(region));
    match listed.or_else(matched) {
        Some(found) => &found.outputs,
        None => &super::partitions_generated::AWS,
    }
}

/// Element `index` of a string array (`getAttr(value, "[index]")`), or `None` past its end.
pub fn element<S: AsRef<str>>(items: &[S], index: usize) -> Option<&str> {
    items.get(index).map(AsRef::as_ref)
}

/// `substring(input, start, stop, reverse)`: the characters `start..stop` of `input`, counted
/// from its end when `reverse` is true. `None` when the input holds any non-ASCII character
/// (so that a character is a byte), or when the range is empty or does not fit.
pub fn substring(input: &str, start: i64, stop: i64, reverse: bool) -> Option<String> {
    if !input.is_ascii() {
        return None;
    }
    let (start, stop) = (usize::try_from(start).ok()?, usize::try_from(stop).ok()?);
    let len = input.len();
    if start >= stop || stop > len {
        return None;
    }
    let range = if reverse {
        len.checked_sub(stop)?..len.checked_sub(start)?
    } else {
        start..stop
    };
    input.get(range).map(str::to_owned)
}

/// `uriEncode(value)`: percent-encodes every byte of the UTF-8 text except the unreserved
/// characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`), with upper-case hex digits.
pub fn uri_encode(value: &str) -> String {
    // The same encoding as a SigV4 canonical URI component, so one function does both.
    aws_primitives::percent::encode(value)
}

/// `isValidHostLabel(value, allowSubDomains)`: whether `value` is an RFC 1123 host label (1
/// to 63 letters, digits and hyphens, neither starting nor ending with a hyphen), or with
/// `allow_sub_domains`, such labels joined by dots.
pub fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    if allow_sub_domains {
        value.split('.').all(is_host_label)
    } else {
        is_host_label(value)
    }
}

fn is_host_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`: whether an S3 bucket name can be
/// the first label(s) of a host name. Each dot-separated part (the whole name when
/// `allow_sub_domains` is false, where a dot fails) must be 3 to 63 lower-case letters,
/// digits and hyphens, starting and ending with a letter or digit, and the name must not
/// look like an IPv4 address.
pub fn is_virtual_hostable_s3_bucket(value: &str, allow_sub_domains: bool) -> bool {
    let segment_ok = |s: &str| {
        (3..=63).contains(&s.len())
            && is_host_label(s)
            && !s.bytes().any(|b| b.is_ascii_uppercase())
    };
    let parts_ok = if allow_sub_domains {
        value.split('.').all(segment_ok)
    } else {
        segment_ok(value)
    };
    parts_ok && value.len() <= 63 && value.parse::<Ipv4Addr>().is_err()
}

/// The parts of a URL that `parseURL` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `http` or `https`.
    pub scheme: String,
    /// The host and port, as written (`[::1]:8080`).
    pub authority: String,
    /// The path as written, empty when there is none.
    pub path: String,
    /// The path with a trailing slash (`/` for no path).
    pub normalized_path: String,
    /// True when the host is an IPv4 or a bracketed IPv6 address.
    pub is_ip: bool,
}

/// `parseURL(value)`: splits an `http` or `https` URL into its parts. `None` for any other
/// scheme, a URL with a query, fragment or user info, an empty host, a malformed IPv6
/// literal, or a port that is not a number.
pub fn parse_url(value: &str) -> Option<Url> {
    let (scheme, rest) = value.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if rest.contains(['?', '#']) {
        return None;
    }
    let (authority, path) = rest
        .find('/')
        .and_then(|at| rest.split_at_checked(at))
        .unwrap_or((rest, ""));
    if authority.is_empty()
        || authority.contains('@')
        || authority
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (inside, after) = bracketed.split_once(']')?;
        inside.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        // The host is the authority up to the `]`: `[`, the address and `]`.
        (authority.strip_suffix(after)?, port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if let Some(port) = port {
        if port.is_empty() || port.len() > 5 || port.parse::<u16>().is_err() {
            return None;
        }
    }
    if host.is_empty() {
        return None;
    }
    let is_ip = host.starts_with('[') || host.parse::<Ipv4Addr>().is_ok();
    let normalized_path = if path.ends_with('/') {
        path.to_owned()
    } else {
        format!("{path}/")
    };
    Some(Url {
        scheme,
        authority: authority.to_owned(),
        path: path.to_owned(),
        normalized_path,
        is_ip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_by_listed_region_then_pattern_then_aws() {
        let name = |region: &str| partition(region).name;
        assert_eq!(name("us-east-1"), "aws");
        assert_eq!(name("aws-cn-global"), "aws-cn");
        assert_eq!(name("us-gov-west-1"), "aws-us-gov");
        // Not listed, but matched by a partition's pattern.
        assert_eq!(name("us-east-10"), "aws");
        assert_eq!(name("cn-north-5"), "aws-cn");
        assert_eq!(name("us-isob-east-9"), "aws-iso-b");
        // Matched by nothing: the aws partition.
        assert_eq!(name("mars-global"), "aws");
        assert_eq!(name(""), "aws");
        assert_eq!(partition("cn-north-1").dns_suffix, "amazonaws.com.cn");
        assert!(partition("us-east-1").supports_fips);
        assert_eq!(element(&["a", "b"], 1), Some("b"));
        assert_eq!(element(&[String::from("a")], 1), None);
    }

    #[test]
    fn built_in_automata_agree_with_the_regex_engine() {
        let regions = [
            "us-east-1",
            "eu-west-3",
            "cn-north-1",
            "us-gov-west-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "us-isof-south-1",
            "eusc-de-east-1",
            "ap-southeast-7",
            "mx-central-1",
            "us-east-1x",
            "us_east_1",
            "useast1",
            "",
            "us-east-",
            "aws-global",
            "us-west-2-",
            "US-EAST-1",
            "us-\u{eb}ast-1",
        ];
        let aws = super::super::partitions_generated::PARTITIONS
            .iter()
            .find(|p| p.outputs.name == "aws")
            .unwrap();
        assert!(aws.automaton.is_match("us-east-1") && !aws.automaton.is_match("US-EAST-1"));
        // Both engines are at hand in tests only when the feature is on.
        #[cfg(feature = "lite-patterns")]
        for built_in in super::super::partitions_generated::PARTITIONS {
            let regex = regex_lite::Regex::new(built_in.region_regex).unwrap();
            for region in regions {
                assert_eq!(
                    built_in.automaton.is_match(region),
                    regex.is_match(region),
                    "{} {region}",
                    built_in.region_regex
                );
            }
        }
        #[cfg(not(feature = "lite-patterns"))]
        let _ = regions;
    }

    #[test]
    fn substring_counts_from_either_end_and_rejects_non_ascii() {
        assert_eq!(substring("abcdefg", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(substring("abcdefg", 0, 4, true).as_deref(), Some("defg"));
        assert_eq!(substring("defg", 1, 3, false).as_deref(), Some("ef"));
        assert_eq!(substring("abcdef", 1, 3, true).as_deref(), Some("de"));
        assert_eq!(substring("abcd", 0, 4, false).as_deref(), Some("abcd"));
        // Out of range, empty or reversed ranges give nothing.
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("", 0, 1, false), None);
        assert_eq!(substring("abc", 2, 2, false), None);
        assert_eq!(substring("abc", 2, 1, true), None);
        assert_eq!(substring("abc", -1, 2, false), None);
        // Any non-ASCII character anywhere gives nothing, even outside the range.
        assert_eq!(substring("abcdef\u{80}", 0, 4, false), None);
        assert_eq!(substring("abcdef🐱", 0, 4, true), None);
        assert_eq!(substring("\u{fdfd}", 0, 1, false), None);
        // DEL is ASCII.
        assert_eq!(
            substring("\u{7f}abcdef", 0, 4, false).as_deref(),
            Some("\u{7f}abc")
        );
    }

    #[test]
    fn uri_encode_keeps_only_unreserved_characters() {
        assert_eq!(uri_encode("abc:defg"), "abc%3Adefg");
        assert_eq!(
            uri_encode("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
            "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C"
        );
        assert_eq!(
            uri_encode("0123456789.underscore_dash-Tilda~"),
            "0123456789.underscore_dash-Tilda~"
        );
        assert_eq!(uri_encode("😹"), "%F0%9F%98%B9");
        assert_eq!(uri_encode("é"), "%C3%A9");
        assert_eq!(uri_encode(""), "");
    }

    #[test]
    fn host_labels_follow_rfc_1123() {
        for ok in ["us-east-1", "3aws4", "a", &"a".repeat(63), "A-b"] {
            assert!(is_valid_host_label(ok, false), "{ok}");
        }
        for bad in [
            "",
            "part1 part2",
            "part1.part2",
            "-lead",
            "trail-",
            "under_score",
            &"a".repeat(64),
            "é",
        ] {
            assert!(!is_valid_host_label(bad, false), "{bad}");
        }
        assert!(is_valid_host_label("part1.part2", true));
        for bad in ["a..b", ".a", "a.", "a.-b", "a.b c"] {
            assert!(!is_valid_host_label(bad, true), "{bad}");
        }
    }

    #[test]
    fn s3_bucket_names_are_virtual_hostable_only_when_dns_safe() {
        for ok in [
            "bucket-name",
            "bucket-with-number-1",
            "abc",
            &"a".repeat(63),
        ] {
            assert!(is_virtual_hostable_s3_bucket(ok, false), "{ok}");
        }
        for dotted in ["bucket.name", "bucket.name.multiple.dots1"] {
            assert!(!is_virtual_hostable_s3_bucket(dotted, false), "{dotted}");
            assert!(is_virtual_hostable_s3_bucket(dotted, true), "{dotted}");
        }
        for bad in [
            "BucketName",
            "bucket_name",
            "-bucket-name",
            "bucket-name-",
            "aa",
            &"a".repeat(64),
            ".bucket-name",
            "bucket-name.",
            "192.168.5.4",
            "bucket-.name",
            "bucket.-name",
            "bucket..name",
        ] {
            assert!(!is_virtual_hostable_s3_bucket(bad, true), "{bad}");
        }
    }

    fn url(text: &str) -> Option<(String, String, String, String, bool)> {
        parse_url(text).map(|u| (u.scheme, u.authority, u.path, u.normalized_path, u.is_ip))
    }

    fn parts(
        scheme: &str,
        authority: &str,
        path: &str,
        normalized: &str,
        is_ip: bool,
    ) -> Option<(String, String, String, String, bool)> {
        Some((
            scheme.into(),
            authority.into(),
            path.into(),
            normalized.into(),
            is_ip,
        ))
    }

    #[test]
    fn parse_url_splits_http_urls() {
        assert_eq!(
            url("https://authority.com/custom-path"),
            parts(
                "https",
                "authority.com",
                "/custom-path",
                "/custom-path/",
                false
            )
        );
        assert_eq!(
            url("https://authority.com"),
            parts("https", "authority.com", "", "/", false)
        );
        assert_eq!(
            url("http://authority.com:8000/port"),
            parts("http", "authority.com:8000", "/port", "/port/", false)
        );
        assert_eq!(
            url("http://192.168.1.1:1234/foo/"),
            parts("http", "192.168.1.1:1234", "/foo/", "/foo/", true)
        );
        assert_eq!(
            url("https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443"),
            parts(
                "https",
                "[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443",
                "",
                "/",
                true
            )
        );
        assert_eq!(
            url("http://[::1]/x"),
            parts("http", "[::1]", "/x", "/x/", true)
        );
        // Host labels are not validated, and dotted non-addresses are not IPs.
        assert_eq!(
            url("http://99_ab-.com"),
            parts("http", "99_ab-.com", "", "/", false)
        );
        assert_eq!(
            url("https://999.999.abc.blah"),
            parts("https", "999.999.abc.blah", "", "/", false)
        );
    }

    #[test]
    fn parse_url_rejects_what_is_not_an_endpoint() {
        for bad in [
            "acbd://example.com",
            "example.com",
            "https://example.com/path?query1=foo",
            "https://example.com?x",
            "https://example.com/#frag",
            "http://abc.com:a/foo",
            "http://abc.com:/foo",
            "http://abc.com:99999",
            "https://user@example.com",
            "https://",
            "https:///path",
            "https://[not-ipv6]:443",
            "https://[::1",
            "https://[::1]x",
            "https://exa mple.com",
        ] {
            assert_eq!(parse_url(bad), None, "{bad}");
        }
    }
}
