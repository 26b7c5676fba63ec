//! Every public constant of every crate says its value in its rustdoc.
//!
//! rustdoc shows the value of a constant written as a literal (`= "SALESFLOW_TOKEN"`), but not
//! of one built by a call (`= AccountId::new(400)` shows as `= _`), so a user reading the docs
//! of `DEMO_OTHER_ACCOUNT_ID` could not learn that it is 400. This test reads each
//! `pub const` of `crates/*/src` (generated code included) and checks that its doc comment
//! holds its value: every string and number of its expression (a product of integers may be
//! given as its result, or in KiB/MiB), or for an expression without any, the expression
//! itself. Two kinds are exempt, each for a reason rustdoc itself covers: a list of the
//! type's own variants (`ALL`, `KNOWN`: each variant is documented on the type), and a
//! string literal of several lines (rustdoc prints a literal as written).

use std::path::{Path, PathBuf};

use regex::Regex;

/// One `pub const` item: where, its name, expression and doc comment.
#[derive(Debug)]
struct Const {
    at: String,
    name: String,
    expr: String,
    doc: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The end (exclusive) of the item starting at `start`: just after its `;` at depth 0,
/// outside strings.
fn item_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut in_string, mut i) = (0i32, false, start);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b';' if depth == 0 => return i + 1,
                _ => {}
            }
        }
        i += 1;
    }
    bytes.len()
}

/// The doc comment right above line `line` (attributes in between are skipped).
fn doc_above(lines: &[&str], line: usize) -> String {
    let mut doc = Vec::new();
    for l in lines[..line].iter().rev() {
        let t = l.trim();
        if let Some(d) = t.strip_prefix("///") {
            doc.push(d.trim());
        } else if t.starts_with("#[") {
            continue;
        } else {
            break;
        }
    }
    doc.reverse();
    doc.join(" ")
}

fn consts(root: &Path) -> Vec<Const> {
    let decl = Regex::new(r"(?m)^[ \t]*pub const ([A-Z][A-Z0-9_]*)\s*:").unwrap();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    let mut out = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if !rel.contains("/src/") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for m in decl.captures_iter(&text) {
            let whole = m.get(0).unwrap();
            let end = item_end(&text, whole.start());
            let item = &text[whole.start()..end];
            let Some((_, expr)) = item.split_once('=') else {
                continue;
            };
            let expr = expr.trim().trim_end_matches(';').trim().to_owned();
            if expr.contains('$') {
                continue; // inside a macro_rules body: its expansions are not written here
            }
            let line = text[..whole.start()].matches('\n').count();
            out.push(Const {
                at: format!("{rel}:{}", line + 1),
                name: m[1].to_owned(),
                expr,
                doc: doc_above(&lines, line),
            });
        }
    }
    out
}

/// Why `c`'s doc does not say its value, or `None` when it does.
fn missing(c: &Const) -> Option<String> {
    let variants = Regex::new(r"^&?\[\s*(\w+::\w+\s*,?\s*)+\]$").unwrap();
    if variants.is_match(&c.expr) {
        return None;
    }
    let strings = Regex::new(r#"(?s)"((?:[^"\\]|\\.)*)""#).unwrap();
    let env = Regex::new(r#"env!\(\s*"[^"]*"\s*\)"#).unwrap();
    let expr = env.replace_all(&c.expr, "");
    let mut wanted: Vec<String> = Vec::new();
    for s in strings.captures_iter(&expr) {
        let s = &s[1];
        if s.contains('\n') || s.starts_with("\\\n") {
            return None; // a literal of several lines: rustdoc prints it
        }
        wanted.push(s.replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    let without_strings = strings.replace_all(&expr, "");
    let numbers: Vec<u128> = Regex::new(r"\b\d[\d_]*\b")
        .unwrap()
        .find_iter(&without_strings)
        .filter_map(|n| n.as_str().replace('_', "").parse().ok())
        .collect();
    let says_number = |n: u128| {
        let plain = n.to_string();
        let grouped = group(n, '_');
        let commas = group(n, ',');
        [plain, grouped, commas].iter().any(|form| {
            // Not part of a longer number: no digit next to it, nor after a separator.
            let pattern = format!(
                r"(^|[^\d_,]|[^\d][_,]){}($|[^\d_,]|[_,][^\d])",
                regex::escape(form)
            );
            Regex::new(&pattern).unwrap().is_match(&c.doc)
        })
    };
    let product = Regex::new(r"^\d[\d_]*(\s*\*\s*\d[\d_]*)+$").unwrap();
    if product.is_match(without_strings.trim()) {
        let value: u128 = numbers.iter().product();
        let sized = |unit: u128, name: &str| {
            value.is_multiple_of(unit) && c.doc.contains(&format!("{} {name}", value / unit))
        };
        if says_number(value) || sized(1 << 20, "MiB") || sized(1 << 10, "KiB") {
            return None;
        }
        return Some(format!("its value {value} (`{}`)", c.expr));
    }
    for n in &numbers {
        if !says_number(*n) {
            return Some(format!("the number {n} of `{}`", c.expr));
        }
    }
    for s in &wanted {
        if !c.doc.contains(s.as_str()) {
            return Some(format!("the text {s:?} of `{}`", c.expr));
        }
    }
    if numbers.is_empty() && wanted.is_empty() {
        let shown = c.expr.replace("Self::", "");
        if !c.doc.contains(&shown) {
            return Some(format!("the expression `{shown}`"));
        }
    }
    None
}

/// `n` with its digits grouped by three (`1_048_576`).
fn group(n: u128, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    out
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn every_public_constant_says_its_value() {
    let found = consts(&workspace_root());
    // The scan finds them all: a sample of the kinds.
    for name in [
        "DEMO_OTHER_ACCOUNT_ID",
        "DEFAULT_TIMEOUT",
        "MAX_PAYLOAD_BYTES",
        "API_VERSION",
        "ENV_TOKEN",
        "SILENCED_LOG_TARGETS",
    ] {
        assert!(found.iter().any(|c| c.name == name), "{name} not found");
    }
    let missing: Vec<String> = found
        .iter()
        .filter_map(|c| {
            Some(format!(
                "{} {}: its doc lacks {}",
                c.at,
                c.name,
                missing(c)?
            ))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "public constants whose rustdoc does not say their value:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_check_reads_values_as_meant() {
    let c = |expr: &str, doc: &str| Const {
        at: "x.rs:1".into(),
        name: "X".into(),
        expr: expr.into(),
        doc: doc.into(),
    };
    // The reported case: a typed id without its value.
    assert!(missing(&c("AccountId::new(400)", "The only account of the token.")).is_some());
    assert!(missing(&c("AccountId::new(400)", "The only account (400).")).is_none());
    // A number is a whole number of the doc, not part of another.
    assert!(missing(&c("AccountId::new(40)", "Account 400.")).is_some());
    assert!(missing(&c("AccountId::new(400)", "Account 1,400.")).is_some());
    assert!(missing(&c("AccountId::new(321)", "Account 321, active.")).is_none());
    assert!(missing(&c("Duration::from_secs(30)", "30 s.")).is_none());
    assert!(missing(&c("1024 * 1024", "1 MiB.")).is_none());
    assert!(missing(&c("4 * 1024 * 1024", "4 MiB.")).is_none());
    assert!(missing(&c("1024 * 1024", "1024 bytes.")).is_some());
    assert!(missing(&c("1_000_000", "1_000_000 at most")).is_none());
    assert!(missing(&c(r#""SALESFLOW_TOKEN""#, "The variable.")).is_some());
    assert!(missing(&c(r#""SALESFLOW_TOKEN""#, "`SALESFLOW_TOKEN`.")).is_none());
    assert!(missing(&c(r#"["a", "b"]"#, "`a` and `c`.")).is_some());
    assert!(missing(&c(r#"concat!("x/", env!("V"))"#, "`x/<version>`")).is_none());
    assert!(missing(&c("Self::empty()", "No bit set.")).is_some());
    assert!(missing(&c("Self::empty()", "[`empty()`]")).is_none());
    assert!(missing(&c("&[Self::A, Self::B]", "Every value.")).is_none());
    assert!(missing(&c("\"\\\nline one\nline two\"", "The help.")).is_none());
}
