//! One odd value fails only itself: an optional field of one item whose value has an
//! unexpected shape is kept raw in that item's `extra`, logged once with the operation, the
//! field and the JSON type found (never the value), and the rest of the response decodes. A
//! required field of the wrong shape still fails the call with a typed error.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// One logged event: its target, its fields, and the fields of the spans around it.
#[derive(Clone, Debug, Default)]
struct Logged {
    target: String,
    fields: Vec<(String, String)>,
    scope: Vec<(String, String)>,
}

#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<Logged>>>);

struct Collect<'a>(&'a mut Vec<(String, String)>);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

/// The fields of each span, kept in its extensions.
struct SpanFields(Vec<(String, String)>);

impl<S> Layer<S> for Events
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut fields = Vec::new();
        attrs.record(&mut Collect(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut logged = Logged {
            target: event.metadata().target().to_owned(),
            ..Logged::default()
        };
        event.record(&mut Collect(&mut logged.fields));
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    logged.scope.extend(fields.0.iter().cloned());
                }
            }
        }
        self.0.lock().unwrap().push(logged);
    }
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn an_odd_value_of_one_item_fails_only_that_field() {
    let events = Events::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(events.clone()));
    let (_server, client) = serve(
        200,
        json!([
            {"MemberId": 1, "FirstName": "Ann", "Email": "ann@example.com"},
            {"MemberId": 2, "FirstName": {"Given": "Bob"}, "Email": "bob@example.com"},
            {"MemberId": 3, "FirstName": "Cy", "AddedAt": "not a date"}
        ]),
    )
    .await;
    let contacts = client.list_contacts_by_campaign(29854).await.unwrap();
    assert_eq!(contacts.len(), 3);
    assert_eq!(contacts[0].first_name.as_deref(), Some("Ann"));
    assert!(contacts[0].extra.is_empty());
    // The odd value: `None`, and kept as received under its own name.
    assert_eq!(contacts[1].first_name, None);
    assert_eq!(contacts[1].extra["FirstName"], json!({"Given": "Bob"}));
    assert_eq!(contacts[1].email.as_deref(), Some("bob@example.com"));
    assert_eq!(contacts[2].added_at, None);
    assert_eq!(contacts[2].extra["AddedAt"], "not a date");
    assert_eq!(contacts[2].first_name.as_deref(), Some("Cy"));
    // Written back as received.
    assert_eq!(
        serde_json::to_value(&contacts[1]).unwrap()["FirstName"],
        json!({"Given": "Bob"})
    );

    // Logged once per odd value, with the field, the type and, from the call's span, the
    // operation.
    let logged: Vec<Logged> = events
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.target == "salesflow::decode")
        .cloned()
        .collect();
    assert_eq!(logged.len(), 2, "{logged:#?}");
    assert_eq!(field(&logged[0].fields, "field"), Some("FirstName"));
    assert_eq!(field(&logged[0].fields, "schema"), Some("Contact"));
    // The JSON type found, never the value nor serde's message (which may quote it).
    assert_eq!(field(&logged[0].fields, "found"), Some("object"));
    assert!(field(&logged[0].fields, "error").is_none(), "{logged:#?}");
    assert_eq!(field(&logged[1].fields, "field"), Some("AddedAt"));
    assert_eq!(field(&logged[1].fields, "found"), Some("string"));
    assert!(!format!("{logged:?}").contains("not a date"));
    for event in &logged {
        assert_eq!(
            field(&event.scope, "salesflow.operation"),
            Some("listContactsByCampaign"),
            "{event:#?}"
        );
    }

    a_required_field_of_the_wrong_shape_still_fails_with_a_typed_error().await;
}

/// The required field's case, run inside the test above: two tests of one binary, one with a
/// thread-local subscriber and one without, race on tracing's per-callsite interest cache.
async fn a_required_field_of_the_wrong_shape_still_fails_with_a_typed_error() {
    let (_server, client) = serve(
        200,
        json!([{"MemberId": 1}, {"MemberId": {"Id": 2}, "FirstName": "Bob"}]),
    )
    .await;
    let err = client.list_contacts_by_campaign(29854).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("invalid type: map"), "{text}");
    assert!(matches!(err, salesflow::Error::Decode { .. }), "{err:?}");
}
