//! Two demo exams that use the camera: one a candidate cannot start without a camera, one
//! they can (and the reviewer sees that it was missing). Both reuse the midterm's questions
//! and allow many attempts, so the camera can be tried again and again.

use super::SeededOrg;
use crate::error::AppError;
use crate::server::db::{self, exams::NewExam};
use crate::server::{new_id, now_ms};
use shared::exam_plan::CameraPolicy;
use sqlx::AnyPool;

pub const CAMERA_REQUIRED_TITLE: &str = "Camera Check — Camera Required";
pub const CAMERA_OPTIONAL_TITLE: &str = "Camera Check — Flagged Without a Camera";

pub(super) async fn seed_camera_exams(pool: &AnyPool, seeded: &SeededOrg) -> Result<(), AppError> {
    let now = now_ms();
    let bank_id: String = db::exams::find(pool, &seeded.exam_id)
        .await?
        .ok_or(AppError::Internal)?
        .bank_id;
    let mut tx = db::begin_write(pool).await?;
    let exams = [
        (
            CAMERA_REQUIRED_TITLE,
            "Three questions with camera proctoring. Faces are counted on your device; no image leaves it. Without a camera this exam cannot be started.",
            CameraPolicy::Required,
        ),
        (
            CAMERA_OPTIONAL_TITLE,
            "Three questions with camera proctoring. Faces are counted on your device; no image leaves it. Without a camera you may start, and the reviewer sees that it was unavailable.",
            CameraPolicy::FlagIfMissing,
        ),
    ];
    // Created after the midterm and the practice quiz, so the demo's first exam stays first.
    for (offset, (title, description, camera)) in (2..).zip(exams) {
        let exam_id = new_id();
        db::exams::insert(
            &mut *tx,
            NewExam {
                id: &exam_id,
                org_id: &seeded.org_id,
                bank_id: &bank_id,
                title,
                description,
                status: "ACTIVE",
                opens_at: now - 60 * 60 * 1000,
                closes_at: now + 30 * 24 * 60 * 60 * 1000,
                duration_minutes: 15,
                proctoring_enabled: true,
                sensitivity: "MEDIUM",
                show_results: "SCORE",
                randomize: false,
                max_attempts: 50,
                camera,
            },
            now + offset,
        )
        .await?;
        super::enroll_demo_candidates(&mut tx, &exam_id, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
