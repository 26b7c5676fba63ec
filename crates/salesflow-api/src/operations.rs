//! The table of the spec's operations: their vendor names, methods, paths, hosts, whether they
//! need `accountId` and whether they change state. The table itself is generated from the spec
//! (`generated/operations.rs`); the types describing it are defined here.

/// The vendor serves the API from two hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Host {
    /// `https://app.salesflow.io/api/`: GetCampaignStatistics only.
    App,
    /// `https://mvc.salesflow.io/api/`: every other operation.
    Mvc,
}

/// One operation of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The spec's `operationId`, e.g. `"getContact"`.
    pub id: &'static str,
    /// The generated method's name, e.g. `"get_contact"` (progenitor's `OperationInfo` id).
    pub rust_name: &'static str,
    /// The vendor's name for it, e.g. `"GetContact (by memberId)"`.
    pub vendor_name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template under the host's base URL, e.g. `"/members/{memberId}"`.
    pub path: &'static str,
    /// The host that serves it.
    pub host: Host,
    /// Whether `accountId` is sent besides `token` (all but ListAccounts).
    pub needs_account_id: bool,
    /// Whether the call changes state (and so must not be retried blindly): the method says
    /// it, unless the spec's `x-salesflow-changes-state` overrides it. ImportMember is a GET
    /// that changes state; ListContacts-by-identifiers is a POST that does not.
    pub changes_state: bool,
}

#[rustfmt::skip]
#[path = "generated/operations.rs"]
mod table;

pub use table::OPERATIONS;

/// Looks an operation up by its `operationId` or by the generated method's name.
///
/// ```
/// let op = salesflow_api::operations::find("getCampaignStatistics").unwrap();
/// assert_eq!(op.host, salesflow_api::operations::Host::App);
/// assert_eq!(salesflow_api::operations::find("get_campaign_statistics"), Some(op));
/// assert!(!op.changes_state);
/// ```
pub fn find(operation_id: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
        .find(|op| op.id == operation_id || op.rust_name == operation_id)
}
