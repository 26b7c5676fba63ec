//! Generation of the low-level client from the OpenAPI document.
//!
//! Everything here is a pure function of the spec: the same spec gives the same bytes, so the
//! drift check can regenerate in memory and compare with what is checked in. The generators take
//! the spec's facts from its one model ([`crate::spec::Model`], which the spec diff reads too);
//! progenitor alone is given `openapiv3`'s document itself.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

pub mod cli;
pub mod model;
pub mod params;
pub mod post;
pub mod sdk;
pub mod table;
pub mod walk;
pub mod webhook;

pub use webhook::{ENUMS_PATH, PAYLOAD_PATH};

/// Where the generated client lives, relative to the workspace root.
pub const CLIENT_PATH: &str = "crates/salesflow-api/src/generated/client.rs";
/// Where the generated operation enum lives, relative to the workspace root.
pub const OPERATIONS_PATH: &str = "crates/salesflow-api/src/generated/operations.rs";
/// Where the generated arguments of the CLI's operation commands live.
pub const CLI_PATH: &str = "crates/salesflow-cli/src/generated/commands.rs";
/// Where the generated wire-level request model (`salesflow_api::params`) lives.
pub const PARAMS_PATH: &str = "crates/salesflow-api/src/generated/params.rs";
/// Where the generated per-operation layer of the `salesflow` crate lives.
pub const SDK_PATH: &str = "crates/salesflow/src/generated/operations.rs";
/// Where the generated table of operations (rustdoc of `salesflow::Client`) lives.
pub const SDK_TABLE_PATH: &str = "crates/salesflow/src/generated/operations.md";

/// Where the JSON Schema of the webhook payload lives, relative to the workspace root.
pub const PAYLOAD_SCHEMA_PATH: &str =
    "crates/salesflow-webhook-types/schema/webhook-payload.schema.json";

/// Schemas of the spec that progenitor does not generate but maps onto types of
/// `salesflow-webhook-types` (the second name), the crate at the bottom of the layering. These
/// are the types progenitor cannot express well: forward-compatible enums (an unknown value
/// must not fail the whole response), .NET dates and the member-status bit flags. Every open
/// enum of the spec (a schema with `x-salesflow-values`, generated into that crate by
/// [`webhook`]) is mapped too, onto the type of its name, listed here or not.
pub const REPLACEMENTS: &[(&str, &str)] = &[
    ("CampaignId", "CampaignId"),
    ("MemberId", "MemberId"),
    ("WebhookId", "WebhookId"),
    ("WebhookCampaignId", "WebhookCampaignId"),
    ("AccountId", "AccountId"),
    ("DotNetDate", "DotNetDate"),
    ("FlexibleDate", "FlexibleDate"),
    ("UpdatedFromDate", "FlexibleDate"),
    ("MemberStatus", "MemberStatus"),
    ("CampaignStatus", "CampaignStatus"),
    ("AccountStatus", "AccountStatus"),
    ("RunOn", "RunOn"),
    ("WebhookPayload", "WebhookPayload"),
];

/// The type of `salesflow-webhook-types` that schema `name` is mapped onto, if it is one of
/// [`REPLACEMENTS`].
fn replacement(name: &str) -> Option<&'static str> {
    REPLACEMENTS
        .iter()
        .find(|(s, _)| *s == name)
        .map(|(_, r)| *r)
}

/// Whether to write the generated files or only compare them with the checked-in ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write files whose contents changed.
    Write,
    /// Write nothing; report the files whose checked-in contents differ.
    Check,
}

/// A generated file whose checked-in copy differs from what the spec gives.
#[derive(Debug)]
pub struct Stale {
    /// The file, under the output directory.
    pub path: PathBuf,
    /// A short unified diff, checked-in copy first.
    pub diff: String,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (write mode).
    pub written: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: Vec<PathBuf>,
    /// Files that are stale (check mode).
    pub stale: Vec<Stale>,
    /// Files not checked because one they are derived from is stale (check mode).
    pub not_checked: Vec<PathBuf>,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec could not be read.
    #[error("{path}: {err}", path = .0.display(), err = .1)]
    Io(PathBuf, std::io::Error),
    /// The spec is not a valid OpenAPI 3.0 document.
    #[error("invalid spec: {0}")]
    Spec(String),
    /// progenitor refused the spec.
    #[error("progenitor failed: {0}")]
    Generate(String),
    /// The webhook payload's JSON Schema could not be printed.
    #[error("the webhook payload's JSON Schema: {0}")]
    PayloadSchema(String),
}

/// One generated file: its path under the workspace root and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artefact {
    /// Path relative to the workspace root.
    pub path: &'static str,
    /// Full contents, header included.
    pub contents: String,
}

/// Regenerates every artefact from `spec` and writes (or checks) them under `out_dir`.
///
/// The webhook payload's JSON Schema comes last: it is printed by the compiled
/// `salesflow-webhook-types` (schemars) of the workspace at `out_dir` (of this one when
/// `out_dir` holds no workspace), which includes the generated payload types, so it is built
/// only once they are current. The xtask itself does not link the crate: a field renamed in
/// the spec breaks hand-written code naming the old one, and `cargo xtask codegen` must still
/// build to regenerate.
pub fn run(spec: &Path, out_dir: &Path, mode: Mode) -> Result<Report, Error> {
    let text = std::fs::read_to_string(spec).map_err(|e| Error::Io(spec.to_path_buf(), e))?;
    let mut report = Report::default();
    for artefact in generate(&text)? {
        report.settle(out_dir, mode, &artefact)?;
    }
    let payload_stale = report
        .stale
        .iter()
        .any(|s| s.path.ends_with(PAYLOAD_PATH) || s.path.ends_with(ENUMS_PATH));
    if payload_stale {
        // The crate may not even compile with the stale files; the check fails already.
        report.not_checked.push(out_dir.join(PAYLOAD_SCHEMA_PATH));
    } else {
        let schema = Artefact {
            path: PAYLOAD_SCHEMA_PATH,
            contents: payload_schema(out_dir)?,
        };
        report.settle(out_dir, mode, &schema)?;
    }
    Ok(report)
}

impl Report {
    /// Writes or checks one artefact under `out_dir`, noting the outcome.
    fn settle(&mut self, out_dir: &Path, mode: Mode, artefact: &Artefact) -> Result<(), Error> {
        let path = out_dir.join(artefact.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(artefact.contents.as_str()) {
            self.unchanged.push(path);
            return Ok(());
        }
        match mode {
            Mode::Write => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::Io(path.clone(), e))?;
                }
                std::fs::write(&path, &artefact.contents)
                    .map_err(|e| Error::Io(path.clone(), e))?;
                self.written.push(path);
            }
            Mode::Check => {
                let diff = short_diff(current.as_deref().unwrap_or(""), &artefact.contents);
                self.stale.push(Stale { path, diff });
            }
        }
        Ok(())
    }
}

/// Generates every artefact from the text of the spec (YAML or JSON), in memory.
pub fn generate(spec_text: &str) -> Result<Vec<Artefact>, Error> {
    let openapi = crate::spec::parse(spec_text).map_err(Error::Spec)?;
    let spec = crate::spec::Model::read(&openapi).map_err(Error::Spec)?;
    let mut client = progenitor_file(&openapi, &spec)?;
    let model = model::read(&spec, &model::Generated::read(&client))?;
    post::apply(&mut client, &model)?;
    let artefact = |path, contents| Artefact { path, contents };
    let client = header("the progenitor client", SOURCE) + &prettyplease::unparse(&client);
    Ok(vec![
        artefact(CLIENT_PATH, client),
        render(OPERATIONS_PATH, "the operation enum", table::tokens(&model))?,
        render(
            PARAMS_PATH,
            "the wire-level request model",
            params::tokens(&model)?,
        )?,
        render(
            CLI_PATH,
            "the arguments of the CLI's operation commands",
            cli::tokens(&model),
        )?,
        render(
            SDK_PATH,
            "the per-operation layer of the salesflow crate",
            sdk::tokens(&model)?,
        )?,
        artefact(SDK_TABLE_PATH, sdk::operations_table(&model)),
        artefact(ENUMS_PATH, webhook::enums_file(&spec)?),
        artefact(PAYLOAD_PATH, webhook::payload_file(&spec)?),
    ])
}

/// The generator of the files whose header does not name another.
const SOURCE: &str = "xtask/src/codegen.rs";

/// The file at `path` that `tokens` make, under its header.
fn render(path: &'static str, what: &str, tokens: TokenStream) -> Result<Artefact, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Generate(e.to_string()))?;
    let contents = header(what, SOURCE) + &prettyplease::unparse(&file);
    Ok(Artefact { path, contents })
}

/// The header of a generated file: what it holds, and `source`, the generator to change.
fn header(what: &str, source: &str) -> String {
    format!(
        "// @generated by `cargo xtask codegen` from spec/salesflow.yaml: {what}.\n\
         // Do not edit by hand: change the spec (or {source}) and regenerate;\n\
         // `cargo xtask codegen --check` fails in CI when this file is stale.\n\n"
    )
}

/// The progenitor settings. Each choice is explained in crates/salesflow-api/README.md.
pub fn settings(spec: &crate::spec::Model) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote!(crate::ClientState))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq");
    // Later ones win: a schema listed in REPLACEMENTS is mapped as it says.
    let open_enums = open_enums(spec);
    let open_enums = open_enums.iter().map(|name| (name.as_str(), name.as_str()));
    for (schema, rust_type) in open_enums.chain(REPLACEMENTS.iter().copied()) {
        let rust_type = format!("::salesflow_webhook_types::{rust_type}");
        settings.with_replacement(schema, rust_type, std::iter::empty::<TypeImpl>());
    }
    settings
}

fn progenitor_file(openapi: &OpenAPI, spec: &crate::spec::Model) -> Result<syn::File, Error> {
    let mut generator = Generator::new(&settings(spec));
    let tokens = generator
        .generate_tokens(openapi)
        .map_err(|e| Error::Generate(e.to_string()))?;
    syn::parse2(tokens).map_err(|e| Error::Generate(e.to_string()))
}

/// The JSON Schema of `salesflow_webhook_types::WebhookPayload`, for receivers written in
/// other languages. It comes from the Rust type (schemars), so it cannot drift from what the
/// SDK decodes: the crate's `payload_schema` example prints it.
fn payload_schema(out_dir: &Path) -> Result<String, Error> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut command = std::process::Command::new(crate::cargo());
    let args = "run --quiet --package salesflow-webhook-types --features schemars --example";
    command
        .args(args.split(' '))
        .arg("payload_schema")
        .current_dir(&root);
    // Another workspace (a drill's scratch copy) builds in a target directory of its own:
    // cargo names a path crate's artefacts after its path in the workspace, so sharing this
    // workspace's would overwrite them.
    let same = |a: &Path, b: &Path| a.canonicalize().ok() == b.canonicalize().ok();
    let workspace = out_dir
        .join("crates/salesflow-webhook-types/Cargo.toml")
        .is_file();
    if workspace && !same(out_dir, &root) {
        command.current_dir(out_dir);
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        if !target.ends_with("drills") {
            command.env("CARGO_TARGET_DIR", target.join("drills"));
        }
    }
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| Error::PayloadSchema(format!("cannot run cargo: {e}")))?;
    if !output.status.success() {
        return Err(Error::PayloadSchema(
            "the payload_schema example of salesflow-webhook-types failed (see above)".into(),
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| Error::PayloadSchema(format!("not UTF-8: {e}")))
}

/// The identifiers `names`, in their order.
pub(crate) fn idents<T: quote::IdentFragment>(
    names: impl IntoIterator<Item = T>,
) -> Vec<proc_macro2::Ident> {
    names
        .into_iter()
        .map(|n| quote::format_ident!("{}", n))
        .collect()
}

/// `text` on one line, each run of white space one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The open enums of the spec: the component schemas with `x-salesflow-values`.
pub fn open_enums(spec: &crate::spec::Model) -> Vec<String> {
    let open = spec.defined().filter(|(_, s)| webhook::is_open_enum(s));
    open.map(|(name, _)| name.to_owned()).collect()
}

/// A unified diff cut to a readable length.
pub fn short_diff(old: &str, new: &str) -> String {
    const MAX_LINES: usize = 60;
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("checked in", "generated from the spec")
        .to_string();
    let total = text.lines().count();
    let mut out: String = text
        .lines()
        .take(MAX_LINES)
        .flat_map(|l| [l, "\n"])
        .collect();
    if total > MAX_LINES {
        let _ = writeln!(out, "... ({} more diff lines)", total - MAX_LINES);
    }
    out
}
