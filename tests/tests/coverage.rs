//! What nothing else checks about the spec's operations, read from `spec/salesflow.yaml`
//! itself rather than from what the generator made of it.
//!
//! Checked elsewhere, so not here: that the mock has a handler and the CLI a command for every
//! operation (exhaustive `match`es over `Operation`: the compiler), that every operation is
//! routed by the mock (`crates/salesflow-mock/tests/operations.rs`, from `Operation::ALL`),
//! that the generated files are those the spec generates (`xtask/tests/codegen.rs`), that
//! every operation has a reviewed snapshot (`every_operation_example_on_the_wire` in
//! `snapshots.rs`, from `Operation::ALL`), and that a new operation is named by each of those
//! (`xtask/tests/drills.rs`, on a scratch copy).
//!
//! Checked here:
//! - the spec's operations are exactly [`Operation::ALL`], each with the spec's method, path,
//!   host, authentication and whether it changes state (a generator bug would otherwise pass
//!   every test above, since they all start from `Operation::ALL`);
//! - the default base URLs, written by hand in `salesflow-api`, are the spec's servers;
//! - `salesflow::Client` has, among its generated methods, exactly one per operation, named
//!   the snake case of its `operationId` and found in rustdoc by that `operationId`.
//!
//! Nothing here counts or names the operations: every list comes from the spec.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use salesflow_api::operations::Host;
use salesflow_api::{Hosts, Operation};
use serde_json::Value;

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn read(relative: &str) -> String {
    let path = workspace_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn spec() -> Value {
    serde_yaml::from_str(&read("spec/salesflow.yaml")).expect("the spec is YAML")
}

/// What the spec says of one operation, in the terms of [`Operation`]'s accessors.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Facts {
    method: String,
    path: String,
    /// The URL of the operation's own `servers`, if it has one.
    server: Option<String>,
    needs_account_id: bool,
    changes_state: bool,
}

/// The spec's operations by `operationId`; panics on an operation without one, or on two
/// operations with the same.
fn spec_operations(spec: &Value) -> BTreeMap<String, Facts> {
    let global_security = &spec["security"];
    let mut out = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().expect("the spec has paths") {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            let server = op["servers"].as_array().map(|servers| {
                assert_eq!(servers.len(), 1, "{id}: one server per operation");
                servers[0]["url"].as_str().expect("a server URL").to_owned()
            });
            let security = op.get("security").unwrap_or(global_security);
            let needs_account_id = security
                .as_array()
                .expect("security is a list")
                .iter()
                .all(|requirement| requirement.get("accountId").is_some());
            let changes_state = op
                .get("x-salesflow-changes-state")
                .map(|v| v.as_bool().expect("x-salesflow-changes-state is a boolean"))
                .unwrap_or(*method != "get");
            let facts = Facts {
                method: method.to_uppercase(),
                path: path.clone(),
                server,
                needs_account_id,
                changes_state,
            };
            assert!(
                out.insert(id.to_owned(), facts).is_none(),
                "operationId {id} is used twice"
            );
        }
    }
    out
}

fn server_of(op: Operation) -> Option<String> {
    match op.host() {
        Host::App => Some(Hosts::default().app().trim_end_matches('/').to_owned()),
        _ => None,
    }
}

#[test]
fn the_spec_operations_are_exactly_operation_all() {
    let in_spec = spec_operations(&spec());
    assert!(!in_spec.is_empty());
    let ids: Vec<&str> = Operation::ALL.iter().map(|op| op.id()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "Operation::ALL repeats one: {ids:?}"
    );
    let in_enum: BTreeMap<String, Facts> = Operation::ALL
        .iter()
        .map(|&op| {
            let facts = Facts {
                method: op.method().to_owned(),
                path: op.path().to_owned(),
                server: server_of(op),
                needs_account_id: op.needs_account_id(),
                changes_state: op.changes_state(),
            };
            (op.id().to_owned(), facts)
        })
        .collect();
    // Compared operation by operation, so that a failure names the one that differs.
    for (id, facts) in &in_spec {
        assert_eq!(
            in_enum.get(id),
            Some(facts),
            "{id}: Operation::ALL vs the spec"
        );
    }
    for id in in_enum.keys() {
        assert!(
            in_spec.contains_key(id),
            "{id} is in Operation::ALL, not in the spec"
        );
    }
}

#[test]
fn the_default_hosts_are_the_spec_servers() {
    let spec = spec();
    let servers: Vec<&str> = spec["servers"]
        .as_array()
        .expect("the spec lists its servers")
        .iter()
        .map(|s| s["url"].as_str().expect("a server URL"))
        .collect();
    let hosts = Hosts::default();
    let (mvc, app) = (
        hosts.mvc().trim_end_matches('/'),
        hosts.app().trim_end_matches('/'),
    );
    // The first server is the default of every operation without its own.
    assert_eq!(servers.first().copied(), Some(mvc), "{servers:?}");
    assert!(servers.contains(&app), "{app} is not among {servers:?}");
    // Every operation's own server is one of them, and is the app host.
    for (id, facts) in spec_operations(&spec) {
        if let Some(server) = facts.server {
            assert_eq!(server, app, "{id}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Client methods
// ---------------------------------------------------------------------------------------

/// An `operationId` in snake case: an underscore before each capital that follows a
/// lowercase letter or a digit, or that starts a word after a run of capitals
/// (`getURLFor` is `get_url_for`).
fn snake_case(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower)
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The public methods of the `impl crate::Client { ... }` blocks of generated code, each
/// with its doc aliases.
fn client_methods(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let mut in_client = false;
    let mut aliases = BTreeSet::new();
    for line in source.lines() {
        if !in_client {
            in_client = line == "impl crate::Client {";
            aliases.clear();
            continue;
        }
        if line == "}" {
            in_client = false;
            continue;
        }
        let line = line.trim();
        if let Some(alias) = line
            .strip_prefix("#[doc(alias = \"")
            .and_then(|rest| rest.strip_suffix("\")]"))
        {
            aliases.insert(alias.to_owned());
        } else if let Some(rest) = line.strip_prefix("pub fn ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let previous = out.insert(name.clone(), std::mem::take(&mut aliases));
            assert!(previous.is_none(), "Client::{name} is generated twice");
        }
    }
    out
}

#[test]
fn each_operation_has_one_client_method_named_after_it() {
    let methods = client_methods(&read("crates/salesflow/src/generated/operations.rs"));
    let mut expected = BTreeSet::new();
    for &op in Operation::ALL {
        let name = snake_case(op.id());
        assert_eq!(op.rust_name(), name, "{op}: the method name");
        let aliases = methods
            .get(&name)
            .unwrap_or_else(|| panic!("{op}: no generated Client::{name}"));
        assert!(
            aliases.contains(op.id()),
            "{op}: Client::{name} has no #[doc(alias = \"{op}\")]: {aliases:?}"
        );
        expected.insert(name);
    }
    let generated: BTreeSet<String> = methods.into_keys().collect();
    assert_eq!(
        generated, expected,
        "the generated Client methods are not one per operation"
    );
}

/// The two helpers above, on inputs whose answer is known.
#[test]
fn the_helpers_read_what_they_should() {
    assert_eq!(snake_case("getContact"), "get_contact");
    assert_eq!(
        snake_case("listContactsByPublicIdentifiers"),
        "list_contacts_by_public_identifiers"
    );
    assert_eq!(snake_case("getURLFor2Members"), "get_url_for2_members");
    let source = "\
impl crate::Client {
    /// Doc.
    #[doc(alias = \"Vendor name\")]
    #[doc(alias = \"someOperation\")]
    pub fn some_operation(
        &self,
    ) -> crate::Call<ops::SomeOperation> {
        todo!()
    }
}
impl crate::Call<ops::SomeOperation> {
    pub fn not_a_client_method(self) -> Self {
        self
    }
}
";
    let methods = client_methods(source);
    assert_eq!(
        methods,
        BTreeMap::from([(
            "some_operation".to_owned(),
            BTreeSet::from(["Vendor name".to_owned(), "someOperation".to_owned()]),
        )])
    );
}
