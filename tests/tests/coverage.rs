//! Contract coverage: every `operationId` of `spec/salesflow.yaml` is
//! - in the generated operation table (`salesflow_api::operations::OPERATIONS`),
//! - routed by the mock (`salesflow-mock`): a request with the operation's method and path is
//!   answered neither 405 nor the mock's unknown-route 404,
//! - a method of the `salesflow` SDK (a `#[doc(alias = "<operationId>")]` on a `pub fn`),
//! - snapshotted (`tests/snapshots/snapshots__<operationId>__{request,response}.snap`, written
//!   by `tests/snapshots.rs`).
//!
//! The checker takes the spec's text, so that a test can run it on a copy with an extra
//! operation and see that exactly that operation is reported, everywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use salesflow_api::operations::OPERATIONS;
use salesflow_mock::{MockServer, Seed, DEMO_ACCOUNT_ID, DEMO_TOKEN};
use serde_json::Value;

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

/// What an operation lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    /// Not in `salesflow_api::operations::OPERATIONS`.
    OperationsTable,
    /// The mock answers its method and path with 405 or its unknown-route 404.
    MockRoute,
    /// No `#[doc(alias = "<operationId>")]` on a public method of the `salesflow` crate.
    SdkMethod,
    /// No `snapshots__<operationId>__request.snap`.
    RequestSnapshot,
    /// No `snapshots__<operationId>__response.snap`.
    ResponseSnapshot,
}

const ALL_GAPS: [Gap; 5] = [
    Gap::OperationsTable,
    Gap::MockRoute,
    Gap::SdkMethod,
    Gap::RequestSnapshot,
    Gap::ResponseSnapshot,
];

/// An operation of the spec, with a request that fits it.
#[derive(Debug, Clone)]
struct SpecOperation {
    id: String,
    method: String,
    /// The path template, e.g. `/members/{memberId}`.
    path: String,
    /// The path with its parameters filled in.
    concrete_path: String,
    /// Required query parameters with example or dummy values (without auth).
    query: Vec<(String, String)>,
    /// The body to send, if the operation has a request body.
    body: Option<Value>,
}

#[derive(Debug, Default)]
struct Report {
    /// The spec's operation ids, in the spec's order.
    operations: Vec<String>,
    /// What each operation lacks (only operations that lack something).
    gaps: BTreeMap<String, BTreeSet<Gap>>,
    /// Why, in words.
    notes: Vec<String>,
    /// The mock's answer (status, body) to each routed operation's request.
    answers: BTreeMap<String, (u16, Value)>,
}

impl Report {
    fn gap(&mut self, id: &str, gap: Gap, note: String) {
        self.gaps.entry(id.to_string()).or_default().insert(gap);
        self.notes.push(format!("{id}: {gap:?}: {note}"));
    }
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn spec_text() -> String {
    let path = workspace_root().join("spec/salesflow.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// The text of every `.rs` file of the `salesflow` crate's sources.
fn sdk_sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                out.push((path, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&workspace_root().join("crates/salesflow/src"), &mut out);
    assert!(
        out.iter().any(|(p, _)| p.ends_with("ops.rs")),
        "crates/salesflow/src/ops.rs not found"
    );
    out
}

// ---------------------------------------------------------------------------------------
// The spec
// ---------------------------------------------------------------------------------------

/// Follows `$ref`s (`#/components/...`) until a value that is not one.
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference
                    .strip_prefix('#')
                    .unwrap_or_else(|| panic!("only local $refs are supported: {reference}"));
                value = spec
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling $ref {reference}"));
            }
            None => return value,
        }
    }
    panic!("$ref chain too long")
}

/// An example or dummy value for a parameter.
fn parameter_value(spec: &Value, param: &Value) -> String {
    let schema = resolve(spec, param.get("schema").unwrap_or(&Value::Null));
    let example = param
        .get("example")
        .or_else(|| schema.get("example"))
        .or_else(|| schema.get("enum").and_then(|e| e.get(0)));
    match example {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => match schema.get("type").and_then(Value::as_str) {
            Some("integer") | Some("number") => "1".into(),
            Some("boolean") => "true".into(),
            _ => "dummy".into(),
        },
    }
}

/// The operations of a spec, each with a request that fits it.
fn spec_operations(spec_text: &str) -> Vec<SpecOperation> {
    let spec: Value = serde_yaml::from_str(spec_text).expect("the spec is YAML");
    let paths = spec["paths"].as_object().expect("the spec has paths");
    let mut out = Vec::new();
    for (path, item) in paths {
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"))
                .to_string();
            let own: Vec<Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut concrete_path = path.clone();
            let mut query = Vec::new();
            for param in shared.iter().chain(&own) {
                let param = resolve(&spec, param);
                let name = param["name"].as_str().expect("a parameter name");
                let required = param["required"].as_bool().unwrap_or(false);
                match param["in"].as_str() {
                    Some("path") => {
                        concrete_path = concrete_path
                            .replace(&format!("{{{name}}}"), &parameter_value(&spec, param));
                    }
                    Some("query") if required => {
                        query.push((name.to_string(), parameter_value(&spec, param)));
                    }
                    _ => {}
                }
            }
            assert!(
                !concrete_path.contains('{'),
                "{id}: unfilled path parameter in {concrete_path}"
            );
            let body = op.get("requestBody").map(|rb| {
                let rb = resolve(&spec, rb);
                let schema = rb
                    .pointer("/content/application~1json/schema")
                    .map(|s| resolve(&spec, s));
                schema
                    .and_then(|s| s.get("example"))
                    .cloned()
                    .unwrap_or_else(|| Value::Object(Default::default()))
            });
            out.push(SpecOperation {
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                concrete_path,
                query,
                body,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The SDK's aliases
// ---------------------------------------------------------------------------------------

/// The string literals of `alias = "..."` and `alias("...", ...)` in one `#[doc(...)]`.
fn aliases_in(attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = attr;
    while let Some(pos) = rest.find("alias") {
        rest = rest[pos + "alias".len()..].trim_start();
        let list = if let Some(r) = rest.strip_prefix('=') {
            r.trim_start()
        } else if let Some(r) = rest.strip_prefix('(') {
            r.split(')').next().unwrap_or_default()
        } else {
            continue;
        };
        let single = rest.starts_with('=');
        let mut literals = list.split('"').skip(1).step_by(2);
        if single {
            out.extend(literals.next().map(str::to_string));
        } else {
            out.extend(literals.map(str::to_string));
        }
    }
    out
}

/// Every doc alias put on a public function (`pub fn`, `pub async fn`, ...) in `sources`.
fn sdk_aliases(sources: &[(PathBuf, String)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, text) in sources {
        let mut rest = text.as_str();
        while let Some(start) = rest.find("#[doc(") {
            let after = &rest[start..];
            let end = after.find(")]").expect("an unterminated #[doc(...)]") + 2;
            let attr = &after[..end];
            rest = &after[end..];
            // The item the attribute is on: skip further attributes and doc comments.
            let item = rest
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with("#[") && !l.starts_with("///"))
                .unwrap_or_default();
            let is_pub_fn = item.starts_with("pub ") && item.contains("fn ");
            if is_pub_fn {
                out.extend(aliases_in(attr));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The mock's routes
// ---------------------------------------------------------------------------------------

/// Status and JSON body of an answer.
async fn send(
    http: &reqwest::Client,
    base_url: &str,
    method: &str,
    path: &str,
    query: &[(String, String)],
    body: Option<&Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    let mut request = http
        .request(method, format!("{base_url}{path}"))
        .query(query);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, json)
}

fn auth() -> Vec<(String, String)> {
    vec![
        ("token".into(), DEMO_TOKEN.into()),
        ("accountId".into(), DEMO_ACCOUNT_ID.to_string()),
    ]
}

/// How the mock answers a path it has no route for.
async fn unknown_route_answer(http: &reqwest::Client, base_url: &str) -> (u16, Value) {
    send(
        http,
        base_url,
        "GET",
        "/no-such-resource/for-coverage",
        &auth(),
        None,
    )
    .await
}

/// Whether the mock routes `op`: on a fresh demo mock, its request is answered neither 405
/// nor with the unknown-route answer. Returns a note when it is not.
async fn mock_route(http: &reqwest::Client, op: &SpecOperation) -> Result<(u16, Value), String> {
    let server = MockServer::start_with(Seed::Demo)
        .await
        .expect("start the mock");
    let base = server.base_url();
    let unknown = unknown_route_answer(http, &base).await;
    let mut query = auth();
    query.extend(op.query.iter().cloned());
    let (status, body) = send(
        http,
        &base,
        &op.method,
        &op.concrete_path,
        &query,
        op.body.as_ref(),
    )
    .await;
    if status == 405 {
        return Err(format!(
            "{} {} answered 405: {body}",
            op.method, op.concrete_path
        ));
    }
    if (status, &body) == (unknown.0, &unknown.1) {
        return Err(format!(
            "{} {} answered like an unknown route: {status} {body}",
            op.method, op.concrete_path
        ));
    }
    Ok((status, body))
}

// ---------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------

async fn check(spec_text: &str, sdk: &[(PathBuf, String)], snapshots: &Path) -> Report {
    let http = reqwest::Client::new();
    let aliases = sdk_aliases(sdk);
    let mut report = Report::default();
    for op in spec_operations(spec_text) {
        report.operations.push(op.id.clone());

        match OPERATIONS.iter().find(|o| o.id == op.id) {
            None => report.gap(&op.id, Gap::OperationsTable, "not in OPERATIONS".into()),
            Some(entry) => {
                // The table must agree with the spec, or it is not this operation.
                if !entry.method.eq_ignore_ascii_case(&op.method) || entry.path != op.path {
                    report.gap(
                        &op.id,
                        Gap::OperationsTable,
                        format!(
                            "OPERATIONS has {} {}, the spec {} {}",
                            entry.method, entry.path, op.method, op.path
                        ),
                    );
                }
            }
        }

        match mock_route(&http, &op).await {
            Ok(answer) => {
                report.answers.insert(op.id.clone(), answer);
            }
            Err(note) => report.gap(&op.id, Gap::MockRoute, note),
        }

        if !aliases.contains(&op.id) {
            report.gap(
                &op.id,
                Gap::SdkMethod,
                format!("no #[doc(alias = \"{}\")] on a pub fn", op.id),
            );
        }

        for (gap, kind) in [
            (Gap::RequestSnapshot, "request"),
            (Gap::ResponseSnapshot, "response"),
        ] {
            let file = snapshots.join(format!("snapshots__{}__{kind}.snap", op.id));
            if !file.is_file() {
                report.gap(&op.id, gap, format!("{} missing", file.display()));
            }
        }
    }
    report
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_spec_operation_is_covered_everywhere() {
    let report = check(&spec_text(), &sdk_sources(), &snapshot_dir()).await;
    assert_eq!(report.operations.len(), 16, "{:?}", report.operations);
    assert!(
        report.gaps.is_empty(),
        "operations of the spec lacking coverage:\n{}",
        report.notes.join("\n")
    );
    // The probes were authenticated and well-formed: each reached its handler's logic
    // (a success, or a 404 naming the example entity the demo world does not hold).
    for (id, (status, body)) in &report.answers {
        assert!(
            *status == 200 || (*status == 404 && body["Status"] == 404),
            "{id}: unexpected answer {status} {body}"
        );
    }
}

#[test]
fn the_operation_table_holds_nothing_but_the_spec() {
    let spec: BTreeSet<String> = spec_operations(&spec_text())
        .into_iter()
        .map(|o| o.id)
        .collect();
    let table: BTreeSet<String> = OPERATIONS.iter().map(|o| o.id.to_string()).collect();
    assert_eq!(table, spec);
    assert_eq!(OPERATIONS.len(), spec.len(), "duplicates in OPERATIONS");
}

/// The route check relies on the mock's unknown-route answer differing from an entity 404
/// (a `StatusMessage` naming what was not found).
#[tokio::test]
async fn unknown_routes_and_unknown_entities_are_told_apart() {
    let server = MockServer::start_with(Seed::Demo).await.expect("mock");
    let http = reqwest::Client::new();
    let base = server.base_url();
    let unknown = unknown_route_answer(&http, &base).await;
    assert_eq!(unknown.0, 404);
    let entity = send(&http, &base, "GET", "/members/1", &auth(), None).await;
    assert_eq!(entity.0, 404);
    assert_eq!(entity.1["Status"], 404, "{}", entity.1);
    assert_ne!(
        unknown.1, entity.1,
        "the mock's unknown-route 404 looks like an entity 404"
    );
    // A known path with a method it does not serve is a 405 (axum's, with an empty body),
    // so the route check sees a wrong method too.
    let wrong_method = send(&http, &base, "PUT", "/webhooks/list", &auth(), None).await;
    assert_eq!(wrong_method.0, 405, "PUT /webhooks/list: {wrong_method:?}");
}

#[test]
fn aliases_are_read_from_doc_attributes() {
    let attr = "#[doc(\n    alias = \"StartCampaign\",\n    alias = \"Start campaign\",\n    alias = \"startCampaign\"\n)]";
    assert_eq!(
        aliases_in(attr),
        ["StartCampaign", "Start campaign", "startCampaign"]
    );
    assert_eq!(aliases_in("#[doc(alias(\"a\", \"b\"))]"), ["a", "b"]);
    let sources = vec![(
        PathBuf::from("x.rs"),
        "#[doc(alias = \"onFn\")]\npub async fn f() {}\n#[doc(alias = \"onStruct\")]\npub struct S;\n"
            .to_string(),
    )];
    assert_eq!(sdk_aliases(&sources), BTreeSet::from(["onFn".to_string()]));
}

/// An operation added to the spec without the rest is reported, and only it, as missing
/// everywhere.
#[tokio::test]
async fn an_operation_added_to_the_spec_alone_is_reported_everywhere() {
    const FAKE: &str = r##"  /campaigns/pause:
    post:
      operationId: pauseCampaign
      summary: Pause campaign (not a vendor operation; added by the coverage test)
      parameters:
        - $ref: "#/components/parameters/campaignId"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/EmptyBody"
      responses:
        "200":
          $ref: "#/components/responses/StatusMessage"
"##;
    let original = spec_text();
    assert_eq!(original.matches("\npaths:\n").count(), 1);
    let modified = original.replacen("\npaths:\n", &format!("\npaths:\n{FAKE}"), 1);

    let ops = spec_operations(&modified);
    assert_eq!(ops.len(), 17);
    let fake = ops
        .iter()
        .find(|o| o.id == "pauseCampaign")
        .expect("parsed");
    assert_eq!(fake.method, "POST");
    assert_eq!(
        fake.query,
        [("campaignId".to_string(), "12345".to_string())]
    );
    assert_eq!(fake.body, Some(serde_json::json!({})));

    let report = check(&modified, &sdk_sources(), &snapshot_dir()).await;
    let expected = BTreeMap::from([("pauseCampaign".to_string(), BTreeSet::from(ALL_GAPS))]);
    assert_eq!(report.gaps, expected, "{}", report.notes.join("\n"));
}
