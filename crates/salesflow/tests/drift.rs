//! Drift: what the API sends that this version does not know is noticed by the client and by
//! payload receivers, once per item, with one `tracing` warning at first sight, in a
//! serializable report holding shapes and codes only. Driven through every operation against
//! the mock's drift mode, with canary personal data in the answers and the payload.

use std::io::Write;
use std::sync::{Arc, Mutex};

use salesflow::drift::{DriftKind, DriftLog, DriftReport, JsonType};
use salesflow::{AnyRequest, CallOptions, Client, Operation, RunOn, WebhookPayload};
use salesflow_mock::{
    Fault, FaultKind, MockServer, DEMO_ACCOUNT_ID, DEMO_MEMBER_JOHN, DEMO_TOKEN, DRIFT_FIELDS,
};
use serde_json::json;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Every event of the test's thread, as text (one line each, all fields).
fn capture() -> (Buffer, tracing::subscriber::DefaultGuard) {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

fn client(mock: &MockServer, log: &Arc<DriftLog>) -> Client {
    Client::builder()
        .token(DEMO_TOKEN)
        .account_id(DEMO_ACCOUNT_ID)
        .base_url(mock.base_url())
        .drift_log(log.clone())
        .build()
        .unwrap()
}

/// Sends every operation's spec example; the operations that succeeded.
async fn every_operation(client: &Client) -> Vec<Operation> {
    let mut ok = Vec::new();
    for op in Operation::ALL.iter().copied() {
        let request = AnyRequest::example(op).unwrap();
        if request
            .send_json(client, CallOptions::default())
            .await
            .is_ok()
        {
            ok.push(op);
        }
    }
    ok
}

fn drift_events(trace: &str) -> usize {
    trace
        .lines()
        .filter(|l| l.contains(" salesflow::drift: "))
        .count()
}

// A current-thread runtime: the events of the calls are the test thread's.
#[tokio::test(flavor = "current_thread")]
async fn the_drift_mode_is_noticed_once_per_item_through_every_operation() {
    let mock = MockServer::start().await.unwrap();
    mock.inject(Fault::new(FaultKind::Drift)).unwrap();
    let log = Arc::new(DriftLog::new());
    let client = client(&mock, &log);
    // The drift mode's webhook payloads carry the fields too, and a receiver notices them.
    let outcome = mock
        .simulate_event(DEMO_MEMBER_JOHN, RunOn::MemberConnected)
        .await
        .unwrap();
    let delivered = &outcome.deliveries[0].payload;
    let payload: WebhookPayload = serde_json::from_value(delivered.clone()).unwrap();
    for (name, _) in DRIFT_FIELDS {
        assert!(payload.extra.contains_key(name), "{name}: {delivered}");
        assert!(DriftLog::global()
            .report()
            .items
            .iter()
            .any(|i| i.source == "webhook" && i.path == format!("$.{name}")));
    }

    let (trace, _guard) = capture();

    let ok = every_operation(&client).await;
    assert!(ok.len() >= 10, "too few operations answered: {ok:?}");
    let first = client.drift();
    assert!(!first.is_empty());
    // Each added field of every answered schema, with its JSON type, never its value.
    for op in [
        Operation::ListCampaigns,
        Operation::ListAccounts,
        Operation::GetContact,
    ] {
        assert!(ok.contains(&op), "{op} failed");
        for (name, _) in DRIFT_FIELDS {
            let item = first
                .items
                .iter()
                .find(|i| {
                    i.source == op.id() && i.field == name && i.kind == DriftKind::UnknownField
                })
                .unwrap_or_else(|| panic!("{op}: {name} not reported: {first:#?}"));
            assert!(item.path.ends_with(name), "{item:?}");
            assert_eq!(item.value, None);
        }
    }
    let types: Vec<JsonType> = first
        .items
        .iter()
        .filter(|i| i.source == "listCampaigns" && i.path.starts_with("$[]."))
        .filter(|i| i.kind == DriftKind::UnknownField)
        .map(|i| i.json_type)
        .collect();
    assert_eq!(
        types,
        [
            JsonType::Integer,
            JsonType::Boolean,
            JsonType::String,
            JsonType::Number
        ],
        "sorted by path: DriftCount, DriftFlag, DriftNote, DriftScore"
    );
    // The new enum values, by code.
    let archived = first
        .items
        .iter()
        .find(|i| i.source == "listCampaigns" && i.kind == DriftKind::UnknownValue)
        .unwrap();
    assert_eq!(archived.value.as_deref(), Some("CAMPAIGN_ARCHIVED"));
    assert_eq!(archived.schema, "CampaignStatus");
    assert_eq!(archived.path, "$[].Status");
    assert!(first.items.iter().any(|i| i.source == "listAccounts"
        && i.value.as_deref() == Some("ACCOUNT_SUSPENDED")
        && i.schema == "AccountStatus"));
    assert!(first.items.iter().all(|i| i.count >= 1));
    // One event per item, at first sight.
    assert_eq!(drift_events(&trace.text()), first.items.len());

    // Again: nothing new, counted twice, no new event.
    every_operation(&client).await;
    let second = client.drift();
    assert_eq!(second.items.len(), first.items.len());
    // (A read answers twice; a deletion's second call is a 404, which holds nothing.)
    for item in second.items.iter().filter(|i| i.source.starts_with("list")) {
        assert_eq!(item.count, 2, "{item:?}");
    }
    assert_eq!(drift_events(&trace.text()), first.items.len());

    // Serializable, and what was serialized reads back.
    let text = serde_json::to_string(&second).unwrap();
    assert_eq!(serde_json::from_str::<DriftReport>(&text).unwrap(), second);

    // Without the drift mode the same calls add nothing.
    mock.clear_faults();
    log.clear();
    every_operation(&client).await;
    assert!(client.drift().is_empty(), "{:#?}", client.drift());
}

/// Personal data of every kind, in known fields, in unknown fields, as an unknown field's
/// name, and where an enum is expected.
const CANARIES: [&str; 6] = [
    "Canaryfirstname",
    "Canarylastname",
    "canary.person@example.org",
    "+44 20 7946 0999",
    "https://www.linkedin.com/in/canary-person-42",
    "Hello canary, shall we talk about bridges?",
];

#[tokio::test(flavor = "current_thread")]
async fn no_personal_value_reaches_a_report_or_an_event() {
    let mock = MockServer::start().await.unwrap();
    mock.inject(Fault::new(FaultKind::Drift)).unwrap();
    let patch = json!({
        "FirstName": CANARIES[0],
        "LastName": CANARIES[1],
        "Email": CANARIES[2],
        "PhoneNumber": CANARIES[3],
        "MemberUrl": CANARIES[4],
        "LastMessage": CANARIES[5],
        "Distance": CANARIES[0],
        "PersonalNote": CANARIES[5],
        "Spouse": {"Name": CANARIES[1], "Email": CANARIES[2]},
        "canary.person@example.org": CANARIES[3],
    });
    mock.patch_member(DEMO_MEMBER_JOHN, patch.as_object().unwrap().clone())
        .unwrap();
    let log = Arc::new(DriftLog::new());
    let client = client(&mock, &log);
    let (trace, _guard) = capture();

    // The canaries are served (the test can fail)...
    let john = client.get_contact(DEMO_MEMBER_JOHN).await.unwrap();
    assert_eq!(john.first_name.as_deref(), Some(CANARIES[0]));
    assert!(john.extra.contains_key("PersonalNote"));
    let ok = every_operation(&client).await;
    assert!(ok.contains(&Operation::GetContact), "{ok:?}");

    // ... and the payload, with the canaries.
    let mut payload = json!({"MemberId": 1, "IntegrationType": "INTEGRATION_TYPE_WEBHOOK"});
    let object = payload.as_object_mut().unwrap();
    object.insert("FirstName".into(), json!(CANARIES[0]));
    object.insert("Email".into(), json!(CANARIES[2]));
    object.insert("PhoneNumber".into(), json!(CANARIES[3]));
    object.insert("MemberUrl".into(), json!(CANARIES[4]));
    object.insert("Distance".into(), json!(CANARIES[1]));
    object.insert("IntegrationRunOn".into(), json!(CANARIES[5]));
    object.insert("CanaryMessage".into(), json!(CANARIES[5]));
    object.insert(CANARIES[2].into(), json!(CANARIES[0]));
    let decoded: WebhookPayload = serde_json::from_value(payload).unwrap();
    assert_eq!(decoded.first_name.as_deref(), Some(CANARIES[0]));

    let client_report = serde_json::to_string(&client.drift()).unwrap();
    let payload_report = serde_json::to_string(&DriftLog::global().report()).unwrap();
    assert!(client_report.contains("PersonalNote"), "{client_report}");
    assert!(client_report.contains("<withheld>"), "{client_report}");
    assert!(payload_report.contains("CanaryMessage"), "{payload_report}");
    let trace = trace.text();
    assert!(drift_events(&trace) > 0);
    for canary in CANARIES {
        assert!(
            !client_report.contains(canary),
            "{canary} in {client_report}"
        );
        assert!(
            !payload_report.contains(canary),
            "{canary} in {payload_report}"
        );
        assert!(!trace.contains(canary), "{canary} in the trace");
    }
    // Nor the drift mode's own personal-looking value.
    assert!(!client_report.contains("jane.drift"), "{client_report}");
    assert!(!trace.contains("jane.drift"));
}

#[test]
fn a_payload_receiver_notices_unknown_fields_and_events() {
    let payload: WebhookPayload = serde_json::from_value(json!({
        "MemberId": 1,
        "IntegrationRunOn": "INTEGRATION_RUN_ON_FOLLOWUP",
        "FollowupStep": 2,
        "Status": "MEMBER_CONNECTED, MEMBER_SNOOZED",
    }))
    .unwrap();
    assert_eq!(payload.extra["FollowupStep"], 2);
    let report = DriftLog::global().report();
    let find = |field: &str| {
        report
            .items
            .iter()
            .find(|i| i.source == "webhook" && i.field == field)
            .unwrap_or_else(|| panic!("{field}: {report:#?}"))
    };
    assert_eq!(find("FollowupStep").json_type, JsonType::Integer);
    assert_eq!(
        find("IntegrationRunOn").value.as_deref(),
        Some("INTEGRATION_RUN_ON_FOLLOWUP")
    );
    assert_eq!(find("IntegrationRunOn").schema, "RunOn");
    assert_eq!(find("Status").value.as_deref(), Some("MEMBER_SNOOZED"));
    // A known event's payload name is not drift.
    let known = RunOn::MemberConnected.payload_name().unwrap();
    let _: WebhookPayload = serde_json::from_value(json!({"IntegrationRunOn": known})).unwrap();
    assert!(!DriftLog::global()
        .report()
        .items
        .iter()
        .any(|i| i.value.as_deref() == Some(known)));
}
