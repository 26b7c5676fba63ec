//! `cargo xtask drift REPORT...`: drift reports (what services saw in live traffic that their
//! SDK did not know; `salesflow_webhook_types::drift`) turned into a proposed edit of
//! `spec/salesflow.yaml`.
//!
//! The reports are merged (a file may hold several, one after the other, as the CLI's
//! `--drift-report` appends them) as `DriftReport::merge` merges them: an item that several
//! reports hold is one item, its counts added and its services joined. Then:
//! - an **unknown field** of an object, seen with one JSON type (and maybe `null`), becomes a
//!   new optional, nullable property of that object (a component schema, or an object inside
//!   the payload by its `title`), with the JSON type and a `description` saying where and when
//!   it was seen; an integer seen also as a number is a number;
//! - an **unknown value** of a string open enum (one with `x-salesflow-values`) becomes a new
//!   value of its `enum` list and of `x-salesflow-values`, with such a description.
//!
//! Everything else is reported, not guessed: a field seen with two JSON types (a conflict), only
//! as `null`, as an array or an object (its shape is not in a report), a key or value withheld
//! as personal-looking, a known field of another type than the spec's (a breaking change to
//! decide), an unknown `RunOn` code or payload name (an event needs a name and a code) or
//! `MemberStatus` name (a flag needs its bit). The spec is edited as text, so that comments and
//! layout stay and the change reads as a small diff; then run `cargo xtask codegen` and
//! `cargo xtask spec-diff`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The drift report's JSON form: the very file `salesflow_webhook_types::drift` re-exports,
/// compiled here as a module rather than linked, as the xtask must build while the payload
/// crate does not (see `tests/codegen.rs`). The drift drill (`tests/drill_drift.rs`) feeds it
/// a report the SDK wrote.
#[path = "../../crates/salesflow-webhook-types/src/drift/report.rs"]
pub mod report;

pub use report::{DriftItem, DriftKind, DriftReport, JsonType, REPORT_FORMAT, WITHHELD};

/// What a run proposed and what it left to a person.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The edits made (or that would be made), one line each: `Campaign.DriftNote: string`.
    pub proposed: Vec<String>,
    /// What was not proposed, one line each, with the reason.
    pub not_proposed: Vec<String>,
}

impl Outcome {
    /// The summary printed by `cargo xtask drift`.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let not_proposed = "not proposed, for a person";
        for (what, lines) in [
            ("proposed", &self.proposed),
            (not_proposed, &self.not_proposed),
        ] {
            let _ = writeln!(out, "{what} ({}):", lines.len());
            for line in lines {
                let _ = writeln!(out, "  {line}");
            }
        }
        out
    }
}

/// Reads every report of `files` (each may hold several JSON reports one after the other),
/// as one (their items side by side: the proposal adds up what they say of each thing).
pub fn read_reports(files: &[PathBuf]) -> Result<DriftReport, String> {
    let mut all = DriftReport::default();
    for file in files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        for report in serde_json::Deserializer::from_str(&text).into_iter::<DriftReport>() {
            let report =
                report.map_err(|e| format!("{}: not a drift report: {e}", file.display()))?;
            if report.format != REPORT_FORMAT {
                return Err(format!(
                    "{}: a drift report of format {}, this reads {REPORT_FORMAT}",
                    file.display(),
                    report.format
                ));
            }
            all.merge(report);
        }
    }
    Ok(all)
}

/// Proposes the spec edit for `reports`: edits `spec` in place unless `dry_run`.
pub fn run(spec: &Path, reports: &[PathBuf], dry_run: bool) -> Result<Outcome, String> {
    let report = read_reports(reports)?;
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let (edited, outcome) = propose(&text, &report);
    if !dry_run && edited != text {
        std::fs::write(spec, edited)
            .map_err(|e| format!("cannot write {}: {e}", spec.display()))?;
    }
    Ok(outcome)
}

/// The spec `text` with the edits `report` calls for, and what was (not) proposed.
pub fn propose(text: &str, report: &DriftReport) -> (String, Outcome) {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut outcome = Outcome::default();
    let mut fields: BTreeMap<(&str, &str), Vec<&DriftItem>> = BTreeMap::new();
    let mut values: BTreeMap<(&str, &str), Vec<&DriftItem>> = BTreeMap::new();
    for item in &report.items {
        match item.kind {
            DriftKind::UnknownField => {
                fields.entry((&item.schema, &item.field)).or_default().push(item)
            }
            DriftKind::UnknownValue => match &item.value {
                Some(value) => values.entry((&item.schema, value)).or_default().push(item),
                None => outcome.not_proposed.push(format!(
                    "{}: a value of {} at {} {} withheld (not a code's shape: personal data?)",
                    item.schema, item.json_type, item.source, item.path
                )),
            },
            DriftKind::UnexpectedType => outcome.not_proposed.push(format!(
                "{}.{}: seen as {} at {} {}: a type change of a known field is breaking, decide by hand",
                item.schema, item.field, item.json_type, item.source, item.path
            )),
            DriftKind::Other => outcome
                .not_proposed
                .push(format!("{}: an item of an unknown kind", item.path)),
        }
    }
    let mut note = |what: String, result| match result {
        Ok(line) => outcome.proposed.push(line),
        Err(why) => outcome.not_proposed.push(format!("{what}: {why}")),
    };
    for ((schema, field), items) in fields {
        let result = new_property(&mut lines, schema, field, &items);
        note(format!("{schema}.{field}"), result);
    }
    for ((schema, value), items) in values {
        let result = new_enum_value(&mut lines, schema, value, &items);
        note(format!("{schema} value {value}"), result);
    }
    let mut edited = lines.join("\n");
    if text.ends_with('\n') {
        edited.push('\n');
    }
    (edited, outcome)
}

/// The spec's `type` (and `format`) of a field seen with `types`, or why there is none.
fn property_type(types: &BTreeSet<JsonType>) -> Result<&'static str, String> {
    let mut seen: Vec<JsonType> = types
        .iter()
        .copied()
        .filter(|t| *t != JsonType::Null)
        .collect();
    if seen == [JsonType::Integer, JsonType::Number] {
        seen = vec![JsonType::Number];
    }
    match seen.as_slice() {
        [] => Err("seen only as null: its type is unknown, wait for a value".into()),
        [JsonType::String] => Ok("type: string"),
        [JsonType::Integer] => Ok("type: integer, format: int64"),
        [JsonType::Number] => Ok("type: number, format: double"),
        [JsonType::Boolean] => Ok("type: boolean"),
        [one] => Err(format!(
            "seen as {one}: a report does not hold its shape, describe it by hand"
        )),
        several => Err(format!(
            "conflicting observations: seen as {}",
            several
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        )),
    }
}

/// Where and when `items` were seen, for a `description`.
fn seen_where(items: &[&DriftItem]) -> String {
    let places: BTreeSet<String> = items
        .iter()
        .map(|i| format!("{} {}", i.source, i.path))
        .collect();
    let mut places: Vec<String> = places.into_iter().collect();
    if places.len() > 3 {
        let more = places.len() - 3;
        places.truncate(3);
        places.push(format!("{more} more"));
    }
    let first = items.iter().map(|i| i.first_seen).min().unwrap_or_default();
    let last = items.iter().map(|i| i.last_seen).max().unwrap_or_default();
    let count: u64 = items.iter().map(|i| i.count).sum();
    let services: BTreeSet<&str> = items
        .iter()
        .flat_map(|i| &i.seen_by)
        .map(String::as_str)
        .collect();
    let services: Vec<&str> = services.into_iter().collect();
    let by = if services.is_empty() {
        String::new()
    } else {
        format!(" by {}", services.join(", "))
    };
    format!(
        "Seen in live traffic (drift report) at {}, {} to {}, {count} time(s){by}.",
        places.join(", "),
        first.format("%Y-%m-%d"),
        last.format("%Y-%m-%d")
    )
}

/// A double-quoted YAML string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_content(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

/// The lines `[start, end)` of the object `schema` (a component schema, or an object with that
/// `title`), and the indentation of its keywords.
fn object_block(lines: &[String], schema: &str) -> Option<(usize, usize, usize)> {
    let component = format!("    {schema}:");
    let title = format!("title: {schema}");
    let (start, at) = match lines.iter().position(|l| l.trim_end() == component) {
        Some(i) => (i + 1, 6),
        None => {
            let i = lines.iter().position(|l| l.trim() == title)?;
            let at = indent(&lines[i]);
            let start = (0..i)
                .rev()
                .find(|&j| is_content(&lines[j]) && indent(&lines[j]) < at)?;
            (start + 1, at)
        }
    };
    let end = (start..lines.len())
        .find(|&j| is_content(&lines[j]) && indent(&lines[j]) < at)
        .unwrap_or(lines.len());
    Some((start, end, at))
}

/// The end of the block of keyword line `i` (indented `at`): the line after its last line.
fn block_end(lines: &[String], i: usize, at: usize) -> usize {
    let mut last = i;
    for (j, line) in lines.iter().enumerate().skip(i + 1) {
        if is_content(line) && indent(line) <= at {
            break;
        }
        if is_content(line) {
            last = j;
        }
    }
    last + 1
}

/// Adds the optional property `field` to the object `schema`.
fn new_property(
    lines: &mut Vec<String>,
    schema: &str,
    field: &str,
    items: &[&DriftItem],
) -> Result<String, String> {
    if field == WITHHELD {
        return Err("a key withheld (not a field name's shape: personal data?)".into());
    }
    let types: BTreeSet<JsonType> = items.iter().map(|i| i.json_type).collect();
    let ty = property_type(&types)?;
    let (start, end, at) =
        object_block(lines, schema).ok_or("no such object in the spec (an older report?)")?;
    // An object made of others (`allOf`) gets the field from one that has it.
    for base in bases(&lines[start..end], at) {
        if properties(lines, &base).is_some_and(|p| p.has(lines, field)) {
            return Ok(format!(
                "{schema}.{field}: comes with {base}, which it includes"
            ));
        }
    }
    let props =
        properties(lines, schema).ok_or("the object has no `properties:` block to add to")?;
    if props.has(lines, field) {
        return Err("already in the spec (the report is older than the spec)".into());
    }
    let line = format!(
        "{}{field}: {{ {ty}, nullable: true, description: {} }}",
        " ".repeat(props.at + 2),
        quoted(&seen_where(items))
    );
    lines.insert(props.stop, line);
    Ok(format!("{schema}.{field}: new optional property, {ty}"))
}

/// The `properties:` block of an object.
struct Props {
    /// Its `properties:` line.
    line: usize,
    /// The line after its last.
    stop: usize,
    /// The indentation of `properties:`.
    at: usize,
}

impl Props {
    fn has(&self, lines: &[String], field: &str) -> bool {
        let known = format!("{field}:");
        lines[self.line + 1..self.stop]
            .iter()
            .any(|l| indent(l) == self.at + 2 && l.trim_start().starts_with(&known))
    }
}

/// The `properties:` block of the object `schema`: the least indented one (an `allOf`
/// member's, when the object is made of others).
fn properties(lines: &[String], schema: &str) -> Option<Props> {
    let (start, end, _) = object_block(lines, schema)?;
    let line = (start..end)
        .filter(|&j| lines[j].trim() == "properties:")
        .min_by_key(|&j| indent(&lines[j]))?;
    let at = indent(&lines[line]);
    Some(Props {
        line,
        stop: block_end(lines, line, at),
        at,
    })
}

/// The component schemas an object's `allOf` names (`- $ref: "#/components/schemas/X"`).
fn bases(block: &[String], at: usize) -> Vec<String> {
    block
        .iter()
        .filter(|l| indent(l) == at + 2)
        .filter_map(|l| l.trim().strip_prefix("- $ref: \"#/components/schemas/"))
        .filter_map(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
        .collect()
}

/// Adds `value` to the string open enum `schema` (its `enum` list and `x-salesflow-values`).
fn new_enum_value(
    lines: &mut Vec<String>,
    schema: &str,
    value: &str,
    items: &[&DriftItem],
) -> Result<String, String> {
    let manual = || {
        format!(
            "{schema} is not a string open enum with `x-salesflow-values` (RunOn needs a name \
             and a code, MemberStatus a bit): edit by hand"
        )
    };
    if items.iter().any(|i| i.json_type != JsonType::String) {
        return Err(manual());
    }
    let (start, end, at) = object_block(lines, schema).ok_or_else(manual)?;
    let keyword = |j: usize, text: &str| indent(&lines[j]) == at && lines[j].trim() == text;
    if at != 6 || !(start..end).any(|j| keyword(j, "type: string")) {
        return Err(manual());
    }
    let is_list = |j: &usize| {
        let t = lines[*j].trim();
        t.starts_with("- enum: [") && t.ends_with(']')
    };
    let list = (start..end).find(is_list).ok_or_else(manual)?;
    let values = (start..end)
        .find(|&j| keyword(j, "x-salesflow-values:"))
        .ok_or_else(manual)?;
    let stop = block_end(lines, values, at);
    let known = format!("{value}:");
    if lines[values + 1..stop]
        .iter()
        .any(|l| l.trim_start().starts_with(&known))
    {
        return Err("already in the spec (the report is older than the spec)".into());
    }
    let seen = seen_where(items);
    let description = quoted(&format!("Not yet described by the vendor. {seen}"));
    let line = format!(
        "{}{value}: {{ description: {description} }}",
        " ".repeat(at + 2)
    );
    lines.insert(stop, line);
    let old = lines[list].trim_end().to_owned();
    lines[list] = format!("{}, {value}]", &old[..old.len() - 1]);
    Ok(format!("{schema}: new value {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPEC: &str = "\
components:
  schemas:
    CampaignStatus:
      type: string
      anyOf:
        - enum: [CAMPAIGN_RUNNING]
        - type: string
      x-salesflow-values:
        CAMPAIGN_RUNNING: { description: Running. }
      example: CAMPAIGN_RUNNING
    RunOn:
      type: integer
      anyOf:
        - enum: [1]
        - type: integer
      x-salesflow-values:
        \"1\": { name: ONE }
    Campaign:
      type: object
      properties:
        CampaignId: { type: integer }
        # a comment
        Status:
          $ref: x

      example:
        CampaignId: 1
    Details:
      allOf:
        - $ref: \"#/components/schemas/Campaign\"
        - type: object
          properties:
            Extra: { type: string }
    WebhookPayload:
      type: object
      properties:
        Inner:
          type: object
          title: Inner
          properties:
            A: { type: string }
        Last: { type: string }
";

    fn item(
        schema: &str,
        field: &str,
        kind: &str,
        ty: &str,
        value: Option<&str>,
    ) -> serde_json::Value {
        json!({"source": "listCampaigns", "path": format!("$[].{field}"), "schema": schema,
            "field": field, "kind": kind, "json_type": ty, "value": value, "count": 2,
            "first_seen": "2026-12-01T10:00:00Z", "last_seen": "2026-12-03T10:00:00Z",
            "seen_by": ["billing"]})
    }

    /// Unknown fields, `Schema.Field:type` each, separated by spaces.
    fn fields(list: &str) -> Vec<serde_json::Value> {
        let split = |f: &str| -> Option<(String, String, String)> {
            let (place, ty) = f.split_once(':')?;
            let (schema, field) = place.split_once('.')?;
            Some((schema.into(), field.into(), ty.into()))
        };
        let fields = list.split_whitespace().map(|f| split(f).unwrap());
        fields
            .map(|(schema, field, ty)| item(&schema, &field, "unknown_field", &ty, None))
            .collect()
    }

    fn report(items: Vec<serde_json::Value>) -> DriftReport {
        serde_json::from_value(json!({"format": 1, "items": items})).unwrap()
    }

    #[test]
    fn new_fields_and_values_are_proposed_where_they_belong() {
        let mut items = fields(
            "Campaign.Note:string Campaign.Note:null Campaign.Score:integer \
             Campaign.Score:number Inner.B:boolean Details.Note:string Details.Own:integer",
        );
        let archived = Some("CAMPAIGN_ARCHIVED");
        items.push(item(
            "CampaignStatus",
            "Status",
            "unknown_value",
            "string",
            archived,
        ));
        let r = report(items);
        let (edited, outcome) = propose(SPEC, &r);
        assert!(outcome.not_proposed.is_empty(), "{outcome:?}");
        assert_eq!(outcome.proposed.len(), 6, "{outcome:?}");
        assert!(outcome
            .proposed
            .contains(&"Details.Note: comes with Campaign, which it includes".to_owned()));
        assert!(edited.contains("            Extra: { type: string }\n            Own: { type: integer, format: int64, nullable: true,"), "{edited}");
        let description = "description: \"Seen in live traffic (drift report) at listCampaigns \
            $[].Note, 2026-12-01 to 2026-12-03, 4 time(s) by billing.\" }";
        let want = format!("        Status:\n          $ref: x\n        Note: {{ type: string, nullable: true, {description}\n        Score: {{ type: number, format: double, nullable: true,");
        assert!(edited.contains(&want), "{edited}");
        assert!(
            edited.contains(
                "            A: { type: string }\n            B: { type: boolean, nullable: true,"
            ),
            "{edited}"
        );
        assert!(
            edited.contains("- enum: [CAMPAIGN_RUNNING, CAMPAIGN_ARCHIVED]"),
            "{edited}"
        );
        assert!(edited.contains("        CAMPAIGN_RUNNING: { description: Running. }\n        CAMPAIGN_ARCHIVED: { description: \"Not yet described by the vendor. Seen"), "{edited}");
        assert!(edited.contains("        # a comment\n"));
        assert!(edited.ends_with("        Last: { type: string }\n"));
        // The edited spec is YAML, and a second run proposes nothing new.
        let _: serde_yaml::Value = serde_yaml::from_str(&edited).unwrap();
        let (again, outcome) = propose(&edited, &r);
        assert_eq!(again, edited);
        assert_eq!(
            outcome.proposed,
            ["Details.Note: comes with Campaign, which it includes"]
        );
        assert_eq!(outcome.not_proposed.len(), 5, "{outcome:?}");
        assert!(outcome
            .not_proposed
            .iter()
            .all(|l| l.contains("already in the spec")));
    }

    #[test]
    fn what_cannot_be_decided_is_reported_not_guessed() {
        let mut items = fields(
            "Campaign.Both:string Campaign.Both:integer Campaign.Nothing:null \
             Campaign.List:array Campaign.<withheld>:string Nowhere.X:string",
        );
        items.extend([
            item("Campaign", "CampaignId", "unexpected_type", "string", None),
            item("RunOn", "RunOn", "unknown_value", "integer", Some("8")),
            item(
                "RunOn",
                "IntegrationRunOn",
                "unknown_value",
                "string",
                Some("INTEGRATION_RUN_ON_X"),
            ),
            item("CampaignStatus", "Status", "unknown_value", "string", None),
            item("Campaign", "Odd", "renamed_field", "string", None),
        ]);
        let r = report(items);
        let (edited, outcome) = propose(SPEC, &r);
        assert_eq!(edited, SPEC);
        assert!(outcome.proposed.is_empty());
        let text = outcome.summary();
        for needle in [
            "Campaign.Both: conflicting observations: seen as integer and string",
            "Campaign.Nothing: seen only as null",
            "Campaign.List: seen as array",
            "Campaign.<withheld>: a key withheld",
            "Nowhere.X: no such object",
            "Campaign.CampaignId: seen as string",
            "RunOn value 8: RunOn is not a string open enum",
            "RunOn value INTEGRATION_RUN_ON_X: RunOn is not",
            "CampaignStatus: a value of string at listCampaigns $[].Status withheld",
            "$[].Odd: an item of an unknown kind",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
    }

    #[test]
    fn reports_are_read_from_files_holding_several() {
        let dir = tempfile::tempdir().unwrap();
        let one = json!({"format": 1, "items": fields("Campaign.Note:string")}).to_string();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, format!("{one}\n{one}\n")).unwrap();
        let all = read_reports(&[path.clone(), path]).unwrap();
        // Four copies of one item (two reports in each of two files): one item, counted 8 times.
        assert_eq!(all.items.len(), 1);
        assert_eq!(all.items[0].count, 8);
        let later = dir.path().join("later");
        std::fs::write(&later, r#"{"format": 2, "items": []}"#).unwrap();
        assert!(read_reports(&[later]).unwrap_err().contains("format 2"));
        let bad = dir.path().join("bad");
        std::fs::write(&bad, "{").unwrap();
        assert!(read_reports(&[bad])
            .unwrap_err()
            .contains("not a drift report"));
    }
}
