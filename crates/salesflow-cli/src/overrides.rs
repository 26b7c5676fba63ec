//! The CLI's own wording for the operation commands: the one place where a command differs
//! from what the spec gives it (see [`commands`](crate::commands)).
//!
//! Everything else comes from the spec: an operation without an entry here still has its
//! command (`salesflow <group of its tag> <operationId in kebab case>`, one flag per
//! parameter, help from the spec's descriptions), and a parameter without an entry its flag
//! (`--<wire name in kebab case>`). Entries name operations by [`Operation`] and parameters
//! by their wire names; a test checks that every name here is one the spec has, so an entry
//! cannot outlive its operation or parameter unnoticed.

use salesflow::{
    Account, Campaign, Contact, Operation, RunOn, StatusMessage, Webhook, WebhookCampaign,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::output::{self, Table};

/// The wording of one operation's command.
#[derive(Clone, Copy, Debug)]
pub struct Override {
    /// The operation.
    pub operation: Operation,
    /// The command's path under `salesflow` (default: the group of its tag, then its
    /// operationId in kebab case).
    pub path: Option<&'static [&'static str]>,
    /// A hand-written command stands for it (at `path`): no command is generated.
    pub hand_written: bool,
    /// One line of help instead of the spec's description.
    pub about: Option<&'static str>,
    /// Text after the arguments in `--help` (examples).
    pub after_help: Option<&'static str>,
    /// The parameters taken as positional arguments, in order, by wire name.
    pub positional: &'static [&'static str],
    /// With none of its optional parameters given, a usage error starting with this.
    pub needs_one_optional: Option<&'static str>,
}

impl Override {
    /// No override for `operation`.
    pub const fn new(operation: Operation) -> Self {
        Override {
            operation,
            path: None,
            hand_written: false,
            about: None,
            after_help: None,
            positional: &[],
            needs_one_optional: None,
        }
    }

    const fn at(mut self, path: &'static [&'static str]) -> Self {
        self.path = Some(path);
        self
    }

    const fn about(mut self, about: &'static str) -> Self {
        self.about = Some(about);
        self
    }

    const fn examples(mut self, after_help: &'static str) -> Self {
        self.after_help = Some(after_help);
        self
    }

    const fn positional(mut self, wire: &'static [&'static str]) -> Self {
        self.positional = wire;
        self
    }
}

/// How an argument's text becomes the JSON value the SDK reads.
pub type ValueParser = fn(&str) -> Result<Value, String>;

/// An answer (JSON) as a table, or `None` if it is not of the table's type.
pub type TableOf = fn(&Value) -> Option<Table>;

/// The wording of one parameter's argument, for every operation that has it.
#[derive(Clone, Copy, Debug)]
pub struct ArgOverride {
    /// The parameter's wire name.
    pub wire: &'static str,
    /// Its flag without `--`.
    pub long: Option<&'static str>,
    /// Its help.
    pub help: Option<&'static str>,
    /// Its value's name in help.
    pub value_name: Option<&'static str>,
    /// How its text becomes the JSON value the SDK reads.
    pub parser: Option<ValueParser>,
}

impl ArgOverride {
    const fn new(wire: &'static str) -> Self {
        ArgOverride {
            wire,
            long: None,
            help: None,
            value_name: None,
            parser: None,
        }
    }

    const fn long(mut self, long: &'static str) -> Self {
        self.long = Some(long);
        self
    }

    const fn help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }

    const fn value_name(mut self, name: &'static str) -> Self {
        self.value_name = Some(name);
        self
    }
}

/// A webhook event as the CLI reads it (see [`parse_run_on`]), as its code.
fn run_on(text: &str) -> Result<Value, String> {
    parse_run_on(text).map(|r| Value::from(r.code()))
}

const DATE_HELP: &str =
    "Only those changed since this date (ISO 8601, e.g. 2024-01-31 or 2024-01-31T12:00:00Z).";

/// The arguments' wording, by wire name.
pub(crate) const ARGS: &[ArgOverride] = &[
    ArgOverride::new("campaignId").long("campaign").value_name("ID"),
    ArgOverride::new("updatedFromDate")
        .long("updated-from")
        .value_name("DATE")
        .help(DATE_HELP),
    ArgOverride::new("UpdatedFromDate")
        .long("updated-from")
        .value_name("DATE")
        .help(DATE_HELP),
    ArgOverride::new("isForceRequest")
        .long("force")
        .help("Ask the server to recompute the figures instead of serving cached ones."),
    ArgOverride::new("DisableForMutedContacts")
        .long("disable-for-muted")
        .help("Do not call it for muted contacts."),
    ArgOverride {
        parser: Some(run_on),
        ..ArgOverride::new("runOn")
            .value_name("EVENT")
            .help("The event: a name of the spec's events in any case (MEMBER_CONNECTED), a short name (connected), a receiver URL's segment or an integer code; a code the spec does not name is sent as it is.")
    },
    ArgOverride::new("PublicIdentifiers").value_name("PUBLIC_IDENTIFIER"),
];

/// The commands' wording, by operation.
pub(crate) const COMMANDS: &[Override] = &[
    Override::new(Operation::GetCampaignStatistics)
        .at(&["campaigns", "stats"])
        .about("A campaign's statistics (GetCampaignStatistics).")
        .positional(&["campaignId"])
        .examples("Examples:\n  salesflow campaigns stats 29854\n  salesflow campaigns stats 29854 --force --output json"),
    Override {
        hand_written: true,
        ..Override::new(Operation::ImportMember).at(&["import"])
    },
    Override::new(Operation::GetContact)
        .at(&["contacts", "get"])
        .about("One contact with its status and campaign (GetContact by memberId).")
        .positional(&["memberId"])
        .examples("Examples:\n  salesflow contacts get 46875434"),
    Override {
        needs_one_optional: Some("nothing to update"),
        ..Override::new(Operation::UpdateContact)
            .at(&["contacts", "update"])
            .about("Change a contact's fields (UpdateContact); only the given fields are sent.")
            .positional(&["memberId"])
            .examples("Examples:\n  salesflow contacts update 46875434 --email john@example.com --phone 1555123456")
    },
    Override::new(Operation::DeleteContact)
        .at(&["contacts", "delete"])
        .about("Delete a contact (DeleteContact).")
        .positional(&["memberId"])
        .examples("Examples:\n  salesflow contacts delete 46875434"),
    Override::new(Operation::GetContactByPublicIdentifier)
        .at(&["contacts", "get-by-identifier"])
        .about("One contact by its LinkedIn public identifier (GetContact by public identifier).")
        .positional(&["publicIdentifier"])
        .examples("Examples:\n  salesflow contacts get-by-identifier john-doe-100"),
    Override::new(Operation::ListContactsByCampaign)
        .at(&["contacts", "list"])
        .about("The contacts of a campaign (ListContacts by campaignId).")
        .examples("Examples:\n  salesflow contacts list --campaign 29854\n  salesflow contacts list --campaign 29854 --updated-from 2024-01-01"),
    Override::new(Operation::ListContactsByPublicIdentifiers)
        .at(&["contacts", "find"])
        .about("Contacts by LinkedIn public identifier, any number of them (sent in batches of 20).")
        .positional(&["PublicIdentifiers"])
        .examples("Examples:\n  salesflow contacts find john-doe-100 nick-foo-300"),
    Override::new(Operation::ListCampaigns)
        .at(&["campaigns", "list"])
        .about("List the account's campaigns (ListCampaigns).")
        .examples("Examples:\n  salesflow campaigns list\n  salesflow campaigns list --updated-from 2024-01-01 --output json"),
    Override::new(Operation::StartCampaign)
        .at(&["campaigns", "start"])
        .about("Start a campaign (StartCampaign). Exit 1 if it is already running (409) or cannot be started (422).")
        .positional(&["campaignId"])
        .examples("Examples:\n  salesflow campaigns start 29889"),
    Override::new(Operation::ListAccounts)
        .at(&["accounts", "list"])
        .about("The LinkedIn accounts reachable with the token (ListAccounts; needs no account id).")
        .examples("Examples:\n  salesflow accounts list"),
    Override::new(Operation::CreateWebhook)
        .at(&["webhooks", "create"])
        .about("Create a webhook (CreateWebhook).")
        .examples("Examples:\n  salesflow webhooks create --name crm --url https://hooks.example.com/salesflow/SECRET"),
    Override::new(Operation::DeleteWebhook)
        .at(&["webhooks", "delete"])
        .about("Delete a webhook (DeleteWebhook).")
        .positional(&["webhookId"])
        .examples("Examples:\n  salesflow webhooks delete 10265"),
    Override::new(Operation::ListWebhooks)
        .at(&["webhooks", "list"])
        .about("The account's webhooks and their attachments (ListWebhooks).")
        .examples("Examples:\n  salesflow webhooks list"),
    Override::new(Operation::AttachWebhook)
        .at(&["webhooks", "attach"])
        .about("Attach a webhook to a campaign for one event (AttachWebhook; at most three times per campaign, each with another event).")
        .positional(&["webhookId"])
        .examples("Examples:\n  salesflow webhooks attach 10265 --campaign 29854 --run-on connected\n  salesflow webhooks attach 10265 --campaign 29854 --run-on reply"),
    Override::new(Operation::DetachWebhook)
        .at(&["webhooks", "detach"])
        .about("Detach a webhook from a campaign, by the attachment's id (DetachWebhook).")
        .positional(&["webhookCampaignId"])
        .examples("Examples:\n  salesflow webhooks detach 27830"),
];

/// The command group of each of the spec's tags whose group is not named after it, and the
/// help of the groups, by group.
pub(crate) const GROUPS: &[(&str, &str, &str)] = &[
    (
        "campaigns",
        "campaigns",
        "Campaigns: list them, read their statistics, start one.",
    ),
    (
        "members",
        "contacts",
        "Contacts (campaign members): read, find, list, update, delete.",
    ),
    (
        "accounts",
        "accounts",
        "LinkedIn accounts reachable with the token.",
    ),
];

/// The order of the top-level commands in `--help`.
pub(crate) const TOP_LEVEL_ORDER: &[&str] = &[
    "campaigns",
    "contacts",
    "members",
    "import",
    "accounts",
    "webhooks",
    "call",
    "config",
    "completions",
];

/// The answer as `T` (the SDK's type of that schema), put in a table by `table`.
fn typed<T: DeserializeOwned>(answer: &Value, table: impl FnOnce(&T) -> Table) -> Option<Table> {
    serde_json::from_value(answer.clone())
        .ok()
        .map(|value| table(&value))
}

/// The tables of answers, by the spec's schema of the answer (or of its items) and whether it
/// is a list; any other answer is printed field by field from its JSON.
pub(crate) const TABLES: &[(&str, bool, TableOf)] = &[
    ("Campaign", true, |v| {
        typed::<Vec<Campaign>>(v, |l| output::campaigns_table(l))
    }),
    ("Contact", true, |v| {
        typed::<Vec<Contact>>(v, |l| output::contacts_table(l))
    }),
    ("Account", true, |v| {
        typed::<Vec<Account>>(v, |l| output::accounts_table(l))
    }),
    ("Webhook", true, |v| {
        typed::<Vec<Webhook>>(v, |l| output::webhooks_table(l))
    }),
    ("Webhook", false, |v| {
        typed::<Webhook>(v, |h| output::webhooks_table(std::slice::from_ref(h)))
    }),
    ("WebhookCampaign", false, |v| {
        typed::<WebhookCampaign>(v, output::attachment_table)
    }),
    ("StatusMessage", false, |v| {
        typed::<StatusMessage>(v, output::status_table)
    }),
];

/// The wording of `op`'s command (none: [`Override::new`]).
pub fn of(op: Operation) -> Override {
    COMMANDS
        .iter()
        .find(|o| o.operation == op)
        .copied()
        .unwrap_or(Override::new(op))
}

/// The wording of the argument of parameter `wire`, if any.
pub fn arg(wire: &str) -> Option<&'static ArgOverride> {
    ARGS.iter().find(|a| a.wire == wire)
}

/// The command group of tag `tag`.
pub fn group_of(tag: &'static str) -> &'static str {
    GROUPS
        .iter()
        .find(|(t, _, _)| *t == tag)
        .map_or(tag, |(_, group, _)| *group)
}

/// The help of command group `group`, if the overrides word it.
pub fn group_about(group: &str) -> Option<&'static str> {
    GROUPS
        .iter()
        .find(|(_, g, _)| *g == group)
        .map(|(_, _, about)| *about)
}

/// The table of an answer of schema `schema` (a list of them with `is_array`).
pub fn table(schema: &str, is_array: bool) -> Option<TableOf> {
    TABLES
        .iter()
        .find(|(s, a, _)| *s == schema && *a == is_array)
        .map(|(_, _, table)| *table)
}

/// Parses an event: a name of the spec's events in any case (`MEMBER_CONNECTED`,
/// `member-connected`), a short alias (`connected`, `reply`, `withdrawn`), a receiver URL's
/// segment (`run-on-8`) or an integer code ([`RunOn::from_any_name`]). The events come from
/// the spec: a new one is known here once the code is regenerated.
pub fn parse_run_on(text: &str) -> Result<RunOn, String> {
    RunOn::from_any_name(text).ok_or_else(|| {
        let names: Vec<String> = RunOn::KNOWN
            .iter()
            .filter_map(|k| Some(format!("{} ({})", k.name()?, k.code())))
            .collect();
        let short: Vec<&str> = RunOn::KNOWN
            .iter()
            .filter_map(|k| k.aliases().first().copied())
            .collect();
        format!(
            "`{text}` is not an event: use an event name ({}), a short name ({}) or an integer code",
            names.join(", "),
            short.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{OPERATIONS, TAGS};

    /// Every name here is one the spec has: an entry never outlives what it words.
    #[test]
    fn every_override_names_what_the_spec_has() {
        for o in COMMANDS {
            let spec = OPERATIONS
                .iter()
                .find(|s| s.operation == o.operation)
                .unwrap_or_else(|| panic!("{}: not in the spec", o.operation));
            for wire in o.positional {
                assert!(
                    spec.args.iter().any(|a| a.wire == *wire && a.required),
                    "{}: `{wire}` is no required parameter",
                    o.operation
                );
            }
            if !o.hand_written {
                assert_eq!(o.path.map(<[_]>::len), Some(2), "{}", o.operation);
            }
        }
        for a in ARGS {
            assert!(
                OPERATIONS
                    .iter()
                    .any(|s| s.args.iter().any(|p| p.wire == a.wire)),
                "`{}`: no operation has this parameter",
                a.wire
            );
        }
        for (tag, _, _) in GROUPS {
            assert!(
                TAGS.iter().any(|(t, _)| t == tag),
                "`{tag}` is not a tag of the spec"
            );
        }
    }

    #[test]
    fn events_are_read_as_their_codes() {
        assert_eq!(run_on("reply"), Ok(Value::from(2)));
        assert_eq!(run_on("12"), Ok(Value::from(12)));
        assert!(run_on("sometimes").is_err());
    }
}
