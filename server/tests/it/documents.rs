//! Drafts and documents as files, over HTTP on SQLite and PostgreSQL: a version as
//! Markdown, PDF attachments (checked, stored, served, removed), `.md` uploads.

use app::domain::authz::Role;
use app::ssr::agencies::store as agencies;
use app::ssr::attachments::store as attachments;
use app::ssr::consultations::store as consultations;
use app::ssr::db::testing::TestDb;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

use crate::common::*;

const GUIDELINE: &str = "e-participation-guideline";
const PDF_BYTES: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A signed-in staff member of the agency that runs the guideline.
async fn staff(server: &TestServer) -> reqwest::Client {
    let agency = agencies::by_slug(&server.test_db.db, "digital-government-authority")
        .await
        .expect("query")
        .expect("demo agency");
    let (_, secret) = person(
        &server.test_db.db,
        "staff@dga.example",
        &[Role::AgencyStaff(agency.id)],
        true,
    )
    .await;
    signed_in_client(server, "staff@dga.example", &secret).await
}

async fn post_multipart(
    server: &TestServer,
    client: &reqwest::Client,
    form: Form,
) -> reqwest::Response {
    client
        .post(server.url(&format!("/en/consultations/{GUIDELINE}/edit")))
        .multipart(form)
        .send()
        .await
        .expect("post")
}

async fn edit_csrf(server: &TestServer, client: &reqwest::Client) -> String {
    csrf_of(
        client,
        &server.url(&format!("/en/consultations/{GUIDELINE}/edit")),
    )
    .await
}

async fn guideline_attachments(server: &TestServer) -> Vec<attachments::Attachment> {
    let c = consultations::by_slug(&server.test_db.db, GUIDELINE)
        .await
        .expect("query")
        .expect("guideline");
    attachments::of_consultation(&server.test_db.db, c.id)
        .await
        .expect("attachments")
}

fn pdf_part(name: &str, bytes: &'static [u8], mime: &str) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .expect("mime")
}

http_tests! {
    async fn every_version_downloads_as_markdown_with_its_clause_ids(server, demo = true) {
        let res = server
            .get(&format!("/en/consultations/{GUIDELINE}/versions/1/markdown"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let headers = res.headers().clone();
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("text/markdown; charset=utf-8")
        );
        assert!(headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|d| d.contains(&format!("{GUIDELINE}-v1-en.md"))));
        let v1 = res.text().await.expect("body");
        let v2 = server
            .get(&format!("/ar/consultations/{GUIDELINE}/versions/2/markdown"))
            .await
            .text()
            .await
            .expect("body");
        // One marker per clause: 23 in version 1, 24 in version 2 (see the demo file).
        assert_eq!(v1.matches("{#").count(), 23, "{v1}");
        assert_eq!(v2.matches("{#").count(), 24, "{v2}");
        assert!(v2.chars().any(|c| ('\u{0600}'..='\u{06ff}').contains(&c)), "Arabic text");
        for missing in [
            format!("/en/consultations/{GUIDELINE}/versions/3/markdown"),
            "/en/consultations/no-such-thing/versions/1/markdown".to_owned(),
            // The open-data licence exists in Arabic only.
            "/en/consultations/open-data-licence/versions/1/markdown".to_owned(),
            // A version number that is malformed or unknown is no page either.
            format!("/en/consultations/{GUIDELINE}/versions/abc"),
            format!("/ar/consultations/{GUIDELINE}/versions/0"),
            format!("/en/consultations/{GUIDELINE}/versions/3"),
            format!("/en/consultations/{GUIDELINE}/versions/99999999999"),
        ] {
            assert_eq!(server.get(&missing).await.status(), StatusCode::NOT_FOUND, "{missing}");
        }
    }

    async fn staff_attach_a_pdf_that_everyone_can_read_and_then_remove_it(server, demo = true) {
        let client = staff(&server).await;
        let csrf = edit_csrf(&server, &client).await;
        let form = Form::new()
            .text("csrf", csrf.clone())
            .text("intent", "attach")
            .text("doc_title_ar", "الدراسة المرجعية")
            .text("doc_title_en", "")
            .part("file", pdf_part("C:\\drafts\\study\u{202e}fdp.pdf", PDF_BYTES, "application/pdf"));
        let res = post_multipart(&server, &client, form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), format!("/en/consultations/{GUIDELINE}/edit"));

        let stored = guideline_attachments(&server).await;
        assert_eq!(stored.len(), 1);
        let a = &stored[0];
        assert_eq!(a.file_name, "studyfdp.pdf", "path and bidi override removed");
        assert_eq!(a.size_bytes, PDF_BYTES.len() as i64);

        // Listed on the public page, in both languages, and served to anyone.
        for lang in ["ar", "en"] {
            let html = server
                .get(&format!("/{lang}/consultations/{GUIDELINE}"))
                .await
                .text()
                .await
                .expect("page");
            assert!(html.contains("الدراسة المرجعية"), "{lang}");
            assert!(html.contains(&format!("/attachments/{}/studyfdp.pdf", a.id)), "{lang}");
        }
        let res = server.get(&format!("/attachments/{}/studyfdp.pdf", a.id)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/pdf")
        );
        assert_eq!(
            res.headers().get("x-content-type-options").and_then(|v| v.to_str().ok()),
            Some("nosniff")
        );
        for (name, value) in [
            ("content-security-policy", "sandbox"),
            ("cross-origin-resource-policy", "same-origin"),
            ("cross-origin-opener-policy", "same-origin"),
        ] {
            assert_eq!(res.headers().get(name).and_then(|v| v.to_str().ok()), Some(value), "{name}");
        }
        assert_eq!(res.bytes().await.expect("bytes").as_ref(), PDF_BYTES);
        // Streamed from the file, with ranges for readers that fetch a part.
        let part = server
            .client
            .get(server.url(&format!("/attachments/{}/studyfdp.pdf", a.id)))
            .header("range", "bytes=0-7")
            .send()
            .await
            .expect("range");
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.bytes().await.expect("bytes").as_ref(), &PDF_BYTES[..8]);
        let file = app::ssr::attachments::service::path_of(server.data_dir.path(), &a.sha256);
        assert!(file.exists());

        let form = Form::new()
            .text("csrf", csrf)
            .text("intent", "detach")
            .text("attachment", a.id.to_string());
        let res = post_multipart(&server, &client, form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(guideline_attachments(&server).await.is_empty());
        assert!(!file.exists(), "the file goes with its last attachment");
        let gone = server.get(&format!("/attachments/{}/studyfdp.pdf", a.id)).await;
        assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    }

    async fn a_file_that_is_not_a_pdf_is_refused_with_the_titles_kept(server, demo = true) {
        let client = staff(&server).await;
        let csrf = edit_csrf(&server, &client).await;
        let form = Form::new()
            .text("csrf", csrf.clone())
            .text("intent", "attach")
            .text("doc_title_ar", "")
            .text("doc_title_en", "Survey results")
            .part(
                "file",
                pdf_part("results.pdf", b"<svg onload=alert(1)>", "application/pdf"),
            );
        let res = post_multipart(&server, &client, form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("page");
        assert!(html.contains("Only PDF files are accepted"), "translated message");
        assert!(html.contains(r#"value="Survey results""#), "title kept");
        assert!(guideline_attachments(&server).await.is_empty());

        // No file chosen at all.
        let form = Form::new().text("csrf", csrf).text("intent", "attach");
        let res = post_multipart(&server, &client, form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.expect("page").contains("Choose a file to upload"));
    }

    async fn a_markdown_upload_that_is_not_text_keeps_what_was_typed(server, demo = true) {
        let client = staff(&server).await;
        let csrf = edit_csrf(&server, &client).await;
        let form = Form::new()
            .text("csrf", csrf)
            .text("intent", "save")
            .text("title_en", "A title typed before the upload")
            .part(
                "draft_ar_file",
                Part::bytes(&[0xff_u8, 0xfe, 0x00, 0xd8][..])
                    .file_name("draft.md")
                    .mime_str("text/markdown")
                    .expect("mime"),
            );
        let res = post_multipart(&server, &client, form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.expect("page");
        assert!(html.contains("The file is not UTF-8 text"));
        assert!(html.contains("A title typed before the upload"));
    }

    async fn only_the_agency_staff_may_attach(server, demo = true) {
        let (_, secret) = person(&server.test_db.db, "citizen@example.org", &[], false).await;
        let client = signed_in_client(&server, "citizen@example.org", &secret).await;
        let csrf = edit_csrf(&server, &client).await;
        let form = Form::new()
            .text("csrf", csrf)
            .text("intent", "attach")
            .part("file", pdf_part("a.pdf", PDF_BYTES, "application/pdf"));
        let res = post_multipart(&server, &client, form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(guideline_attachments(&server).await.is_empty());
        assert!(!server.data_dir.path().join("attachments").exists());
    }
}
