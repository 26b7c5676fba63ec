//! The CSV files people really have (`tests/hostile/`, plus a few made here because of
//! their size): each test asserts the exit code, the summary counts, and what the campaign
//! holds afterwards, read back from the mock.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{json, stderr, Mock};
use serde_json::Value;

/// The empty demo campaign: what it holds after a test is exactly what the test imported.
const CAMPAIGN: &str = "29890";

/// A copy of a corpus file in a fresh directory (so that the failed-rows CSV and the journal
/// are written there).
fn corpus(name: &str) -> (tempfile::TempDir, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    let dst = dir.path().join(name);
    std::fs::copy(&src, &dst).unwrap();
    (dir, dst)
}

fn import(mock: &Mock, csv: &Path, extra: &[&str]) -> std::process::Output {
    mock.cli()
        .args(["import", csv.to_str().unwrap(), "--campaign", CAMPAIGN])
        .args(extra)
        .output()
        .unwrap()
}

/// A member of the campaign: (first name, last name, occupation, location).
type Member = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The campaign's members by profile slug (as the mock writes it in `MemberUrl`), each
/// slug with its members.
fn campaign(mock: &Mock) -> BTreeMap<String, Vec<Member>> {
    let out = mock
        .cli()
        .args(["contacts", "list", "--campaign", CAMPAIGN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let mut members: BTreeMap<String, Vec<Member>> = BTreeMap::new();
    for c in json(&out).as_array().unwrap() {
        let slug = c["MemberUrl"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        members.entry(slug).or_default().push((
            text(&c["FirstName"]),
            text(&c["LastName"]),
            text(&c["Occupation"]),
            text(&c["Location"]),
        ));
    }
    members
}

fn slugs(mock: &Mock) -> Vec<String> {
    campaign(mock).into_keys().collect()
}

fn n(report: &Value, key: &str) -> usize {
    report[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {report}")) as usize
}

/// The report's counts, checked to add up to its rows.
fn counts(out: &std::process::Output) -> Value {
    let report = json(out);
    let sum: usize = [
        "Imported",
        "Duplicates",
        "DuplicateRows",
        "Invalid",
        "Blank",
        "Failed",
        "AlreadyDone",
        "Unknown",
        "NotAttempted",
    ]
    .iter()
    .map(|k| n(&report, k))
    .sum();
    assert_eq!(sum, n(&report, "Rows"), "every row accounted for: {report}");
    report
}

/// Asserts a refusal before any request: exit 2, the message, nothing sent, campaign empty.
fn assert_refused(mock: &Mock, out: &std::process::Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} in:\n{err}");
    }
    assert!(
        err.contains("nothing was sent") || err.contains("empty"),
        "{err}"
    );
    assert!(
        mock.server.requests().is_empty(),
        "{:?}",
        mock.server.requests()
    );
    assert!(campaign(mock).is_empty());
}

fn names(first: &str, last: &str) -> (Option<String>, Option<String>) {
    (Some(first.to_owned()), Some(last.to_owned()))
}

#[test]
fn an_unterminated_quote_in_row_2_of_101_refuses_the_file_naming_the_line() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("unterminated_quote.csv");
    let out = import(&mock, &csv, &[]);
    assert_refused(
        &mock,
        &out,
        &["line 2, column 5: a quoted field opened here is never closed"],
    );
}

#[test]
fn text_after_a_closing_quote_is_refused_where_it_is() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("text_after_closing_quote.csv");
    let out = import(&mock, &csv, &[]);
    assert_refused(
        &mock,
        &out,
        &["line 3, column 6: text after the closing quote"],
    );
}

#[test]
fn ragged_rows_are_refused_naming_the_line() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("ragged_long_row.csv");
    let out = import(&mock, &csv, &[]);
    assert_refused(&mock, &out, &["line 3: 4 fields where the header has 3"]);
    let mock = Mock::start();
    let (_dir, csv) = corpus("ragged_short_row.csv");
    let out = import(&mock, &csv, &[]);
    assert_refused(&mock, &out, &["line 3: 2 fields where the header has 3"]);
}

#[test]
fn latin1_is_refused_with_a_hint_then_read_exactly_with_encoding_latin1() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("latin1.csv");
    let out = import(&mock, &csv, &[]);
    assert_refused(
        &mock,
        &out,
        &[
            "line 2, column 2: a byte that is not UTF-8 (0xFC)",
            "--encoding latin1",
        ],
    );
    let out = import(&mock, &csv, &["--encoding", "latin1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = counts(&out);
    assert_eq!(n(&report, "Imported"), 3);
    assert_eq!(report["Delimiter"], ";");
    let members = campaign(&mock);
    let m = |slug: &str| {
        let v = &members[slug];
        assert_eq!(v.len(), 1);
        v[0].clone()
    };
    let (first, last, _, location) = m("juergen-mueller-latin1");
    assert_eq!((first, last), names("Jürgen", "Müller"));
    assert_eq!(location.as_deref(), Some("München"));
    assert_eq!(
        (m("zoe-lokke-latin1").0, m("zoe-lokke-latin1").1),
        names("Zoë", "Løkke")
    );
    assert_eq!(m("renee-latin1").1.as_deref(), Some("D'Artagnan — €"));
}

#[test]
fn the_failed_rows_csv_of_a_latin1_file_keeps_its_bytes_and_feeds_back_exactly() {
    let mock = Mock::start();
    let (dir, csv) = corpus("latin1_with_invalid_row.csv");
    let original = std::fs::read(&csv).unwrap();
    let out = import(&mock, &csv, &["--encoding", "latin1"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = counts(&out);
    assert_eq!((n(&report, "Imported"), n(&report, "Invalid")), (2, 1));
    let failed_path = dir.path().join("latin1_with_invalid_row.failed.csv");
    let failed = std::fs::read(&failed_path).unwrap();
    // The header and the row, byte for byte, in Windows-1252, plus the error: no U+FFFD.
    let bad_row = original
        .split(|b| *b == b'\n')
        .nth(2)
        .unwrap()
        .strip_suffix(b"\r")
        .unwrap();
    assert!(failed.starts_with(b"first_name,last_name,linkedin_url,error\r\n"));
    let row = &failed[b"first_name,last_name,linkedin_url,error\r\n".len()..];
    assert!(
        row.starts_with(bad_row),
        "{:?}",
        String::from_utf8_lossy(row)
    );
    assert!(row.ends_with(b"\"\r\n"));
    assert!(
        row.contains(&0xE7) && row.contains(&0xEB),
        "ç and ë as single bytes"
    );
    assert!(
        !failed.windows(3).any(|w| w == [0xEF, 0xBF, 0xBD]),
        "no U+FFFD"
    );

    // Fix the URL in the failed-rows file and feed it back: the original names arrive.
    let fixed: Vec<u8> = String::from_utf8_lossy(&failed)
        .contains("/company/francoise-latin1-fix")
        .then(|| {
            let needle = b"/company/francoise-latin1-fix";
            let at = failed
                .windows(needle.len())
                .position(|w| w == needle)
                .unwrap();
            let mut v = failed[..at].to_vec();
            v.extend_from_slice(b"/in/francoise-latin1-fix");
            v.extend_from_slice(&failed[at + needle.len()..]);
            v
        })
        .unwrap();
    let fixed_path = dir.path().join("fixed.csv");
    std::fs::write(&fixed_path, fixed).unwrap();
    let out = import(&mock, &fixed_path, &["--encoding", "latin1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(n(&counts(&out), "Imported"), 1);
    let members = campaign(&mock);
    assert_eq!(members.len(), 3);
    let f = &members["francoise-latin1-fix"][0];
    assert_eq!((f.0.clone(), f.1.clone()), names("Françoise", "Noël"));
}

#[test]
fn semicolon_and_tab_files_are_detected_from_the_header() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("semicolon.csv");
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = counts(&out);
    assert_eq!((n(&report, "Rows"), n(&report, "Imported")), (2, 2));
    assert_eq!(report["Delimiter"], ";");
    let (_dir, tsv) = corpus("tab.tsv");
    let out = import(&mock, &tsv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(counts(&out)["Delimiter"], "tab");
    let members = campaign(&mock);
    assert_eq!(
        members.keys().collect::<Vec<_>>(),
        ["semi-ann", "semi-bob", "tab-ann", "tab-bob"]
    );
    let ann = &members["tab-ann"][0];
    assert_eq!((ann.0.clone(), ann.1.clone()), names("Ann", "Lee"));
}

#[test]
fn another_delimiter_is_forced_with_delimiter_and_a_wrong_one_gets_a_hint() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("pipe.csv");
    let out = import(&mock, &csv, &[]);
    assert_refused(&mock, &out, &["no LinkedIn URL column"]);
    let out = import(&mock, &csv, &["--delimiter", "|"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(n(&counts(&out), "Imported"), 2);
    assert_eq!(slugs(&mock), ["pipe-ann", "pipe-bob"]);

    let mock = Mock::start();
    let (_dir, csv) = corpus("semicolon.csv");
    let out = import(&mock, &csv, &["--delimiter", ","]);
    assert_refused(&mock, &out, &["no LinkedIn URL column", "--delimiter ';'"]);
}

#[test]
fn a_utf8_bom_is_read_and_kept_in_the_failed_rows_csv() {
    let mock = Mock::start();
    let (dir, csv) = corpus("utf8_bom.csv");
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = counts(&out);
    assert_eq!((n(&report, "Imported"), n(&report, "Invalid")), (1, 1));
    assert_eq!(
        campaign(&mock)["bom-juergen"][0].0.as_deref(),
        Some("Jürgen")
    );
    let failed = std::fs::read(dir.path().join("utf8_bom.failed.csv")).unwrap();
    assert!(failed.starts_with(
        "\u{feff}first_name,linkedin_url,error\nBad,https://example.com/in/bom-bad,\"column 2"
            .as_bytes()
    ));
}

#[test]
fn utf16_with_a_bom_is_read_and_its_failed_rows_are_written_back_in_utf16() {
    for (name, be) in [("utf16le_bom.csv", false), ("utf16be_bom.csv", true)] {
        let mock = Mock::start();
        let (dir, csv) = corpus(name);
        let out = import(&mock, &csv, &[]);
        assert_eq!(out.status.code(), Some(3), "{name}: {}", stderr(&out));
        let report = counts(&out);
        assert_eq!(
            (n(&report, "Imported"), n(&report, "Invalid")),
            (2, 1),
            "{name}"
        );
        assert_eq!(report["Encoding"], if be { "UTF-16BE" } else { "UTF-16LE" });
        let members = campaign(&mock);
        let prefix = if be { "utf16be" } else { "utf16" };
        let li = &members[&format!("{prefix}-li")][0];
        assert_eq!((li.0.clone(), li.1.clone()), names("李", "小龙"));
        let j = &members[&format!("{prefix}-juergen")][0];
        assert_eq!((j.0.clone(), j.1.clone()), names("Jürgen", "Müller"));

        let failed = std::fs::read(dir.path().join(name.replace(".csv", ".failed.csv"))).unwrap();
        let bom: &[u8] = if be { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] };
        let units: Vec<u16> = failed[2..]
            .chunks(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        assert!(failed.starts_with(bom), "{name}");
        let text = String::from_utf16(&units).unwrap();
        assert!(
            text.starts_with(&format!(
                "first_name,last_name,linkedin_url,error\r\nBad,Row,https://www.linkedin.com/company/{prefix}-bad,\"column 3"
            )),
            "{name}: {text}"
        );
        // The original row, in the original bytes.
        let original = std::fs::read(&csv).unwrap();
        let row: Vec<u8> = if be {
            format!("Bad,Row,https://www.linkedin.com/company/{prefix}-bad")
                .encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect()
        } else {
            format!("Bad,Row,https://www.linkedin.com/company/{prefix}-bad")
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect()
        };
        assert!(original.windows(row.len()).any(|w| w == row.as_slice()));
        assert!(failed.windows(row.len()).any(|w| w == row.as_slice()));
    }
}

#[test]
fn utf16_without_a_bom_is_refused_with_a_hint_then_read_with_encoding() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("utf16le_no_bom.csv");
    let out = import(&mock, &csv, &[]);
    assert_refused(
        &mock,
        &out,
        &["line 1, column 2: a NUL byte", "--encoding utf-16le"],
    );
    let out = import(&mock, &csv, &["--encoding", "utf-16le"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(slugs(&mock), ["utf16nobom-ann"]);
}

#[test]
fn empty_files_say_so_and_a_header_alone_imports_nothing() {
    for name in ["empty.csv", "blank_lines_only.csv", "bom_only.csv"] {
        let mock = Mock::start();
        let (_dir, csv) = corpus(name);
        let out = import(&mock, &csv, &[]);
        assert_refused(&mock, &out, &["the file is empty"]);
        assert!(!stderr(&out).contains("no LinkedIn URL column"), "{name}");
    }
    let mock = Mock::start();
    let (_dir, csv) = corpus("header_only.csv");
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(n(&counts(&out), "Rows"), 0);
    assert!(campaign(&mock).is_empty());
}

#[test]
fn the_same_profile_on_several_rows_is_sent_once() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("duplicate_profiles.csv");
    let out = import(&mock, &csv, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let report = counts(&out);
    assert_eq!(
        (n(&report, "Imported"), n(&report, "DuplicateRows")),
        (2, 4)
    );
    for (line, first) in [(4, 2), (5, 3), (6, 2), (7, 3)] {
        assert!(
            err.contains(&format!("line {line}: same profile as line {first}")),
            "{line}: {err}"
        );
    }
    let lines: Vec<(u64, u64)> = report["DuplicateRowLines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["Line"].as_u64().unwrap(),
                d["SameAsLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [(4, 2), (5, 3), (6, 2), (7, 3)]);
    assert_eq!(mock.imported_urls().len(), 2);
    let members = campaign(&mock);
    assert_eq!(members.keys().collect::<Vec<_>>(), ["dup-ann", "dup-bob"]);
    assert!(members.values().all(|v| v.len() == 1));
    // The first row of each profile is the one sent.
    assert_eq!(members["dup-ann"][0].0.as_deref(), Some("Ann"));
}

#[test]
fn linkedin_url_forms_are_accepted_and_sent_in_one_canonical_form() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("url_forms.csv");
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(n(&counts(&out), "Imported"), 8);
    let mut sent = mock.imported_urls();
    sent.sort();
    let expected: Vec<String> = [
        "form-country",
        "form-fragment",
        "form-mobile",
        "form-noscheme",
        "form-query",
        "form-subpage",
        "form-upper",
        "j%C3%BCrgen-form",
    ]
    .iter()
    .map(|s| format!("https://www.linkedin.com/in/{s}"))
    .collect();
    assert_eq!(sent, expected);
    assert_eq!(campaign(&mock).len(), 8);
}

#[test]
fn urls_that_are_not_profiles_are_invalid_with_a_reason_and_never_sent() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("not_profiles.csv");
    let out = import(&mock, &csv, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let report = counts(&out);
    assert_eq!((n(&report, "Imported"), n(&report, "Invalid")), (1, 9));
    for (line, reason) in [
        (3, "search page"),
        (4, "search page"),
        (5, "company, school or showcase page"),
        (6, "Sales Navigator lead URL"),
        (7, "user info"),
        (8, "must not name a port"),
        (9, "the host is not linkedin.com"),
        (10, "absolute http(s) URL"),
        (11, "must be a LinkedIn profile URL"),
    ] {
        let line_text = err
            .lines()
            .find(|l| l.starts_with(&format!("line {line}, column 1 (linkedin_url): ")))
            .unwrap_or_else(|| panic!("line {line}: {err}"));
        assert!(line_text.contains(reason), "{line_text}");
    }
    assert_eq!(mock.imported_urls().len(), 1);
    assert_eq!(slugs(&mock), ["not-profiles-ok"]);
}

#[test]
fn fields_over_their_maximum_length_are_invalid_naming_column_and_limit() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("long.csv");
    let l = "https://www.linkedin.com/in/";
    std::fs::write(
        &csv,
        format!(
            "first_name,last_name,location,occupation,custom3,linkedin_url\n\
             {},Lee,Paris,CEO,x,{l}long-first\n\
             Ann,Lee,Paris,{},x,{l}long-occupation\n\
             Ann,Lee,{},CEO,x,{l}long-location\n\
             Ann,Lee,Paris,CEO,{},{l}long-custom\n\
             {},Lee,Paris,CEO,x,{l}long-ok\n",
            "a".repeat(64),
            "o".repeat(100_000),
            "p".repeat(128),
            "c".repeat(1024),
            "é".repeat(63),
        ),
    )
    .unwrap();
    let out = import(&mock, &csv, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let report = counts(&out);
    assert_eq!((n(&report, "Imported"), n(&report, "Invalid")), (1, 4));
    for needle in [
        "line 2, column 1 (first_name): invalid `firstName`: at most 63 characters allowed, got 64",
        "line 3, column 4 (occupation): invalid `occupation`: at most 1023 characters allowed, got 100000",
        "line 4, column 3 (location): invalid `location`: at most 127 characters allowed, got 128",
        "line 5, column 5 (custom3): invalid `custom3`: at most 1023 characters allowed, got 1024",
    ] {
        assert!(err.contains(needle), "{needle}");
    }
    // No message carries the 100,000 characters.
    assert!(err.lines().all(|l| l.len() < 1000));
    assert_eq!(slugs(&mock), ["long-ok"]);
    assert_eq!(campaign(&mock)["long-ok"][0].0, Some("é".repeat(63)));
}

#[test]
fn crlf_multiline_fields_escaped_quotes_and_blank_lines_keep_values_and_line_numbers() {
    let mock = Mock::start();
    let (dir, csv) = corpus("crlf_multiline.csv");
    let out = import(&mock, &csv, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let report = counts(&out);
    assert_eq!((n(&report, "Imported"), n(&report, "Invalid")), (3, 1));
    // Physical line 8: after a two-line field and two blank lines.
    assert!(err.contains("line 8, column 3 (linkedin_url)"), "{err}");
    let members = campaign(&mock);
    assert_eq!(
        members["crlf-ann"][0].2.as_deref(),
        Some("Head of Sales\r\nEMEA")
    );
    assert_eq!(
        members["crlf-bob"][0].2.as_deref(),
        Some("says \"hi\", often")
    );
    assert_eq!(members["crlf-joe"][0].0.as_deref(), Some("Joe \"JJ\""));
    let failed = std::fs::read_to_string(dir.path().join("crlf_multiline.failed.csv")).unwrap();
    assert!(
        failed.starts_with("first_name,occupation,linkedin_url,error\r\nBad,CEO,https://example.com/in/crlf-bad,\""),
        "{failed:?}"
    );
}

#[test]
fn rows_with_every_field_empty_are_counted_as_blank() {
    let mock = Mock::start();
    let (_dir, csv) = corpus("blank_rows.csv");
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = counts(&out);
    assert_eq!(
        (
            n(&report, "Rows"),
            n(&report, "Imported"),
            n(&report, "Blank")
        ),
        (4, 1, 3)
    );
    assert_eq!(slugs(&mock), ["blank-rows-ann"]);
}

#[test]
fn the_journal_follows_profiles_not_lines_so_edits_never_resend_a_done_row() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("leads.csv");
    let l = "https://www.linkedin.com/in/";
    std::fs::write(
        &csv,
        format!("first_name,linkedin_url\nAnn,{l}edit-ann\nBob,{l}edit-bob\nCid,{l}edit-cid\n"),
    )
    .unwrap();
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(n(&counts(&out), "Imported"), 3);
    // A row inserted at the top, the others reordered and written in other forms.
    std::fs::write(
        &csv,
        format!(
            "first_name,linkedin_url\nDee,{l}edit-dee\nCid,HTTPS://WWW.LINKEDIN.COM/IN/EDIT-CID/\n\
             Ann,www.linkedin.com/in/edit-ann\nBob,{l}edit-bob?trk=1\n"
        ),
    )
    .unwrap();
    let before = mock.imported_urls().len();
    let out = import(&mock, &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = counts(&out);
    assert_eq!((n(&report, "Imported"), n(&report, "AlreadyDone")), (1, 3));
    assert_eq!(mock.imported_urls().len(), before + 1);
    let members = campaign(&mock);
    assert_eq!(members.len(), 4);
    assert!(members.values().all(|v| v.len() == 1));
}

#[test]
fn a_dry_run_reports_everything_and_sends_nothing() {
    let mock = Mock::start();
    let (dir, csv) = corpus("duplicate_profiles.csv");
    let out = import(&mock, &csv, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = counts(&out);
    assert_eq!(
        (n(&report, "NotAttempted"), n(&report, "DuplicateRows")),
        (2, 4)
    );
    assert!(stderr(&out).contains("to import"));
    assert!(mock.server.requests().is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_malformed_file_is_refused_even_when_its_bad_row_is_the_last_of_many() {
    // The check runs over the whole file before the first request.
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("big.csv");
    let mut text = String::from("linkedin_url\n");
    for i in 0..5000 {
        text.push_str(&format!("https://www.linkedin.com/in/late-bad-{i}\n"));
    }
    text.push_str("\"https://www.linkedin.com/in/late-bad-x\n");
    std::fs::write(&csv, text).unwrap();
    let out = import(&mock, &csv, &[]);
    assert_refused(
        &mock,
        &out,
        &["line 5002, column 1: a quoted field opened here is never closed"],
    );
}
