//! Crafted pairs of small specs, each differing in one way, and the real spec refactored.

use super::*;

/// A small spec in the style of `spec/salesflow.yaml`: two hosts, a read with a shared
/// response schema, a write with a body, a standalone payload schema.
const BASE: &str = r##"
openapi: 3.0.3
info:
  title: Test
  version: "1.7"
servers:
  - url: https://mvc.example.com/api
  - url: https://app.example.com/api
security:
  - token: []
paths:
  /contacts/{memberId}:
    parameters:
      - name: memberId
        in: path
        required: true
        schema: { type: integer, format: int64 }
    get:
      operationId: getContact
      description: Reads one contact.
      responses:
        "200":
          description: The contact.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Contact"
        "404":
          $ref: "#/components/responses/NotFound"
  /contacts:
    get:
      operationId: listContacts
      parameters:
        - name: campaignId
          in: query
          required: true
          schema: { type: integer, format: int64 }
        - name: status
          in: query
          required: false
          schema:
            $ref: "#/components/schemas/Status"
      responses:
        "200":
          description: The contacts.
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: "#/components/schemas/Contact"
  /webhooks/create:
    post:
      operationId: createWebhook
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/CreateWebhookRequest"
      responses:
        "200":
          description: Done.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/StatusMessage"
  /statistics:
    get:
      operationId: getStatistics
      servers:
        - url: https://app.example.com/api
      responses:
        "200":
          description: Statistics.
          content:
            application/json:
              schema:
                type: object
                required: [Total]
                properties:
                  Total: { type: integer, format: int64 }
components:
  responses:
    NotFound:
      description: Not found.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/StatusMessage"
  schemas:
    Status:
      type: string
      enum: [RUNNING, PAUSED]
    StatusMessage:
      type: object
      required: [Status]
      properties:
        Status: { type: integer, format: int32 }
        Message: { type: string, nullable: true }
    Contact:
      type: object
      description: A contact.
      required: [MemberId]
      properties:
        MemberId: { type: integer, format: int64 }
        FirstName: { type: string, nullable: true }
        Email: { type: string, nullable: true }
        Campaign: { type: integer, format: int64 }
    CreateWebhookRequest:
      type: object
      required: [Name, Url]
      properties:
        Name: { type: string, minLength: 1, maxLength: 255 }
        Url: { type: string, minLength: 1, maxLength: 511 }
        Muted: { type: boolean, nullable: true }
    Payload:
      type: object
      properties:
        MemberId: { type: integer, format: int64, nullable: true }
"##;

/// `BASE` with `from` replaced by `to` (exactly once: a typo in a test must not pass silently).
fn edit(from: &str, to: &str) -> String {
    edit_text(BASE, from, to)
}

fn edit_text(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

/// The changes as (kind, location, api impact, sdk impact), the parts each test pins down.
fn brief(old: &str, new: &str) -> Vec<(Kind, String, Impact, Impact)> {
    diff(old, new)
        .unwrap()
        .into_iter()
        .map(|c| (c.kind, c.location, c.api, c.sdk))
        .collect()
}

fn one(
    kind: Kind,
    location: &str,
    api: Impact,
    sdk: Impact,
) -> Vec<(Kind, String, Impact, Impact)> {
    vec![(kind, location.to_string(), api, sdk)]
}

#[test]
fn identical_specs_have_no_change() {
    assert_eq!(diff(BASE, BASE).unwrap(), vec![]);
}

#[test]
fn descriptions_examples_and_key_order_are_no_change() {
    let new = edit(
        "      description: Reads one contact.\n",
        "      description: Reads a contact.\n      summary: GetContact\n",
    );
    let new = edit_text(
        &new,
        "      description: A contact.\n",
        "      example: { MemberId: 1 }\n",
    );
    let new = edit_text(
        &new,
        "        MemberId: { type: integer, format: int64 }\n        FirstName",
        "        MemberId: { format: int64, type: integer, description: The id. }\n        FirstName",
    );
    assert_eq!(diff(BASE, &new).unwrap(), vec![]);
}

#[test]
fn an_id_moved_into_a_named_schema_is_no_change() {
    let new = edit(
        "        Campaign: { type: integer, format: int64 }\n",
        "        Campaign:\n          $ref: \"#/components/schemas/CampaignId\"\n",
    );
    let new = edit_text(
        &new,
        "        - name: campaignId\n          in: query\n          required: true\n          schema: { type: integer, format: int64 }\n",
        "        - name: campaignId\n          in: query\n          required: true\n          schema: { $ref: \"#/components/schemas/CampaignId\" }\n",
    );
    let new = edit_text(
        &new,
        "  schemas:\n",
        "  schemas:\n    CampaignId:\n      type: integer\n      format: int64\n      description: A campaign.\n",
    );
    assert_eq!(diff(BASE, &new).unwrap(), vec![]);
}

#[test]
fn all_of_with_the_same_fields_is_no_change_and_a_lost_field_is_found() {
    let old = edit(
        "    Payload:\n",
        "    ContactDetails:\n      type: object\n      required: [MemberId]\n      properties:\n        MemberId: { type: integer, format: int64 }\n        FirstName: { type: string, nullable: true }\n        Email: { type: string, nullable: true }\n        Campaign: { type: integer, format: int64 }\n        CampaignName: { type: string, nullable: true }\n    Payload:\n",
    );
    let old = edit_text(
        &old,
        "          description: The contact.\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/Contact\"\n",
        "          description: The contact.\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/ContactDetails\"\n",
    );
    let refactored = |extra: &str| {
        edit_text(
            &old,
            "    ContactDetails:\n      type: object\n      required: [MemberId]\n      properties:\n        MemberId: { type: integer, format: int64 }\n        FirstName: { type: string, nullable: true }\n        Email: { type: string, nullable: true }\n        Campaign: { type: integer, format: int64 }\n        CampaignName: { type: string, nullable: true }\n",
            &format!("    ContactDetails:\n      allOf:\n        - $ref: \"#/components/schemas/Contact\"\n        - type: object\n          properties:\n{extra}"),
        )
    };
    let same = refactored("            CampaignName: { type: string, nullable: true }\n");
    assert_eq!(diff(&old, &same).unwrap(), vec![]);

    let lost = refactored("            CampaignTitle: { type: string, nullable: true }\n");
    assert_eq!(
        brief(&old, &lost),
        vec![
            (
                Kind::FieldRemoved,
                "ContactDetails.CampaignName".into(),
                Breaking,
                Breaking
            ),
            (
                Kind::FieldAdded { required: false },
                "ContactDetails.CampaignTitle".into(),
                Additive,
                Additive
            ),
        ]
    );
}

#[test]
fn all_of_members_merge_their_required_lists_and_bounds() {
    let old = edit(
        "        Name: { type: string, minLength: 1, maxLength: 255 }\n",
        "        Name: { type: string, minLength: 1, maxLength: 255 }\n        Tag: { type: string, maxLength: 10 }\n",
    );
    let new = edit_text(
        &old,
        "        Tag: { type: string, maxLength: 10 }\n",
        "        Tag:\n          allOf:\n            - { type: string, maxLength: 20 }\n            - { maxLength: 10 }\n",
    );
    assert_eq!(diff(&old, &new).unwrap(), vec![]);
    let tighter = edit_text(
        &old,
        "        Tag: { type: string, maxLength: 10 }\n",
        "        Tag:\n          allOf:\n            - { type: string, maxLength: 20 }\n            - { maxLength: 5 }\n",
    );
    let changes = diff(&old, &tighter).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, Kind::ConstraintChanged);
    assert_eq!(changes[0].detail, "maxLength 10 -> 5");
    assert_eq!((changes[0].api, changes[0].sdk), (Breaking, Breaking));
}

#[test]
fn operation_added_removed_and_renamed() {
    let added = edit(
        "  /statistics:\n",
        "  /campaigns/start:\n    post:\n      operationId: startCampaign\n      responses:\n        \"200\":\n          description: Started.\n  /statistics:\n",
    );
    assert_eq!(
        brief(BASE, &added),
        // `Operation` is an exhaustive enum of both crates.
        one(Kind::OperationAdded, "startCampaign", Breaking, Breaking)
    );
    assert_eq!(
        brief(&added, BASE),
        one(Kind::OperationRemoved, "startCampaign", Breaking, Breaking)
    );

    let renamed = edit(
        "operationId: getStatistics",
        "operationId: getCampaignStatistics",
    );
    let changes = diff(BASE, &renamed).unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].kind, Kind::OperationIdChanged);
    assert_eq!(changes[0].detail, "getStatistics -> getCampaignStatistics");
    // Both crates name their methods, parameter structs and variants after it.
    assert_eq!((changes[0].api, changes[0].sdk), (Breaking, Breaking));
}

#[test]
fn parameters_added_optional_or_required_removed_and_made_required() {
    let optional = edit(
        "        - name: status\n",
        "        - name: updatedFrom\n          in: query\n          schema: { type: string, format: date-time }\n        - name: status\n",
    );
    // Positional arguments: the generated method gains one either way.
    assert_eq!(
        brief(BASE, &optional),
        one(
            Kind::ParameterAdded { required: false },
            "listContacts: parameter updatedFrom (query)",
            Breaking,
            Additive
        )
    );
    let required = optional.replace("          in: query\n          schema: { type: string, format: date-time }", "          in: query\n          required: true\n          schema: { type: string, format: date-time }");
    assert_eq!(
        brief(BASE, &required),
        one(
            Kind::ParameterAdded { required: true },
            "listContacts: parameter updatedFrom (query)",
            Breaking,
            Breaking
        )
    );
    assert_eq!(
        brief(&optional, BASE),
        one(
            Kind::ParameterRemoved,
            "listContacts: parameter updatedFrom (query)",
            Breaking,
            Breaking
        )
    );
    assert_eq!(
        brief(&optional, &required),
        one(
            Kind::ParameterRequiredChanged,
            "listContacts: parameter updatedFrom (query)",
            Breaking,
            Breaking
        )
    );
    assert_eq!(
        brief(&required, &optional),
        one(
            Kind::ParameterRequiredChanged,
            "listContacts: parameter updatedFrom (query)",
            Breaking,
            Additive
        )
    );
}

#[test]
fn a_path_level_parameter_counts_for_the_operation() {
    let new = edit(
        "      - name: memberId\n        in: path\n",
        "      - name: contactId\n        in: path\n",
    );
    assert_eq!(
        brief(BASE, &new),
        vec![
            (
                Kind::ParameterAdded { required: true },
                "getContact: parameter contactId (path)".into(),
                Breaking,
                Breaking
            ),
            (
                Kind::ParameterRemoved,
                "getContact: parameter memberId (path)".into(),
                Breaking,
                Breaking
            ),
        ]
    );
}

#[test]
fn request_fields_added_removed_and_made_required() {
    let optional = edit(
        "        Muted: { type: boolean, nullable: true }\n",
        "        Muted: { type: boolean, nullable: true }\n        Secret: { type: string }\n",
    );
    assert_eq!(
        brief(BASE, &optional),
        one(
            Kind::FieldAdded { required: false },
            "CreateWebhookRequest.Secret",
            Breaking,
            Additive
        )
    );
    let required = edit_text(
        &optional,
        "      required: [Name, Url]\n",
        "      required: [Name, Url, Secret]\n",
    );
    assert_eq!(
        brief(BASE, &required),
        one(
            Kind::FieldAdded { required: true },
            "CreateWebhookRequest.Secret",
            Breaking,
            Breaking
        )
    );
    assert_eq!(
        brief(&optional, &required),
        one(
            Kind::FieldRequiredChanged,
            "CreateWebhookRequest.Secret",
            Breaking,
            Breaking
        )
    );
    assert_eq!(
        brief(&required, &optional),
        one(
            Kind::FieldRequiredChanged,
            "CreateWebhookRequest.Secret",
            Breaking,
            Additive
        )
    );
    assert_eq!(
        brief(&optional, BASE),
        one(
            Kind::FieldRemoved,
            "CreateWebhookRequest.Secret",
            Breaking,
            Breaking
        )
    );
}

#[test]
fn a_nullable_request_field_made_required_must_now_be_sent() {
    let required = edit(
        "      required: [Name, Url]\n",
        "      required: [Name, Url, Muted]\n",
    );
    let changes = diff(BASE, &required).unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].kind, Kind::FieldRequiredChanged);
    assert_eq!(
        changes[0].detail,
        "optional, nullable -> required, nullable"
    );
    assert_eq!((changes[0].api, changes[0].sdk), (Breaking, Breaking));
    // Required and no longer nullable: `Option<bool>` becomes `bool`.
    let not_null = edit_text(
        &required,
        "        Muted: { type: boolean, nullable: true }\n",
        "        Muted: { type: boolean }\n",
    );
    assert_eq!(
        brief(&required, &not_null),
        one(
            Kind::NullableChanged,
            "CreateWebhookRequest.Muted",
            Breaking,
            Breaking
        )
    );
}

#[test]
fn a_response_field_added_is_additive_for_the_sdk_and_reported_once() {
    let new = edit(
        "        Email: { type: string, nullable: true }\n",
        "        Email: { type: string, nullable: true }\n        Company: { type: string, nullable: true }\n",
    );
    let changes = diff(BASE, &new).unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    let c = &changes[0];
    assert_eq!(c.kind, Kind::FieldAdded { required: false });
    assert_eq!(c.side, Side::Response);
    assert_eq!(c.location, "Contact.Company");
    // Two operations return `Contact`: one line names both.
    assert_eq!(
        c.operations.iter().map(String::as_str).collect::<Vec<_>>(),
        ["getContact", "listContacts"]
    );
    // Generated response types are `#[non_exhaustive]` (built with `Default`).
    assert_eq!((c.api, c.sdk), (Additive, Additive));
    assert_eq!(
        c.to_string(),
        "response field added (optional): Contact.Company [getContact, listContacts]"
    );
}

#[test]
fn response_fields_removed_made_optional_or_nullable() {
    let without = edit("        Campaign: { type: integer, format: int64 }\n", "");
    assert_eq!(
        brief(BASE, &without),
        one(Kind::FieldRemoved, "Contact.Campaign", Breaking, Breaking)
    );

    // Required -> may be missing: breaking for readers; the other way only for the generated
    // type (`Option<T>` becomes `T`).
    let optional_id = edit("      required: [MemberId]\n", "      required: []\n");
    assert_eq!(
        brief(BASE, &optional_id),
        one(
            Kind::FieldRequiredChanged,
            "Contact.MemberId",
            Breaking,
            Breaking
        )
    );
    assert_eq!(
        brief(&optional_id, BASE),
        one(
            Kind::FieldRequiredChanged,
            "Contact.MemberId",
            Breaking,
            Additive
        )
    );

    let nullable_id = edit(
        "        MemberId: { type: integer, format: int64 }\n        FirstName",
        "        MemberId: { type: integer, format: int64, nullable: true }\n        FirstName",
    );
    let changes = diff(BASE, &nullable_id).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, Kind::FieldRequiredChanged);
    assert_eq!(changes[0].detail, "required -> required, nullable");
    assert_eq!(changes[0].sdk, Breaking);

    // Optional either way: null was already possible to decode.
    let not_nullable = edit(
        "        Email: { type: string, nullable: true }\n",
        "        Email: { type: string }\n",
    );
    assert_eq!(
        brief(BASE, &not_nullable),
        one(Kind::NullableChanged, "Contact.Email", Additive, Additive)
    );
}

#[test]
fn type_and_format_changes_are_breaking() {
    let new = edit(
        "        Campaign: { type: integer, format: int64 }\n",
        "        Campaign: { type: string }\n",
    );
    let changes = diff(BASE, &new).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, Kind::TypeChanged);
    assert_eq!(changes[0].detail, "integer -> string");

    let wider = edit(
        "        Status: { type: integer, format: int32 }\n",
        "        Status: { type: integer, format: int64 }\n",
    );
    let changes = diff(BASE, &wider).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, Kind::FormatChanged);
    assert_eq!(changes[0].location, "StatusMessage.Status");
    assert_eq!(changes[0].detail, "int32 -> int64");
    assert_eq!((changes[0].api, changes[0].sdk), (Breaking, Breaking));
    assert_eq!(
        changes[0]
            .operations
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["createWebhook", "getContact"]
    );
}

#[test]
fn enum_values_added_and_removed() {
    // `Status` is a query parameter: callers send it.
    let more = edit(
        "      enum: [RUNNING, PAUSED]\n",
        "      enum: [RUNNING, PAUSED, STOPPED]\n",
    );
    let changes = diff(BASE, &more).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].kind, changes[0].side),
        (Kind::EnumValueAdded, Side::Request)
    );
    assert_eq!(changes[0].detail, "\"STOPPED\"");
    assert_eq!((changes[0].api, changes[0].sdk), (Additive, Additive));
    assert_eq!(
        brief(&more, BASE),
        one(Kind::EnumValueRemoved, "Status", Breaking, Breaking)
    );

    // Received: a value that no longer comes breaks no one (unknown values are kept anyway).
    let old = edit("        FirstName: { type: string, nullable: true }\n", "        FirstName: { type: string, nullable: true }\n        State:\n          $ref: \"#/components/schemas/Status\"\n");
    let fewer = edit_text(
        &old,
        "      enum: [RUNNING, PAUSED]\n",
        "      enum: [RUNNING]\n",
    );
    let changes = diff(&old, &fewer).unwrap();
    let received: Vec<_> = changes
        .iter()
        .filter(|c| c.side == Side::Response)
        .collect();
    assert_eq!(received.len(), 1);
    assert_eq!(
        (received[0].kind, received[0].api, received[0].sdk),
        (Kind::EnumValueRemoved, Additive, Additive)
    );
    let sent: Vec<_> = changes.iter().filter(|c| c.side == Side::Request).collect();
    assert_eq!(
        (sent[0].kind, sent[0].api, sent[0].sdk),
        (Kind::EnumValueRemoved, Breaking, Breaking)
    );
}

#[test]
fn length_limits_tightened_loosened_added() {
    let tighter = edit(
        "        Name: { type: string, minLength: 1, maxLength: 255 }\n",
        "        Name: { type: string, minLength: 1, maxLength: 127 }\n",
    );
    let changes = diff(BASE, &tighter).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].kind, changes[0].location.as_str()),
        (Kind::ConstraintChanged, "CreateWebhookRequest.Name")
    );
    assert_eq!(changes[0].detail, "maxLength 255 -> 127");
    assert_eq!((changes[0].api, changes[0].sdk), (Breaking, Breaking));
    assert_eq!(
        brief(&tighter, BASE),
        one(
            Kind::ConstraintChanged,
            "CreateWebhookRequest.Name",
            Additive,
            Additive
        )
    );
    // A first length limit turns the generated `String` into a validated newtype.
    let old = edit(
        "        Muted: { type: boolean, nullable: true }\n",
        "        Muted: { type: boolean, nullable: true }\n        Note: { type: string }\n",
    );
    let limited = edit_text(
        &old,
        "        Note: { type: string }\n",
        "        Note: { type: string, maxLength: 100 }\n",
    );
    assert_eq!(
        brief(&old, &limited),
        one(
            Kind::ConstraintChanged,
            "CreateWebhookRequest.Note",
            Breaking,
            Breaking
        )
    );
    assert_eq!(
        brief(&limited, &old),
        one(
            Kind::ConstraintChanged,
            "CreateWebhookRequest.Note",
            Breaking,
            Additive
        )
    );
}

#[test]
fn hosts_paths_and_methods() {
    let moved = edit(
        "  - url: https://mvc.example.com/api\n",
        "  - url: https://api.example.com/v1\n",
    );
    let changes = diff(BASE, &moved).unwrap();
    let kinds: Vec<Kind> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [Kind::HostChanged, Kind::ServerUrlChanged]);
    assert_eq!(
        changes[0]
            .operations
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["createWebhook", "getContact", "listContacts"],
        "getStatistics has its own server"
    );
    assert!(changes
        .iter()
        .all(|c| (c.api, c.sdk) == (Additive, Additive)));

    let third = edit(
        "security:\n",
        "  - url: https://eu.example.com/api\nsecurity:\n",
    );
    assert_eq!(
        brief(BASE, &third),
        one(Kind::ServerAdded, "servers", Breaking, Breaking)
    );

    let stats_host = edit(
        "        - url: https://app.example.com/api\n",
        "        - url: https://stats.example.com/api\n",
    );
    assert_eq!(
        brief(BASE, &stats_host),
        one(Kind::HostChanged, "operation host", Additive, Additive)
    );

    let path = edit("  /webhooks/create:\n", "  /webhooks/new:\n");
    assert_eq!(
        brief(BASE, &path),
        one(Kind::PathChanged, "createWebhook", Additive, Additive)
    );

    let method = edit(
        "  /webhooks/create:\n    post:\n",
        "  /webhooks/create:\n    put:\n",
    );
    let changes = diff(BASE, &method).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].kind, changes[0].detail.as_str()),
        (Kind::MethodChanged, "POST -> PUT")
    );

    // A read turned into a POST is retried like a write from then on.
    let read_post = edit("  /statistics:\n    get:\n", "  /statistics:\n    post:\n");
    let kinds: Vec<Kind> = diff(BASE, &read_post)
        .unwrap()
        .iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(kinds, [Kind::MethodChanged, Kind::ChangesStateChanged]);
}

#[test]
fn vendor_version_security_and_retry_marker() {
    let new = edit("  version: \"1.7\"\n", "  version: \"1.8\"\n");
    let new = edit_text(&new, "      operationId: createWebhook\n", "      operationId: createWebhook\n      x-salesflow-changes-state: false\n      security:\n        - token: []\n          accountId: []\n");
    let kinds: Vec<(Kind, String)> = diff(BASE, &new)
        .unwrap()
        .into_iter()
        .map(|c| (c.kind, c.detail))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                Kind::SecurityChanged,
                r#"[{"token":[]}] -> [{"accountId":[],"token":[]}]"#.to_string()
            ),
            (Kind::ChangesStateChanged, "true -> false".to_string()),
            (Kind::VendorVersionChanged, "1.7 -> 1.8".to_string()),
        ]
    );
}

#[test]
fn responses_added_with_a_known_schema_or_a_new_one() {
    let anchor = "        \"404\":\n          $ref: \"#/components/responses/NotFound\"\n";
    let known = edit(
        anchor,
        &format!("{anchor}        \"409\":\n          $ref: \"#/components/responses/NotFound\"\n"),
    );
    assert_eq!(
        brief(BASE, &known),
        one(
            Kind::ResponseAdded,
            "getContact: response 409",
            Additive,
            Additive
        )
    );
    let new_shape = edit(
        anchor,
        &format!("{anchor}        \"409\":\n          description: Conflict.\n          content:\n            application/json:\n              schema: {{ type: string }}\n"),
    );
    // Progenitor's error type changes when the error bodies differ.
    assert_eq!(
        brief(BASE, &new_shape),
        one(
            Kind::ResponseAdded,
            "getContact: response 409",
            Breaking,
            Additive
        )
    );
    // An operation that documented no error at all gains an error type.
    let first_error = edit(
        "                $ref: \"#/components/schemas/StatusMessage\"\n  /statistics:\n",
        "                $ref: \"#/components/schemas/StatusMessage\"\n        \"409\":\n          $ref: \"#/components/responses/NotFound\"\n  /statistics:\n",
    );
    assert_eq!(
        brief(BASE, &first_error),
        one(
            Kind::ResponseAdded,
            "createWebhook: response 409",
            Breaking,
            Additive
        )
    );
}

#[test]
fn unnamed_schemas_are_located_by_operation() {
    let new = edit("                  Total: { type: integer, format: int64 }\n", "                  Total: { type: integer, format: int64 }\n                  Elapsed: { type: number, format: double }\n");
    assert_eq!(
        brief(BASE, &new),
        one(
            Kind::FieldAdded { required: false },
            "getStatistics: response 200.Elapsed",
            Additive,
            Additive
        )
    );
}

#[test]
fn a_schema_no_operation_uses_is_compared_on_its_own() {
    let new = edit(
        "        MemberId: { type: integer, format: int64, nullable: true }\n",
        "        MemberId: { type: integer, format: int64, nullable: true }\n        Custom1: { type: string, nullable: true }\n",
    );
    let changes = diff(BASE, &new).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].kind, changes[0].location.as_str()),
        (Kind::FieldAdded { required: false }, "Payload.Custom1")
    );
    assert!(changes[0].operations.is_empty());

    let removed = edit("    Payload:\n      type: object\n      properties:\n        MemberId: { type: integer, format: int64, nullable: true }\n", "");
    assert_eq!(
        brief(BASE, &removed),
        one(Kind::SchemaRemoved, "Payload", Breaking, Breaking)
    );
}

#[test]
fn summary_takes_the_largest_impact_per_crate() {
    assert_eq!(summary(&[]), (None, None));
    let new = edit("        Email: { type: string, nullable: true }\n", "        Email: { type: string, nullable: true }\n        Company: { type: string, nullable: true }\n");
    let new = edit_text(
        &new,
        "      enum: [RUNNING, PAUSED]\n",
        "      enum: [RUNNING, PAUSED, STOPPED]\n",
    );
    let changes = diff(BASE, &new).unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(summary(&changes), (Some(Additive), Some(Additive)));
    // With a breaking change for one crate only, the summary says so per crate.
    let new = edit_text(
        &new,
        "        Muted: { type: boolean, nullable: true }
",
        "        Muted: { type: boolean, nullable: true }
        Tag: { type: string }
",
    );
    let changes = diff(BASE, &new).unwrap();
    assert_eq!(changes.len(), 3);
    assert_eq!(summary(&changes), (Some(Breaking), Some(Additive)));
    assert_eq!(Breaking.bump(0), "minor");
    assert_eq!(Additive.bump(0), "patch");
    assert_eq!(Breaking.bump(1), "major");
    assert_eq!(Additive.bump(2), "minor");
}

#[test]
fn unreadable_specs_are_errors() {
    assert!(diff("openapi: [unclosed", BASE)
        .unwrap_err()
        .0
        .starts_with("old spec: not YAML"));
    let dangling = edit(
        "$ref: \"#/components/schemas/CreateWebhookRequest\"",
        "$ref: \"#/components/schemas/Missing\"",
    );
    assert_eq!(
        diff(BASE, &dangling).unwrap_err().0,
        "new spec: `$ref: #/components/schemas/Missing` points at nothing"
    );
    // A key written twice: YAML values would keep one silently.
    let twice = edit(
        "      operationId: getContact\n",
        "      operationId: getContact\n      operationId: readContact\n",
    );
    let error = diff(BASE, &twice).unwrap_err().0;
    assert!(error.starts_with("new spec: not YAML"), "{error}");
    assert!(error.contains("duplicate"), "{error}");
    // What the generators cannot read either: a response without its `description`.
    let undescribed = edit("          description: The contact.\n", "");
    let error = diff(&undescribed, BASE).unwrap_err().0;
    assert!(
        error.starts_with("old spec: not an OpenAPI 3.0 document"),
        "{error}"
    );
    assert!(error.contains("description"), "{error}");
}

#[test]
fn a_recursive_schema_terminates() {
    let spec = edit(
        "        Campaign: { type: integer, format: int64 }\n",
        "        Campaign: { type: integer, format: int64 }\n        Referrer:\n          $ref: \"#/components/schemas/Contact\"\n",
    );
    assert_eq!(diff(&spec, &spec).unwrap(), vec![]);
}

const REAL: &str = include_str!("../../../spec/salesflow.yaml");

#[test]
fn the_real_spec_against_itself() {
    assert_eq!(diff(REAL, REAL).unwrap(), vec![]);
}

/// The refactor announced for the spec: `ContactDetails` as `allOf: [Contact, ...]` and ids
/// as `$ref`s to named schemas. The wire shape is the same, so nothing is reported.
/// The spec of release 0.1.0, before it was refactored with `allOf` and id schemas.
const SPEC_0_1_0: &str = include_str!("../../tests/fixtures/spec-0.1.0.yaml");

#[test]
fn the_real_spec_refactored_with_all_of_and_id_schemas_is_no_change() {
    let start = SPEC_0_1_0.find("    ContactDetails:\n").unwrap();
    let end = SPEC_0_1_0.find("    Campaign:\n").unwrap();
    let details = "    ContactDetails:
      description: A contact with its status and campaign.
      allOf:
        - $ref: \"#/components/schemas/Contact\"
        - type: object
          properties:
            Status:
              $ref: \"#/components/schemas/MemberStatus\"
            CampaignId:
              allOf:
                - $ref: \"#/components/schemas/CampaignId\"
              nullable: true
            CampaignName: { type: string, nullable: true }
    CampaignId:
      type: integer
      format: int64
      description: A campaign.
";
    let mut new = format!("{}{}{}", &SPEC_0_1_0[..start], details, &SPEC_0_1_0[end..]);
    new = edit_text(
        &new,
        "    campaignId:\n      name: campaignId\n      in: query\n      required: true\n      description: The campaign.\n      schema:\n        type: integer\n        format: int64\n",
        "    campaignId:\n      name: campaignId\n      in: query\n      required: true\n      description: The campaign.\n      schema:\n        $ref: \"#/components/schemas/CampaignId\"\n",
    );
    new = edit_text(
        &new,
        "      required: [CampaignId]\n      properties:\n        CampaignId: { type: integer, format: int64 }\n",
        "      required: [CampaignId]\n      properties:\n        CampaignId: { $ref: \"#/components/schemas/CampaignId\" }\n",
    );
    assert_eq!(diff(SPEC_0_1_0, &new).unwrap(), vec![]);

    // The same refactor with the nullable marker forgotten is caught.
    let forgot = new.replace(
        "            CampaignId:\n              allOf:\n                - $ref: \"#/components/schemas/CampaignId\"\n              nullable: true\n",
        "            CampaignId:\n              $ref: \"#/components/schemas/CampaignId\"\n",
    );
    let changes = diff(SPEC_0_1_0, &forgot).unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].location, "ContactDetails.CampaignId");
    assert_eq!(changes[0].kind, Kind::NullableChanged);
}

/// `BASE` with an open enum, `Level` (`anyOf: [{enum}, {type: string}]`, the spec's form for
/// values the vendor adds), received in `Contact.Level` and sent as `listContacts`' `level`.
fn with_open_enum(values: &str) -> String {
    let text = edit(
        "        Campaign: { type: integer, format: int64 }\n",
        "        Campaign: { type: integer, format: int64 }\n        Level:\n          $ref: \"#/components/schemas/Level\"\n",
    );
    let text = edit_text(
        &text,
        "    StatusMessage:\n      type: object\n",
        &format!(
            "    Level:\n      type: string\n      description: Known levels; others may come.\n      anyOf:\n        - enum: [{values}]\n        - type: string\n          description: A value added later.\n    StatusMessage:\n      type: object\n"
        ),
    );
    edit_text(
        &text,
        "        - name: status\n",
        "        - name: level\n          in: query\n          schema:\n            $ref: \"#/components/schemas/Level\"\n        - name: status\n",
    )
}

#[test]
fn a_value_added_to_an_open_enum_is_additive() {
    let old = with_open_enum("LOW, HIGH");
    let new = with_open_enum("LOW, HIGH, URGENT");
    let changes = diff(&old, &new).unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    for c in &changes {
        assert_eq!(c.kind, Kind::EnumValueAdded, "{c}");
        assert_eq!(c.location, "Level", "{c}");
        assert_eq!(c.detail, "\"URGENT\"", "{c}");
        assert_eq!((c.api, c.sdk), (Additive, Additive), "{c}");
    }
    let sides: BTreeSet<Side> = changes.iter().map(|c| c.side).collect();
    assert_eq!(sides, BTreeSet::from([Side::Request, Side::Response]));

    // Removed: refused when sent, harmless when received.
    let changes = diff(&new, &old).unwrap();
    let rated: BTreeSet<(Side, Kind, Impact, Impact)> = changes
        .iter()
        .map(|c| (c.side, c.kind, c.api, c.sdk))
        .collect();
    assert_eq!(
        rated,
        BTreeSet::from([
            (Side::Request, Kind::EnumValueRemoved, Breaking, Breaking),
            (Side::Response, Kind::EnumValueRemoved, Additive, Additive),
        ])
    );

    // Anything else about the members is still a change of variants: the open member's type,
    // or a third member.
    let other_type = edit_text(
        &old,
        "        - type: string\n          description: A value added later.\n",
        "        - type: integer\n          description: A value added later.\n",
    );
    let third = edit_text(
        &old,
        "          description: A value added later.\n",
        "          description: A value added later.\n        - type: integer\n",
    );
    for new in [other_type, third] {
        let changes = diff(&old, &new).unwrap();
        assert!(
            changes
                .iter()
                .any(|c| c.kind == Kind::VariantsChanged && (c.api, c.sdk) == (Breaking, Breaking)),
            "{changes:?}"
        );
    }
}

#[test]
fn the_real_specs_open_enums_take_a_value_as_additive() {
    // A new event code in `RunOn` (what the vendor's API 1.12 "Followup" will be).
    let spec = include_str!("../../../spec/salesflow.yaml");
    let listed = spec
        .lines()
        .find(|l| l.trim_start().starts_with("- enum: [1, 2, 7"))
        .expect("RunOn lists its codes as `- enum: [1, 2, 7...]`");
    let new = spec.replacen(listed, &listed.replace("[1, 2, 7", "[1, 2, 7, 9999"), 1);
    let changes = diff(spec, &new).unwrap();
    assert!(!changes.is_empty());
    for c in &changes {
        assert_eq!(c.kind, Kind::EnumValueAdded, "{c}");
        assert_eq!((c.api, c.sdk), (Additive, Additive), "{c}");
    }
}

/// One rating of the table: `breaking` or `additive`, the first word of the cell.
fn rating(cell: &str) -> Impact {
    match cell.split_whitespace().next() {
        Some("breaking") => Breaking,
        Some("additive") => Additive,
        other => panic!("RELEASING.md: a rating cell starts with {other:?}: `{cell}`"),
    }
}

/// BASE with an operation `startCampaign` added.
fn op_added() -> String {
    edit(
        "  /statistics:\n",
        "  /campaigns/start:\n    post:\n      operationId: startCampaign\n      responses:\n        \"200\":\n          description: Started.\n  /statistics:\n",
    )
}

/// BASE with an optional query parameter `updatedFrom` added.
fn optional_param() -> String {
    edit(
        "        - name: status\n",
        "        - name: updatedFrom\n          in: query\n          schema: { type: string, format: date-time }\n        - name: status\n",
    )
}

/// BASE with a required query parameter `accountId` added.
fn required_param() -> String {
    edit(
        "        - name: status\n",
        "        - name: accountId\n          in: query\n          required: true\n          schema: { type: integer, format: int64 }\n        - name: status\n",
    )
}

/// BASE with a request field `Note` added, required or not.
fn request_field(required: bool) -> String {
    let text = edit(
        "        Muted: { type: boolean, nullable: true }\n",
        "        Muted: { type: boolean, nullable: true }\n        Note: { type: string }\n",
    );
    if required {
        edit_text(
            &text,
            "required: [Name, Url]",
            "required: [Name, Url, Note]",
        )
    } else {
        text
    }
}

/// The spec changes that each row of RELEASING.md's table stands for, as (old, new) pairs.
fn table_cases(row: &str) -> Vec<(String, String)> {
    let base = BASE.to_string();
    let (op_added, optional_param, required_param) =
        (op_added(), optional_param(), required_param());
    let response_field = edit(
        "        Email: { type: string, nullable: true }\n",
        "        Email: { type: string, nullable: true }\n        Phone: { type: string, nullable: true }\n",
    );
    let pair = |new: String| (base.clone(), new);
    match row {
        "operation added" => vec![pair(op_added)],
        "optional request field added" => vec![pair(request_field(false))],
        "response field added" => vec![pair(response_field)],
        "optional parameter added" => vec![pair(optional_param)],
        "required parameter or request field added; operation, parameter or field removed; type or format changed" => vec![
            pair(required_param),
            pair(request_field(true)),
            (op_added.clone(), base.clone()),
            (optional_param.clone(), base.clone()),
            pair(edit("        Email: { type: string, nullable: true }\n", "")),
            pair(edit(
                "        Campaign: { type: integer, format: int64 }\n",
                "        Campaign: { type: string }\n",
            )),
            pair(edit(
                "        Campaign: { type: integer, format: int64 }\n",
                "        Campaign: { type: integer, format: int32 }\n",
            )),
        ],
        "response field may now be missing or `null`" => vec![
            pair(edit("      required: [MemberId]\n", "      required: []\n")),
            pair(edit(
                "        Total: { type: integer, format: int64 }\n",
                "        Total: { type: integer, format: int64, nullable: true }\n",
            )),
        ],
        "request limit tightened (`maxLength` down, a new `pattern`...)" => vec![
            pair(edit(
                "        Url: { type: string, minLength: 1, maxLength: 511 }\n",
                "        Url: { type: string, minLength: 1, maxLength: 255 }\n",
            )),
            pair(edit(
                "        Url: { type: string, minLength: 1, maxLength: 511 }\n",
                "        Url: { type: string, minLength: 1, maxLength: 511, pattern: '^https://' }\n",
            )),
        ],
        r#"enum value added, to a closed enum or an open one (`anyOf: [{enum: [...]}, {type: ...}]`; the enums keep unknown values)"# => vec![
            pair(edit(
                "      enum: [RUNNING, PAUSED]\n",
                "      enum: [RUNNING, PAUSED, STOPPED]\n",
            )),
            (with_open_enum("LOW"), with_open_enum("LOW, HIGH")),
        ],
        "enum value removed from what the client sends" => vec![pair(edit(
            "      enum: [RUNNING, PAUSED]\n",
            "      enum: [RUNNING]\n",
        ))],
        "enum value removed from what the client receives" => {
            let received = |values: &str| {
                edit_text(
                    &with_open_enum(values),
                    "        - name: level\n          in: query\n          schema:\n            $ref: \"#/components/schemas/Level\"\n",
                    "",
                )
            };
            vec![(received("LOW, HIGH"), received("LOW"))]
        }
        "host, path or method changed" => vec![
            pair(edit(
                "      servers:\n        - url: https://app.example.com/api\n",
                "      servers:\n        - url: https://mvc.example.com/api\n",
            )),
            pair(edit("  /statistics:\n", "  /campaigns/statistics:\n")),
            pair(edit(
                "  /statistics:\n    get:\n",
                "  /statistics:\n    post:\n",
            )),
        ],
        other => panic!(
            "RELEASING.md's rating table has a row this test does not know, `{other}`: add its \
             spec changes to `table_cases`"
        ),
    }
}

#[test]
fn releasing_md_table_matches_the_classifier() {
    let doc = include_str!("../../../RELEASING.md");
    let mut lines = doc
        .lines()
        .skip_while(|l| l.trim() != "| change | salesflow-api | salesflow |")
        .skip(2); // the header and the separator
    let mut rows = 0;
    for line in lines.by_ref().take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let [label, api, sdk] = cells.as_slice() else {
            panic!("RELEASING.md: a row of the rating table without three cells: `{line}`");
        };
        let want = (rating(api), rating(sdk));
        let cases = table_cases(label);
        assert!(!cases.is_empty(), "{label}");
        for (old, new) in cases {
            let changes = diff(&old, &new).unwrap();
            assert!(!changes.is_empty(), "`{label}`: the case changes nothing");
            let (api, sdk) = summary(&changes);
            assert_eq!(
                (api, sdk),
                (Some(want.0), Some(want.1)),
                "RELEASING.md says `{label}` is {want:?} (salesflow-api, salesflow); \
                 spec-diff says otherwise: {changes:#?}"
            );
        }
        rows += 1;
    }
    assert!(
        rows >= 10,
        "RELEASING.md's rating table not found or cut short ({rows} rows)"
    );
}
